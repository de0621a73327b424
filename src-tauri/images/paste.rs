//! Pictures that arrive as bytes (clipboard paste) become files, so they go
//! through exactly the same probe → thumbnail → prepare path as dropped files.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::probe::{sniff, Sniffed};
use super::{Format, MAX_FILE_BYTES};
use crate::error::{Error, Result};

/// Saves pasted image bytes under `dir` (named by content, so pasting the same
/// picture twice reuses one file) and returns the path. Refuses non-images and
/// unsupported formats before writing anything.
pub fn save_pasted(bytes: &[u8], dir: &Path) -> Result<PathBuf> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::ImageTooLarge(format!(
            "This picture is {} MB; Veo Desk reads pictures up to {} MB.",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let extension = match sniff(&bytes[..bytes.len().min(64)]) {
        Sniffed::Accepted(Format::Jpeg) => "jpg",
        Sniffed::Accepted(Format::Png) => "png",
        Sniffed::Accepted(Format::WebP) => "webp",
        Sniffed::Unsupported { what, how } => {
            return Err(Error::UnsupportedImage(format!(
                "This picture is {what}, which the video service does not accept. {how}"
            )))
        }
        Sniffed::NotAnImage { what } => {
            return Err(Error::NotAnImage(format!(
                "This is {what}, not a picture. Choose or paste a JPEG, PNG or WebP image."
            )))
        }
    };
    let digest = Sha256::digest(bytes);
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    fs::create_dir_all(dir).map_err(|e| Error::io("keep the pasted picture", e))?;
    let path = dir.join(format!("pasted-{name}.{extension}"));
    if !path.exists() {
        let tmp = dir.join(format!(".pasted-{name}.{}.tmp", std::process::id()));
        fs::write(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| Error::io("keep the pasted picture", e))?;
    }
    Ok(path)
}
