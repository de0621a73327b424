//! Making videos: submit from the form, list the history, act on a card.
//! Job state reaches the UI as `job-changed` events carrying the stored row.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use tauri::State;

use super::blocking;
use crate::error::{Error, Result};
use crate::gateway::Catalog;
use crate::images::Focus;
use crate::jobs::request::{self, ImageChoice, JobInput};
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
    if request.prompt.trim().is_empty() {
        return Err(Error::invalid_input(
            "Type a prompt first: describe the video you want.",
        ));
    }
    Catalog::builtin().validate(&request.model, &request.seconds, &request.size)?;
    let profile = state
        .profiles()?
        .active()
        .cloned()
        .ok_or_else(|| Error::invalid_input("Connect a gateway first."))?;
    // Checks the key (or starts the demo) before anything is stored.
    state.client_for(&profile).await?;

    let cache = super::images::thumbnail_cache_dir(&state);
    let input = request.into_input();
    let prepared = blocking(move || request::prepare(input, &Catalog::builtin(), &cache)).await?;
    jobs.submit(&profile.id, prepared.request, prepared.reference_thumb)
        .await
}

impl GenerateRequest {
    fn into_input(self) -> JobInput {
        JobInput {
            prompt: self.prompt,
            model: self.model,
            seconds: self.seconds,
            size: self.size,
            image: self.reference.map(|choice| ImageChoice {
                path: choice.path,
                fit: choice.fit,
                focus: Focus::new(choice.focus_x, choice.focus_y),
            }),
            extra_fields: Vec::new(),
        }
    }
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
