//! Jobs: the durable history, the submission order that never loses a job, one poller
//! for every running job, and automatic downloads. Knows nothing of Tauri: the app hands
//! in a way to build a gateway client per profile and a sink for [`JobEvent`]s.
//!
//! ```text
//! let store = JobStore::open(&dirs)?;
//! let jobs = Jobs::start(store, client_for, events, JobsOptions::new(video_dir))?; // resumes
//! let row = jobs.submit("profile-1", request, None).await?;   // row first, then the POST
//! let page = jobs.store().list(&ListQuery::default())?;       // newest 50
//! jobs.retry_download(&row.id)?;
//! jobs.make_again(&row.id).await?;                        // the same request, a new job
//! jobs.delete(&row.id, Removal::Everywhere).await?;
//! ```

pub mod continuation;
mod downloader;
pub mod estimate;
mod export;
pub mod file_name;
pub mod film;
pub mod notice;
pub mod owner;
mod poller;
mod queue;
pub mod request;
pub mod store;
mod submit;
pub mod texts;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::error::{Error, Result};
use crate::gateway::{ErrorKind, GatewayClient, PollPolicy, SubmitRequest, UploadWatch};
use crate::paths::AppDirs;
use crate::problem::Problem;
use request::Prepared;

pub use export::save_copy;
pub use queue::{check_batch_size, QueueStatus, MAX_BATCH};
pub use store::{
    Cursor, JobRow, JobStatus, JobStore, JobWarning, ListQuery, NewJob, Page, PlannedPicture,
    ShotPlan, StoryShot, FILE_NAME,
};

/// Builds the gateway client for a profile id (base URL from the profile, key from the
/// keychain). Called for every poll round, so an edited key takes effect.
pub type ClientFor = Arc<dyn Fn(&str) -> Result<GatewayClient> + Send + Sync>;

/// Receives every change of a job, after it is stored.
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// A job changed; `job` is the row as stored. The app forwards it to the UI.
#[derive(Debug, Clone, Serialize)]
pub struct JobEvent {
    pub job: JobRow,
}

#[derive(Debug, Clone)]
pub struct JobsOptions {
    /// Where finished videos are saved (until `Jobs::set_video_dir`).
    pub video_dir: PathBuf,
    /// When to poll a running job again.
    pub poll: PollPolicy,
    /// Status requests in flight at once, over all jobs.
    pub max_concurrent_polls: usize,
    pub max_concurrent_downloads: usize,
    /// No progress for this long marks a job "taking unusually long".
    pub slow_after: Duration,
    /// How long a gateway is assumed to keep a result when it does not say
    /// (links often expire after 24 h; Google keeps Veo outputs about 2 days).
    pub retention: Duration,
    /// Wait after a problem that needs the user (rejected key, missing profile).
    pub problem_retry: Duration,
    /// Follow every unfinished job in the history and recover interrupted ones (the app).
    /// With `false`, only jobs submitted, queued or followed through this `Jobs` are
    /// touched: another process (the app) may be working on the rest.
    pub follow_all: bool,
    /// Batch jobs on the gateway at once.
    pub batch_limit: usize,
    /// When to stop asking about a job that will not end by itself.
    pub patience: Patience,
}

/// Bounds on following one job, so that no job is asked about forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    /// The gateway answers every check with the same failure for this long ...
    pub same_failure_for: Duration,
    /// ... and at least this many times in a row: the job ends as failed.
    pub same_failure_polls: u32,
    /// Still running this long after it was sent: checking stops (the user can ask
    /// again). The default; the app takes the user's choice from the settings.
    pub running_limit: Duration,
}

impl Default for Patience {
    /// Veo makes a video in seconds to a few minutes. Ten minutes of one failure is no
    /// passing hiccup, and an hour of "running" is ten times the slowest usual job.
    fn default() -> Self {
        Patience {
            same_failure_for: Duration::from_secs(10 * 60),
            same_failure_polls: 5,
            running_limit: Duration::from_secs(60 * 60),
        }
    }
}

impl JobsOptions {
    pub fn new(video_dir: PathBuf) -> JobsOptions {
        JobsOptions {
            video_dir,
            poll: PollPolicy::default(),
            max_concurrent_polls: 4,
            max_concurrent_downloads: 2,
            slow_after: Duration::from_secs(15 * 60),
            retention: Duration::from_secs(24 * 3600),
            problem_retry: Duration::from_secs(60),
            follow_all: true,
            batch_limit: 2,
            patience: Patience::default(),
        }
    }
}

/// The user's Videos folder / "Veo Desk", or the app's data folder when there is none.
pub fn default_video_dir(dirs: &AppDirs) -> PathBuf {
    dirs::video_dir()
        .map(|d| d.join("Veo Desk"))
        .unwrap_or_else(|| dirs.data.join("videos"))
}

/// What removing a job did on the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "gateway", content = "problem", rename_all = "snake_case")]
pub enum GatewayDeletion {
    Deleted,
    /// The gateway has no delete endpoint; the job simply stays there until it expires.
    NotSupported,
    /// Not asked (or the job never reached the gateway).
    NotAsked,
    /// Kept on the gateway: its video was never saved here, and deleting it there was
    /// not asked for in so many words ([`Removal::DiscardUnsaved`]).
    KeptUnsaved,
    /// The gateway refused; the row is removed from the history anyway.
    Failed(Problem),
}

/// How far removing a job goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// Only from the history: the gateway keeps the job until it expires there.
    HistoryOnly,
    /// Also from the gateway, where that loses nothing: a video that is saved here, or
    /// a job that has none (failed, expired). A video that was paid for but is not
    /// saved here (finished, still being made) stays on the gateway.
    Everywhere,
    /// Also from the gateway although its video was never saved here: the user was
    /// told so and chose it.
    DiscardUnsaved,
}

/// What the submit flow, the poller and the downloader share.
pub(crate) struct Ctx {
    pub store: JobStore,
    pub client_for: ClientFor,
    pub events: EventSink,
    pub options: JobsOptions,
    /// Where the next download goes; the user may change it while jobs run.
    pub video_dir: RwLock<PathBuf>,
    /// How long a job may run before checking stops; the user may change it too.
    pub running_limit: RwLock<Duration>,
    /// When the user last asked to check a job again (Unix ms): its running limit
    /// counts from then instead of from the submit.
    pub resumed: Mutex<HashMap<String, i64>>,
    /// Every stored change, for the batch queue and for callers waiting on a job.
    pub changes: broadcast::Sender<JobRow>,
    /// The jobs this process looks after when it does not follow them all.
    pub followed: Mutex<HashSet<String>>,
}

impl Ctx {
    /// `client`, also writing each request and answer into the job's details.
    pub fn recorded(&self, client: &GatewayClient, job_id: &str) -> GatewayClient {
        let store = self.store.clone();
        let id = job_id.to_string();
        client.recording(Arc::new(move |exchange| {
            if let Err(e) = store.add_exchange(&id, &exchange) {
                crate::logs::warn(format!("job {id}: details not kept: {e}"));
            }
        }))
    }

    pub fn video_dir(&self) -> PathBuf {
        match self.video_dir.read() {
            Ok(dir) => dir.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn running_limit(&self) -> Duration {
        match self.running_limit.read() {
            Ok(limit) => *limit,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    pub fn emit(&self, job: JobRow) {
        // No receiver is fine: nobody is waiting.
        let _ = self.changes.send(job.clone());
        (self.events)(JobEvent { job });
    }

    pub fn follow(&self, id: &str) {
        if let Ok(mut followed) = self.followed.lock() {
            followed.insert(id.to_string());
        }
    }

    pub fn follows(&self, id: &str) -> bool {
        self.options.follow_all || self.followed.lock().is_ok_and(|f| f.contains(id))
    }

    /// Tells the app about a stored change. A failed write is reported and skipped: the
    /// job is still unfinished in the store, so a later round tries again.
    pub fn announce(&self, change: Result<JobRow>) -> Option<JobRow> {
        let row = poller::stored(change)?;
        self.emit(row.clone());
        Some(row)
    }

    /// Like `announce`, for writes that report `None` when nothing changed.
    pub fn announce_if_changed(&self, change: Result<Option<JobRow>>) {
        if let Some(Some(row)) = poller::stored(change) {
            self.emit(row);
        }
    }
}

/// The running job machinery. Dropping it stops the poller and the batch queue.
pub struct Jobs {
    ctx: Arc<Ctx>,
    poller: poller::PollerHandle,
    queue: Arc<queue::Queue>,
    queue_task: tokio::task::JoinHandle<()>,
}

impl Drop for Jobs {
    fn drop(&mut self) {
        self.queue_task.abort();
    }
}

impl Jobs {
    /// Turns submissions a crash interrupted into "may have been created", then starts
    /// the poller, which resumes every unfinished job. Call inside the tokio runtime.
    pub fn start(
        store: JobStore,
        client_for: ClientFor,
        events: EventSink,
        options: JobsOptions,
    ) -> Result<Jobs> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::internal("the job poller was started outside the runtime"))?;
        let queue = Arc::new(queue::Queue::new(options.batch_limit));
        let (changes, changed) = broadcast::channel(256);
        let ctx = Arc::new(Ctx {
            store,
            client_for,
            events,
            video_dir: RwLock::new(options.video_dir.clone()),
            running_limit: RwLock::new(options.patience.running_limit),
            resumed: Mutex::default(),
            options,
            changes,
            followed: Mutex::default(),
        });
        if ctx.options.follow_all {
            for row in submit::recover_interrupted(&ctx)? {
                ctx.emit(row);
            }
            for row in submit::recover_waiting(&ctx)? {
                ctx.emit(row);
            }
        }
        let poller = poller::PollerHandle::spawn(&runtime, ctx.clone());
        let queue_task = queue::spawn(
            &runtime,
            ctx.clone(),
            queue.clone(),
            poller.waker(),
            changed,
        );
        Ok(Jobs {
            ctx,
            poller,
            queue,
            queue_task,
        })
    }

    /// Every change stored from now on (the app's events, as a stream).
    pub fn subscribe(&self) -> broadcast::Receiver<JobRow> {
        self.ctx.changes.subscribe()
    }

    /// Looks after a job from the history (when not following them all): polls it
    /// while it runs and downloads it once finished.
    pub fn follow(&self, id: &str) {
        self.ctx.follow(id);
        self.poller.wake();
    }

    /// Stores the requests as waiting jobs of the batch queue, in order; they are sent
    /// as slots free. Returns the stored rows.
    pub fn enqueue(
        &self,
        profile_id: &str,
        requests: Vec<(SubmitRequest, Option<String>)>,
    ) -> Result<Vec<JobRow>> {
        self.queue.enqueue(&self.ctx, profile_id, requests)
    }

    pub fn queue_status(&self) -> Result<QueueStatus> {
        self.queue.status()
    }

    /// Paused, no waiting job is sent; jobs already sent go on.
    pub fn pause_queue(&self, paused: bool) -> Result<QueueStatus> {
        self.queue.set_paused(paused)
    }

    pub fn set_queue_limit(&self, limit: usize) -> Result<QueueStatus> {
        self.queue.set_limit(limit)
    }

    /// Cancels the waiting jobs (or just `id`); they were never sent.
    pub fn cancel_waiting(&self, id: Option<&str>) -> Result<Vec<JobRow>> {
        self.queue.cancel(&self.ctx, id)
    }

    pub fn store(&self) -> &JobStore {
        &self.ctx.store
    }

    /// Records the job, sends it once, records the answer, and hands it to the poller.
    /// A refused or lost request still returns `Ok`: the row says what happened.
    pub async fn submit(
        &self,
        profile_id: &str,
        request: SubmitRequest,
        reference_thumb: Option<String>,
    ) -> Result<JobRow> {
        let prepared = Prepared {
            reference_thumb,
            ..request.into()
        };
        self.submit_with_progress(profile_id, prepared, None).await
    }

    /// `submit`, telling `upload` how much of the reference image has been sent; a
    /// stopped upload ends the row `cancelled`, with nothing created on the gateway.
    pub async fn submit_with_progress(
        &self,
        profile_id: &str,
        prepared: Prepared,
        upload: Option<UploadWatch>,
    ) -> Result<JobRow> {
        let row = submit::submit(&self.ctx, profile_id, prepared, upload).await?;
        self.poller.wake();
        Ok(row)
    }

    /// Where the next finished video is saved.
    pub fn video_dir(&self) -> PathBuf {
        self.ctx.video_dir()
    }

    /// Videos downloaded from now on go to `dir`; saved ones stay where they are, and a
    /// download already under way finishes where it started (a restart resumes it there).
    pub fn set_video_dir(&self, dir: PathBuf) {
        match self.ctx.video_dir.write() {
            Ok(mut current) => *current = dir,
            Err(poisoned) => *poisoned.into_inner() = dir,
        }
    }

    /// "Make it again": the job's request sent once more, as a new job on the job's own
    /// gateway. A job made from a picture is refused: the picture is not kept.
    pub async fn make_again(&self, id: &str) -> Result<JobRow> {
        let row = self.ctx.store.require(id)?;
        if row.reference_thumb.is_some() {
            return Err(Error::invalid_input(Problem::new(texts::PICTURE_NOT_KEPT)));
        }
        let (resolution, extra_fields): (Vec<_>, Vec<_>) = row
            .extra_fields
            .into_iter()
            .partition(|(key, _)| key == submit::RESOLUTION);
        let request = SubmitRequest {
            prompt: row.prompt,
            model: row.model,
            seconds: row.seconds,
            size: row.size,
            resolution: resolution.into_iter().next().map(|(_, r)| r),
            extra_fields,
            ..Default::default()
        };
        self.submit(&row.profile_id, request, None).await
    }

    /// Tries the download of a completed job again.
    pub fn retry_download(&self, id: &str) -> Result<JobRow> {
        let row = self.ctx.store.require(id)?;
        if row.status != JobStatus::Completed {
            return Err(Error::invalid_input(Problem::new(
                texts::ONLY_UNSAVED_DOWNLOADS,
            )));
        }
        let row = self.ctx.store.clear_download_error(id)?;
        self.ctx.emit(row.clone());
        self.poller.wake();
        Ok(row)
    }

    /// How long a job may run before checking it stops (the user's setting).
    pub fn set_running_limit(&self, limit: Duration) {
        if let Ok(mut current) = self.ctx.running_limit.write() {
            *current = limit;
        }
        self.poller.wake();
    }

    /// Follows a job again that checking gave up on (the card's *Check again*).
    pub fn check_again(&self, id: &str) -> Result<JobRow> {
        let row = self.ctx.store.require(id)?;
        let gave_up = row.error_code.as_deref().is_some_and(poller::gave_up);
        if row.status != JobStatus::Failed || !gave_up || row.remote_id.is_none() {
            return Err(Error::invalid_input(Problem::new(
                texts::ONLY_STOPPED_CHECKS,
            )));
        }
        let now = store::now_ms();
        let row = self.ctx.store.resume_checking(id, now)?;
        if let Ok(mut resumed) = self.ctx.resumed.lock() {
            resumed.insert(id.to_string(), now);
        }
        self.ctx.follow(id);
        self.ctx.emit(row.clone());
        self.poller.wake();
        Ok(row)
    }

    /// *Keep* among takes compared side by side: `chosen` is kept and the other takes
    /// are not (`None`: none is). Every row whose mark changed is announced.
    pub fn keep_take(&self, chosen: Option<&str>, takes: &[String]) -> Result<Vec<JobRow>> {
        if let Some(id) = chosen {
            if self.ctx.store.require(id)?.status != JobStatus::Downloaded {
                return Err(Error::invalid_input(Problem::new(texts::ONLY_SAVED_TAKES)));
            }
        }
        let changed = self.ctx.store.keep_take(chosen, takes)?;
        for row in &changed {
            self.ctx.emit(row.clone());
        }
        Ok(changed)
    }

    /// Removes the job from the history (the saved video stays), after asking the
    /// gateway to delete it as far as `removal` allows.
    pub async fn delete(&self, id: &str, removal: Removal) -> Result<GatewayDeletion> {
        let row = self.ctx.store.require(id)?;
        let gateway = match (&row.remote_id, removal) {
            (None, _) | (_, Removal::HistoryOnly) => GatewayDeletion::NotAsked,
            (Some(_), Removal::Everywhere) if would_lose_a_video(&row) => {
                GatewayDeletion::KeptUnsaved
            }
            (Some(remote), _) => self.delete_remote(&row.profile_id, remote).await,
        };
        self.ctx.store.delete(id)?;
        Ok(gateway)
    }

    async fn delete_remote(&self, profile_id: &str, remote_id: &str) -> GatewayDeletion {
        let client = match (self.ctx.client_for)(profile_id) {
            Ok(client) => client,
            Err(e) => return GatewayDeletion::Failed(e.problem()),
        };
        match client.delete(remote_id).await {
            Ok(()) => GatewayDeletion::Deleted,
            Err(e) if e.kind == ErrorKind::NotSupported => GatewayDeletion::NotSupported,
            Err(e) => GatewayDeletion::Failed(e.problem),
        }
    }
}

/// Whether deleting the job on the gateway would destroy a video this computer does
/// not have: one that finished (or may still finish) but is not saved, or whose saved
/// file is gone.
pub fn would_lose_a_video(row: &JobRow) -> bool {
    match row.status {
        JobStatus::Downloaded => !row
            .file_path
            .as_deref()
            .is_some_and(|file| std::path::Path::new(file).is_file()),
        JobStatus::Submitting
        | JobStatus::Running
        | JobStatus::Completed
        | JobStatus::Uncertain => true,
        JobStatus::Draft
        | JobStatus::Waiting
        | JobStatus::Failed
        | JobStatus::Expired
        | JobStatus::Cancelled => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tauri runs async commands on a multi-threaded runtime and keeps `Jobs` in shared state.
    #[test]
    fn jobs_can_be_shared_and_their_futures_moved_between_threads() {
        fn assert_send<T: Send>(_: &T) {}
        fn assert_shared<T: Send + Sync>() {}
        assert_shared::<Jobs>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
        let client_for: ClientFor =
            Arc::new(|_| Err(Error::invalid_input(Problem::new(texts::JOB_FAILED))));
        let jobs = Jobs::start(
            store,
            client_for,
            Arc::new(|_| {}),
            JobsOptions::new(dir.path().into()),
        )
        .unwrap();
        assert_send(&jobs.submit("p", SubmitRequest::default(), None));
        assert_send(&jobs.delete("x", Removal::Everywhere));
    }
}
