//! The picture size, length and sound of an MP4, from its boxes. The parser is
//! Mozilla's `mp4parse` (Firefox's, made for files from the web): the gateway's file is
//! untrusted input.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use mp4parse::{MediaContext, Track, TrackType};
use serde::{Deserialize, Serialize};

/// A saved video as its file describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct VideoFacts {
    /// The picture as shown (a rotated track counts as turned).
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
    pub has_audio: bool,
}

/// The parser streams through the media data to find an index stored at the end, so a
/// huge file is read only this far (Veo clips are a few MB).
const MAX_BYTES: u64 = 4 << 30;

/// What `path` holds; `Err` says in plain words why it could not be read.
pub fn read_facts(path: &Path) -> Result<VideoFacts, String> {
    let file = File::open(path).map_err(|e| format!("it could not be opened: {e}"))?;
    let mut reader = BufReader::with_capacity(64 * 1024, file).take(MAX_BYTES);
    let context = mp4parse::read_mp4(&mut reader)
        .map_err(|e| format!("it is not an MP4 that can be read ({e:?})"))?;
    facts_of(&context)
}

fn facts_of(context: &MediaContext) -> Result<VideoFacts, String> {
    let video = context
        .tracks
        .iter()
        .find(|t| t.track_type == TrackType::Video)
        .ok_or("it has no picture track")?;
    let (width, height) = picture_size(video).ok_or("its picture has no size")?;
    let duration_ms = duration_ms(context, video).ok_or("it does not say how long it is")?;
    Ok(VideoFacts {
        width,
        height,
        duration_ms,
        has_audio: context
            .tracks
            .iter()
            .any(|t| t.track_type == TrackType::Audio),
    })
}

/// The track header's presentation size (16.16 fixed point), or the sample entry's
/// coded size when the header has none; swapped when the matrix turns it a quarter.
fn picture_size(track: &Track) -> Option<(u32, u32)> {
    let header = track.tkhd.as_ref();
    let from_header = header
        .map(|h| (h.width >> 16, h.height >> 16))
        .filter(|&(w, h)| w > 0 && h > 0);
    let (w, h) = from_header.or_else(|| coded_size(track))?;
    let quarter_turn = header.is_some_and(|h| h.matrix.a == 0 && h.matrix.d == 0);
    Some(if quarter_turn { (h, w) } else { (w, h) })
}

fn coded_size(track: &Track) -> Option<(u32, u32)> {
    track
        .stsd
        .as_ref()?
        .descriptions
        .iter()
        .find_map(|entry| match entry {
            mp4parse::SampleEntry::Video(v) if v.width > 0 && v.height > 0 => {
                Some((u32::from(v.width), u32::from(v.height)))
            }
            _ => None,
        })
}

/// The picture track's own length (`mdhd`), else its header's in movie time (`tkhd`),
/// else a fragmented file's announced length (`mehd`).
fn duration_ms(context: &MediaContext, track: &Track) -> Option<u64> {
    let media = match (track.duration, track.timescale) {
        (Some(d), Some(scale)) => to_ms(d.0, scale.0),
        _ => None,
    };
    let movie_scale = context.timescale.map(|s| s.0);
    let header = track
        .tkhd
        .as_ref()
        .and_then(|h| to_ms(h.duration, movie_scale?));
    let fragments = context
        .mvex
        .as_ref()
        .and_then(|m| to_ms(m.fragment_duration?.0, movie_scale?));
    media.or(header).or(fragments)
}

/// `None` for zero (unknown) lengths and the all-ones "unknown" marker.
fn to_ms(units: u64, per_second: u64) -> Option<u64> {
    if units == 0 || units == u64::MAX || units == u64::from(u32::MAX) || per_second == 0 {
        return None;
    }
    Some((u128::from(units) * 1000 / u128::from(per_second)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(bytes: &[u8]) -> Result<VideoFacts, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.mp4");
        std::fs::write(&path, bytes).unwrap();
        read_facts(&path)
    }

    #[test]
    fn size_length_and_sound_come_from_the_file() {
        let landscape = include_bytes!("../../../assets/clips/landscape-8s.mp4");
        let portrait = include_bytes!("../../../assets/clips/portrait-4s.mp4");
        let silent = include_bytes!("testdata/no-sound-2s.mp4");
        let facts_of = |w, h, duration_ms, has_audio| VideoFacts {
            width: w,
            height: h,
            duration_ms,
            has_audio,
        };
        assert_eq!(facts(landscape), Ok(facts_of(320, 180, 8000, true)));
        assert_eq!(facts(portrait), Ok(facts_of(180, 320, 4000, true)));
        assert_eq!(facts(silent), Ok(facts_of(320, 180, 2000, false)));
    }

    #[test]
    fn an_index_at_the_end_of_the_file_is_found() {
        // `moov` after `mdat`, as muxers write without "faststart".
        let at_end = include_bytes!("testdata/index-at-end-4s.mp4");
        assert_eq!(facts(at_end).map(|f| (f.width, f.height)), Ok((180, 320)));
    }

    #[test]
    fn a_file_that_is_not_a_readable_mp4_says_why() {
        let e = facts(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2").unwrap_err();
        assert!(e.contains("not an MP4"), "{e}");
        let clip = include_bytes!("../../../assets/clips/landscape-4s.mp4");
        assert!(facts(&clip[..clip.len() / 3]).is_err(), "cut short");
        let missing = read_facts(Path::new("/nowhere/v.mp4")).unwrap_err();
        assert!(missing.contains("could not be opened"), "{missing}");
    }

    #[test]
    fn a_quarter_turned_picture_counts_as_turned() {
        let mut track = Track {
            track_type: TrackType::Video,
            ..Default::default()
        };
        let turn = |a, b, c, d| mp4parse::Matrix {
            a,
            b,
            u: 0,
            c,
            d,
            v: 0,
            x: 0,
            y: 0,
            w: 1 << 30,
        };
        let one = 1 << 16;
        for (matrix, shown) in [
            (turn(one, 0, 0, one), (1280, 720)),
            (turn(0, one, -one, 0), (720, 1280)),
            (turn(0, -one, one, 0), (720, 1280)),
        ] {
            track.tkhd = Some(header(1280, 720, matrix));
            assert_eq!(picture_size(&track), Some(shown));
        }
    }

    /// A track header as the parser would give it (its fields are not all public).
    fn header(width: u32, height: u32, matrix: mp4parse::Matrix) -> mp4parse::TrackHeaderBox {
        let mut h = parsed_header();
        h.width = width << 16;
        h.height = height << 16;
        h.matrix = matrix;
        h
    }

    fn parsed_header() -> mp4parse::TrackHeaderBox {
        let clip: &[u8] = include_bytes!("../../../assets/clips/landscape-4s.mp4");
        let context = mp4parse::read_mp4(&mut &clip[..]).unwrap();
        context.tracks[0].tkhd.clone().unwrap()
    }
}
