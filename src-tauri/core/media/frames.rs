//! Pictures from a saved video: its first frame (a card's poster) and its last (where
//! the next shot of a story starts). The MP4 is read by `track.rs`; the H.264 samples
//! become Annex-B (start codes instead of lengths, the parameter sets before the first
//! picture) for Cisco's OpenH264 decoder, which shows pictures in presentation order
//! once told not to hurry them out: B-frames are decoded after the later pictures they
//! lean on, so the decoder holds those back and gives out the rest when flushed.
//!
//! The last frame is decoded from the last keyframe to the end, so the work is one
//! group of pictures whatever the video's length, and memory is the decoder's own
//! pictures plus a copy of the latest; only the one kept becomes RGB (`colour.rs`).

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use image::RgbImage;
use openh264::decoder::{DecodedYUV, Decoder, DecoderConfig, Flush};
use openh264::formats::YUVSource;
use openh264::OpenH264API;

use super::colour::Planes;
use super::texts;
use super::track::{self, damaged, Track, START_CODE};
use crate::error::{Error, Result};
use crate::images::about;

/// Pictures wider or taller than this are refused before decoding (8K is 7680 wide;
/// one RGB frame of the largest allowed is under 200 MB).
pub const MAX_FRAME_EDGE: u32 = 8192;

/// The first picture of the H.264 MP4 at `path`, at full resolution and upright.
/// Blocking (it reads and decodes): run it off the async runtime, as thumbnails are.
pub fn first_frame(path: &Path) -> Result<RgbImage> {
    guarded(|| {
        let track = track::read(path)?;
        // Decoding must start at a keyframe; a cut file's leading pictures are skipped.
        let from = track.samples.iter().position(|s| s.sync).unwrap_or(0);
        let mut first = None;
        decode(path, &track, from..track.samples.len(), |picture| {
            first = Some(copy(&track, picture, Planes::default())?);
            Ok(Stop::Now)
        })?;
        finish(&track, first)
    })
}

/// Writes a frame as a picture file, PNG or JPEG by `out`'s extension (the command
/// line's `frame`; a shot's last frame for the next one).
pub fn save_frame(frame: &RgbImage, out: &Path) -> Result<()> {
    frame.save(out).map_err(|e| {
        let cause = match e {
            image::ImageError::IoError(io) => io,
            other => std::io::Error::other(other.to_string()),
        };
        crate::paths::io_error(
            crate::paths::at(crate::texts::COULD_NOT_SAVE_FILE, out),
            cause,
        )
    })
}

/// The last picture of the H.264 MP4 at `path` (the one shown last), at full
/// resolution and upright.
pub fn last_frame(path: &Path) -> Result<RgbImage> {
    guarded(|| {
        let track = track::read(path)?;
        let from = last_keyframe(&track);
        let mut last = None;
        decode(path, &track, from..track.samples.len(), |picture| {
            keep_last(&track, picture, &mut last)
        })?;
        // A keyframe that is not an IDR picture may lean on pictures before it: then
        // the whole track is decoded instead.
        if last.is_none() && from > 0 {
            decode(path, &track, 0..track.samples.len(), |picture| {
                keep_last(&track, picture, &mut last)
            })?;
        }
        finish(&track, last)
    })
}

/// Pictures come in presentation order: each one is the last so far. Only its planes
/// are copied (into the memory of the one before); the last becomes RGB at the end.
fn keep_last(track: &Track, picture: &DecodedYUV<'_>, last: &mut Option<Planes>) -> Result<Stop> {
    *last = Some(copy(track, picture, last.take().unwrap_or_default())?);
    Ok(Stop::Later)
}

/// The last sample marked as a keyframe (the track's first when none is).
fn last_keyframe(track: &Track) -> usize {
    track.samples.iter().rposition(|s| s.sync).unwrap_or(0)
}

fn finish(track: &Track, picture: Option<Planes>) -> Result<RgbImage> {
    let picture = picture.ok_or_else(|| damaged(&track.name, "no picture in it can be decoded"))?;
    let rgb = picture
        .to_rgb(track.colours)
        .ok_or_else(|| Error::internal("a decoded picture does not fill its frame"))?;
    Ok(track.turn.apply(rgb))
}

/// Nothing in a file may bring the window down: a panic in a parser or the decoder's
/// wrapper (a bug, not the file's fault) becomes an error.
fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(Error::internal("the video decoder stopped unexpectedly")))
}

enum Stop {
    Now,
    Later,
}

/// Decodes the samples in `range` (decode order, the first a keyframe) and hands every
/// picture to `picture` in presentation order, until it says stop.
fn decode(
    path: &Path,
    track: &Track,
    range: Range<usize>,
    mut picture: impl FnMut(&DecodedYUV<'_>) -> Result<Stop>,
) -> Result<()> {
    let name = &track.name;
    let unreadable = |e| crate::paths::io_error(about(texts::COULD_NOT_READ, name), e);
    let mut file = File::open(path)
        .map_err(|e| crate::paths::io_error(about(texts::COULD_NOT_OPEN, name), e))?;
    // Hurried-out pictures would come in decode order; held back, they come in
    // presentation order, and the rest after `flush_remaining`.
    let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
    let mut decoder = Decoder::with_api_config(OpenH264API::from_source(), config)
        .map_err(|e| Error::internal(format!("the H.264 decoder could not start: {e}")))?;
    let mut sample = vec![];
    let mut annex_b = track.parameter_sets.clone();
    for (index, place) in track.samples[range].iter().enumerate() {
        sample.resize(place.len, 0);
        file.seek(SeekFrom::Start(place.offset))
            .and_then(|_| file.read_exact(&mut sample))
            .map_err(|e| match e.kind() {
                ErrorKind::UnexpectedEof => damaged(name, "it is cut short"),
                _ => unreadable(e),
            })?;
        if index > 0 {
            annex_b.clear();
        }
        to_annex_b(&sample, track.nal_length, &mut annex_b)
            .map_err(|detail| damaged(name, detail))?;
        let decoded = decoder.decode(&annex_b).map_err(|e| {
            damaged(
                name,
                format!("picture {} cannot be decoded: {e}", index + 1),
            )
        })?;
        if let Some(yuv) = decoded {
            if let Stop::Now = picture(&yuv)? {
                return Ok(());
            }
        }
    }
    let held = decoder
        .flush_remaining()
        .map_err(|e| damaged(name, format!("the last pictures cannot be decoded: {e}")))?;
    for yuv in &held {
        if let Stop::Now = picture(yuv)? {
            break;
        }
    }
    Ok(())
}

/// One MP4 sample (NAL units, each after its big-endian length) as Annex-B (each after
/// a start code), appended to `out`.
fn to_annex_b(sample: &[u8], nal_length: usize, out: &mut Vec<u8>) -> Result<(), &'static str> {
    let mut rest = sample;
    while !rest.is_empty() {
        if rest.len() < nal_length {
            return Err("a picture's data is cut short");
        }
        let (length, after) = rest.split_at(nal_length);
        let length = length.iter().fold(0usize, |n, &b| n << 8 | usize::from(b));
        if length > after.len() {
            return Err("a picture's data is cut short");
        }
        let (unit, after) = after.split_at(length);
        if !unit.is_empty() {
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(unit);
        }
        rest = after;
    }
    Ok(())
}

/// `picture`'s planes, out of the decoder's memory into `reuse`'s.
fn copy(track: &Track, picture: &DecodedYUV<'_>, reuse: Planes) -> Result<Planes> {
    let (width, height) = picture.dimensions();
    let (w, h) = (
        u32::try_from(width).unwrap_or(u32::MAX),
        u32::try_from(height).unwrap_or(u32::MAX),
    );
    // The parameter sets were checked, but a stream may bring new ones.
    track::check_size(&track.name, w, h)?;
    let (y_stride, uv_stride, _) = picture.strides();
    let mut planes = reuse;
    for (to, from) in [
        (&mut planes.y, picture.y()),
        (&mut planes.u, picture.u()),
        (&mut planes.v, picture.v()),
    ] {
        to.clear();
        to.extend_from_slice(from);
    }
    planes.width = width;
    planes.height = height;
    planes.y_stride = y_stride;
    planes.uv_stride = uv_stride;
    Ok(planes)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::media::fixture;

    fn clip(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/clips")
            .join(name)
    }

    /// ffmpeg's own decoding of a frame (see `scripts/make-frame-fixtures`).
    fn ffmpegs(name: &str) -> RgbImage {
        image::open(fixture(name)).unwrap().to_rgb8()
    }

    /// Peak signal-to-noise ratio over the three channels, in dB.
    pub(crate) fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
        assert_eq!(a.dimensions(), b.dimensions());
        let squared: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(&x, &y)| u64::from(x.abs_diff(y)).pow(2))
            .sum();
        let mse = squared as f64 / a.as_raw().len() as f64;
        10.0 * (255.0f64.powi(2) / mse.max(1e-9)).log10()
    }

    fn written(dir: &tempfile::TempDir, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join("video.mp4");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn the_last_frame_is_the_one_shown_last_with_b_frames() {
        // 48 pictures with B-frames, a keyframe at 1 s, the last half second negated.
        let ours = last_frame(&fixture("bframes-2s.mp4")).unwrap();
        assert_eq!(ours.dimensions(), (320, 180));
        let last = psnr(&ours, &ffmpegs("bframes-2s-last.png"));
        let before = psnr(&ours, &ffmpegs("bframes-2s-before-last.png"));
        let first = psnr(&ours, &ffmpegs("bframes-2s-first.png"));
        println!("last frame: {last:.1} dB against ffmpeg's last, {before:.1} dB against the one before, {first:.1} dB against the first");
        assert!(last > 35.0, "{last:.1} dB");
        assert!(last > before + 3.0, "{last:.1} dB vs {before:.1} dB");
        assert!(first < 15.0, "{first:.1} dB");
    }

    #[test]
    fn the_first_frame_is_the_one_shown_first() {
        let ours = first_frame(&fixture("bframes-2s.mp4")).unwrap();
        assert_eq!(ours.dimensions(), (320, 180));
        let first = psnr(&ours, &ffmpegs("bframes-2s-first.png"));
        println!("first frame: {first:.1} dB against ffmpeg's first");
        assert!(first > 35.0, "{first:.1} dB");
    }

    #[test]
    fn colours_are_read_with_the_matrix_the_video_names() {
        // HD colour bars tagged BT.709: read as BT.601 they came out at 30 dB.
        let ours = first_frame(&fixture("bt709-1f.mp4")).unwrap();
        let db = psnr(&ours, &ffmpegs("bt709-1f.png"));
        println!("BT.709 frame: {db:.1} dB against ffmpeg's");
        assert!(db > 35.0, "{db:.1} dB");
    }

    #[test]
    fn frames_of_the_sample_clips_are_whole_and_upright() {
        for (name, size) in [
            ("portrait-4s.mp4", (180, 320)),
            ("landscape-8s.mp4", (320, 180)),
            ("portrait-12s.mp4", (180, 320)),
        ] {
            assert_eq!(
                first_frame(&clip(name)).unwrap().dimensions(),
                size,
                "{name}"
            );
            assert_eq!(
                last_frame(&clip(name)).unwrap().dimensions(),
                size,
                "{name}"
            );
        }
        // `moov` after `mdat`.
        let at_end = last_frame(&fixture("index-at-end-4s.mp4")).unwrap();
        assert_eq!(at_end.dimensions(), (180, 320));
    }

    #[test]
    fn a_track_stored_turned_comes_out_upright() {
        let ours = first_frame(&fixture("turned-1f.mp4")).unwrap();
        assert_eq!(ours.dimensions(), (54, 96));
        let db = psnr(&ours, &ffmpegs("turned-1f.png"));
        assert!(db > 30.0, "{db:.1} dB");
        assert_eq!(last_frame(&fixture("turned-1f.mp4")).unwrap(), ours);
    }

    fn refusal(path: &Path) -> (&'static str, String) {
        let first = first_frame(path).unwrap_err();
        let last = last_frame(path).unwrap_err();
        assert_eq!(first.problem(), last.problem(), "{}", path.display());
        (first.code(), first.problem().text)
    }

    #[test]
    fn files_without_h264_pictures_are_refused_with_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let not_mp4 = ("corrupt_video", texts::NOT_MP4.key.to_string());
        assert_eq!(refusal(&written(&dir, b"")), not_mp4);
        assert_eq!(refusal(&written(&dir, b"<html>404</html>")), not_mp4);
        assert_eq!(refusal(&fixture("bframes-2s-first.png")), not_mp4);
        assert_eq!(
            refusal(&fixture("sound-only-1s.mp4")),
            ("unsupported_video", texts::NO_PICTURE.key.into())
        );
        let hevc = first_frame(&fixture("hevc-1s.mp4")).unwrap_err();
        assert_eq!(
            (hevc.code(), hevc.problem().text.as_str()),
            ("unsupported_video", texts::NOT_H264.key)
        );
        let words = hevc.to_string();
        assert!(
            words.contains("hevc-1s.mp4") && words.contains("HEVC"),
            "{words}"
        );
        assert_eq!(
            refusal(&fixture("wide-8208x16-1f.mp4")),
            ("unsupported_video", texts::TOO_LARGE.key.into())
        );
        let missing = first_frame(Path::new("/nowhere/video.mp4")).unwrap_err();
        assert_eq!(
            (missing.code(), missing.problem().text.as_str()),
            ("io", texts::COULD_NOT_OPEN.key)
        );
    }

    #[test]
    fn a_video_cut_short_is_said_to_be_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let clip = std::fs::read(fixture("bframes-2s.mp4")).unwrap();
        for cut in [clip.len() / 3, clip.len() / 2, clip.len() - 1] {
            let (code, text) = refusal(&written(&dir, &clip[..cut]));
            assert_eq!(
                (code, text.as_str()),
                ("corrupt_video", texts::DAMAGED.key),
                "cut at {cut}"
            );
        }
    }

    /// Cut and garbled copies of a clip: each gives a frame or an error that names the
    /// file's fault, never a panic (the guard would turn one into an internal error).
    #[test]
    fn garbled_videos_give_a_frame_or_a_problem_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let clip = std::fs::read(fixture("bframes-2s.mp4")).unwrap();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut variants: Vec<Vec<u8>> = (1..40)
            .map(|i| clip[..clip.len() * i / 40].to_vec())
            .collect();
        for _ in 0..60 {
            let mut bytes = clip.clone();
            for _ in 0..rng.usize(1..12) {
                let at = rng.usize(..bytes.len());
                bytes[at] = match rng.u8(..3) {
                    0 => 0,
                    1 => 0xff,
                    _ => rng.u8(..),
                };
            }
            variants.push(bytes);
        }
        let (mut frames, mut problems) = (0, 0);
        for bytes in &variants {
            let path = written(&dir, bytes);
            for result in [first_frame(&path), last_frame(&path)] {
                match result {
                    Ok(frame) => {
                        assert_eq!(frame.dimensions(), (320, 180));
                        frames += 1;
                    }
                    Err(e) => {
                        assert_ne!(e.code(), "internal", "{e}");
                        assert!(!e.to_string().is_empty());
                        problems += 1;
                    }
                }
            }
        }
        println!("{frames} frames, {problems} problems");
        assert!(problems >= 39 * 2, "every cut copy is refused");
    }

    #[test]
    fn sizes_beyond_the_limit_are_refused_before_decoding() {
        assert!(track::check_size("v.mp4", MAX_FRAME_EDGE, MAX_FRAME_EDGE).is_ok());
        let e = track::check_size("v.mp4", MAX_FRAME_EDGE + 1, 16).unwrap_err();
        assert_eq!(e.problem().text, texts::TOO_LARGE.key);
        assert_eq!(e.code(), "unsupported_video");
        assert_eq!(
            track::check_size("v.mp4", 0, 16).unwrap_err().code(),
            "corrupt_video"
        );
    }

    /// Time to take the last frame of a long clip:
    /// `VEO_DESK_FRAME_CLIP=/tmp/clip.mp4 cargo test -p veo-desk-core --release -- --ignored --nocapture last_frame_timing`
    #[test]
    #[ignore]
    fn last_frame_timing() {
        let path = std::env::var("VEO_DESK_FRAME_CLIP").expect("VEO_DESK_FRAME_CLIP");
        for _ in 0..3 {
            let started = std::time::Instant::now();
            let frame = last_frame(Path::new(&path)).unwrap();
            let last = started.elapsed();
            let started = std::time::Instant::now();
            first_frame(Path::new(&path)).unwrap();
            println!(
                "{}x{}: last frame in {last:?}, first frame in {:?}",
                frame.width(),
                frame.height(),
                started.elapsed()
            );
        }
    }

    #[test]
    fn lengths_become_start_codes() {
        let mut out = vec![];
        to_annex_b(
            &[0, 0, 0, 2, 0x65, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x41],
            4,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x65, 1, 0, 0, 0, 1, 0x41]);
        out.clear();
        to_annex_b(&[0, 1, 9, 0, 2, 7, 7], 2, &mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 1, 9, 0, 0, 0, 1, 7, 7]);
    }

    #[test]
    fn a_length_past_the_sample_is_refused() {
        let mut out = vec![];
        assert!(to_annex_b(&[0, 0, 0, 9, 0x65, 1], 4, &mut out).is_err());
        assert!(to_annex_b(&[0, 0], 4, &mut out).is_err());
        assert!(to_annex_b(&[0xff; 4], 4, &mut out).is_err());
    }
}
