//! Small previews for the form and the job cards: upright, long edge
//! `THUMBNAIL_LONG_EDGE`, cached by content.

use std::path::Path;

use image::DynamicImage;
use serde::Serialize;

use super::cache::{self, CacheBounds};
use super::encode::{data_url, encode};
use super::geometry::{plan_scaled, RectF};
use super::probe::probe;
use super::render::render;
use super::resize::resize_region;
use super::THUMBNAIL_LONG_EDGE;
use crate::error::Result;

/// Previews need no more; it keeps job-card thumbnails around 30–60 KB.
const THUMBNAIL_QUALITY: u8 = 82;

#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What the UI gets: ready for an `<img src>`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ThumbnailPreview {
    pub data_url: String,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

impl Thumbnail {
    pub fn to_preview(&self) -> ThumbnailPreview {
        ThumbnailPreview {
            data_url: data_url(self.mime, &self.bytes),
            mime: self.mime,
            width: self.width,
            height: self.height,
        }
    }
}

/// Thumbnail of `path`, from `cache_dir` when this exact picture was seen before.
/// A cache that cannot be written is not an error: the thumbnail is still returned.
pub fn thumbnail(path: &Path, cache_dir: &Path) -> Result<Thumbnail> {
    thumbnail_within(path, cache_dir, CacheBounds::default())
}

/// [`thumbnail`] with a cache kept within `bounds`.
pub fn thumbnail_within(path: &Path, cache_dir: &Path, bounds: CacheBounds) -> Result<Thumbnail> {
    let probed = probe(path)?;
    let variant = format!("{THUMBNAIL_LONG_EDGE}q{THUMBNAIL_QUALITY}");
    cached(path, cache_dir, bounds, &variant, || {
        render_probed(path, &probed)
    })
}

/// A thumbnail of pixels made from the file at `path` (a video's first frame), cached
/// like a picture's: keyed by the file's bytes and `kind`, so a file saved again gets a
/// new one. `pixels` runs only on a miss.
pub(crate) fn thumbnail_of_pixels(
    path: &Path,
    cache_dir: &Path,
    bounds: CacheBounds,
    kind: &str,
    pixels: impl FnOnce() -> Result<DynamicImage>,
) -> Result<Thumbnail> {
    let variant = format!("{kind}|{THUMBNAIL_LONG_EDGE}q{THUMBNAIL_QUALITY}");
    cached(path, cache_dir, bounds, &variant, || shrink(pixels()?))
}

/// `full` within the thumbnail's long edge, encoded.
fn shrink(full: DynamicImage) -> Result<Thumbnail> {
    let plan = plan_scaled((full.width(), full.height()), THUMBNAIL_LONG_EDGE);
    let small = if plan.canvas == (full.width(), full.height()) {
        full
    } else {
        let whole = RectF {
            x: 0.0,
            y: 0.0,
            w: f64::from(full.width()),
            h: f64::from(full.height()),
        };
        resize_region(&full, whole, plan.canvas)?
    };
    let encoded = encode(&small, THUMBNAIL_QUALITY)?;
    Ok(Thumbnail {
        bytes: encoded.bytes,
        mime: encoded.mime,
        width: small.width(),
        height: small.height(),
    })
}

/// The thumbnail of `path` in `variant` from `cache_dir`, or made by `make` and kept
/// there (the cache then trimmed to `bounds`). A cache that cannot be written is not
/// an error: the thumbnail is still returned.
fn cached(
    path: &Path,
    cache_dir: &Path,
    bounds: CacheBounds,
    variant: &str,
    make: impl FnOnce() -> Result<Thumbnail>,
) -> Result<Thumbnail> {
    let key = cache::key(path, variant)?;
    if let Some(hit) = cache::load(cache_dir, &key).and_then(|(bytes, ext)| from_cache(bytes, ext))
    {
        return Ok(hit);
    }
    let made = make()?;
    let extension = if made.mime == "image/png" {
        "png"
    } else {
        "jpg"
    };
    if cache::store(cache_dir, &key, extension, &made.bytes).is_ok() {
        let _ = cache::trim(cache_dir, bounds);
    }
    Ok(made)
}

/// Thumbnail of `path` without any cache (what the benchmark times).
pub fn render_thumbnail(path: &Path) -> Result<Thumbnail> {
    render_probed(path, &probe(path)?)
}

fn render_probed(path: &Path, probed: &super::Probe) -> Result<Thumbnail> {
    let plan = plan_scaled((probed.width, probed.height), THUMBNAIL_LONG_EDGE);
    let pixels = render(path, probed, &plan)?;
    let (width, height) = (pixels.width(), pixels.height());
    let encoded = encode(&pixels, THUMBNAIL_QUALITY)?;
    Ok(Thumbnail {
        bytes: encoded.bytes,
        mime: encoded.mime,
        width,
        height,
    })
}

/// A damaged or unreadable cache entry is simply a miss.
fn from_cache(bytes: Vec<u8>, extension: &str) -> Option<Thumbnail> {
    let format = if extension == "png" {
        image::ImageFormat::Png
    } else {
        image::ImageFormat::Jpeg
    };
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format)
        .into_dimensions()
        .ok()?;
    let mime = if extension == "png" {
        "image/png"
    } else {
        "image/jpeg"
    };
    Some(Thumbnail {
        bytes,
        mime,
        width,
        height,
    })
}
