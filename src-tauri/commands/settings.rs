//! App settings the user changes from the window: where videos are saved.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use super::{blocking, pick};
use crate::error::{Error, Result};
use crate::jobs::{self, Jobs};
use crate::settings::{check_video_dir, Settings};
use crate::state::AppState;

const CHOOSE_FOLDER_TITLE: &str = "Choose where Veo Desk saves your videos";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoFolder {
    /// Where the next video is saved.
    path: PathBuf,
    is_default: bool,
}

#[tauri::command]
pub fn video_folder(state: State<'_, Arc<AppState>>, jobs: State<'_, Jobs>) -> VideoFolder {
    describe(&state, jobs.video_dir())
}

/// Asks for a folder; videos downloaded from now on are saved there. `None` when the
/// user cancelled.
#[tauri::command]
pub async fn choose_video_folder(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
) -> Result<Option<VideoFolder>> {
    let start = jobs.video_dir();
    let dialog_app = app.clone();
    let picked =
        blocking(move || Ok(pick::folder(&dialog_app, CHOOSE_FOLDER_TITLE, &start))).await?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let dir = blocking(move || check_video_dir(&picked)).await?;
    // A damaged settings file is replaced by this choice.
    let mut settings = Settings::load(&state.dirs).unwrap_or_default();
    settings.video_dir = Some(dir.clone());
    settings.save(&state.dirs)?;
    // Inline playback reads the file through the asset protocol.
    app.asset_protocol_scope()
        .allow_directory(&dir, true)
        .map_err(|e| {
            Error::internal(format!(
                "the new folder could not be opened to the window: {e}"
            ))
        })?;
    jobs.set_video_dir(dir.clone());
    Ok(Some(describe(&state, dir)))
}

fn describe(state: &AppState, path: PathBuf) -> VideoFolder {
    VideoFolder {
        is_default: path == jobs::default_video_dir(&state.dirs),
        path,
    }
}
