//! The clips laid end to end on the film's timeline: which sample goes where, how long
//! it lasts, when it is shown, and how the samples are grouped in the file.
//!
//! Pictures: each clip starts where the one before ends (its decode times follow on),
//! and its composition offsets are carried over, shifted so that its first picture
//! shown is at the clip's start. The film's edit list then skips the delay B-frames
//! need, as the clips' own edit lists did.
//!
//! Sound is kept in step with the pictures at every join. Each clip's AAC frames are
//! placed so that the sound its edit list shows first (after the encoder's priming
//! samples) falls at the clip's first picture; AAC frames cannot be cut without
//! decoding, so at each join the clip before gives up its last whole frames while that
//! brings the join closer (a clip's AAC runs past its pictures: the encoder pads the
//! last frame, and the next clip's priming frame must fit before its start). The
//! error at a join is at most half a frame (11 ms at 48 kHz) and never adds up over
//! the film. A clip whose sound is shorter than its pictures has its last frame last
//! longer, as ffmpeg's concat does: silence until the next clip, not a drift.
//! (An edit per clip would be exact but players honour only the first edit.)

use shiguredo_mp4::boxes::SampleEntry;

use super::super::track::damaged;
use super::clip::{Clip, Track};
use crate::error::Result;

#[derive(Debug)]
pub(super) struct Film {
    pub video: FilmTrack,
    pub audio: Option<FilmTrack>,
    /// The chunks in the order they are in the file.
    pub chunks: Vec<Chunk>,
}

#[derive(Debug)]
pub(super) struct FilmTrack {
    pub timescale: u32,
    pub entry: SampleEntry,
    pub samples: Vec<FilmSample>,
    /// The media time the film's edit list shows at its start.
    pub edit_start: i64,
    /// How long the track is shown, in its time scale.
    pub shown: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FilmSample {
    /// Which clip its bytes come from, and where in that file.
    pub clip: usize,
    pub offset: u64,
    pub size: u32,
    pub duration: u32,
    pub cto: i64,
    pub sync: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Video,
    Audio,
}

/// Samples of one track stored one after another in the film's media data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk {
    pub kind: Kind,
    /// The first sample's index in its track, and how many follow it.
    pub first: usize,
    pub count: usize,
}

/// Pictures and sound are interleaved in slices of this much time (1/N s), so a player
/// reading the file front to back has both at hand.
const SLICES_PER_SECOND: u64 = 2;

/// The film of `clips`, already checked to fit one description per track, in the
/// time scales `video_scale` and `audio_scale` (multiples of every clip's).
pub(super) fn assemble(clips: &[Clip], video_scale: u32, audio_scale: Option<u32>) -> Result<Film> {
    let (video, starts) = pictures(clips, video_scale)?;
    let audio = match audio_scale.filter(|_| clips.iter().all(|c| c.audio.is_some())) {
        Some(scale) => Some(sound(clips, scale, &starts, &video)?),
        None => None,
    };
    let chunks = interleave(&video, audio.as_ref());
    Ok(Film {
        video,
        audio,
        chunks,
    })
}

/// A duration in the film's time scale, when it fits one sample's.
fn scaled(duration: u32, factor: i64, clip: &Clip) -> Result<u32> {
    duration
        .checked_mul(factor as u32)
        .ok_or_else(|| damaged(&clip.name, "its samples' times do not add up"))
}

/// The picture track, and each clip's start on it (and the film's end, last).
fn pictures(clips: &[Clip], scale: u32) -> Result<(FilmTrack, Vec<u64>)> {
    let factor = |t: &Track| i64::from(scale / t.timescale);
    // The delay every clip's composition offsets are brought to: enough for the
    // clip with the most B-frame delay, and for no offset to be negative (signed
    // offsets are not read by every player).
    let delay = clips
        .iter()
        .map(|c| {
            let first = c.video.first_shown().saturating_mul(factor(&c.video));
            let lowest = c.video.samples.iter().map(|s| s.cto).min().unwrap_or(0);
            first.max(first.saturating_sub(lowest.saturating_mul(factor(&c.video))))
        })
        .max()
        .unwrap_or(0)
        .max(0);
    let mut samples = vec![];
    let mut starts = vec![0u64];
    for (i, clip) in clips.iter().enumerate() {
        let f = factor(&clip.video);
        let shift = delay.saturating_sub(clip.video.first_shown().saturating_mul(f));
        let mut length = 0u64;
        for s in &clip.video.samples {
            let duration = scaled(s.duration, f, clip)?;
            length += u64::from(duration);
            // Version 0 offsets: 0 to u32::MAX.
            let cto = s.cto.saturating_mul(f).saturating_add(shift);
            if u32::try_from(cto).is_err() {
                return Err(damaged(&clip.name, "its pictures' times do not add up"));
            }
            samples.push(FilmSample {
                clip: i,
                offset: s.offset,
                size: s.size,
                duration,
                cto,
                sync: s.sync,
            });
        }
        starts.push(starts[i] + length);
    }
    let track = FilmTrack {
        timescale: scale,
        entry: clips[0].video.entry.clone(),
        samples,
        edit_start: delay,
        shown: *starts.last().expect("starts has the film's start"),
    };
    Ok((track, starts))
}

/// The sound track: each clip's frames placed at its pictures' start (see the top).
fn sound(clips: &[Clip], scale: u32, starts: &[u64], video: &FilmTrack) -> Result<FilmTrack> {
    let to_sound = |units: u64| rescale(units, video.timescale, scale);
    let tracks: Vec<&Track> = clips.iter().filter_map(|c| c.audio.as_ref()).collect();
    let factor = |t: &Track| i64::from(scale / t.timescale);
    let edit_start = tracks[0].edit_start.saturating_mul(factor(tracks[0]));
    let mut samples: Vec<FilmSample> = vec![];
    let mut end = 0i64;
    let mut clip_first = 0;
    for (i, track) in tracks.iter().enumerate() {
        let f = factor(track);
        let wanted = to_sound(starts[i])
            .saturating_add(edit_start)
            .saturating_sub(track.edit_start.saturating_mul(f));
        if i > 0 {
            join(&mut samples, &mut end, wanted, clip_first);
        }
        clip_first = samples.len();
        for s in &track.samples {
            let duration = scaled(s.duration, f, &clips[i])?;
            end += i64::from(duration);
            samples.push(FilmSample {
                clip: i,
                offset: s.offset,
                size: s.size,
                duration,
                cto: 0,
                sync: true,
            });
        }
    }
    let film_end = to_sound(video.shown).saturating_add(edit_start);
    trim(&mut samples, &mut end, film_end, clip_first);
    Ok(FilmTrack {
        timescale: scale,
        entry: tracks[0].entry.clone(),
        samples,
        edit_start,
        shown: end.saturating_sub(edit_start).max(0) as u64,
    })
}

/// Ends the sound so far (`end`) as close to `wanted` as whole frames allow: drops the
/// last frames of the clip before (from `clip_first`) or lengthens its last one.
fn join(samples: &mut Vec<FilmSample>, end: &mut i64, wanted: i64, clip_first: usize) {
    trim(samples, end, wanted, clip_first);
    if *end < wanted {
        if let Some(last) = samples.last_mut() {
            let gap = u32::try_from(wanted.saturating_sub(*end)).unwrap_or(u32::MAX);
            last.duration = last.duration.saturating_add(gap);
            *end += i64::from(gap);
        }
    }
}

/// Drops frames after `clip_first` while that brings `end` closer to `wanted`.
fn trim(samples: &mut Vec<FilmSample>, end: &mut i64, wanted: i64, clip_first: usize) {
    while samples.len() > clip_first + 1 {
        let last = i64::from(samples[samples.len() - 1].duration);
        if end.saturating_sub(wanted).saturating_mul(2) <= last {
            break;
        }
        samples.pop();
        *end -= last;
    }
}

/// `units` of one time scale in another, to the nearest unit.
fn rescale(units: u64, from: u32, to: u32) -> i64 {
    let (from, to) = (u128::from(from.max(1)), u128::from(to));
    ((u128::from(units) * to + from / 2) / from) as i64
}

/// The chunks, slice by slice: each slice's pictures, then its sound.
fn interleave(video: &FilmTrack, audio: Option<&FilmTrack>) -> Vec<Chunk> {
    let video_slices = slices(video);
    let audio_slices = audio.map(slices).unwrap_or_default();
    let (mut v, mut a) = (0, 0);
    let mut chunks = vec![];
    while v < video_slices.len() || a < audio_slices.len() {
        let slice = video_slices
            .get(v)
            .into_iter()
            .chain(audio_slices.get(a))
            .min()
            .copied()
            .expect("a sample is left");
        for (kind, slices, next) in [
            (Kind::Video, &video_slices, &mut v),
            (Kind::Audio, &audio_slices, &mut a),
        ] {
            let first = *next;
            while slices.get(*next).is_some_and(|&s| s <= slice) {
                *next += 1;
            }
            if *next > first {
                chunks.push(Chunk {
                    kind,
                    first,
                    count: *next - first,
                });
            }
        }
    }
    chunks
}

/// Each sample's slice of time, by its decode time.
fn slices(track: &FilmTrack) -> Vec<u64> {
    let mut dts = 0u64;
    track
        .samples
        .iter()
        .map(|s| {
            let slice = dts * SLICES_PER_SECOND / u64::from(track.timescale.max(1));
            dts += u64::from(s.duration);
            slice
        })
        .collect()
}
