//! Where Veo Desk keeps its files. The same folders as Tauri's `app_*_dir`
//! (`<platform dir>/<identifier>`), computed without Tauri so the command-line
//! companion and tests find the same config and history as the app.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const IDENTIFIER: &str = "com.veodesk.desktop";

#[derive(Debug, Clone)]
pub struct AppDirs {
    pub config: PathBuf,
    pub data: PathBuf,
    pub cache: PathBuf,
}

impl AppDirs {
    /// The current user's folders.
    pub fn for_user() -> Result<AppDirs> {
        let base = |dir: Option<PathBuf>, what: &str| {
            dir.map(|d| d.join(IDENTIFIER)).ok_or_else(|| {
                Error::internal(format!("this system reports no {what} folder for the user"))
            })
        };
        Ok(AppDirs {
            config: base(dirs::config_dir(), "config")?,
            data: base(dirs::data_dir(), "data")?,
            cache: base(dirs::cache_dir(), "cache")?,
        })
    }

    /// The log files (`<data>/logs`, where Tauri's `app_log_dir` points on Linux).
    pub fn logs(&self) -> PathBuf {
        self.data.join("logs")
    }

    /// Everything below one folder, for tests and portable setups.
    pub fn under(root: &Path) -> AppDirs {
        AppDirs {
            config: root.join("config"),
            data: root.join("data"),
            cache: root.join("cache"),
        }
    }
}

/// Replaces `path` with `bytes` so that a crash leaves either the old or the new
/// file, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let action = || format!("save {}", path.display());
    let dir = path
        .parent()
        .ok_or_else(|| Error::internal(format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(action(), e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(action(), e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(action(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(action(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(action(), e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_whole_file_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/profiles.json");
        write_atomic(&path, b"first version, rather long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let entries = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(entries, 1);
    }
}
