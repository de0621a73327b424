//! A plain file cache for thumbnails, keyed by what the picture *is* (a hash
//! of its bytes), not where it lives: renaming or re-dropping a file hits the
//! cache, and editing it in place misses it.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::probe::display_name;
use crate::error::{Error, Result};

/// Bump when the thumbnail's look changes so old entries are ignored.
const VERSION: &str = "thumb-v1";

/// Hex key from the file's contents, its length and the output settings.
pub(crate) fn key(path: &Path, settings: &str) -> Result<String> {
    let read_err = |e| Error::io(format!("read “{}”", display_name(path)), e);
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

/// The cached bytes and their extension, if present.
pub(crate) fn load(dir: &Path, key: &str) -> Option<(Vec<u8>, &'static str)> {
    ["jpg", "png"].into_iter().find_map(|ext| {
        fs::read(entry(dir, key, ext))
            .ok()
            .map(|bytes| (bytes, ext))
    })
}

/// Writes through a temporary name and renames, so a reader never sees half a file.
pub(crate) fn store(dir: &Path, key: &str, extension: &str, bytes: &[u8]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, entry(dir, key, extension)).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}
