//! Making videos: submit from the form, list the history, act on a card.
//! Job state reaches the UI as `job-changed` events carrying the stored row.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::{blocking, pick};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::gateway::exchange::Exchange;
use crate::gateway::UploadWatch;
use crate::images::ThumbnailPreview;
use crate::jobs::continuation::{continuation, Continuation};
use crate::jobs::estimate::{self, TimeEstimate};
use crate::jobs::request::{JobInput, Prepared};
use crate::jobs::{
    Cursor, GatewayDeletion, JobRow, JobStatus, Jobs, ListQuery, Page, PlannedPicture, Removal,
    ShotPlan,
};
use crate::paths::{at, io_error};
use crate::playback::{playable_file, VideoSource};
use crate::problem::Problem;
use crate::profiles::Profile;
use crate::state::AppState;
use crate::texts;

const SAVE_AS_TITLE: &str = "Save a copy of the video";

/// What the user asked for in the form.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct GenerateRequest {
    prompt: String,
    model: String,
    seconds: String,
    size: String,
    /// The first frame.
    reference: Option<ReferenceChoice>,
    /// The frame the video ends on, where the model takes one.
    #[serde(default)]
    last_frame: Option<ReferenceChoice>,
    /// Pictures of a character or thing to keep, where the model takes them.
    #[serde(default)]
    reference_images: Vec<ReferenceChoice>,
    /// Advanced fields, forwarded to gateways that accept them.
    #[serde(default)]
    extra: Vec<(String, String)>,
    /// The job whose last frame is the picture ("Continue this shot").
    #[serde(default)]
    continues: Option<String>,
}

/// The picked picture and how it is fitted, exactly as the preview showed it.
#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct ReferenceChoice {
    path: PathBuf,
    fit: Option<String>,
    focus_x: Option<f64>,
    focus_y: Option<f64>,
}

/// How much of the reference image has gone out, streamed to the form while it uploads.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UploadUpdate {
    sent: u64,
    total: u64,
}

/// Uploads under way, by the id the window gave them, so the window can stop one.
#[derive(Default)]
pub struct Uploads(Mutex<HashMap<String, UploadWatch>>);

impl Uploads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, UploadWatch>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Forgets an upload however its submit ends.
struct Registered<'a> {
    uploads: &'a Uploads,
    id: String,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.uploads.lock().remove(&self.id);
    }
}

/// Stores the job, sends it once, and returns the stored row. Failures of the
/// gateway come back as a failed row with the gateway's words, not as an error.
/// `upload_id` names this upload for [`stop_upload`].
#[tauri::command]
pub async fn submit_job(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    uploads: State<'_, Uploads>,
    request: GenerateRequest,
    upload_id: String,
    on_upload: Channel<UploadUpdate>,
) -> Result<JobRow> {
    let prepared = prepare(&state, request.into_input()).await?;
    let profile = active_profile(&state)?;
    // A closed window simply stops listening; the upload goes on.
    let watch = UploadWatch::new(move |sent, total| {
        let _ = on_upload.send(UploadUpdate { sent, total });
    });
    uploads.lock().insert(upload_id.clone(), watch.clone());
    let _registered = Registered {
        uploads: &uploads,
        id: upload_id,
    };
    Desk::new(&state, &jobs)
        .submit(&profile, prepared, Some(watch))
        .await
}

/// What the user typed, checked and its picture prepared, off the async threads.
pub(super) async fn prepare(state: &Arc<AppState>, input: JobInput) -> Result<Prepared> {
    let state = Arc::clone(state);
    blocking(move || Desk::prepare(&state, input)).await
}

/// Stops an upload before the gateway has the whole request. `false` when it is too
/// late (everything went out, or the submit already ended): then the job goes on.
#[tauri::command]
pub fn stop_upload(uploads: State<'_, Uploads>, upload_id: String) -> bool {
    let watch = uploads.lock().get(&upload_id).cloned();
    watch.is_some_and(|w| w.stop())
}

/// The gateway new jobs go to; the desk checks it can take them before storing any.
pub(super) fn active_profile(state: &AppState) -> Result<Profile> {
    state
        .profiles()?
        .active()
        .cloned()
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::CONNECT_GATEWAY_FIRST)))
}

impl GenerateRequest {
    /// The form as a story shot still to make.
    pub(super) fn into_plan(self) -> ShotPlan {
        ShotPlan {
            prompt: self.prompt,
            model: self.model,
            seconds: self.seconds,
            size: self.size,
            extra_fields: self.extra,
            picture: self.reference.map(PlannedPicture::from),
            last_frame: self.last_frame.map(PlannedPicture::from),
            reference_images: (self.reference_images.into_iter())
                .map(PlannedPicture::from)
                .collect(),
        }
    }

    /// The form as a job to send now: the plan's input, and the shot it continues.
    fn into_input(mut self) -> JobInput {
        let continues = self.continues.take();
        JobInput {
            continues,
            ..self.into_plan().input()
        }
    }
}

impl From<ReferenceChoice> for PlannedPicture {
    fn from(choice: ReferenceChoice) -> PlannedPicture {
        PlannedPicture {
            path: choice.path,
            fit: choice.fit,
            focus_x: choice.focus_x,
            focus_y: choice.focus_y,
        }
    }
}

/// The job's requests to the gateway and its answers, oldest first (key hidden).
#[tauri::command]
pub fn job_details(jobs: State<'_, Jobs>, id: String) -> Result<Vec<Exchange>> {
    jobs.store().exchanges(&id)
}

/// How long videos like this took lately on the active gateway; `None` until a few
/// finished there.
#[tauri::command]
pub fn time_estimate(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    model: String,
    seconds: String,
) -> Result<Option<TimeEstimate>> {
    let Some(profile) = state.profiles()?.active().cloned() else {
        return Ok(None);
    };
    let waits = jobs
        .store()
        .recent_waits(&profile.id, &model, &seconds, estimate::RECENT)?;
    Ok(estimate::time_estimate(waits))
}

/// Newest first, a page at a time; `text` searches the prompts, `group` (a row's
/// `group`: active, saved, problem) narrows to that filter.
#[tauri::command]
pub async fn list_jobs(
    jobs: State<'_, Jobs>,
    after: Option<Cursor>,
    text: Option<String>,
    group: Option<String>,
) -> Result<Page> {
    let statuses = match group.as_deref().filter(|g| !g.is_empty()) {
        None => Vec::new(),
        Some(name) => match JobStatus::in_group(name) {
            found if found.is_empty() => {
                let problem = Problem::new(texts::NOT_A_HISTORY_FILTER).with("name", name);
                return Err(Error::invalid_input(problem));
            }
            found => found,
        },
    };
    let query = ListQuery {
        after,
        text: text.filter(|t| !t.trim().is_empty()),
        statuses,
        ..Default::default()
    };
    let store = jobs.store().clone();
    blocking(move || store.list(&query)).await
}

#[tauri::command]
pub fn retry_download(jobs: State<'_, Jobs>, id: String) -> Result<JobRow> {
    jobs.retry_download(&id)
}

/// Follows a job again that checking had stopped on (the card's *Check again*).
#[tauri::command]
pub fn check_again(jobs: State<'_, Jobs>, id: String) -> Result<JobRow> {
    jobs.check_again(&id)
}

/// "Make it again": the job's request sent once more on the job's own gateway, as a new
/// job (its row comes back, like `submit_job`).
///
/// With `switch_sizes`, the gateway first gets sizes the other way (ratio ↔ pixels) for
/// good: the one-click fix for a gateway that made the wrong shape.
#[tauri::command]
pub async fn make_again(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    id: String,
    switch_sizes: bool,
) -> Result<JobRow> {
    let row = jobs.store().require(&id)?;
    let profile = state
        .profiles()?
        .get(&row.profile_id)
        .cloned()
        .map_err(|_| Error::invalid_input(Problem::new(texts::JOB_GATEWAY_GONE)))?;
    let profile = match switch_sizes && !profile.demo {
        true => state.profiles()?.switch_sizes(&profile.id)?,
        false => profile,
    };
    // The key (or the demo gateway) must be there before anything is stored.
    state.client_for(&profile).await?;
    jobs.make_again(&id).await
}

/// Removes a job from the history, and from the gateway as far as `removal` says;
/// the saved video stays on disk.
#[tauri::command]
pub async fn delete_job(
    jobs: State<'_, Jobs>,
    id: String,
    removal: Removal,
) -> Result<GatewayDeletion> {
    jobs.delete(&id, removal).await
}

/// "Save as": asks where, then copies the saved video there. `None` when cancelled.
#[tauri::command]
pub async fn save_job_as(
    app: AppHandle,
    jobs: State<'_, Jobs>,
    id: String,
) -> Result<Option<PathBuf>> {
    let row = jobs.store().require(&id)?;
    let suggested = row
        .file_path
        .map(PathBuf::from)
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::VIDEO_NOT_SAVED)))?;
    let picked = blocking(move || Ok(pick::save_video(&app, SAVE_AS_TITLE, &suggested))).await?;
    let Some(dest) = picked else {
        return Ok(None);
    };
    let store = jobs.store().clone();
    blocking(move || crate::jobs::save_copy(&store.require(&id)?, &dest))
        .await
        .map(Some)
}

/// Where the window streams the job's saved video from (`playback.rs`); the source
/// starts on the first play, so a start-up that plays nothing pays nothing for it.
#[tauri::command]
pub async fn video_url(
    source: State<'_, Playback>,
    jobs: State<'_, Jobs>,
    id: String,
) -> Result<String> {
    let row = jobs.store().require(&id)?;
    let file = blocking(move || playable_file(&row)).await?;
    let source = source
        .get_or_try_init(VideoSource::start)
        .await
        .map_err(|e| Error::io(texts::ACTION_START_VIDEO_SOURCE, e))?;
    Ok(source.url_for(&file))
}

/// A saved video's poster for its card: its first frame, as small as a thumbnail and
/// kept in the thumbnail cache, so the history reads as a gallery.
#[tauri::command]
pub async fn job_poster(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    id: String,
) -> Result<ThumbnailPreview> {
    let row = jobs.store().require(&id)?;
    let cache = state.dirs.thumbnails();
    blocking(move || Ok(crate::media::poster(&playable_file(&row)?, &cache)?.to_preview())).await
}

/// "Continue this shot": the job's last frame, at full size, saved among the form's
/// pictures, and the settings the next shot starts with.
#[tauri::command]
pub async fn continue_shot(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    id: String,
) -> Result<Continuation> {
    let row = jobs.store().require(&id)?;
    let pictures = state.dirs.form_pictures();
    blocking(move || continuation(&row, &pictures)).await
}

/// *Keep* in Compare takes: `chosen` is kept and the other takes are not (`None`:
/// none is). The rows whose mark changed come back, and as `job-changed` events.
#[tauri::command]
pub fn keep_take(
    jobs: State<'_, Jobs>,
    chosen: Option<String>,
    takes: Vec<String>,
) -> Result<Vec<JobRow>> {
    jobs.keep_take(chosen.as_deref(), &takes)
}

/// The video source once it has started.
pub type Playback = tokio::sync::OnceCell<VideoSource>;

/// Opens the folder that holds the job's video.
#[tauri::command]
pub async fn reveal_job(jobs: State<'_, Jobs>, id: String) -> Result<()> {
    let row = jobs.store().require(&id)?;
    let file = row
        .file_path
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::VIDEO_NOT_SAVED)))?;
    let folder = Path::new(&file)
        .parent()
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::VIDEO_HAS_NO_FOLDER)))?
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
        .map_err(|e| io_error(at(texts::COULD_NOT_OPEN_FOLDER, folder), e))
}
