//! The tables, and how a history written by an earlier version is brought up to date.

use rusqlite::Connection;

use super::db;
use crate::error::{Error, Result};
use crate::jobs::texts;
use crate::problem::Problem;

pub(super) const MIGRATIONS: &[&str] = &[
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
    // 6: the shot a job continues ("Continue this shot"), by its id.
    "ALTER TABLE jobs ADD COLUMN continues TEXT;",
    // 7: the story: saved shots in the order the film plays them.
    "CREATE TABLE story_shots (position INTEGER PRIMARY KEY, job_id TEXT NOT NULL);",
    // 8: a story shot may be a prompt still to make (`plan`, its settings as JSON),
    // made from the last frame of the shot before (`continues_previous`) once the
    // user asks (`making`: the gateway to make it on). Shots get ids of their own so
    // a planned shot keeps its place and its plan when it is reordered.
    "CREATE TABLE story_shots_planned (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        job_id TEXT,
        plan TEXT,
        continues_previous INTEGER NOT NULL DEFAULT 0,
        making TEXT,
        problem TEXT
    );
    INSERT INTO story_shots_planned (id, position, job_id)
        SELECT job_id, position, job_id FROM story_shots;
    DROP TABLE story_shots;
    ALTER TABLE story_shots_planned RENAME TO story_shots;",
    // 9: the take the user kept among those compared ("Compare takes").
    "ALTER TABLE jobs ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;",
];

/// Brings the schema up to date. The app and the CLI may open a new history at the
/// same moment: the version is read and raised inside one write transaction, so
/// the second to come waits and then finds nothing left to do.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
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
