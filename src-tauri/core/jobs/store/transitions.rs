//! Every change of a job. Each one names the states it may come from: another process
//! may have moved the row on, and a row never moves back.

use std::path::Path;

use rusqlite::{params, OptionalExtension};

use super::row::{as_json, fields_json};
use super::{db, JobRow, JobStatus, JobStore, NewJob};
use crate::error::Result;
use crate::media::VideoFacts;
use crate::problem::Problem;

impl JobStore {
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
                    status, created_at, progress_at, extra_fields, owner, continues)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12)",
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
                    self.owner.id(),
                    job.continues
                ],
            )
            .map_err(db)?;
        self.require(&id)
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

    /// Its turn came: `None` when it was cancelled meanwhile (then it must not be sent).
    pub fn start_submitting(&self, id: &str, now: i64) -> Result<Option<JobRow>> {
        self.change_if(
            id,
            "UPDATE jobs SET status = 'submitting', progress_at = ?2
             WHERE id = ?1 AND status = 'waiting'",
            params![id, now],
        )
    }

    /// Takes a waiting job out of the queue; `None` when it was already on its way.
    pub fn cancel_waiting(&self, id: &str, problem: &Problem, now: i64) -> Result<Option<JobRow>> {
        self.change_if(
            id,
            "UPDATE jobs SET status = 'cancelled', error_code = 'cancelled',
                error = ?2, progress_at = ?3
             WHERE id = ?1 AND status = 'waiting'",
            params![id, as_json(problem), now],
        )
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
        self.change_if(
            id,
            "UPDATE jobs SET server_status = ?2, progress = ?3, progress_at = ?4,
                slow = 0, error_code = NULL, error = NULL
             WHERE id = ?1 AND status = 'running'
               AND (server_status IS NOT ?2 OR progress IS NOT ?3 OR error_code IS NOT NULL)",
            params![id, server_status, progress, now],
        )
    }

    /// A passing problem while following a job (rate limit, missing key...): shown on
    /// the card, the job stays as it is.
    pub fn note_problem(&self, id: &str, code: &str, problem: &Problem) -> Result<Option<JobRow>> {
        self.change_if(
            id,
            "UPDATE jobs SET error_code = ?2, error = ?3
             WHERE id = ?1 AND status IN ('running', 'completed')
               AND (error_code IS NOT ?2 OR error IS NOT ?3)",
            params![id, code, as_json(problem)],
        )
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
        self.change_if(
            id,
            "UPDATE jobs SET slow = 1 WHERE id = ?1 AND slow = 0 AND status = 'running'",
            params![id],
        )
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

    /// Runs `sql`, an UPDATE of row `id` guarded by its WHERE clause: the row as it is
    /// now when it changed, `None` when the guard kept it as it was.
    fn change_if(
        &self,
        id: &str,
        sql: &str,
        values: impl rusqlite::Params,
    ) -> Result<Option<JobRow>> {
        let changed = self
            .lock()?
            .prepare_cached(sql)
            .and_then(|mut update| update.execute(values))
            .map_err(db)?;
        match changed {
            0 => Ok(None),
            _ => self.get(id),
        }
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
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
