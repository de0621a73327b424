//! The job history: one SQLite file, and the only module that speaks SQL.
//!
//! Every state change is one short statement, committed before anyone else hears of it,
//! so a crash at any moment leaves a row that says how far the job got.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::owner::Owner;
use super::texts;
use crate::error::{Error, Result};
use crate::gateway::exchange::Exchange;
use crate::media::{self, Mismatch, VideoFacts};
use crate::paths::{self, AppDirs};
use crate::problem::{self, Problem};

pub const FILE_NAME: &str = "history.sqlite3";

/// Where a job is, from the user's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Written, not sent (reserved for the form's drafts).
    Draft,
    /// In a batch queue, waiting for a free slot; never sent, so safe to cancel.
    Waiting,
    /// The POST is on its way; the row exists so a crash cannot lose the job.
    Submitting,
    /// The gateway accepted the job; the poller follows it.
    Running,
    /// Finished on the gateway; the video is not (yet) on disk.
    Completed,
    /// The video is saved locally.
    Downloaded,
    Failed,
    /// The request may or may not have created a job: the answer was lost.
    Uncertain,
    /// The gateway no longer has the result.
    Expired,
    /// Taken out of a batch queue before it was sent: nothing reached the gateway.
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 10] = [
        JobStatus::Draft,
        JobStatus::Waiting,
        JobStatus::Submitting,
        JobStatus::Running,
        JobStatus::Completed,
        JobStatus::Downloaded,
        JobStatus::Failed,
        JobStatus::Uncertain,
        JobStatus::Expired,
        JobStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Draft => "draft",
            JobStatus::Submitting => "submitting",
            JobStatus::Running => "running",
            JobStatus::Completed => "completed",
            JobStatus::Downloaded => "downloaded",
            JobStatus::Failed => "failed",
            JobStatus::Uncertain => "uncertain",
            JobStatus::Expired => "expired",
            JobStatus::Waiting => "waiting",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// The history filter a job in this status shows under: `active` ("In progress",
    /// batch jobs waiting their turn too), `saved`, `problem`. Defined here once; the
    /// window gets it with each row and filters by its name.
    pub fn group(self) -> Option<&'static str> {
        match self {
            JobStatus::Waiting
            | JobStatus::Submitting
            | JobStatus::Running
            | JobStatus::Completed => Some("active"),
            JobStatus::Downloaded => Some("saved"),
            JobStatus::Failed | JobStatus::Uncertain | JobStatus::Expired => Some("problem"),
            JobStatus::Draft | JobStatus::Cancelled => None,
        }
    }

    /// The statuses of the group named `name` (empty for an unknown name).
    pub fn in_group(name: &str) -> Vec<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .filter(|s| s.group() == Some(name))
            .collect()
    }

    fn parse(text: &str) -> JobStatus {
        JobStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            // A status written by a newer version: show it as needing attention.
            .unwrap_or(JobStatus::Uncertain)
    }
}

/// Something the user should know about a job that is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobWarning {
    /// Running far longer than usual without any progress.
    TakingUnusuallyLong,
    /// Past the time the gateway keeps results, and the video is not saved.
    ExpiredWithoutFile,
}

/// One job as stored. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// Position in the newest-first list: the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<JobStatus>,
    /// Prompt contains this text (case-insensitive for ASCII).
    pub text: Option<String>,
    /// Rows after this one (the previous page's `next`).
    pub after: Option<Cursor>,
    /// Page size; 0 means 50.
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub jobs: Vec<JobRow>,
    /// Pass back as `ListQuery::after` for the next page; `None` at the end.
    pub next: Option<Cursor>,
}

/// The history file, shared by the app's tasks (one connection behind a mutex: every
/// statement is short, and SQLite serialises writers anyway).
#[derive(Clone)]
pub struct JobStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    /// This process, as the owner of the rows only it can finish.
    owner: Arc<Owner>,
}

const MIGRATIONS: &[&str] = &[
    // 1: the jobs table and the indexes the list, the filters and the resume use.
    "CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        profile_id TEXT NOT NULL,
        remote_id TEXT,
        prompt TEXT NOT NULL,
        model TEXT NOT NULL,
        seconds TEXT NOT NULL,
        size TEXT NOT NULL,
        reference_thumb TEXT,
        status TEXT NOT NULL,
        progress REAL,
        server_status TEXT,
        error_code TEXT,
        error_message TEXT,
        created_at INTEGER NOT NULL,
        submitted_at INTEGER,
        completed_at INTEGER,
        expires_at INTEGER,
        progress_at INTEGER,
        result_url TEXT,
        file_path TEXT,
        download_target TEXT,
        download_bytes INTEGER,
        download_total INTEGER,
        download_error_code TEXT,
        download_error_message TEXT,
        slow INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);
    CREATE INDEX jobs_by_status ON jobs (status, created_at DESC, id DESC);",
    // 2: each job's requests and answers, for its "Details" (JSON per exchange).
    "CREATE TABLE exchanges (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        action TEXT NOT NULL,
        exchange TEXT NOT NULL
    );
    CREATE INDEX exchanges_by_job ON exchanges (job_id, seq);",
    // 3: the request's extra fields (to make it again) and what the saved file is.
    "ALTER TABLE jobs ADD COLUMN extra_fields TEXT;
    ALTER TABLE jobs ADD COLUMN video_width INTEGER;
    ALTER TABLE jobs ADD COLUMN video_height INTEGER;
    ALTER TABLE jobs ADD COLUMN video_duration_ms INTEGER;
    ALTER TABLE jobs ADD COLUMN video_has_audio INTEGER;
    ALTER TABLE jobs ADD COLUMN video_checked INTEGER NOT NULL DEFAULT 0;",
    // 4: problems as data (see `problem.rs`): a finished English sentence becomes the
    // text it was, when it was one of ours without values, or is kept as it was noted.
    "ALTER TABLE jobs RENAME COLUMN error_message TO error;
    ALTER TABLE jobs RENAME COLUMN download_error_message TO download_error;
    UPDATE jobs SET error = CASE error
        WHEN 'Cancelled before it was sent. Nothing reached the gateway.'
            THEN json_object('text', 'cancelled')
        WHEN 'Not sent: Veo Desk closed before this job''s turn in the batch came. Nothing reached the gateway; generate it again if you still want it.'
            THEN json_object('text', 'not_sent')
        WHEN 'Stopped while the image was uploading. The gateway never received the whole request, so no video was made. Generate again when ready.'
            THEN json_object('text', 'upload_stopped')
        WHEN 'Veo Desk closed while this request was being sent, so the gateway may have created the video (and may bill it). Check the gateway''s task list or usage page before trying again.'
            THEN json_object('text', 'interrupted')
        WHEN 'The job finished, but the gateway no longer keeps its video (it expired). Make the video again.'
            THEN json_object('text', 'expired_at_gateway')
        WHEN 'The video was made, but the gateway no longer keeps it (it expired before it could be saved). Make the video again.'
            THEN json_object('text', 'expired_before_saved')
        WHEN 'The gateway reported that the job failed.'
            THEN json_object('text', 'job_failed')
        ELSE json_object('text', 'earlier',
            'params', json_object('code', coalesce(error_code, ''), 'noted', error))
        END
    WHERE error IS NOT NULL;
    UPDATE jobs SET download_error = json_object('text', 'earlier',
        'params', json_object('code', coalesce(download_error_code, ''), 'noted', download_error))
    WHERE download_error IS NOT NULL;",
    // 5: who may finish a row (see `owner.rs`): the process that queued or sent it,
    // and the one process that downloads it.
    "ALTER TABLE jobs ADD COLUMN owner TEXT;
    ALTER TABLE jobs ADD COLUMN download_owner TEXT;",
];

/// A job keeps its submit and this many of its latest other exchanges: polls add up.
pub const KEPT_EXCHANGES: usize = 12;

const COLUMNS: &str = "id, profile_id, remote_id, prompt, model, seconds, size, reference_thumb,
    status, progress, server_status, error_code, error, created_at, submitted_at,
    completed_at, expires_at, progress_at, result_url, file_path, download_target,
    download_bytes, download_total, download_error_code, download_error, slow,
    extra_fields, video_width, video_height, video_duration_ms, video_has_audio, video_checked";

/// Rows the poller must still act on: follow on the gateway, or download.
const UNFINISHED: &str =
    "status = 'running' OR (status = 'completed' AND download_error_code IS NULL)";

/// The history holds every prompt: only this user may read it. SQLite creates files
/// 0644 but gives its `-wal` and `-shm` files the database file's mode, so the file
/// is made (or tightened) 0600 before SQLite opens it.
fn keep_history_private(path: &Path) -> Result<()> {
    let action = |e| paths::io_error(paths::at(crate::texts::COULD_NOT_READ_FILE, path), e);
    paths::private_file_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(action)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match paths::keep_private(Path::new(&file), 0o600) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(action(e)),
            _ => {}
        }
    }
    Ok(())
}

impl JobStore {
    /// `history.sqlite3` in the app's data folder.
    pub fn open(dirs: &AppDirs) -> Result<JobStore> {
        JobStore::open_at(&dirs.data.join(FILE_NAME))
    }

    pub fn open_at(path: &Path) -> Result<JobStore> {
        if let Some(dir) = path.parent() {
            paths::create_private_dir(dir)
                .map_err(|e| paths::io_error(paths::at(crate::texts::COULD_NOT_CREATE, dir), e))?;
        }
        keep_history_private(path)?;
        let mut conn = Connection::open(path).map_err(db)?;
        // Another process (the app and its command-line companion) may be writing.
        conn.busy_timeout(Duration::from_secs(5)).map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        // With WAL, NORMAL is durable against app crashes; only power loss can undo
        // the very last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db)?;
        migrate(&mut conn)?;
        let owner = Owner::claim(path.parent().unwrap_or(Path::new(".")))?;
        Ok(JobStore {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
            owner: Arc::new(owner),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This opening's owner id (see `owner.rs`).
    pub fn owner_id(&self) -> &str {
        self.owner.id()
    }

    /// Whether the process that opened the history as `owner` still has it open.
    pub fn owner_is_alive(&self, owner: &str) -> bool {
        self.owner.is_alive(owner)
    }

    /// The row the submission starts with, written before the POST.
    pub fn insert_submitting(&self, job: &NewJob, now: i64) -> Result<JobRow> {
        self.insert(job, JobStatus::Submitting, now)
    }

    /// A batch job waiting for its turn; nothing is sent yet.
    pub fn insert_waiting(&self, job: &NewJob, now: i64) -> Result<JobRow> {
        self.insert(job, JobStatus::Waiting, now)
    }

    fn insert(&self, job: &NewJob, status: JobStatus, now: i64) -> Result<JobRow> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.lock()?
            .execute(
                "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, reference_thumb,
                    status, created_at, progress_at, extra_fields, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
                params![
                    id,
                    job.profile_id,
                    job.prompt,
                    job.model,
                    job.seconds,
                    job.size,
                    job.reference_thumb,
                    status.as_str(),
                    now,
                    fields_json(&job.extra_fields),
                    self.owner.id()
                ],
            )
            .map_err(db)?;
        self.require(&id)
    }

    /// Its turn came: `None` when it was cancelled meanwhile (then it must not be sent).
    pub fn start_submitting(&self, id: &str, now: i64) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .execute(
                "UPDATE jobs SET status = 'submitting', progress_at = ?2
                 WHERE id = ?1 AND status = 'waiting'",
                params![id, now],
            )
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
    }

    /// Takes a waiting job out of the queue; `None` when it was already on its way.
    pub fn cancel_waiting(&self, id: &str, problem: &Problem, now: i64) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .execute(
                "UPDATE jobs SET status = 'cancelled', error_code = 'cancelled',
                    error = ?2, progress_at = ?3
                 WHERE id = ?1 AND status = 'waiting'",
                params![id, as_json(problem), now],
            )
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
    }

    /// Waiting rows whose queue is gone (the app closed): never sent, so cancelled.
    pub fn cancel_orphaned_waiting(&self, problem: &Problem, now: i64) -> Result<Vec<JobRow>> {
        let ids = self.orphans("waiting")?;
        let mut rows = Vec::new();
        for id in ids {
            rows.extend(self.cancel_waiting(&id, problem, now)?);
        }
        Ok(rows)
    }

    /// A job by its history id, or by the id the gateway gave it.
    pub fn find(&self, id: &str) -> Result<Option<JobRow>> {
        if let Some(row) = self.get(id)? {
            return Ok(Some(row));
        }
        let now = now_ms();
        self.lock()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE remote_id = ?1 ORDER BY created_at DESC LIMIT 1"),
                params![id],
                |r| read_row(r, now),
            )
            .optional()
            .map_err(db)
    }

    /// The gateway's answer arrived: keep its id before anything else happens.
    pub fn mark_running(
        &self,
        id: &str,
        remote_id: &str,
        server_status: &str,
        progress: Option<f32>,
        now: i64,
    ) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Submitting],
            "status = 'running', remote_id = ?2, server_status = ?3, progress = ?4,
             submitted_at = ?5, progress_at = ?5, error_code = NULL, error = NULL",
            params![id, remote_id, server_status, progress, now],
        )
    }

    pub fn mark_failed(&self, id: &str, code: &str, problem: &Problem, now: i64) -> Result<JobRow> {
        let from = &[
            JobStatus::Waiting,
            JobStatus::Submitting,
            JobStatus::Running,
        ];
        self.end_with(id, from, JobStatus::Failed, code, problem, now)
    }

    pub fn mark_uncertain(
        &self,
        id: &str,
        code: &str,
        problem: &Problem,
        now: i64,
    ) -> Result<JobRow> {
        let from = &[JobStatus::Submitting];
        self.end_with(id, from, JobStatus::Uncertain, code, problem, now)
    }

    /// The user stopped the upload before the request was whole: nothing was created.
    pub fn mark_cancelled(&self, id: &str, problem: &Problem, now: i64) -> Result<JobRow> {
        let from = &[JobStatus::Submitting];
        self.end_with(id, from, JobStatus::Cancelled, "cancelled", problem, now)
    }

    pub fn mark_expired(
        &self,
        id: &str,
        code: &str,
        problem: &Problem,
        now: i64,
    ) -> Result<JobRow> {
        let from = &[JobStatus::Running, JobStatus::Completed];
        self.end_with(id, from, JobStatus::Expired, code, problem, now)
    }

    /// Rows left `submitting` by a crash mid-POST: nobody knows whether the gateway got it.
    pub fn mark_interrupted_submissions(&self, problem: &Problem, now: i64) -> Result<Vec<JobRow>> {
        let ids = self.orphans("submitting")?;
        ids.iter()
            .map(|id| self.mark_uncertain(id, "submit_uncertain", problem, now))
            .collect()
    }

    /// A poll answer for a running job. `None` when nothing visible changed.
    pub fn record_progress(
        &self,
        id: &str,
        server_status: &str,
        progress: Option<f32>,
        now: i64,
    ) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .execute(
                "UPDATE jobs SET server_status = ?2, progress = ?3, progress_at = ?4,
                    slow = 0, error_code = NULL, error = NULL
                 WHERE id = ?1 AND status = 'running'
                   AND (server_status IS NOT ?2 OR progress IS NOT ?3 OR error_code IS NOT NULL)",
                params![id, server_status, progress, now],
            )
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
    }

    /// A passing problem while following a job (rate limit, missing key...): shown on
    /// the card, the job stays as it is.
    pub fn note_problem(&self, id: &str, code: &str, problem: &Problem) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .execute(
                "UPDATE jobs SET error_code = ?2, error = ?3
                 WHERE id = ?1 AND status IN ('running', 'completed')
                   AND (error_code IS NOT ?2 OR error IS NOT ?3)",
                params![id, code, as_json(problem)],
            )
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
    }

    /// Checking a job had stopped (see `poller::gave_up`); the user asked to check again.
    pub fn resume_checking(&self, id: &str, now: i64) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Failed],
            "status = 'running', error_code = NULL, error = NULL, progress_at = ?2,
             slow = 0",
            params![id, now],
        )
    }

    /// Sets the "taking unusually long" flag once; `None` when it was already set.
    pub fn flag_slow(&self, id: &str) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .execute(
                "UPDATE jobs SET slow = 1 WHERE id = ?1 AND slow = 0 AND status = 'running'",
                params![id],
            )
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
    }

    pub fn mark_completed(
        &self,
        id: &str,
        server_status: &str,
        result_url: Option<&str>,
        now: i64,
        expires_at: i64,
    ) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Running],
            "status = 'completed', server_status = ?2, result_url = ?3, progress = 100,
             completed_at = ?4, progress_at = ?4, expires_at = ?5, slow = 0,
             error_code = NULL, error = NULL",
            params![id, server_status, result_url, now, expires_at],
        )
    }

    /// Chooses the file before the first byte, so a restart can find a finished one.
    pub fn set_download_target(&self, id: &str, target: &Path) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Completed],
            "download_target = ?2",
            params![id, target.to_string_lossy()],
        )
    }

    pub fn record_download_progress(
        &self,
        id: &str,
        bytes: u64,
        total: Option<u64>,
    ) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Completed],
            "download_bytes = ?2, download_total = ?3",
            params![id, to_i64(bytes), total.map(to_i64)],
        )
    }

    /// Saved, with what the file turned out to be (`None`: it could not be read).
    pub fn mark_downloaded(
        &self,
        id: &str,
        path: &Path,
        bytes: u64,
        video: Option<&VideoFacts>,
    ) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Completed],
            "status = 'downloaded', file_path = ?2, download_bytes = ?3, download_total = ?3,
             download_error_code = NULL, download_error = NULL, video_width = ?4,
             video_height = ?5, video_duration_ms = ?6, video_has_audio = ?7, video_checked = 1",
            params![
                id,
                path.to_string_lossy(),
                to_i64(bytes),
                video.map(|v| v.width),
                video.map(|v| v.height),
                video.map(|v| to_i64(v.duration_ms)),
                video.map(|v| v.has_audio),
            ],
        )
    }

    /// The job stays `completed`; the card offers to retry.
    pub fn record_download_error(&self, id: &str, code: &str, problem: &Problem) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Completed],
            "download_error_code = ?2, download_error = ?3",
            params![id, code, as_json(problem)],
        )
    }

    /// Makes a completed job eligible for download again, by whichever process
    /// comes to it first.
    pub fn clear_download_error(&self, id: &str) -> Result<JobRow> {
        self.change_from(
            id,
            &[JobStatus::Completed],
            "download_error_code = NULL, download_error = NULL, download_owner = NULL",
            params![id],
        )
    }

    /// Makes this process the one that downloads a completed job: `false` while
    /// another running process has it (its own progress shows on the row).
    pub fn claim_download(&self, id: &str) -> Result<bool> {
        let conn = self.lock()?;
        let holder: Option<Option<String>> = conn
            .query_row(
                "SELECT download_owner FROM jobs WHERE id = ?1 AND status = 'completed'",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        let Some(holder) = holder else {
            return Ok(false);
        };
        match holder {
            Some(other) if other == self.owner.id() => return Ok(true),
            Some(other) if self.owner.is_alive(&other) => return Ok(false),
            _ => {}
        }
        // Taken from nobody, or from a process that is gone, unless someone was quicker.
        let changed = conn
            .execute(
                "UPDATE jobs SET download_owner = ?2
                 WHERE id = ?1 AND status = 'completed' AND download_owner IS ?3",
                params![id, self.owner.id(), holder],
            )
            .map_err(db)?;
        Ok(changed == 1)
    }

    /// Rows in `status` whose owner is gone (or unknown: written before owners).
    fn orphans(&self, status: &str) -> Result<Vec<String>> {
        let owned: Vec<(String, Option<String>)> = {
            let conn = self.lock()?;
            let mut stmt = conn
                .prepare("SELECT id, owner FROM jobs WHERE status = ?1")
                .map_err(db)?;
            let rows = stmt
                .query_map(params![status], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(db)?
                .collect::<rusqlite::Result<_>>()
                .map_err(db)?;
            rows
        };
        Ok(owned
            .into_iter()
            .filter(|(_, owner)| owner.as_deref().is_none_or(|o| !self.owner.is_alive(o)))
            .map(|(id, _)| id)
            .collect())
    }

    pub fn get(&self, id: &str) -> Result<Option<JobRow>> {
        let now = now_ms();
        self.lock()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                |r| read_row(r, now),
            )
            .optional()
            .map_err(db)
    }

    /// Like `get`, for a job that must exist.
    pub fn require(&self, id: &str) -> Result<JobRow> {
        self.get(id)?
            .ok_or_else(|| Error::invalid_input(Problem::new(texts::NOT_IN_HISTORY)))
    }

    /// Newest first, filtered, one page at a time (keyset: no OFFSET scans).
    pub fn list(&self, query: &ListQuery) -> Result<Page> {
        let limit = page_size(query);
        let (sql, values) = list_sql(query);
        let mut jobs = self.query(&sql, rusqlite::params_from_iter(values))?;
        let next = match jobs.len() > limit {
            true => {
                jobs.truncate(limit);
                jobs.last().map(|j| Cursor {
                    created_at: j.created_at,
                    id: j.id.clone(),
                })
            }
            false => None,
        };
        Ok(Page { jobs, next })
    }

    /// Jobs to follow on the gateway or to download, oldest first.
    pub fn unfinished(&self) -> Result<Vec<JobRow>> {
        self.query(
            &format!("SELECT {COLUMNS} FROM jobs WHERE {UNFINISHED} ORDER BY created_at, id"),
            [],
        )
    }

    /// Removes the row. The video file, if any, stays: it is the user's copy.
    /// Removes the job and its details.
    pub fn delete(&self, id: &str) -> Result<bool> {
        let mut conn = self.lock()?;
        let tx = conn.transaction().map_err(db)?;
        tx.execute("DELETE FROM exchanges WHERE job_id = ?1", params![id])
            .map_err(db)?;
        let n = tx
            .execute("DELETE FROM jobs WHERE id = ?1", params![id])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(n > 0)
    }

    /// How long (ms, submitted to completed) the latest `limit` finished jobs of this
    /// model and length took on this gateway, newest first.
    pub fn recent_waits(
        &self,
        profile_id: &str,
        model: &str,
        seconds: &str,
        limit: usize,
    ) -> Result<Vec<i64>> {
        let conn = self.lock()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT completed_at - submitted_at FROM jobs
                 WHERE profile_id = ?1 AND model = ?2 AND seconds = ?3
                   AND completed_at IS NOT NULL AND submitted_at IS NOT NULL
                 ORDER BY completed_at DESC LIMIT ?4",
            )
            .map_err(db)?;
        let waits = stmt
            .query_map(params![profile_id, model, seconds, limit as i64], |r| {
                r.get(0)
            })
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(db)?;
        Ok(waits)
    }

    /// Adds one request and answer to the job's details, dropping its oldest polls.
    pub fn add_exchange(&self, job_id: &str, exchange: &Exchange) -> Result<()> {
        let json = serde_json::to_string(exchange).map_err(Error::store)?;
        let mut conn = self.lock()?;
        let tx = conn.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO exchanges (job_id, action, exchange) VALUES (?1, ?2, ?3)",
            params![job_id, exchange.action, json],
        )
        .map_err(db)?;
        tx.execute(
            "DELETE FROM exchanges WHERE job_id = ?1 AND action != 'submit' AND seq NOT IN
               (SELECT seq FROM exchanges WHERE job_id = ?1 AND action != 'submit'
                ORDER BY seq DESC LIMIT ?2)",
            params![job_id, KEPT_EXCHANGES as i64],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    /// The job's requests and answers, oldest first. Unreadable entries are skipped.
    pub fn exchanges(&self, job_id: &str) -> Result<Vec<Exchange>> {
        let conn = self.lock()?;
        let mut stmt = conn
            .prepare_cached("SELECT exchange FROM exchanges WHERE job_id = ?1 ORDER BY seq")
            .map_err(db)?;
        let texts = stmt
            .query_map(params![job_id], |r| r.get::<_, String>(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(db)?;
        Ok(texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect())
    }

    pub fn count(&self) -> Result<u64> {
        let n: i64 = self
            .lock()?
            .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get(0))
            .map_err(db)?;
        Ok(n.max(0) as u64)
    }

    /// Fills the history in one transaction (benchmarks, imports). Rows keep their times.
    pub fn import(&self, rows: &[(NewJob, JobStatus, i64)]) -> Result<()> {
        let mut conn = self.lock()?;
        let tx = conn.transaction().map_err(db)?;
        for (job, status, created) in rows {
            tx.execute(
                "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    uuid::Uuid::new_v4().simple().to_string(),
                    job.profile_id,
                    job.prompt,
                    job.model,
                    job.seconds,
                    job.size,
                    status.as_str(),
                    created
                ],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn end_with(
        &self,
        id: &str,
        from: &[JobStatus],
        status: JobStatus,
        code: &str,
        problem: &Problem,
        now: i64,
    ) -> Result<JobRow> {
        self.change_from(
            id,
            from,
            "status = ?2, error_code = ?3, error = ?4, progress_at = ?5, slow = 0",
            params![id, status.as_str(), code, as_json(problem), now],
        )
    }

    /// `UPDATE jobs SET {set} WHERE id = ?1` while the row is in one of the `from`
    /// states, then the row as it is now: another process may have moved it on, and
    /// a row never moves back.
    fn change_from(
        &self,
        id: &str,
        from: &[JobStatus],
        set: &str,
        values: impl rusqlite::Params,
    ) -> Result<JobRow> {
        let states: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        self.lock()?
            .execute(
                &format!(
                    "UPDATE jobs SET {set} WHERE id = ?1 AND status IN ({})",
                    states.join(", ")
                ),
                values,
            )
            .map_err(db)?;
        self.require(id)
    }

    fn query(&self, sql: &str, values: impl rusqlite::Params) -> Result<Vec<JobRow>> {
        let now = now_ms();
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(sql).map_err(db)?;
        let rows = stmt
            .query_map(values, |r| read_row(r, now))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<JobRow>>>()
            .map_err(db)?;
        Ok(rows)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| Error::internal("the job history was poisoned"))
    }
}

/// 50 by default; at most 500 rows at once.
fn page_size(query: &ListQuery) -> usize {
    match query.limit {
        0 => 50,
        n => n.min(500) as usize,
    }
}

/// The page query: one more row than the page, to know whether another page follows.
fn list_sql(query: &ListQuery) -> (String, Vec<rusqlite::types::Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(", ");
        clauses.push(format!("status IN ({marks})"));
        values.extend(query.statuses.iter().map(|s| s.as_str().to_string().into()));
    }
    let text = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(text) = text {
        clauses.push("prompt LIKE ? ESCAPE '\\'".into());
        values.push(format!("%{}%", escape_like(text)).into());
    }
    if let Some(after) = &query.after {
        clauses.push("(created_at, id) < (?, ?)".into());
        values.push(after.created_at.into());
        values.push(after.id.clone().into());
    }
    let filter = match clauses.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", clauses.join(" AND ")),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs {filter} ORDER BY created_at DESC, id DESC LIMIT {}",
        page_size(query) + 1
    );
    (sql, values)
}

/// Brings the schema up to date. The app and the CLI may open a new history at the
/// same moment: the version is read and raised inside one write transaction, so
/// the second to come waits and then finds nothing left to do.
fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db)?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db)?;
    if version > MIGRATIONS.len() as i64 {
        return Err(Error::Store(Problem::new(texts::HISTORY_TOO_NEW)));
    }
    for sql in MIGRATIONS.iter().skip(version.max(0) as usize) {
        tx.execute_batch(sql).map_err(db)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
        .map_err(db)?;
    tx.commit().map_err(db)
}

fn read_row(r: &Row<'_>, now: i64) -> rusqlite::Result<JobRow> {
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

fn as_json(problem: &Problem) -> String {
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
fn fields_json(fields: &[(String, String)]) -> Option<String> {
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

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn db(e: rusqlite::Error) -> Error {
    Error::store(e)
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        Problem::new(texts::JOB_FAILED)
    }

    fn store() -> (tempfile::TempDir, JobStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
        (dir, store)
    }

    fn new_job(prompt: &str) -> NewJob {
        NewJob {
            profile_id: "p1".into(),
            prompt: prompt.into(),
            model: "veo3.1".into(),
            seconds: "8".into(),
            size: "16:9".into(),
            reference_thumb: None,
            extra_fields: Vec::new(),
        }
    }

    fn plan(s: &JobStore, sql: &str, values: Vec<rusqlite::types::Value>) -> String {
        let conn = s.lock().unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let details = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        details.join(" | ")
    }

    #[test]
    fn pages_and_the_resume_read_indexes_instead_of_sorting_the_table() {
        let (_d, s) = store();
        let after = Some(Cursor {
            created_at: 5,
            id: "x".into(),
        });
        for query in [
            ListQuery::default(),
            ListQuery {
                after,
                text: Some("boat".into()),
                ..Default::default()
            },
        ] {
            let (sql, values) = list_sql(&query);
            let plan = plan(&s, &sql, values);
            assert!(plan.contains("jobs_newest"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        let unfinished = format!("SELECT {COLUMNS} FROM jobs WHERE {UNFINISHED}");
        let plan = plan(&s, &unfinished, vec![]);
        assert!(plan.contains("jobs_by_status"), "{plan}");
        assert!(!plan.contains("SCAN jobs"), "{plan}");
    }

    #[test]
    fn a_batch_job_waiting_its_turn_shows_under_in_progress() {
        let (_d, s) = store();
        let waiting = s.insert_waiting(&new_job("third in line"), 1).unwrap();
        assert_eq!(waiting.group, Some("active"));
        let active = ListQuery {
            statuses: JobStatus::in_group("active"),
            ..Default::default()
        };
        let shown: Vec<_> = s
            .list(&active)
            .unwrap()
            .jobs
            .into_iter()
            .map(|j| j.id)
            .collect();
        assert_eq!(shown, vec![waiting.id]);
        assert!(JobStatus::in_group("nonsense").is_empty());
        for status in JobStatus::ALL {
            if let Some(group) = status.group() {
                assert!(JobStatus::in_group(group).contains(&status));
            }
        }
    }

    #[test]
    fn page_sizes_are_bounded() {
        let size = |limit| {
            page_size(&ListQuery {
                limit,
                ..Default::default()
            })
        };
        assert_eq!((size(0), size(20), size(u32::MAX)), (50, 20, 500));
    }

    #[test]
    fn a_new_row_is_submitting_and_reads_back() {
        let (_d, s) = store();
        let row = s.insert_submitting(&new_job("a boat"), 1000).unwrap();
        assert_eq!(row.status, JobStatus::Submitting);
        assert_eq!(s.get(&row.id).unwrap().unwrap(), row);
        assert_eq!(row.remote_id, None);
    }

    #[test]
    fn reopening_keeps_rows_and_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let id = JobStore::open_at(&path)
            .unwrap()
            .insert_submitting(&new_job("x"), 1)
            .unwrap()
            .id;
        let again = JobStore::open_at(&path).unwrap();
        assert!(again.get(&id).unwrap().is_some());
        let v: i64 = again
            .lock()
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_history_from_before_details_is_upgraded_and_keeps_its_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        {
            // The history as the first release wrote it: only migration 1.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute(
                "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status, created_at)
                 VALUES ('old', 'p1', 'from last year', 'veo3.1', '8', '16:9', 'downloaded', 1)",
                [],
            )
            .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let s = JobStore::open_at(&path).unwrap();
        assert_eq!(s.get("old").unwrap().unwrap().prompt, "from last year");
        assert!(s.exchanges("old").unwrap().is_empty());
        let url = reqwest::Url::parse("https://gw.example/v1/videos/r1").unwrap();
        let poll = crate::gateway::exchange::Outgoing::new("poll", "GET", &url, String::new())
            .failed(&problem());
        s.add_exchange("old", &poll).unwrap();
        assert_eq!(s.exchanges("old").unwrap(), vec![poll]);
    }

    #[test]
    fn a_history_from_before_video_checks_is_upgraded_and_keeps_its_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(MIGRATIONS[1]).unwrap();
            conn.execute(
                "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status, created_at, file_path)
                 VALUES ('old', 'p1', 'saved last year', 'veo3.1', '8', '9:16', 'downloaded', 1, '/v/old.mp4')",
                [],
            )
            .unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
        let row = JobStore::open_at(&path)
            .unwrap()
            .get("old")
            .unwrap()
            .unwrap();
        assert_eq!(row.prompt, "saved last year");
        assert_eq!((row.video, row.video_checked), (None, false));
        assert!(row.mismatches.is_empty() && row.extra_fields.is_empty());
    }

    #[test]
    fn sentences_stored_before_problems_were_data_become_texts_or_are_kept_as_noted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            for step in &MIGRATIONS[..3] {
                conn.execute_batch(step).unwrap();
            }
            let insert = "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status,
                    created_at, error_code, error_message, download_error_code, download_error_message)
                 VALUES (?1, 'p1', 'x', 'veo3.1', '8', '16:9', ?2, 1, ?3, ?4, ?5, ?6)";
            let rows: [[Option<&str>; 6]; 3] = [
                [
                    Some("queued"),
                    Some("cancelled"),
                    Some("cancelled"),
                    Some("Cancelled before it was sent. Nothing reached the gateway."),
                    None,
                    None,
                ],
                [
                    Some("blocked"),
                    Some("failed"),
                    Some("content_blocked"),
                    Some("The video was blocked by Veo's safety filter."),
                    None,
                    None,
                ],
                [
                    Some("unsaved"),
                    Some("completed"),
                    None,
                    None,
                    Some("io"),
                    Some("Disk full."),
                ],
            ];
            for row in rows {
                conn.execute(insert, rusqlite::params_from_iter(row))
                    .unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
        }
        let s = JobStore::open_at(&path).unwrap();
        let error = |id: &str| s.get(id).unwrap().unwrap().error.unwrap();
        assert_eq!(error("queued"), Problem::new(texts::CANCELLED));
        let earlier = |code: &str, noted: &str| {
            Problem::new(problem::texts::EARLIER)
                .with("code", code)
                .with("noted", noted)
        };
        assert_eq!(
            error("blocked"),
            earlier(
                "content_blocked",
                "The video was blocked by Veo's safety filter."
            )
        );
        let unsaved = s.get("unsaved").unwrap().unwrap();
        assert_eq!(unsaved.download_error, Some(earlier("io", "Disk full.")));
        assert_eq!(unsaved.error, None);
        assert!(crate::i18n::word(&error("queued"), "zh-CN").contains("已在发送前取消"));
    }

    #[test]
    fn a_problem_is_stored_whole_with_the_gateways_words() {
        let (_d, s) = store();
        let row = s.insert_submitting(&new_job("x"), 1).unwrap();
        let said = Problem::new(texts::JOB_FAILED).said(Some("quota <b>exceeded</b>"));
        let failed = s.mark_failed(&row.id, "job_failed", &said, 2).unwrap();
        assert_eq!(failed.error, Some(said));
        assert_eq!(failed.error_code.as_deref(), Some("job_failed"));
    }

    #[test]
    fn a_saved_video_keeps_what_its_file_is_and_how_that_differs_from_the_request() {
        let (dir, s) = store();
        let portrait = NewJob {
            size: "9:16".into(),
            extra_fields: vec![("negative_prompt".into(), "rain".into())],
            ..new_job("a lighthouse")
        };
        let a = s.insert_submitting(&portrait, 1).unwrap();
        assert_eq!(a.extra_fields, portrait.extra_fields);
        s.mark_running(&a.id, "r-a", "queued", None, 2).unwrap();
        s.mark_completed(&a.id, "completed", None, 3, 4).unwrap();
        let landscape = VideoFacts {
            width: 1280,
            height: 720,
            duration_ms: 8000,
            has_audio: true,
        };
        let row = s
            .mark_downloaded(&a.id, Path::new("/v/a.mp4"), 10, Some(&landscape))
            .unwrap();
        assert_eq!((row.video, row.video_checked), (Some(landscape), true));
        assert_eq!(
            row.mismatches
                .iter()
                .map(Mismatch::code)
                .collect::<Vec<_>>(),
            vec!["aspect_mismatch"]
        );
        let again = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
        assert_eq!(again.get(&a.id).unwrap().unwrap(), row);

        let b = s.insert_submitting(&new_job("unreadable"), 2).unwrap();
        s.mark_running(&b.id, "r-b", "queued", None, 2).unwrap();
        s.mark_completed(&b.id, "completed", None, 3, 4).unwrap();
        let row = s
            .mark_downloaded(&b.id, Path::new("/v/b.mp4"), 10, None)
            .unwrap();
        assert_eq!((row.video, row.video_checked), (None, true));
        assert!(row.mismatches.is_empty());
    }

    #[test]
    fn a_history_from_a_newer_version_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let e = JobStore::open_at(&path).err().unwrap();
        assert_eq!(e.code(), "history_unavailable");
        assert!(e.to_string().contains("newer version"), "{e}");
    }

    #[test]
    fn pages_are_newest_first_and_do_not_overlap() {
        let (_d, s) = store();
        let rows: Vec<_> = (0..7)
            .map(|i| {
                (
                    new_job(&format!("clip {i}")),
                    JobStatus::Downloaded,
                    100 + i / 2,
                )
            })
            .collect();
        s.import(&rows).unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s
                .list(&ListQuery {
                    after: after.clone(),
                    limit: 3,
                    ..Default::default()
                })
                .unwrap();
            seen.extend(page.jobs.iter().map(|j| (j.created_at, j.id.clone())));
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7);
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(seen, sorted, "newest first, ties by id, no repeats");
    }

    #[test]
    fn filters_by_status_and_prompt_text_literally() {
        let (_d, s) = store();
        s.import(&[
            (new_job("Paper boat drifting"), JobStatus::Downloaded, 1),
            (new_job("a paper plane"), JobStatus::Failed, 2),
            (new_job("100% orange"), JobStatus::Downloaded, 3),
            (new_job("1000 oranges"), JobStatus::Downloaded, 4),
        ])
        .unwrap();
        let find = |text: &str, statuses: Vec<JobStatus>| {
            s.list(&ListQuery {
                text: Some(text.into()),
                statuses,
                ..Default::default()
            })
            .unwrap()
            .jobs
            .into_iter()
            .map(|j| j.prompt)
            .collect::<Vec<_>>()
        };
        assert_eq!(find("PAPER", vec![]).len(), 2);
        assert_eq!(
            find("paper", vec![JobStatus::Failed]),
            vec!["a paper plane"]
        );
        assert_eq!(find("100%", vec![]), vec!["100% orange"]);
    }

    #[test]
    fn unfinished_means_running_or_waiting_for_download() {
        let (_d, s) = store();
        let a = s.insert_submitting(&new_job("a"), 1).unwrap();
        let b = s.insert_submitting(&new_job("b"), 2).unwrap();
        let c = s.insert_submitting(&new_job("c"), 3).unwrap();
        s.mark_running(&a.id, "r-a", "queued", None, 5).unwrap();
        s.mark_running(&b.id, "r-b", "queued", None, 5).unwrap();
        s.mark_completed(&b.id, "completed", None, 6, 7).unwrap();
        s.mark_failed(&c.id, "gateway_error", &problem(), 6)
            .unwrap();
        let ids: Vec<_> = s.unfinished().unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![a.id.clone(), b.id.clone()]);
        s.record_download_error(&b.id, "io", &problem()).unwrap();
        assert_eq!(s.unfinished().unwrap().len(), 1);
    }

    #[test]
    fn recent_waits_are_this_gateways_finished_jobs_of_the_same_kind() {
        let (_d, s) = store();
        let finish = |job: NewJob, sent: i64, done: i64| {
            let row = s.insert_submitting(&job, sent).unwrap();
            s.mark_running(&row.id, "r", "queued", None, sent).unwrap();
            s.mark_completed(&row.id, "completed", None, done, done + 1)
                .unwrap();
        };
        finish(new_job("a"), 1_000, 61_000);
        finish(new_job("b"), 2_000, 182_000);
        finish(
            NewJob {
                seconds: "4".into(),
                ..new_job("short")
            },
            0,
            10_000,
        );
        finish(
            NewJob {
                profile_id: "p2".into(),
                ..new_job("elsewhere")
            },
            0,
            999_000,
        );
        let running = s.insert_submitting(&new_job("still going"), 5).unwrap();
        s.mark_running(&running.id, "r2", "queued", None, 5)
            .unwrap();

        assert_eq!(
            s.recent_waits("p1", "veo3.1", "8", 20).unwrap(),
            vec![180_000, 60_000],
            "newest first; other lengths, gateways and unfinished jobs left out"
        );
        assert_eq!(
            s.recent_waits("p1", "veo3.1", "8", 1).unwrap(),
            vec![180_000]
        );
    }

    #[test]
    fn a_waiting_job_is_either_sent_or_cancelled_never_both() {
        let (_d, s) = store();
        let a = s.insert_waiting(&new_job("a"), 1).unwrap();
        let b = s.insert_waiting(&new_job("b"), 2).unwrap();
        assert_eq!(a.status, JobStatus::Waiting);
        assert!(!a.is_on_gateway() && !a.is_settled());
        let sent = s.start_submitting(&a.id, 3).unwrap().unwrap();
        assert!(sent.is_on_gateway());
        assert!(s.cancel_waiting(&a.id, &problem(), 4).unwrap().is_none());
        let gone = s.cancel_waiting(&b.id, &problem(), 4).unwrap().unwrap();
        assert_eq!(
            (gone.status, gone.is_settled()),
            (JobStatus::Cancelled, true)
        );
        assert!(s.start_submitting(&b.id, 5).unwrap().is_none());
        assert!(
            s.unfinished().unwrap().is_empty(),
            "waiting rows are not polled"
        );
    }

    #[test]
    fn jobs_are_found_by_their_gateway_id_too() {
        let (_d, s) = store();
        let a = s.insert_submitting(&new_job("a"), 1).unwrap();
        s.mark_running(&a.id, "task-77", "queued", None, 2).unwrap();
        assert_eq!(s.find("task-77").unwrap().unwrap().id, a.id);
        assert_eq!(s.find(&a.id).unwrap().unwrap().id, a.id);
        assert!(s.find("nope").unwrap().is_none());
    }

    #[test]
    fn unchanged_progress_is_not_reported_twice() {
        let (_d, s) = store();
        let a = s.insert_submitting(&new_job("a"), 1).unwrap();
        s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
        assert!(s
            .record_progress(&a.id, "queued", None, 3)
            .unwrap()
            .is_none());
        let row = s
            .record_progress(&a.id, "in_progress", Some(40.0), 4)
            .unwrap()
            .unwrap();
        assert_eq!((row.progress, row.progress_at), (Some(40.0), Some(4)));
    }

    #[test]
    fn a_completed_job_past_expiry_without_file_warns() {
        let (_d, s) = store();
        let a = s.insert_submitting(&new_job("a"), 1).unwrap();
        s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
        let row = s.mark_completed(&a.id, "completed", None, 3, 4).unwrap();
        assert_eq!(row.warning, Some(JobWarning::ExpiredWithoutFile));
        let row = s
            .mark_downloaded(&a.id, Path::new("/v/a.mp4"), 10, None)
            .unwrap();
        assert_eq!(row.warning, None);
    }

    #[test]
    fn the_slow_flag_is_set_once_and_cleared_by_progress() {
        let (_d, s) = store();
        let a = s.insert_submitting(&new_job("a"), 1).unwrap();
        s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
        let row = s.flag_slow(&a.id).unwrap().unwrap();
        assert_eq!(row.warning, Some(JobWarning::TakingUnusuallyLong));
        assert!(s.flag_slow(&a.id).unwrap().is_none());
        let row = s
            .record_progress(&a.id, "in_progress", Some(5.0), 9)
            .unwrap()
            .unwrap();
        assert_eq!(row.warning, None);
    }
}
