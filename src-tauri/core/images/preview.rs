//! The crop frame's live preview: every move of the frame prepares the picture again.
//! A held arrow key asks many times a second, so two things keep that cheap: a
//! prepare that a newer one has replaced stops at its next step (a generation
//! counter), and the decoded picture is kept between moves of the same file, so a
//! move only crops, resizes and encodes. Decodes also run one at a time, so a 100 MP
//! picture is never decoded twice side by side.
//!
//! The result is byte for byte what [`prepare_reference`](super::prepare_reference)
//! makes for the same options, so the preview stays exactly what is sent.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use super::decode::{decode, Decoded};
use super::prepare::{finish, plan_for, PrepareOptions, PreparedImage};
use super::probe::{display_name, io_error, Probe};
use super::render::{needed_scale, render_decoded};
use super::{texts, Format};
use crate::error::Result;

/// How long the decoded picture is kept once the frame stops moving.
pub const KEEP_DECODED: Duration = Duration::from_secs(30);

/// A prepare's place in line: only the newest one finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

#[derive(Default)]
pub struct Preparer {
    newest: AtomicU64,
    kept: Mutex<Option<Kept>>,
    decodes: AtomicUsize,
}

/// The last decode and what it was made from.
struct Kept {
    source: Source,
    decoded: Arc<Decoded>,
    used: Instant,
}

/// What a decode depends on: the file as it is now and, for JPEG (decoded smaller
/// when fewer pixels are needed), the scale asked for.
#[derive(Debug, Clone, PartialEq)]
struct Source {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    jpeg_scale: Option<u64>,
}

impl Preparer {
    /// Takes a place in line, superseding every earlier ticket. Call it in the order
    /// the requests arrive.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.newest.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// The prepared picture, or `None` when a newer ticket superseded this one.
    pub fn prepare(
        &self,
        ticket: Ticket,
        path: &Path,
        options: &PrepareOptions,
    ) -> Result<Option<PreparedImage>> {
        if self.superseded(ticket) {
            return Ok(None);
        }
        let (probed, geometry) = plan_for(path, options)?;
        let Some(decoded) =
            self.decoded(ticket, path, &probed, needed_scale(&probed, &geometry))?
        else {
            return Ok(None);
        };
        if self.superseded(ticket) {
            return Ok(None);
        }
        let pixels = render_decoded(&decoded, &probed, &geometry)?;
        drop(decoded);
        if self.superseded(ticket) {
            return Ok(None);
        }
        finish(path, &probed, &geometry, &pixels).map(Some)
    }

    /// How many times a file was decoded (the rest came from the kept picture).
    pub fn decodes(&self) -> usize {
        self.decodes.load(Ordering::SeqCst)
    }

    /// Lets go of the kept picture once it went unused for `idle`; a big one holds
    /// hundreds of megabytes.
    pub fn forget_if_idle(&self, idle: Duration) {
        let mut kept = self.lock();
        if kept.as_ref().is_some_and(|k| k.used.elapsed() >= idle) {
            *kept = None;
        }
    }

    fn superseded(&self, ticket: Ticket) -> bool {
        self.newest.load(Ordering::SeqCst) != ticket.0
    }

    /// The kept picture when it fits, else a new decode (kept for the next move).
    /// `None` when superseded while waiting for another decode to end.
    fn decoded(
        &self,
        ticket: Ticket,
        path: &Path,
        probed: &Probe,
        scale: f64,
    ) -> Result<Option<Arc<Decoded>>> {
        let source = Source::of(path, probed, scale)?;
        let mut kept = self.lock();
        if self.superseded(ticket) {
            return Ok(None);
        }
        if let Some(k) = kept.as_mut().filter(|k| k.source == source) {
            k.used = Instant::now();
            return Ok(Some(k.decoded.clone()));
        }
        // The old picture goes before the new one is made: never two in memory.
        *kept = None;
        self.decodes.fetch_add(1, Ordering::SeqCst);
        let decoded = Arc::new(decode(path, probed, scale)?);
        *kept = Some(Kept {
            source,
            decoded: decoded.clone(),
            used: Instant::now(),
        });
        Ok(Some(decoded))
    }

    fn lock(&self) -> MutexGuard<'_, Option<Kept>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Source {
    fn of(path: &Path, probed: &Probe, scale: f64) -> Result<Source> {
        let meta = std::fs::metadata(path)
            .map_err(|e| io_error(texts::COULD_NOT_READ, &display_name(path), e))?;
        Ok(Source {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
            // PNG and WebP are always decoded whole; JPEG's decode follows the scale.
            jpeg_scale: (probed.format == Format::Jpeg).then_some(scale.to_bits()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::{prepare_reference, Fit, Focus};

    fn picture(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([x as u8, y as u8, 90]))
            .save(&path)
            .unwrap();
        path
    }

    fn portrait_at(x: f64) -> PrepareOptions {
        PrepareOptions {
            aspect: "9:16".parse().unwrap(),
            fit: Fit::Crop,
            focus: Focus::new(Some(x), None),
        }
    }

    #[test]
    fn a_prepare_that_a_newer_one_replaced_is_dropped_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let path = picture(dir.path(), "harbour.png");
        let preparer = Preparer::default();
        let older = preparer.ticket();
        let newer = preparer.ticket();
        assert!(preparer
            .prepare(older, &path, &portrait_at(0.2))
            .unwrap()
            .is_none());
        assert_eq!(preparer.decodes(), 0, "the superseded one decoded nothing");
        let shown = preparer.prepare(newer, &path, &portrait_at(0.3)).unwrap();
        assert_eq!(shown.unwrap().crop.x, 111, "the newer focus");
        assert_eq!(preparer.decodes(), 1);
    }

    #[test]
    fn moving_the_frame_over_the_same_file_decodes_it_once() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["harbour.png", "harbour.jpg"] {
            let path = picture(dir.path(), name);
            let preparer = Preparer::default();
            for x in [0.5, 0.45, 0.4, 0.0] {
                let ticket = preparer.ticket();
                let moved = preparer.prepare(ticket, &path, &portrait_at(x)).unwrap();
                let fresh = prepare_reference(&path, &portrait_at(x)).unwrap();
                assert_eq!(
                    moved.unwrap().bytes,
                    fresh.bytes,
                    "{name}: the preview is what is sent"
                );
            }
            assert_eq!(preparer.decodes(), 1, "{name}");

            let other = picture(dir.path(), &format!("other-{name}"));
            let ticket = preparer.ticket();
            preparer.prepare(ticket, &other, &portrait_at(0.5)).unwrap();
            assert_eq!(preparer.decodes(), 2, "{name}: another file is decoded");
        }
    }

    #[test]
    fn the_kept_picture_goes_once_the_frame_rests() {
        let dir = tempfile::tempdir().unwrap();
        let path = picture(dir.path(), "harbour.png");
        let preparer = Preparer::default();
        preparer
            .prepare(preparer.ticket(), &path, &portrait_at(0.5))
            .unwrap();
        preparer.forget_if_idle(Duration::from_secs(3600));
        assert!(preparer.lock().is_some(), "still in use");
        preparer.forget_if_idle(Duration::ZERO);
        assert!(preparer.lock().is_none());
    }
}
