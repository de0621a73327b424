//! What a saved video really is, and whether that is what was asked for; its first and
//! last pictures; saved videos joined into one film. Reads the MP4 on disk; knows
//! nothing of jobs or Tauri.
//!
//! ```text
//! let facts = media::read_facts(Path::new("clip.mp4"))?;       // 1280×720, 8.0 s, sound
//! let found = media::mismatches("9:16", "8", &facts);          // [Aspect { .. }]
//! let last = media::last_frame(Path::new("clip.mp4"))?;        // RgbImage 1280×720
//! let card = media::poster(Path::new("clip.mp4"), &cache)?;    // first frame, 512×288 JPEG
//! let runs = media::plan(&[a, b, c])?;                         // which clips join as they are
//! let film = media::stitch(&[a, b], Path::new("film.mp4"))?;   // one MP4, nothing re-encoded
//! ```

mod colour;
mod facts;
mod frames;
mod mismatch;
mod poster;
mod stitch;
pub mod texts;
mod track;

pub use facts::{read_facts, VideoFacts};
pub use frames::{first_frame, last_frame, save_frame, MAX_FRAME_EDGE};
pub use mismatch::{mismatches, Mismatch, Shape};
pub use poster::{poster, poster_within};
pub use stitch::{plan, stitch, Run, StitchReport};

/// A test video or picture in `media/testdata/`.
#[cfg(test)]
fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("media/testdata")
        .join(name)
}
