//! A plain file cache for thumbnails, keyed by what the picture *is* (a hash
//! of its bytes), not where it lives: renaming or re-dropping a file hits the
//! cache, and editing it in place misses it.
//!
//! The folder is bounded: after each new entry the least recently used ones go
//! (a hit refreshes an entry's modification time), so it never grows with use.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::probe::{display_name, io_error};
use super::texts;
use crate::error::Result;
use crate::paths;

/// Bump when the thumbnail's look changes so old entries are ignored.
const VERSION: &str = "thumb-v1";

/// Hex key from the file's contents, its length and the output settings.
pub(crate) fn key(path: &Path, settings: &str) -> Result<String> {
    let read_err = |e| io_error(texts::COULD_NOT_READ, &display_name(path), e);
    let mut file = File::open(path).map_err(read_err)?;
    let mut hasher = Sha256::new();
    // Streamed in small blocks: hashing never holds the whole file.
    let mut block = vec![0u8; 256 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut block).map_err(read_err)?;
        if n == 0 {
            break;
        }
        len += n as u64;
        hasher.update(&block[..n]);
    }
    hasher.update(format!("|{len}|{VERSION}|{settings}").as_bytes());
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn entry(dir: &Path, key: &str, extension: &str) -> PathBuf {
    dir.join(format!("{key}.{extension}"))
}

/// How much the thumbnail cache keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBounds {
    pub max_entries: usize,
    pub max_bytes: u64,
}

impl Default for CacheBounds {
    /// Thumbnails are 30–60 KB: about a thousand pictures' worth, far more than
    /// a history shows at once, in a folder no one will notice.
    fn default() -> Self {
        CacheBounds {
            max_entries: 2000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

const EXTENSIONS: [&str; 2] = ["jpg", "png"];

/// The cached bytes and their extension, if present. A hit counts as a use.
pub(crate) fn load(dir: &Path, key: &str) -> Option<(Vec<u8>, &'static str)> {
    EXTENSIONS.into_iter().find_map(|ext| {
        let path = entry(dir, key, ext);
        let bytes = fs::read(&path).ok()?;
        touch(&path);
        Some((bytes, ext))
    })
}

/// Marks an entry as just used. Best effort: at worst it is evicted a bit early.
fn touch(path: &Path) {
    if let Ok(file) = File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Deletes the least recently used entries until `dir` is within `bounds`;
/// returns how many went. Temporary files of writes in progress are left alone.
pub fn trim(dir: &Path, bounds: CacheBounds) -> io::Result<usize> {
    let mut entries: Vec<(SystemTime, u64, PathBuf)> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| is_entry(&e.path()))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    // Newest first: keep a prefix that fits, delete the rest.
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut kept_bytes = 0u64;
    let mut removed = 0;
    for (i, (_, len, path)) in entries.iter().enumerate() {
        kept_bytes += len;
        if i >= bounds.max_entries || kept_bytes > bounds.max_bytes {
            if fs::remove_file(path).is_ok() {
                removed += 1;
            }
            kept_bytes -= len;
        }
    }
    Ok(removed)
}

fn is_entry(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(".");
    !name.starts_with('.')
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
}

/// Writes through a temporary name and renames, so a reader never sees half a file.
pub(crate) fn store(dir: &Path, key: &str, extension: &str, bytes: &[u8]) -> io::Result<()> {
    paths::create_private_dir(dir)?;
    let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
    paths::write_private(&tmp, bytes)?;
    fs::rename(&tmp, entry(dir, key, extension)).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}
