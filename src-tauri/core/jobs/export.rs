//! "Save as": a copy of a saved video wherever the user picks. The history keeps
//! pointing at the original, which stays where it is.

use std::path::{Path, PathBuf};

use super::store::JobRow;
use crate::error::{Error, Result};
use crate::paths::{at, io_error};
use crate::problem::Problem;
use crate::texts;

/// Copies the job's saved video to `dest` (`.mp4` added when it has no extension);
/// returns where it went.
pub fn save_copy(row: &JobRow, dest: &Path) -> Result<PathBuf> {
    let source = row
        .file_path
        .as_deref()
        .map(PathBuf::from)
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::COPY_NOT_SAVED)))?;
    if !source.is_file() {
        return Err(Error::invalid_input(at(texts::COPY_SOURCE_GONE, &source)));
    }
    let dest = with_mp4_extension(dest);
    if same_file(&source, &dest) {
        return Ok(dest);
    }
    copy_whole(&source, &dest)?;
    Ok(dest)
}

/// A name typed without an extension still opens as a video.
fn with_mp4_extension(dest: &Path) -> PathBuf {
    match dest.extension() {
        Some(_) => dest.to_path_buf(),
        None => dest.with_extension("mp4"),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copies next to the destination first, then renames: an interrupted copy never
/// leaves half a video under the chosen name (or destroys the file it replaces).
fn copy_whole(source: &Path, dest: &Path) -> Result<()> {
    let failed = |e: std::io::Error| io_error(at(texts::COULD_NOT_SAVE_COPY, dest), e);
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::COPY_NEEDS_FOLDER)))?;
    let tmp = tempfile::Builder::new()
        .prefix(".veo-desk-copy")
        .tempfile_in(dir)
        .map_err(failed)?;
    std::fs::copy(source, tmp.path()).map_err(failed)?;
    tmp.persist(dest).map_err(|e| failed(e.error))?;
    Ok(())
}
