//! Reference-image commands. Each one runs the core off the IPC thread; the
//! thumbnail cache lives in the app's cache folder.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::ipc::{InvokeBody, Request};
use tauri::{State, WebviewWindow};

use super::{blocking, pick};
use crate::error::{Error, Result};
use crate::images::{
    self, Focus, PrepareOptions, PreparedPreview, Preparer, Probe, ThumbnailPreview, KEEP_DECODED,
};
use crate::problem::Problem;
use crate::state::AppState;
use crate::texts;

/// Format, upright size and file size, from the header only.
#[tauri::command]
pub async fn probe_image(path: PathBuf) -> Result<Probe> {
    blocking(move || images::probe(&path)).await
}

/// A small upright preview (long edge 512) as a `data:` URL.
#[tauri::command]
pub async fn image_thumbnail(
    state: State<'_, Arc<AppState>>,
    path: PathBuf,
) -> Result<ThumbnailPreview> {
    let cache = state.dirs.thumbnails();
    blocking(move || Ok(images::thumbnail(&path, &cache)?.to_preview())).await
}

/// The exact picture that would be uploaded, with its size and crop frame; `None`
/// when a newer request (the frame moved again) replaced this one.
#[tauri::command]
pub async fn prepare_reference(
    preparer: State<'_, Arc<Preparer>>,
    path: PathBuf,
    size: String,
    fit: Option<String>,
    focus_x: Option<f64>,
    focus_y: Option<f64>,
) -> Result<Option<PreparedPreview>> {
    let ticket = preparer.ticket();
    let options = PrepareOptions {
        aspect: size.parse()?,
        fit: fit
            .as_deref()
            .map(str::parse)
            .transpose()?
            .unwrap_or_default(),
        focus: Focus::new(focus_x, focus_y),
    };
    let worker = Arc::clone(&preparer);
    let prepared = blocking(move || worker.prepare(ticket, &path, &options)).await;
    // The decoded picture is worth keeping while the frame moves, not for long after.
    let preparer = Arc::clone(&preparer);
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(KEEP_DECODED).await;
        preparer.forget_if_idle(KEEP_DECODED);
    });
    Ok(prepared?.map(|p| p.to_preview()))
}

/// Keeps a pasted (or picked) picture as a file and returns its path for the commands above.
/// The UI sends the bytes as the raw body: `invoke('save_pasted_image', uint8Array)`.
#[tauri::command]
pub async fn save_pasted_image(
    state: State<'_, Arc<AppState>>,
    request: Request<'_>,
) -> Result<PathBuf> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::invalid_input(Problem::new(
            texts::PASTE_WITHOUT_PICTURE,
        )));
    };
    let bytes = bytes.clone();
    let dir = state.dirs.form_pictures();
    blocking(move || images::save_pasted(&bytes, &dir)).await
}

/// The system's file dialog for a reference image; `None` when cancelled. It runs
/// from Rust, so the window needs no file-system permission: it only learns the
/// path the user chose.
#[tauri::command]
pub async fn pick_reference_image(window: WebviewWindow) -> Result<Option<PathBuf>> {
    blocking(move || pick::image(&window, "Choose a reference image")).await
}
