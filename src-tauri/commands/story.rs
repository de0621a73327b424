//! The story: its shots in the order the film plays them, shots still to make and
//! *Make the missing shots* (`veo_desk_core::story`), and *Export film*, one MP4 joined
//! without re-encoding (`jobs::film`).

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use super::jobs::{active_profile, GenerateRequest};
use super::{blocking, pick};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::jobs::file_name::free_path;
use crate::jobs::{film, JobRow, JobStatus, Jobs, StoryShot};
use crate::media::{Run, StitchReport};
use crate::problem::Problem;
use crate::state::AppState;
use crate::texts;

const EXPORT_TITLE: &str = "Save the film";
/// Tells the window the story changed without it asking (a shot was made).
pub const STORY_CHANGED: &str = "story-changed";

#[tauri::command]
pub fn story(jobs: State<'_, Jobs>) -> Result<Vec<StoryShot>> {
    jobs.store().story()
}

/// Puts the story's shots in this order (by shot id); those left out are taken out.
#[tauri::command]
pub fn set_story(jobs: State<'_, Jobs>, ids: Vec<String>) -> Result<Vec<StoryShot>> {
    jobs.store().set_story(&ids)
}

/// *Add to story* on a saved video's card.
#[tauri::command]
pub fn add_to_story(jobs: State<'_, Jobs>, id: String) -> Result<Vec<StoryShot>> {
    jobs.store().add_to_story(&id)
}

/// The form's prompt and settings as a shot still to make, checked as a video would
/// be (so a typo shows now, not when its turn comes); its picture is copied into the
/// story's folder.
#[tauri::command]
pub async fn plan_shot(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    request: GenerateRequest,
    continues_previous: bool,
) -> Result<Vec<StoryShot>> {
    let state = Arc::clone(&state);
    let plan = blocking(move || {
        let plan = request.into_plan();
        Desk::prepare(&state, plan.input())?;
        plan.keep_pictures(&state.dirs.story_pictures())
    })
    .await?;
    jobs.store().plan_shot(&plan, continues_previous)
}

/// Whether a planned shot starts from the last frame of the shot before.
#[tauri::command]
pub fn set_shot_continues(
    jobs: State<'_, Jobs>,
    id: String,
    continues: bool,
) -> Result<Vec<StoryShot>> {
    jobs.store().set_continues_previous(&id, continues)
}

/// *Make the missing shots* on the active gateway: those whose turn has come are sent
/// now, the others as the shots they continue are saved. Returns how many are asked for.
#[tauri::command]
pub async fn make_missing_shots(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
) -> Result<usize> {
    let profile = active_profile(&state)?;
    let desk = Desk::new(&state, &jobs);
    desk.check(&profile).await?;
    let asked = jobs.store().make_missing(&profile.id)?;
    desk.make_story_turns().await?;
    Ok(asked)
}

/// How the story's shots group into runs that join as they are (one when all do).
#[tauri::command]
pub async fn film_plan(jobs: State<'_, Jobs>) -> Result<Vec<Run>> {
    let shots = film::saved_shots(&jobs.store().story()?)?;
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
    let story = jobs.store().story()?;
    if story.is_empty() {
        return Err(Error::invalid_input(Problem::new(texts::STORY_EMPTY)));
    }
    let mut story = film::saved_shots(&story)?;
    if let Some(run) = shots {
        story = story.get(run).map(<[JobRow]>::to_vec).unwrap_or_default();
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

/// Makes story shots as their turns come: at start (turns left by a closed app), and
/// whenever a job the story holds is saved or ends without a video.
pub fn follow_story(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut changes = app.state::<Jobs>().subscribe();
        take_turns(&app).await;
        loop {
            match changes.recv().await {
                Ok(job) if ends_a_turn(&app, &job) => take_turns(&app).await,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => take_turns(&app).await,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

fn ends_a_turn(app: &AppHandle, job: &JobRow) -> bool {
    let ended = job.status == JobStatus::Downloaded || job.status.ended_without_video();
    ended
        && app.state::<Jobs>().store().story().is_ok_and(|shots| {
            shots
                .iter()
                .any(|s| s.job.as_ref().is_some_and(|j| j.id == job.id))
        })
}

async fn take_turns(app: &AppHandle) {
    let state = app.state::<Arc<AppState>>();
    let jobs = app.state::<Jobs>();
    match Desk::new(&state, &jobs).make_story_turns().await {
        Ok(_) => {}
        Err(e) => crate::logs::warn(format!("story shots not made: {e}")),
    }
    let _ = app.emit(STORY_CHANGED, ());
}
