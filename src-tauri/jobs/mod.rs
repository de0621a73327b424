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
//! jobs.delete(&row.id, true).await?;
//! ```

mod downloader;
mod export;
pub mod file_name;
pub mod notice;
mod poller;
pub mod store;
mod submit;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gateway::{ErrorKind, GatewayClient, PollPolicy, SubmitRequest, UploadProgress};
use crate::paths::AppDirs;

pub use export::save_copy;
pub use store::{
    Cursor, JobRow, JobStatus, JobStore, JobWarning, ListQuery, NewJob, Page, FILE_NAME,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gateway", content = "message", rename_all = "snake_case")]
pub enum GatewayDeletion {
    Deleted,
    /// The gateway has no delete endpoint; the job simply stays there until it expires.
    NotSupported,
    /// Not asked (or the job never reached the gateway).
    NotAsked,
    /// The gateway refused; the row is removed from the history anyway.
    Failed(String),
}

/// What the submit flow, the poller and the downloader share.
pub(crate) struct Ctx {
    pub store: JobStore,
    pub client_for: ClientFor,
    pub events: EventSink,
    pub options: JobsOptions,
    /// Where the next download goes; the user may change it while jobs run.
    pub video_dir: RwLock<PathBuf>,
}

impl Ctx {
    pub fn video_dir(&self) -> PathBuf {
        match self.video_dir.read() {
            Ok(dir) => dir.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn emit(&self, job: JobRow) {
        (self.events)(JobEvent { job });
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

/// The running job machinery. Dropping it stops the poller.
pub struct Jobs {
    ctx: Arc<Ctx>,
    poller: poller::PollerHandle,
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
        let ctx = Arc::new(Ctx {
            store,
            client_for,
            events,
            video_dir: RwLock::new(options.video_dir.clone()),
            options,
        });
        for row in submit::recover_interrupted(&ctx)? {
            ctx.emit(row);
        }
        let poller = poller::PollerHandle::spawn(&runtime, ctx.clone());
        Ok(Jobs { ctx, poller })
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
        self.submit_with_progress(profile_id, request, reference_thumb, None)
            .await
    }

    /// `submit`, telling `on_upload` how much of the reference image has been sent.
    pub async fn submit_with_progress(
        &self,
        profile_id: &str,
        request: SubmitRequest,
        reference_thumb: Option<String>,
        on_upload: Option<UploadProgress>,
    ) -> Result<JobRow> {
        let row =
            submit::submit(&self.ctx, profile_id, &request, reference_thumb, on_upload).await?;
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

    /// Tries the download of a completed job again.
    pub fn retry_download(&self, id: &str) -> Result<JobRow> {
        let row = self.ctx.store.require(id)?;
        if row.status != JobStatus::Completed {
            return Err(Error::invalid_input(
                "Only a finished video that is not saved yet can be downloaded again.",
            ));
        }
        let row = self.ctx.store.clear_download_error(id)?;
        self.ctx.emit(row.clone());
        self.poller.wake();
        Ok(row)
    }

    /// Removes the job from the history (the saved video stays), after asking the
    /// gateway to delete it when `on_gateway` is set.
    pub async fn delete(&self, id: &str, on_gateway: bool) -> Result<GatewayDeletion> {
        let row = self.ctx.store.require(id)?;
        let gateway = match (&row.remote_id, on_gateway) {
            (Some(remote), true) => self.delete_remote(&row.profile_id, remote).await,
            _ => GatewayDeletion::NotAsked,
        };
        self.ctx.store.delete(id)?;
        Ok(gateway)
    }

    async fn delete_remote(&self, profile_id: &str, remote_id: &str) -> GatewayDeletion {
        let client = match (self.ctx.client_for)(profile_id) {
            Ok(client) => client,
            Err(e) => return GatewayDeletion::Failed(e.to_string()),
        };
        match client.delete(remote_id).await {
            Ok(()) => GatewayDeletion::Deleted,
            Err(e) if e.kind == ErrorKind::NotSupported => GatewayDeletion::NotSupported,
            Err(e) => GatewayDeletion::Failed(e.message),
        }
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
        let client_for: ClientFor = Arc::new(|_| Err(Error::invalid_input("none")));
        let jobs = Jobs::start(
            store,
            client_for,
            Arc::new(|_| {}),
            JobsOptions::new(dir.path().into()),
        )
        .unwrap();
        assert_send(&jobs.submit("p", SubmitRequest::default(), None));
        assert_send(&jobs.delete("x", true));
    }
}
