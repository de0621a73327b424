//! Which process a job belongs to while only that process can finish it (waiting in
//! its batch, being sent, being downloaded). The app and the CLI share one history, so
//! "a row left `submitting`" means a crash only when its owner is gone.
//!
//! An owner is a lock file `owners/<id>.lock` beside the history, held with an
//! exclusive lock for as long as the history is open. The system drops the lock
//! when the process ends, however it ends, so an owner whose file can be locked by
//! someone else is gone.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::{paths, texts};

pub struct Owner {
    id: String,
    dir: PathBuf,
    /// Held, never read: the lock lives as long as this file stays open.
    _lock: File,
}

impl Owner {
    /// A new owner for this opening of the history in `history_dir`.
    pub fn claim(history_dir: &Path) -> Result<Owner> {
        let dir = history_dir.join("owners");
        let create = |e| paths::io_error(paths::at(texts::COULD_NOT_CREATE, &dir), e);
        paths::create_private_dir(&dir).map_err(create)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let path = lock_path(&dir, &id);
        let file = paths::private_file_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(create)?;
        file.lock().map_err(create)?;
        Ok(Owner {
            id,
            dir,
            _lock: file,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the process that holds `id` is still running (this one included).
    pub fn is_alive(&self, id: &str) -> bool {
        if id == self.id {
            return true;
        }
        let path = lock_path(&self.dir, id);
        let Ok(file) = File::options().write(true).open(&path) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                // Gone: its lock file is no longer needed.
                let _ = std::fs::remove_file(&path);
                false
            }
            Err(TryLockError::WouldBlock) => true,
            // A file system without locks cannot tell: assume alive, so nothing is
            // taken from a process that may still be working on it.
            Err(TryLockError::Error(_)) => true,
        }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(lock_path(&self.dir, &self.id));
    }
}

/// Ids are our own hex uuids; anything else names no file.
fn lock_path(dir: &Path, id: &str) -> PathBuf {
    let safe: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    dir.join(format!("{safe}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_is_alive_while_its_history_is_open_and_gone_after() {
        let dir = tempfile::tempdir().unwrap();
        let first = Owner::claim(dir.path()).unwrap();
        let second = Owner::claim(dir.path()).unwrap();
        assert!(second.is_alive(first.id()));
        assert!(first.is_alive(first.id()));
        let gone = first.id().to_string();
        drop(first);
        assert!(!second.is_alive(&gone));
        assert!(!second.is_alive("never-existed"));
    }

    #[test]
    fn a_crashed_owner_leaves_its_file_but_not_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = Owner::claim(dir.path()).unwrap();
        let id = first.id().to_string();
        // A crash: the file stays, the lock goes with the process.
        std::mem::forget(first);
        let path = lock_path(&dir.path().join("owners"), &id);
        assert!(path.exists());
        // Unlocking by hand stands in for the process ending.
        File::open(&path).unwrap().unlock().unwrap();
        let second = Owner::claim(dir.path()).unwrap();
        assert!(second.is_alive(&id), "still locked by the forgotten handle");
    }
}
