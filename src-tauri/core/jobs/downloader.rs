//! Saves a completed job's video into the videos folder. The gateway client streams to a
//! temp file, resumes, checks the MP4 and renames it into place; here the file gets its
//! name, the row its progress, and a failure is kept on the row for a retry. A saved file
//! is read back to store what it really is (size, length, sound).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::file_name::{free_path, video_file_name};
use super::poller::Next;
use super::store::{now_ms, JobRow};
use super::{texts, Ctx};
use crate::error::Result;
use crate::gateway::{
    DownloadProgress, ErrorKind, GatewayClient, GatewayError, JobState, VideoJob,
};
use crate::media::{self, VideoFacts};
use crate::paths;
use crate::problem::Problem;

/// How soon a job another process downloads is looked at again.
const LOOK_AGAIN: Duration = Duration::from_secs(2);

/// How often download progress is written and announced.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// A completed row found in the store (after a restart or a retry): adopt a file that
/// finished before the app stopped, or ask the gateway for a fresh link and download.
pub(crate) async fn resume(ctx: &Ctx, downloads: &Semaphore, row: JobRow) -> Next {
    if let Some(done) = finished_file(&row) {
        return adopt(ctx, &row, &done).await;
    }
    let Some(remote_id) = row.remote_id.clone() else {
        return Next::Done;
    };
    if let Some(wait) = downloaded_elsewhere(ctx, &row) {
        return wait;
    }
    let client = match (ctx.client_for)(&row.profile_id) {
        Ok(client) => ctx.recorded(&client, &row.id),
        Err(e) => return failed(ctx, &row, e.code(), &e.problem()),
    };
    match client.status(&remote_id).await {
        Ok(job) if job.state == JobState::Expired => gone(ctx, &row),
        Ok(job) => download(ctx, downloads, &client, row, &job).await,
        Err(e) if matches!(e.kind, ErrorKind::JobNotFound | ErrorKind::JobExpired) => {
            gone(ctx, &row)
        }
        Err(e) if e.kind.is_transient() => Next::Poll(e.retry_after),
        Err(e) => failed(ctx, &row, e.code(), &e.problem),
    }
}

/// Downloads `job` (the gateway's latest word on it) for `row`.
pub(crate) async fn download(
    ctx: &Ctx,
    downloads: &Semaphore,
    client: &GatewayClient,
    row: JobRow,
    job: &VideoJob,
) -> Next {
    if let Some(wait) = downloaded_elsewhere(ctx, &row) {
        return wait;
    }
    let Ok(_permit) = downloads.acquire().await else {
        return Next::Done;
    };
    let target = match plan_target(ctx, &row) {
        Ok(target) => target,
        Err(e) => return failed(ctx, &row, e.code(), &e.problem()),
    };
    let Some(row) = ctx.announce(ctx.store.set_download_target(&row.id, &target)) else {
        return Next::Done;
    };
    let mut last = Instant::now();
    let on_progress = |p: DownloadProgress| {
        if last.elapsed() < PROGRESS_EVERY {
            return;
        }
        last = Instant::now();
        ctx.announce(
            ctx.store
                .record_download_progress(&row.id, p.received, p.total),
        );
    };
    match client.download(job, &target, on_progress).await {
        Ok(bytes) => saved(ctx, &row, &target, bytes).await,
        Err(e) => failed_download(ctx, &row, &e),
    }
}

/// One process downloads a job: when another (the app, the CLI) has it, look again
/// later; it saves the video, or is gone and leaves the job to us.
fn downloaded_elsewhere(ctx: &Ctx, row: &JobRow) -> Option<Next> {
    match ctx.store.claim_download(&row.id) {
        Ok(true) => None,
        Ok(false) => Some(Next::Poll(Some(LOOK_AGAIN))),
        Err(e) => {
            crate::logs::warn(format!("job {}: could not claim the download: {e}", row.id));
            Some(Next::Poll(Some(LOOK_AGAIN)))
        }
    }
}

/// The file chosen earlier, when the download already finished (the rename is the
/// last step, so an existing file is a complete one).
fn finished_file(row: &JobRow) -> Option<PathBuf> {
    let target = PathBuf::from(row.download_target.as_deref()?);
    target.is_file().then_some(target)
}

async fn adopt(ctx: &Ctx, row: &JobRow, path: &Path) -> Next {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    saved(ctx, row, path, bytes).await
}

/// The earlier choice when there is one (a restart overwrites its own temp file),
/// else a new free name in the videos folder.
fn plan_target(ctx: &Ctx, row: &JobRow) -> Result<PathBuf> {
    if let Some(target) = &row.download_target {
        return Ok(PathBuf::from(target));
    }
    let dir = &ctx.video_dir();
    std::fs::create_dir_all(dir)
        .map_err(|e| paths::io_error(paths::at(crate::texts::COULD_NOT_CREATE, dir), e))?;
    let name = video_file_name(row.created_at, &row.prompt, &row.id);
    Ok(free_path(dir, &name))
}

async fn saved(ctx: &Ctx, row: &JobRow, path: &Path, bytes: u64) -> Next {
    let video = read_video(&row.id, path).await;
    crate::logs::info(format!("job {}: video saved ({bytes} bytes)", row.id));
    let stored = ctx
        .store
        .mark_downloaded(&row.id, path, bytes, video.as_ref());
    if let Some(row) = ctx.announce(stored) {
        for mismatch in &row.mismatches {
            crate::logs::warn(format!("job {}: {}", row.id, mismatch.message()));
        }
    }
    Next::Done
}

/// What the saved file is, read off the async threads. A file that cannot be read is no
/// failure (the video is there): it is logged and stored as unknown.
async fn read_video(id: &str, path: &Path) -> Option<VideoFacts> {
    let file = path.to_path_buf();
    match tokio::task::spawn_blocking(move || media::read_facts(&file)).await {
        Ok(Ok(facts)) => Some(facts),
        Ok(Err(why)) => {
            crate::logs::warn(format!(
                "job {id}: the saved video could not be read: {why}"
            ));
            None
        }
        Err(e) => {
            crate::logs::warn(format!("job {id}: reading the saved video stopped: {e}"));
            None
        }
    }
}

fn failed_download(ctx: &Ctx, row: &JobRow, e: &GatewayError) -> Next {
    match e.kind {
        // The gateway lost the result: nothing to retry.
        ErrorKind::JobExpired => gone(ctx, row),
        _ => failed(ctx, row, e.code(), &e.problem),
    }
}

/// The job stays completed; the card shows why and offers a retry.
fn failed(ctx: &Ctx, row: &JobRow, code: &str, problem: &Problem) -> Next {
    crate::logs::warn(format!(
        "job {}: download failed: {code}: {problem}",
        row.id
    ));
    ctx.announce(ctx.store.record_download_error(&row.id, code, problem));
    Next::Done
}

fn gone(ctx: &Ctx, row: &JobRow) -> Next {
    let expired = Problem::new(texts::EXPIRED_BEFORE_SAVED);
    ctx.announce(
        ctx.store
            .mark_expired(&row.id, "job_expired", &expired, now_ms()),
    );
    Next::Done
}
