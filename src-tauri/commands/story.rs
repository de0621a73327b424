//! The story: saved shots in the order the film plays them, and *Export film*, one
//! MP4 joined without re-encoding (`jobs::film`).

use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State};

use super::{blocking, pick};
use crate::error::{Error, Result};
use crate::jobs::file_name::free_path;
use crate::jobs::{film, JobRow, Jobs};
use crate::media::{Run, StitchReport};
use crate::problem::Problem;
use crate::texts;

const EXPORT_TITLE: &str = "Save the film";

#[tauri::command]
pub fn story(jobs: State<'_, Jobs>) -> Result<Vec<JobRow>> {
    jobs.store().story()
}

/// Makes the story these shots, in this order; returns it as stored.
#[tauri::command]
pub fn set_story(jobs: State<'_, Jobs>, ids: Vec<String>) -> Result<Vec<JobRow>> {
    jobs.store().set_story(&ids)
}

/// How the story's shots group into runs that join as they are (one when all do).
#[tauri::command]
pub async fn film_plan(jobs: State<'_, Jobs>) -> Result<Vec<Run>> {
    let shots = jobs.store().story()?;
    blocking(move || film::plan(&shots)).await
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct FilmExport {
    path: PathBuf,
    film: StitchReport,
}

/// *Export film*: asks where, then joins the story's shots (only those in `shots`,
/// a run of them, when given) into one film. `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_film(
    app: AppHandle,
    jobs: State<'_, Jobs>,
    shots: Option<Range<usize>>,
) -> Result<Option<FilmExport>> {
    let mut story = jobs.store().story()?;
    if let Some(run) = shots {
        story = story.get(run).map(<[JobRow]>::to_vec).unwrap_or_default();
    }
    if story.is_empty() {
        return Err(Error::invalid_input(Problem::new(texts::STORY_EMPTY)));
    }
    let suggested = free_path(&jobs.video_dir(), "Story.mp4");
    let picked = blocking(move || Ok(pick::save_video(&app, EXPORT_TITLE, &suggested))).await?;
    let Some(path) = picked else {
        return Ok(None);
    };
    blocking(move || {
        let film = film::export(&story, &path)?;
        Ok(Some(FilmExport { path, film }))
    })
    .await
}
