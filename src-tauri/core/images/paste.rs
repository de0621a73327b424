//! Pictures that arrive as bytes (clipboard paste) become files, so they go
//! through exactly the same probe → thumbnail → prepare path as dropped files.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::probe::{sniff, Sniffed};
use super::{texts, Format, MAX_FILE_BYTES};
use crate::error::{Error, Result};
use crate::paths;
use crate::problem::Problem;

/// Saves pasted image bytes under `dir` (named by content, so pasting the same
/// picture twice reuses one file) and returns the path. Refuses non-images and
/// unsupported formats before writing anything.
pub fn save_pasted(bytes: &[u8], dir: &Path) -> Result<PathBuf> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::ImageTooLarge(
            Problem::new(texts::PASTED_TOO_LARGE)
                .with("megabytes", bytes.len() / (1024 * 1024))
                .with("limit", MAX_FILE_BYTES / (1024 * 1024)),
        ));
    }
    let extension = match sniff(&bytes[..bytes.len().min(64)]) {
        Sniffed::Accepted(Format::Jpeg) => "jpg",
        Sniffed::Accepted(Format::Png) => "png",
        Sniffed::Accepted(Format::WebP) => "webp",
        Sniffed::Unsupported { what, how } => {
            return Err(Error::UnsupportedImage(
                Problem::new(texts::PASTED_UNSUPPORTED)
                    .with_text("what", what)
                    .with_text("how", how),
            ))
        }
        Sniffed::NotAnImage { what } => {
            return Err(Error::NotAnImage(
                Problem::new(texts::PASTED_NOT_AN_IMAGE).with_text("what", what),
            ))
        }
    };
    let digest = Sha256::digest(bytes);
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    paths::create_private_dir(dir).map_err(|e| Error::io(texts::ACTION_KEEP_PASTED, e))?;
    let path = dir.join(format!("pasted-{name}.{extension}"));
    if !path.exists() {
        let tmp = dir.join(format!(".pasted-{name}.{}.tmp", std::process::id()));
        paths::write_private(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| Error::io(texts::ACTION_KEEP_PASTED, e))?;
    }
    Ok(path)
}

/// How many pasted pictures are kept from one run to the next, and for how long.
/// A pasted picture is only needed until its video is sent (the request carries the
/// prepared bytes, the card its own thumbnail), so these only bound the folder.
pub const PASTED_KEEP: usize = 20;
pub const PASTED_MAX_AGE: Duration = Duration::from_secs(3 * 24 * 3600);

/// Deletes pasted pictures beyond the newest `keep` and those older than `max_age`,
/// with temporary files a crash left behind; returns how many went. Run at start,
/// before anything is pasted.
pub fn trim_pasted(dir: &Path, keep: usize, max_age: Duration) -> std::io::Result<usize> {
    let now = SystemTime::now();
    let mut files: Vec<(SystemTime, PathBuf)> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| is_pasted(&e.file_name().to_string_lossy()))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    let mut removed = 0;
    for (i, (modified, path)) in files.iter().enumerate() {
        let old = now.duration_since(*modified).unwrap_or_default() > max_age;
        if (i >= keep || old) && fs::remove_file(path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

fn is_pasted(name: &str) -> bool {
    name.starts_with("pasted-") || (name.starts_with(".pasted-") && name.ends_with(".tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pasted file last written `age` ago.
    fn pasted(dir: &Path, name: &str, age: Duration) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, b"picture").unwrap();
        let file = fs::File::options().append(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
        path
    }

    #[test]
    fn old_pasted_pictures_are_trimmed_to_the_newest_few() {
        let dir = tempfile::tempdir().unwrap();
        let minutes = |n: u64| Duration::from_secs(60 * n);
        let recent: Vec<PathBuf> = (0..8)
            .map(|i| pasted(dir.path(), &format!("pasted-{i:02}.png"), minutes(i)))
            .collect();
        let stale = pasted(
            dir.path(),
            "pasted-old.jpg",
            Duration::from_secs(4 * 24 * 3600),
        );
        let crashed = pasted(
            dir.path(),
            ".pasted-ab.jpg.4242.tmp",
            Duration::from_secs(30),
        );
        let other = pasted(dir.path(), "notes.txt", minutes(500));

        let removed = trim_pasted(dir.path(), 5, PASTED_MAX_AGE).unwrap();

        assert_eq!(
            removed, 5,
            "the 4 oldest recent ones beyond 5, and the stale one"
        );
        let left: Vec<bool> = recent.iter().map(|p| p.exists()).collect();
        assert_eq!(left, [true, true, true, true, false, false, false, false]);
        assert!(crashed.exists(), "one of the newest five");
        assert!(!stale.exists());
        assert!(other.exists(), "only pasted pictures are touched");
        assert_eq!(trim_pasted(dir.path(), 5, PASTED_MAX_AGE).unwrap(), 0);
    }
}
