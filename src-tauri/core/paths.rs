//! Where Veo Desk keeps its files. The same folders as Tauri's `app_*_dir`
//! (`<platform dir>/<identifier>`), computed without Tauri so the command-line
//! companion and tests find the same config and history as the app.
//!
//! What is in them is the user's own (prompts, pictures, gateway answers), so on Unix
//! every folder Veo Desk makes is 0700 and every file 0600, whatever the umask. On
//! Windows and macOS the user's profile folder already keeps other users out.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::texts;

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

    /// Thumbnails of reference pictures and posters of saved videos, keyed by content:
    /// the form, the cards and the CLI share them.
    pub fn thumbnails(&self) -> PathBuf {
        self.cache.join("thumbnails")
    }

    /// Pictures the form holds that are no file of the user's: pasted ones, and the
    /// last frames shots continue from. Trimmed at start.
    pub fn form_pictures(&self) -> PathBuf {
        self.cache.join("pasted")
    }

    /// The story's copies of the pictures its planned shots start from: kept until
    /// the shot is made, so not in the cache.
    pub fn story_pictures(&self) -> PathBuf {
        self.data.join("story-pictures")
    }

    /// Creates the folders, each for this user only; folders an older version left
    /// readable by others are tightened.
    pub fn create_private(&self) -> Result<()> {
        for dir in [&self.config, &self.data, &self.cache, &self.logs()] {
            create_private_dir(dir).map_err(|e| io_error(at(texts::COULD_NOT_CREATE, dir), e))?;
        }
        Ok(())
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
    let failed = |e: io::Error| io_error(at(texts::COULD_NOT_SAVE_FILE, path), e);
    let dir = path
        .parent()
        .ok_or_else(|| Error::internal(format!("{} has no folder", path.display())))?;
    create_private_dir(dir).map_err(failed)?;
    // The temporary file is 0600 on Unix, and keeps that mode once renamed.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// An I/O failure told with `problem`, completed with the system's words as `{cause}`.
pub fn io_error(problem: Problem, source: io::Error) -> Error {
    Error::Io {
        problem: problem.with("cause", &source),
        source,
    }
}

/// `text` about the file or folder at `path`, named as `{path}`.
pub fn at(text: crate::problem::Text, path: &Path) -> Problem {
    Problem::new(text).with("path", path.display())
}

/// Makes a rename in `dir` durable: until the folder's entry is on disk, a power cut
/// can bring back the old file. Best effort: the new file is in place either way.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    // Windows cannot open a folder as a file; NTFS journals renames itself.
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates `dir` and any missing parents for this user only (0700 on Unix), and
/// tightens `dir` itself if it exists with looser rights.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        keep_private(dir, 0o700)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Options that create a file for this user only (0600 on Unix); add what to do.
pub fn private_file_options() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Writes `bytes` to a new or truncated file that only this user can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    // A file that existed before keeps its mode through `open`.
    keep_private(path, 0o600)?;
    file.write_all(bytes)
}

/// Takes group and other rights away from an existing file or folder (no-op off Unix).
pub fn keep_private(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = std::fs::metadata(path)?.permissions().mode();
        if current & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every folder and file below `root`, with its permission bits.
    #[cfg(unix)]
    fn modes(root: &Path) -> Vec<(PathBuf, u32)> {
        use std::os::unix::fs::PermissionsExt;
        let mut found = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
                if path.is_dir() {
                    stack.push(path.clone());
                }
                found.push((path, mode));
            }
        }
        found
    }

    /// The app's own code paths, in a fresh home: profiles, settings, the history
    /// (with its WAL), a thumbnail, a pasted picture, a diagnostics export.
    #[cfg(unix)]
    #[test]
    fn every_folder_and_file_the_app_makes_is_for_this_user_only() {
        use crate::jobs::{JobStore, NewJob};
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(&root.path().join("home"));
        let state = crate::state::AppState::open(
            dirs.clone(),
            Box::new(crate::keychain::SessionKeys::default()),
        )
        .unwrap();
        state.profiles().unwrap().use_demo().unwrap();
        crate::settings::SettingsStore::open(&dirs)
            .unwrap()
            .set_appearance(Some("en".into()), crate::settings::Theme::Dark)
            .unwrap();
        let store = JobStore::open(&dirs).unwrap();
        store.insert_submitting(&NewJob::default(), 1).unwrap();
        let photo = root.path().join("photo.png");
        image::RgbImage::from_pixel(64, 48, image::Rgb([200, 80, 20]))
            .save(&photo)
            .unwrap();
        crate::images::thumbnail(&photo, &dirs.thumbnails()).unwrap();
        let png = std::fs::read(&photo).unwrap();
        crate::images::save_pasted(&png, &dirs.cache.join("pasted")).unwrap();
        write_atomic(&dirs.data.join("diagnostics.txt"), b"report").unwrap();

        let made = modes(&root.path().join("home"));
        let names: Vec<String> = made
            .iter()
            .filter_map(|(p, _)| Some(p.file_name()?.to_str()?.to_string()))
            .collect();
        for expected in [
            "profiles.json",
            "settings.json",
            "history.sqlite3",
            "history.sqlite3-wal",
            "logs",
            "thumbnails",
            "pasted",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "no {expected} in {names:?}"
            );
        }
        for (path, mode) in made {
            let wanted = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode, wanted, "{} is {mode:o}", path.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_an_older_version_left_open_is_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        std::fs::create_dir_all(&dirs.data).unwrap();
        std::fs::set_permissions(&dirs.data, std::fs::Permissions::from_mode(0o755)).unwrap();
        dirs.create_private().unwrap();
        let mode = std::fs::metadata(&dirs.data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

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
