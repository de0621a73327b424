//! The job history: one SQLite file, and the only module that speaks SQL.
//!
//! Every state change is one short statement, committed before anyone else hears of it,
//! so a crash at any moment leaves a row that says how far the job got.
//!
//! `schema` has the tables and their migrations, `status` where a job is (and the
//! history's groups), `row` a job as stored and read back, `transitions` every change
//! (each guarded by the states it may come from), `queries` the lists and lookups,
//! `details` each job's requests and answers, `story` the shots of the story in order,
//! `takes` the take kept among those compared.

mod details;
mod queries;
mod row;
mod schema;
mod status;
mod story;
mod takes;
#[cfg(test)]
mod tests;
mod transitions;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use details::KEPT_EXCHANGES;
pub use queries::{Cursor, ListQuery, Page};
pub use row::{JobRow, NewJob};
pub use status::{JobStatus, JobWarning};
pub use story::{PlannedPicture, ShotPlan, StoryShot};

use super::owner::Owner;
use crate::error::{Error, Result};
use crate::paths::{self, AppDirs};
use schema::migrate;

pub const FILE_NAME: &str = "history.sqlite3";

/// The history file, shared by the app's tasks (one connection behind a mutex: every
/// statement is short, and SQLite serialises writers anyway).
#[derive(Clone)]
pub struct JobStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    /// This process, as the owner of the rows only it can finish.
    owner: Arc<Owner>,
}

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
        // Every statement the poller repeats stays compiled (rusqlite keeps 16).
        conn.set_prepared_statement_cache_capacity(64);
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

    fn lock(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| Error::internal("the job history was poisoned"))
    }
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
