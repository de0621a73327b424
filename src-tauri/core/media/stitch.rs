//! Saved clips joined into one film without re-encoding: every H.264 picture and AAC
//! frame is copied as it is into one MP4 with one picture track and, when every clip
//! has sound, one sound track. Clips join only when the film's one description of
//! each track fits them all (same size and H.264 parameter sets, same AAC settings);
//! [`plan`] groups the clips that do, so the window can say which ones differ.
//!
//! ```text
//! let runs = media::plan(&[a, b, c])?;          // [clips 0..2 at 1280×720, clip 2 at 1920×1080]
//! let made = media::stitch(&[a, b], out)?;      // 16.0 s, 384 frames, sound
//! ```
//!
//! `clip.rs` reads each clip's sample tables, `film.rs` lays them end to end on one
//! timeline, `write.rs` writes the film (index first, then the samples, streamed from
//! the clips).

mod clip;
mod film;
mod write;

use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde::Serialize;
use shiguredo_mp4::boxes::SampleEntry;

use super::texts;
use crate::error::{Error, Result};
use crate::images::about;
use crate::problem::Problem;
use clip::Clip;

/// Consecutive clips that join into one film as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Run {
    /// Indices into the clips given to [`plan`].
    pub clips: Range<usize>,
    /// The coded picture size every clip of the run has.
    pub width: u32,
    pub height: u32,
    pub has_sound: bool,
    /// The run's length as a film.
    pub duration_ms: u64,
    /// Why the run's first clip cannot follow the run before it (`None` for the first
    /// run): a `clips_differ` problem naming both clips and what differs.
    pub differs: Option<Problem>,
}

/// What [`stitch`] made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StitchReport {
    pub clips: usize,
    pub width: u32,
    pub height: u32,
    pub has_sound: bool,
    pub duration_ms: u64,
    pub frames: u64,
    /// The film's size on disk.
    pub bytes: u64,
}

/// The clips in order, grouped into runs that [`stitch`] can join. Reads each clip's
/// index, not its pictures.
pub fn plan(clips: &[&Path]) -> Result<Vec<Run>> {
    guarded(|| {
        let read = read_all(clips)?;
        let mut runs: Vec<Run> = vec![];
        let mut first = 0;
        let mut scales = Scales::of(&read[0]);
        for (i, clip) in read.iter().enumerate() {
            let differs = if i == 0 {
                None
            } else {
                scales.breaks(&read[first], first, clip, i)
            };
            if i == 0 || differs.is_some() {
                if let Some(run) = runs.last_mut() {
                    run.clips.end = i;
                }
                runs.push(run_from(clip, i, differs));
                first = i;
                scales = Scales::of(clip);
            }
            let run = runs.last_mut().expect("a run was started");
            run.duration_ms += duration_ms(clip.video.duration(), clip.video.timescale);
        }
        if let Some(run) = runs.last_mut() {
            run.clips.end = read.len();
        }
        Ok(runs)
    })
}

/// Joins `clips`, in order, into one film at `out` (replaced if it exists). The film
/// is written beside `out` under another name first and renamed when whole, so a
/// failure never leaves half a film. Clips that cannot be joined as they are give a
/// `clips_differ` error naming the first one that differs; see [`plan`].
/// Blocking (it copies every sample): run it off the async runtime.
pub fn stitch(clips: &[&Path], out: &Path) -> Result<StitchReport> {
    guarded(|| {
        let read = read_all(clips)?;
        let mut scales = Scales::of(&read[0]);
        for (i, clip) in read.iter().enumerate().skip(1) {
            if let Some(problem) = scales.breaks(&read[0], 0, clip, i) {
                return Err(Error::ClipsDiffer(problem));
            }
        }
        let film = film::assemble(&read, scales.video, scales.audio)?;
        let bytes = write::write(&film, &read, out)?;
        let (width, height) = coded_size(&read[0]);
        Ok(StitchReport {
            clips: read.len(),
            width,
            height,
            has_sound: film.audio.is_some(),
            duration_ms: duration_ms(film.video.shown, film.video.timescale),
            frames: film.video.samples.len() as u64,
            bytes,
        })
    })
}

fn read_all(clips: &[&Path]) -> Result<Vec<Clip>> {
    if clips.is_empty() {
        return Err(Error::invalid_input(Problem::new(texts::NO_CLIPS)));
    }
    clips.iter().map(|path| clip::read(path)).collect()
}

/// Nothing in a file may bring the window down: a panic in the box reader (a bug, not
/// the file's fault) becomes an error.
fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(Error::internal("the video reader stopped unexpectedly")))
}

fn run_from(clip: &Clip, i: usize, differs: Option<Problem>) -> Run {
    let (width, height) = coded_size(clip);
    Run {
        clips: i..i + 1,
        width,
        height,
        has_sound: clip.audio.is_some(),
        duration_ms: 0,
        differs,
    }
}

fn duration_ms(units: u64, timescale: u32) -> u64 {
    (u128::from(units) * 1000 / u128::from(timescale.max(1))) as u64
}

fn coded_size(clip: &Clip) -> (u32, u32) {
    match &clip.video.entry {
        SampleEntry::Avc1(avc1) => (avc1.visual.width.into(), avc1.visual.height.into()),
        _ => (0, 0),
    }
}

/// The time scales a run's film will use: the least common multiple of its clips',
/// so every duration and offset converts exactly.
struct Scales {
    video: u32,
    audio: Option<u32>,
}

impl Scales {
    fn of(clip: &Clip) -> Scales {
        Scales {
            video: clip.video.timescale,
            audio: clip.audio.as_ref().map(|a| a.timescale),
        }
    }

    /// Why clip `i` cannot join the run that starts at clip `first`, as a
    /// `clips_differ` problem; else takes in its time scales.
    fn breaks(&mut self, first: &Clip, first_i: usize, clip: &Clip, i: usize) -> Option<Problem> {
        let difference = difference(first, first_i, clip).or_else(|| {
            let video = lcm(self.video, clip.video.timescale);
            let audio = match (self.audio, &clip.audio) {
                (Some(ours), Some(theirs)) => lcm(ours, theirs.timescale).map(Some),
                _ => Some(None),
            };
            match (video, audio) {
                (Some(video), Some(audio)) => {
                    *self = Scales { video, audio };
                    None
                }
                _ => Some(Problem::new(texts::DIFFER_TIMING)),
            }
        })?;
        Some(
            about(texts::CLIPS_DIFFER, &clip.name)
                .with("clip", i + 1)
                .with("first", first_i + 1)
                .with_problem("difference", difference),
        )
    }
}

/// What keeps `clip` from sharing the film's descriptions with `first` (clip number
/// `first_i`, from 0), as one of the `DIFFER_*` problems.
fn difference(first: &Clip, first_i: usize, clip: &Clip) -> Option<Problem> {
    let (SampleEntry::Avc1(ours), SampleEntry::Avc1(theirs)) =
        (&first.video.entry, &clip.video.entry)
    else {
        return Some(Problem::new(texts::DIFFER_H264_SETTINGS));
    };
    let (w, h) = coded_size(clip);
    let (first_w, first_h) = coded_size(first);
    if (w, h) != (first_w, first_h) {
        return Some(
            Problem::new(texts::DIFFER_SIZE)
                .with("width", w)
                .with("height", h)
                .with("first_width", first_w)
                .with("first_height", first_h),
        );
    }
    // Other parameter sets would need a second sample description, which browsers'
    // players do not switch to: refused rather than a film that plays only in some.
    if ours.avcc_box != theirs.avcc_box {
        return Some(Problem::new(texts::DIFFER_H264_SETTINGS));
    }
    if first.matrix != clip.matrix {
        return Some(Problem::new(texts::DIFFER_TURN));
    }
    let first_no = first_i + 1;
    match (&first.audio, &clip.audio) {
        (None, None) => None,
        (Some(_), None) => Some(Problem::new(texts::DIFFER_NO_SOUND).with("first", first_no)),
        (None, Some(_)) => Some(Problem::new(texts::DIFFER_SOUND).with("first", first_no)),
        (Some(ours), Some(theirs)) => sound_difference(&ours.entry, &theirs.entry),
    }
}

fn sound_difference(first: &SampleEntry, clip: &SampleEntry) -> Option<Problem> {
    let (SampleEntry::Mp4a(ours), SampleEntry::Mp4a(theirs)) = (first, clip) else {
        return Some(Problem::new(texts::DIFFER_SOUND_SETTINGS));
    };
    let shape =
        |a: &shiguredo_mp4::boxes::Mp4aBox| (a.audio.samplerate.integer, a.audio.channelcount);
    let ((rate, channels), (first_rate, first_channels)) = (shape(theirs), shape(ours));
    if (rate, channels) != (first_rate, first_channels) {
        return Some(
            Problem::new(texts::DIFFER_SOUND_FORMAT)
                .with("rate", rate)
                .with("channels", channels)
                .with("first_rate", first_rate)
                .with("first_channels", first_channels),
        );
    }
    // The decoder is set up once, from the film's description: its AudioSpecificConfig
    // (profile, rate, channel layout) must be every clip's. Bit rates may differ.
    let config = |a: &shiguredo_mp4::boxes::Mp4aBox| {
        let d = &a.esds_box.es.dec_config_descr;
        (d.object_type_indication, d.dec_specific_info.clone())
    };
    (config(ours) != config(theirs)).then(|| Problem::new(texts::DIFFER_SOUND_SETTINGS))
}

/// The least common multiple, when it fits a time scale.
fn lcm(a: u32, b: u32) -> Option<u32> {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let (a, b) = (u64::from(a.max(1)), u64::from(b.max(1)));
    u32::try_from(a / gcd(a, b) * b).ok()
}

#[cfg(test)]
mod tests;
