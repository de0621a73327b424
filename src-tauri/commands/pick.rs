//! Native file dialogs, called from Rust so the window keeps no file-system powers.
//! WebDriver cannot press buttons in a native dialog: debug builds take the answer
//! from `VEO_DESK_PICK_FILE` / `VEO_DESK_PICK_FOLDER` / `VEO_DESK_SAVE_AS` when set
//! (window tests). Release builds never read them.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::texts;

/// A reference picture, or `None` when the user cancelled. "All files" stays offered
/// so that choosing, say, a HEIC photo gets a plain "not supported" from the probe
/// instead of a greyed-out file. Blocks: call off the IPC thread.
pub fn image(window: &WebviewWindow, title: &str) -> Result<Option<PathBuf>> {
    if let Some(chosen) = test_answer("VEO_DESK_PICK_FILE") {
        return Ok(Some(chosen));
    }
    window
        .dialog()
        .file()
        .set_parent(window)
        .set_title(title)
        .add_filter(
            "Pictures (JPEG, PNG, WebP)",
            &["jpg", "jpeg", "png", "webp"],
        )
        .add_filter("All files", &["*"])
        .blocking_pick_file()
        .map(|file| {
            file.into_path()
                .map_err(|_| Error::invalid_input(Problem::new(texts::NOT_A_LOCAL_FILE)))
        })
        .transpose()
}

/// The folder the user picked, or `None` when they cancelled. Blocks: call off the IPC thread.
pub fn folder(app: &AppHandle, title: &str, start: &Path) -> Option<PathBuf> {
    if let Some(chosen) = test_answer("VEO_DESK_PICK_FOLDER") {
        return Some(chosen);
    }
    app.dialog()
        .file()
        .set_title(title)
        .set_directory(start)
        .blocking_pick_folder()
        .and_then(|p| p.into_path().ok())
}

/// Where to save a copy of a video, or `None` when they cancelled. Blocks like `folder`.
pub fn save_video(app: &AppHandle, title: &str, suggested: &Path) -> Option<PathBuf> {
    if let Some(chosen) = test_answer("VEO_DESK_SAVE_AS") {
        return Some(chosen);
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter("MP4 video", &["mp4"]);
    if let Some(dir) = suggested.parent() {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    dialog.blocking_save_file().and_then(|p| p.into_path().ok())
}

#[cfg(debug_assertions)]
fn test_answer(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from)
}

#[cfg(not(debug_assertions))]
fn test_answer(_var: &str) -> Option<PathBuf> {
    None
}
