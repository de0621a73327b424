//! Reference images: probe a file, make a quick thumbnail, and prepare the exact
//! bytes that are uploaded as `input_reference`. Knows nothing of Tauri, so every
//! part runs under `cargo test` without a window.
//!
//! The order of work is always the same: probe the header (cheap, refuses bad files
//! before any pixel is decoded), plan the geometry in upright coordinates, decode
//! only as many pixels as the plan needs, resize, orient, encode.

mod cache;
mod decode;
mod encode;
mod geometry;
mod orient;
mod paste;
mod prepare;
mod preview;
mod probe;
mod render;
mod resize;
pub mod texts;
mod thumbnail;

pub use cache::{trim as trim_thumbnail_cache, CacheBounds};
pub use encode::data_url;
pub use geometry::{Aspect, CropRect, Fit, Focus};
pub use paste::{save_pasted, trim_pasted, PASTED_KEEP, PASTED_MAX_AGE};
pub use prepare::{prepare_reference, PrepareOptions, PreparedImage, PreparedPreview};
pub use preview::{Preparer, Ticket, KEEP_DECODED};
pub use probe::{probe, Format, Probe};
pub use thumbnail::{render_thumbnail, thumbnail, thumbnail_within, Thumbnail, ThumbnailPreview};
// For saved videos (`media`): files named in problems as pictures are, and posters
// cached as thumbnails are.
pub(crate) use probe::{about, display_name};
pub(crate) use thumbnail::thumbnail_of_pixels;

/// Files above this size are refused before a byte is read. Phone photos are
/// 2–25 MB; this leaves room for big PNG exports.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// Pictures above this many pixels are refused from their header. 100 MP covers
/// every phone camera in full-resolution mode while keeping a decode under ~400 MB.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Long edge of what we upload: Veo renders at most 1080p, more only costs upload time.
pub const MAX_UPLOAD_LONG_EDGE: u32 = 1920;

/// The gateway's documented ceiling for `input_reference`.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// Long edge of thumbnails for the preview and job cards.
pub const THUMBNAIL_LONG_EDGE: u32 = 512;
