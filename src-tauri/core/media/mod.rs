//! What a saved video really is, and whether that is what was asked for. Reads the MP4
//! on disk; knows nothing of jobs or Tauri.
//!
//! ```text
//! let facts = media::read_facts(Path::new("clip.mp4"))?;       // 1280×720, 8.0 s, sound
//! let found = media::mismatches("9:16", "8", &facts);          // [Aspect { .. }]
//! ```

mod facts;
mod mismatch;
pub mod texts;

pub use facts::{read_facts, VideoFacts};
pub use mismatch::{mismatches, Mismatch, Shape};
