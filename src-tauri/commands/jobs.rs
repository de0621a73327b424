//! Making videos: submit from the form, list the history, act on a card.
//! Job state reaches the UI as `job-changed` events carrying the stored row.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use tauri::State;

use super::blocking;
use crate::error::{Error, Result};
use crate::gateway::{ReferenceImage, SubmitRequest};
use crate::images::{self, Focus, PrepareOptions};
use crate::jobs::{Cursor, GatewayDeletion, JobRow, Jobs, ListQuery, Page};
use crate::state::AppState;

/// What the user asked for in the form.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateRequest {
    prompt: String,
    model: String,
    seconds: String,
    size: String,
    reference: Option<ReferenceChoice>,
    /// Advanced fields, forwarded to gateways that accept them.
    #[serde(default)]
    extra: Vec<(String, String)>,
}

/// The picked picture and how it is fitted, exactly as the preview showed it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceChoice {
    path: PathBuf,
    fit: Option<String>,
    focus_x: Option<f64>,
    focus_y: Option<f64>,
}

/// Stores the job, sends it once, and returns the stored row. Failures of the
/// gateway come back as a failed row with the gateway's words, not as an error.
#[tauri::command]
pub async fn submit_job(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    request: GenerateRequest,
) -> Result<JobRow> {
    let prompt = request.prompt.trim().to_string();
    if prompt.is_empty() {
        return Err(Error::invalid_input(
            "Type a prompt first: describe the video you want.",
        ));
    }
    let catalog = super::settings::catalog(&state)?;
    catalog.validate(&request.model, &request.seconds, &request.size)?;
    crate::settings::check_extra_fields(&request.extra)?;
    let profile = state
        .profiles()?
        .active()
        .cloned()
        .ok_or_else(|| Error::invalid_input("Connect a gateway first."))?;
    // Checks the key (or starts the demo) before anything is stored.
    state.client_for(&profile).await?;

    let (input_reference, thumb) = match request.reference {
        Some(choice) => {
            let cache = super::images::thumbnail_cache_dir(&state);
            let size = request.size.clone();
            let (image, thumb) = blocking(move || reference_image(&choice, &size, &cache)).await?;
            (Some(image), Some(thumb))
        }
        None => (None, None),
    };
    let submit = SubmitRequest {
        prompt,
        model: request.model,
        seconds: request.seconds,
        size: request.size,
        input_reference,
        extra_fields: request
            .extra
            .into_iter()
            .map(|(key, value)| (key.trim().to_string(), value))
            .collect(),
    };
    jobs.submit(&profile.id, submit, thumb).await
}

/// The picture as it will be sent, and a small thumbnail for the card.
fn reference_image(
    choice: &ReferenceChoice,
    size: &str,
    cache: &Path,
) -> Result<(ReferenceImage, String)> {
    let options = PrepareOptions {
        aspect: size.parse()?,
        fit: choice
            .fit
            .as_deref()
            .map(str::parse)
            .transpose()?
            .unwrap_or_default(),
        focus: Focus::new(choice.focus_x, choice.focus_y),
    };
    let prepared = images::prepare_reference(&choice.path, &options)?;
    let thumb = images::thumbnail(&choice.path, cache)?
        .to_preview()
        .data_url;
    let image = ReferenceImage {
        bytes: prepared.bytes,
        file_name: prepared.file_name,
        mime: prepared.mime.to_string(),
    };
    Ok((image, thumb))
}

/// Newest first, a page at a time; `text` searches the prompts.
#[tauri::command]
pub async fn list_jobs(
    jobs: State<'_, Jobs>,
    after: Option<Cursor>,
    text: Option<String>,
) -> Result<Page> {
    let query = ListQuery {
        after,
        text: text.filter(|t| !t.trim().is_empty()),
        ..Default::default()
    };
    let store = jobs.store().clone();
    blocking(move || store.list(&query)).await
}

#[tauri::command]
pub fn retry_download(jobs: State<'_, Jobs>, id: String) -> Result<JobRow> {
    jobs.retry_download(&id)
}

/// Removes a job from the history; the saved video stays on disk.
#[tauri::command]
pub async fn delete_job(
    jobs: State<'_, Jobs>,
    id: String,
    on_gateway: bool,
) -> Result<GatewayDeletion> {
    jobs.delete(&id, on_gateway).await
}

/// Opens the folder that holds the job's video.
#[tauri::command]
pub async fn reveal_job(jobs: State<'_, Jobs>, id: String) -> Result<()> {
    let row = jobs.store().require(&id)?;
    let file = row
        .file_path
        .ok_or_else(|| Error::invalid_input("This video is not saved yet."))?;
    let folder = Path::new(&file)
        .parent()
        .ok_or_else(|| Error::invalid_input("This video has no folder."))?
        .to_path_buf();
    blocking(move || open_folder(&folder)).await
}

fn open_folder(folder: &Path) -> Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(folder)
        .spawn()
        .map(|_| ())
        .map_err(|e| Error::io(format!("open {}", folder.display()), e))
}
