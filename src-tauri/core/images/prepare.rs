//! The bytes that are uploaded as `input_reference`: upright, fitted to the
//! video's shape, at most 1920 px on the long edge, re-encoded from pixels (so
//! free of GPS, camera and any other metadata) and under the gateway's 20 MB.
//! Deterministic: the same file and options give the same bytes, so the preview
//! shown is exactly what a later submit sends.

use std::path::Path;

use serde::Serialize;

use super::encode::{data_url, encode, encode_jpeg, Encoded};
use super::geometry::{plan, Aspect, CropRect, Fit, Focus, Plan};
use super::probe::{about, display_name, probe, Probe};
use super::render::render;
use super::{texts, MAX_UPLOAD_BYTES, MAX_UPLOAD_LONG_EDGE};
use crate::error::{Error, Result};

/// High enough that Veo's first frame shows no blocking; ~0.5–1.5 MB at 1080p.
const UPLOAD_QUALITY: u8 = 90;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrepareOptions {
    pub aspect: Aspect,
    pub fit: Fit,
    pub focus: Focus,
}

#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub bytes: Vec<u8>,
    /// A neutral name: the original's name can be private (`Kids at Grandma's.jpg`).
    pub file_name: String,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    /// Part of the upright original that was used; the whole picture for pad and as-is.
    pub crop: CropRect,
    /// Upright size of the original, for drawing `crop` over a thumbnail.
    pub source_width: u32,
    pub source_height: u32,
}

/// What the UI gets: the prepared picture itself plus the frame to draw.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PreparedPreview {
    pub data_url: String,
    pub file_name: String,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub byte_len: usize,
    pub crop: CropRect,
    pub source_width: u32,
    pub source_height: u32,
}

impl PreparedImage {
    pub fn to_preview(&self) -> PreparedPreview {
        PreparedPreview {
            data_url: data_url(self.mime, &self.bytes),
            file_name: self.file_name.clone(),
            mime: self.mime,
            width: self.width,
            height: self.height,
            byte_len: self.bytes.len(),
            crop: self.crop,
            source_width: self.source_width,
            source_height: self.source_height,
        }
    }
}

pub fn prepare_reference(path: &Path, options: &PrepareOptions) -> Result<PreparedImage> {
    let (probed, geometry) = plan_for(path, options)?;
    let pixels = render(path, &probed, &geometry)?;
    finish(path, &probed, &geometry, &pixels)
}

/// The file's header and where its pixels go for these options.
pub(crate) fn plan_for(path: &Path, options: &PrepareOptions) -> Result<(Probe, Plan)> {
    let probed = probe(path)?;
    let geometry = plan(
        (probed.width, probed.height),
        options.aspect,
        options.fit,
        options.focus,
        MAX_UPLOAD_LONG_EDGE,
    );
    Ok((probed, geometry))
}

/// Encodes the rendered picture for upload, within the gateway's limit.
pub(crate) fn finish(
    path: &Path,
    probed: &Probe,
    geometry: &Plan,
    pixels: &image::DynamicImage,
) -> Result<PreparedImage> {
    let (width, height) = (pixels.width(), pixels.height());
    let encoded =
        within_upload_limit(encode(pixels, UPLOAD_QUALITY)?, pixels, &display_name(path))?;
    Ok(PreparedImage {
        file_name: format!("reference.{}", encoded.extension),
        bytes: encoded.bytes,
        mime: encoded.mime,
        width,
        height,
        crop: geometry.crop,
        source_width: probed.width,
        source_height: probed.height,
    })
}

/// At 1920 px a JPEG is far below 20 MB; this only bites on pathological noise,
/// where a lower quality is better than a refused upload.
fn within_upload_limit(
    first: Encoded,
    pixels: &image::DynamicImage,
    name: &str,
) -> Result<Encoded> {
    if first.bytes.len() <= MAX_UPLOAD_BYTES {
        return Ok(first);
    }
    if first.mime == "image/jpeg" {
        for quality in [75, 60] {
            let smaller = encode_jpeg(pixels, quality)?;
            if smaller.bytes.len() <= MAX_UPLOAD_BYTES {
                return Ok(smaller);
            }
        }
    }
    Err(Error::ImageTooLarge(
        about(texts::UPLOAD_TOO_LARGE, name).with("limit", MAX_UPLOAD_BYTES / (1024 * 1024)),
    ))
}
