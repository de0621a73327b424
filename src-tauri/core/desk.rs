//! The one way both front ends make videos: prepare what the user asked for, check
//! that the gateway can take it, submit it (or queue a batch), follow it; saving a copy
//! is `jobs::save_copy` for both. To make a video, the window's commands and the CLI's
//! subcommands go through these rather than the pieces below them, so they share the
//! catalog (with the user's `models.json`), the thumbnail cache, the batch cap and the
//! order of the checks, and cannot drift apart.

use crate::error::{Error, Result};
use crate::gateway::UploadWatch;
use crate::jobs::request::{self, JobInput, Prepared};
use crate::jobs::{self, JobRow, Jobs};
use crate::profiles::Profile;
use crate::state::AppState;

/// The app's state and its job machinery, seen as one desk for the length of a call.
pub struct Desk<'a> {
    state: &'a AppState,
    jobs: &'a Jobs,
}

impl<'a> Desk<'a> {
    pub fn new(state: &'a AppState, jobs: &'a Jobs) -> Desk<'a> {
        Desk { state, jobs }
    }

    /// Checks one video's input against the models and prepares its picture exactly
    /// as it will be uploaded. Blocking (image work): run it off the async threads.
    /// Nothing is stored, so a typo costs nothing.
    pub fn prepare(state: &AppState, input: JobInput) -> Result<Prepared> {
        request::prepare(input, &state.catalog()?, &state.dirs.thumbnails())
    }

    /// `prepare` on a blocking thread, for callers on the async ones; `input` is made
    /// there too (it may decode a video's frame).
    pub async fn prepare_off_thread(
        &self,
        input: impl FnOnce() -> Result<JobInput> + Send + 'static,
    ) -> Result<Prepared> {
        let catalog = self.state.catalog()?;
        let thumbnails = self.state.dirs.thumbnails();
        tokio::task::spawn_blocking(move || request::prepare(input()?, &catalog, &thumbnails))
            .await
            .map_err(|e| Error::internal(format!("preparing a video stopped: {e}")))?
    }

    pub fn state(&self) -> &AppState {
        self.state
    }

    pub fn jobs(&self) -> &Jobs {
        self.jobs
    }

    /// The gateway can take a job now: its key is there, or the demo gateway runs.
    /// Checked before anything is stored, so no job is kept that could not be sent.
    pub async fn check(&self, profile: &Profile) -> Result<()> {
        self.state.client_for(profile).await.map(drop)
    }

    /// Stores the job, sends it once and follows it; `upload` hears how much of the
    /// picture went out. A refused or lost request still comes back as a row that
    /// says what happened.
    pub async fn submit(
        &self,
        profile: &Profile,
        prepared: Prepared,
        upload: Option<UploadWatch>,
    ) -> Result<JobRow> {
        self.check(profile).await?;
        self.jobs
            .submit_with_progress(&profile.id, prepared, upload)
            .await
    }

    /// Queues a batch (at most the cap) as waiting jobs, sent a few at a time.
    pub async fn enqueue(&self, profile: &Profile, batch: Vec<Prepared>) -> Result<Vec<JobRow>> {
        jobs::check_batch_size(batch.len())?;
        self.check(profile).await?;
        let requests = batch
            .into_iter()
            .map(|p| (p.request, p.reference_thumb))
            .collect();
        self.jobs.enqueue(&profile.id, requests)
    }

    /// Looks after a job from the history: polls it while it runs, saves its video.
    pub fn follow(&self, id: &str) {
        self.jobs.follow(id);
    }
}
