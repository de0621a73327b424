//! Reference-image commands. Each one runs the core off the IPC thread; the
//! thumbnail cache lives in the app's cache folder.

use std::path::PathBuf;

use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, Runtime};

use super::blocking;
use crate::error::{Error, Result};
use crate::images::{self, Focus, PrepareOptions, PreparedPreview, Probe, ThumbnailPreview};

/// Format, upright size and file size, from the header only.
#[tauri::command]
pub async fn probe_image(path: PathBuf) -> Result<Probe> {
    blocking(move || images::probe(&path)).await
}

/// A small upright preview (long edge 512) as a `data:` URL.
#[tauri::command]
pub async fn image_thumbnail<R: Runtime>(
    app: AppHandle<R>,
    path: PathBuf,
) -> Result<ThumbnailPreview> {
    let cache = thumbnail_cache_dir(&app)?;
    blocking(move || Ok(images::thumbnail(&path, &cache)?.to_preview())).await
}

/// The exact picture that would be uploaded, with its size and crop frame.
#[tauri::command]
pub async fn prepare_reference(
    path: PathBuf,
    size: String,
    fit: Option<String>,
    focus_x: Option<f64>,
    focus_y: Option<f64>,
) -> Result<PreparedPreview> {
    let options = PrepareOptions {
        aspect: size.parse()?,
        fit: fit
            .as_deref()
            .map(str::parse)
            .transpose()?
            .unwrap_or_default(),
        focus: Focus::new(focus_x, focus_y),
    };
    blocking(move || Ok(images::prepare_reference(&path, &options)?.to_preview())).await
}

/// Keeps a pasted picture as a file and returns its path for the commands above.
/// The UI sends the bytes as the raw body: `invoke('save_pasted_image', uint8Array)`.
#[tauri::command]
pub async fn save_pasted_image<R: Runtime>(
    app: AppHandle<R>,
    request: Request<'_>,
) -> Result<PathBuf> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(Error::invalid_input(
            "The paste carried no picture. Copy an image and paste again.",
        ));
    };
    let bytes = bytes.clone();
    let dir = app_cache_dir(&app)?.join("pasted");
    blocking(move || images::save_pasted(&bytes, &dir)).await
}

fn thumbnail_cache_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf> {
    Ok(app_cache_dir(app)?.join("thumbnails"))
}

fn app_cache_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf> {
    app.path()
        .app_cache_dir()
        .map_err(|e| Error::internal(format!("no cache folder: {e}")))
}
