//! The user's app settings: a small JSON file in the app's config folder.
//! Today it holds where finished videos are saved.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths::{write_atomic, AppDirs};

pub const FILE_NAME: &str = "settings.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Where new videos are saved; `None` means the default folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_dir: Option<PathBuf>,
}

impl Settings {
    /// The saved settings; defaults when there is no file yet.
    pub fn load(dirs: &AppDirs) -> Result<Settings> {
        let path = dirs.config.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::invalid_input(format!(
                    "The settings file {} could not be read ({e}). Fix or delete it.",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(Error::io(format!("read {}", path.display()), e)),
        }
    }

    pub fn save(&self, dirs: &AppDirs) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::internal(format!("settings could not be written: {e}")))?;
        write_atomic(&dirs.config.join(FILE_NAME), &json)
    }

    /// The folder new videos go to: the chosen one, else `default`.
    pub fn video_dir_or(&self, default: PathBuf) -> PathBuf {
        self.video_dir.clone().unwrap_or(default)
    }
}

/// Checks that videos can be saved in `dir` (creating it if needed) before it is
/// chosen, so a bad choice is refused now rather than at the next download.
pub fn check_video_dir(dir: &Path) -> Result<PathBuf> {
    if !dir.is_absolute() {
        return Err(Error::invalid_input(
            "Choose a folder by its full path (like /home/you/Videos).",
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::invalid_input(format!(
            "{} is a file, not a folder. Choose a folder for your videos.",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| cannot_write(dir, e))?;
    // Creating (and dropping) a file is the only portable test of "can write here".
    tempfile::Builder::new()
        .prefix(".veo-desk-check")
        .tempfile_in(dir)
        .map_err(|e| cannot_write(dir, e))?;
    Ok(dir.to_path_buf())
}

fn cannot_write(dir: &Path, e: std::io::Error) -> Error {
    Error::invalid_input(format!(
        "Videos cannot be saved in {} ({e}). Choose another folder.",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_folder_survives_a_restart_and_defaults_apply_without_one() {
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        let default = root.path().join("Videos/Veo Desk");
        assert_eq!(
            Settings::load(&dirs).unwrap().video_dir_or(default.clone()),
            default
        );
        let chosen = root.path().join("Clips");
        Settings {
            video_dir: Some(chosen.clone()),
        }
        .save(&dirs)
        .unwrap();
        assert_eq!(Settings::load(&dirs).unwrap().video_dir_or(default), chosen);
    }

    #[test]
    fn a_damaged_settings_file_is_named_in_a_plain_message() {
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::write(dirs.config.join(FILE_NAME), b"{not json").unwrap();
        let err = Settings::load(&dirs).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains(FILE_NAME), "{err}");
    }

    #[test]
    fn folders_that_cannot_hold_videos_are_refused_with_a_reason() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("notes.txt");
        std::fs::write(&file, b"x").unwrap();
        assert!(check_video_dir(&file)
            .unwrap_err()
            .to_string()
            .contains("is a file"));
        assert!(check_video_dir(Path::new("relative/dir")).is_err());
        let fresh = root.path().join("new/folder");
        assert_eq!(check_video_dir(&fresh).unwrap(), fresh);
        assert!(fresh.is_dir());
        assert_eq!(
            std::fs::read_dir(&fresh).unwrap().count(),
            0,
            "no check file left"
        );
    }
}
