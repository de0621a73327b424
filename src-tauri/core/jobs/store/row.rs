//! A job as stored, and how a row is read back (with what is computed on reading).

use rusqlite::Row;
use serde::Serialize;

use super::status::{JobStatus, JobWarning};
use crate::media::{self, Mismatch, VideoFacts};
use crate::problem::{self, Problem};

/// One job as stored. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct JobRow {
    pub id: String,
    pub profile_id: String,
    pub remote_id: Option<String>,
    pub prompt: String,
    pub model: String,
    pub seconds: String,
    pub size: String,
    /// A small local copy of the reference image, when there was one.
    pub reference_thumb: Option<String>,
    pub status: JobStatus,
    pub progress: Option<f32>,
    /// The status text exactly as the gateway sent it.
    pub server_status: Option<String>,
    pub error_code: Option<String>,
    /// Why the job ended or what troubles it now, as data the window words.
    pub error: Option<Problem>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// Estimated when the gateway does not say: see `JobsOptions::retention`.
    pub expires_at: Option<i64>,
    /// The last time the status or progress changed.
    pub progress_at: Option<i64>,
    pub result_url: Option<String>,
    /// Where the video is saved; set once the file is complete.
    pub file_path: Option<String>,
    /// Where the download goes; set before it starts so a restart finds a finished file.
    pub download_target: Option<String>,
    pub download_bytes: Option<i64>,
    pub download_total: Option<i64>,
    pub download_error_code: Option<String>,
    pub download_error: Option<Problem>,
    pub slow: bool,
    /// The extra form fields sent with the request, so it can be made again.
    pub extra_fields: Vec<(String, String)>,
    /// What the saved file itself says; `None` until saved, or when it could not be read.
    pub video: Option<VideoFacts>,
    /// The saved file was read (`video` stays `None` when it was not a readable MP4).
    pub video_checked: bool,
    /// The job whose last frame this one starts from ("Continue this shot").
    pub continues: Option<String>,
    /// That shot's prompt, read with the row; `None` when it was removed since.
    pub continues_prompt: Option<String>,
    /// Chosen among the takes compared with it (*Keep*).
    pub kept: bool,
    /// Computed when read, not stored.
    pub warning: Option<JobWarning>,
    /// The history filter it shows under (see `JobStatus::group`); computed when read.
    pub group: Option<&'static str>,
    /// How the saved video differs from the request; computed when read.
    pub mismatches: Vec<Mismatch>,
}

impl JobRow {
    /// Why it ended or what troubles it, in English (the CLI, the log, tests).
    pub fn error_text(&self) -> Option<String> {
        self.error.as_ref().map(Problem::english)
    }

    pub fn download_error_text(&self) -> Option<String> {
        self.download_error.as_ref().map(Problem::english)
    }

    /// Nothing more will happen to it without the user: saved, or ended without a video.
    pub fn is_settled(&self) -> bool {
        match self.status {
            JobStatus::Downloaded
            | JobStatus::Failed
            | JobStatus::Uncertain
            | JobStatus::Expired
            | JobStatus::Cancelled => true,
            JobStatus::Completed => self.download_error_code.is_some(),
            JobStatus::Draft | JobStatus::Waiting | JobStatus::Submitting | JobStatus::Running => {
                false
            }
        }
    }

    /// Sent and not yet finished on the gateway: what a batch's concurrency limit counts.
    pub fn is_on_gateway(&self) -> bool {
        matches!(self.status, JobStatus::Submitting | JobStatus::Running)
    }
}

/// What the form hands over before the POST.
#[derive(Debug, Clone, Default)]
pub struct NewJob {
    pub profile_id: String,
    pub prompt: String,
    pub model: String,
    pub seconds: String,
    pub size: String,
    pub reference_thumb: Option<String>,
    pub extra_fields: Vec<(String, String)>,
    pub continues: Option<String>,
}

pub(super) const COLUMNS: &str =
    "id, profile_id, remote_id, prompt, model, seconds, size, reference_thumb,
    status, progress, server_status, error_code, error, created_at, submitted_at,
    completed_at, expires_at, progress_at, result_url, file_path, download_target,
    download_bytes, download_total, download_error_code, download_error, slow,
    extra_fields, video_width, video_height, video_duration_ms, video_has_audio, video_checked,
    continues, kept, (SELECT shot.prompt FROM jobs AS shot WHERE shot.id = jobs.continues)
        AS continues_prompt";

pub(super) fn read_row(r: &Row<'_>, now: i64) -> rusqlite::Result<JobRow> {
    let status: String = r.get("status")?;
    let mut row = JobRow {
        id: r.get("id")?,
        profile_id: r.get("profile_id")?,
        remote_id: r.get("remote_id")?,
        prompt: r.get("prompt")?,
        model: r.get("model")?,
        seconds: r.get("seconds")?,
        size: r.get("size")?,
        reference_thumb: r.get("reference_thumb")?,
        status: JobStatus::parse(&status),
        progress: r.get::<_, Option<f64>>("progress")?.map(|p| p as f32),
        server_status: r.get("server_status")?,
        error_code: r.get("error_code")?,
        error: problem_in(r, "error", "error_code")?,
        created_at: r.get("created_at")?,
        submitted_at: r.get("submitted_at")?,
        completed_at: r.get("completed_at")?,
        expires_at: r.get("expires_at")?,
        progress_at: r.get("progress_at")?,
        result_url: r.get("result_url")?,
        file_path: r.get("file_path")?,
        download_target: r.get("download_target")?,
        download_bytes: r.get("download_bytes")?,
        download_total: r.get("download_total")?,
        download_error_code: r.get("download_error_code")?,
        download_error: problem_in(r, "download_error", "download_error_code")?,
        slow: r.get::<_, i64>("slow")? != 0,
        extra_fields: r
            .get::<_, Option<String>>("extra_fields")?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        video: video_facts(r)?,
        video_checked: r.get::<_, i64>("video_checked")? != 0,
        continues: r.get("continues")?,
        continues_prompt: r.get("continues_prompt")?,
        kept: r.get::<_, i64>("kept")? != 0,
        warning: None,
        group: None,
        mismatches: Vec::new(),
    };
    row.group = row.status.group();
    row.warning = warning(&row, now);
    row.mismatches = row
        .video
        .map(|facts| media::mismatches(&row.size, &row.seconds, &facts))
        .unwrap_or_default();
    Ok(row)
}

pub(super) fn as_json(problem: &Problem) -> String {
    serde_json::to_string(problem).unwrap_or_default()
}

/// A stored problem. Anything unreadable (a sentence written by hand, a damaged
/// value) is still shown, as noted.
fn problem_in(r: &Row<'_>, column: &str, code_column: &str) -> rusqlite::Result<Option<Problem>> {
    let Some(stored) = r.get::<_, Option<String>>(column)? else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_str(&stored).unwrap_or_else(|_| {
        let code: Option<String> = r.get(code_column).ok().flatten();
        Problem::new(problem::texts::EARLIER)
            .with("code", code.unwrap_or_default())
            .with("noted", stored)
    })))
}

fn video_facts(r: &Row<'_>) -> rusqlite::Result<Option<VideoFacts>> {
    let width: Option<u32> = r.get("video_width")?;
    let height: Option<u32> = r.get("video_height")?;
    let duration: Option<i64> = r.get("video_duration_ms")?;
    let audio: Option<bool> = r.get("video_has_audio")?;
    Ok(match (width, height, duration, audio) {
        (Some(width), Some(height), Some(ms), Some(has_audio)) => Some(VideoFacts {
            width,
            height,
            duration_ms: ms.max(0) as u64,
            has_audio,
        }),
        _ => None,
    })
}

/// `NULL` when there are none, so old and new rows read the same.
pub(super) fn fields_json(fields: &[(String, String)]) -> Option<String> {
    match fields.is_empty() {
        true => None,
        false => serde_json::to_string(fields).ok(),
    }
}

fn warning(row: &JobRow, now: i64) -> Option<JobWarning> {
    if row.status == JobStatus::Running && row.slow {
        return Some(JobWarning::TakingUnusuallyLong);
    }
    let past_expiry = row.expires_at.is_some_and(|at| now > at);
    (row.status == JobStatus::Completed && past_expiry).then_some(JobWarning::ExpiredWithoutFile)
}
