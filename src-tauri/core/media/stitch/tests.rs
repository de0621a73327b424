//! Films made from real clips, as Veo's are (H.264 High with B-frames, AAC at 48 kHz),
//! made with ffmpeg at test time and checked with ffprobe and ffmpeg's own decoder.
//! ffmpeg is one of the test packages (`scripts/lib/setup.sh`): without it these fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::media::fixture;

const FPS: f64 = 24.0;
const FRAME: f64 = 1.0 / FPS;

fn run(program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for the film tests (scripts/lib/setup.sh installs it): {e}")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A clip as Veo makes them: `seconds` of moving test pictures at 24 fps with
/// B-frames and a keyframe a second, and AAC sound (unless `sound` is `None`) that is a
/// 1 kHz beep in its first tenth of a second and silence after, so where each clip's
/// sound starts in a film can be heard, and measured. `sound` is how long the sound
/// lasts (the pictures' length when it is the same).
fn clip(dir: &Path, name: &str, size: &str, seconds: f64, sound: Option<f64>) -> PathBuf {
    let path = dir.join(name);
    let (t, pictures) = (
        seconds.to_string(),
        format!("testsrc2=size={size}:rate=24,format=yuv420p"),
    );
    let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["-f", "lavfi", "-t", &t, "-i", &pictures].map(String::from));
    if let Some(sound) = sound {
        let beep = "sine=frequency=1000:sample_rate=48000,volume=enable='gte(t,0.1)':volume=0";
        args.extend(["-f", "lavfi", "-t", &sound.to_string(), "-i", beep].map(String::from));
        args.extend(["-c:a", "aac", "-b:a", "96k", "-ac", "2"].map(String::from));
    }
    args.extend(
        [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-profile:v",
            "high",
            "-bf",
            "3",
            "-g",
            "24",
            "-crf",
            "30",
        ]
        .map(String::from),
    );
    args.extend(["-movflags", "+faststart"].map(String::from));
    args.push(path.to_str().unwrap().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run("ffmpeg", &args);
    path
}

fn probe(path: &Path, entries: &str, stream: &str) -> Vec<String> {
    let mut args = vec!["-v", "error"];
    if !stream.is_empty() {
        args.extend(["-select_streams", stream]);
    }
    args.extend(["-show_entries", entries, "-of", "csv=p=0"]);
    args.push(path.to_str().unwrap());
    let out = run("ffprobe", &args);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.trim().trim_end_matches(',').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn seconds(path: &Path, entries: &str, stream: &str) -> f64 {
    probe(path, entries, stream)[0].parse().unwrap()
}

/// Pictures counted by decoding them all.
fn frames(path: &Path) -> usize {
    let out = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
            path.to_str().unwrap(),
        ],
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// ffmpeg decodes every picture and sound frame without a word of complaint.
fn assert_decodes_cleanly(path: &Path) {
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            path.to_str().unwrap(),
            "-f",
            "null",
            "-",
        ],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.trim().is_empty(), "ffmpeg found faults: {said}");
}

/// The hash of every decoded picture, in presentation order.
fn picture_hashes(path: &Path) -> Vec<String> {
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            path.to_str().unwrap(),
            "-map",
            "0:v",
            "-f",
            "framemd5",
            "-",
        ],
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit(',').next().unwrap().trim().to_string())
        .collect()
}

/// When each beep starts, by ffmpeg's silence detector (the film's sound decoded; the
/// silence it ends at the end of the file is no beep).
fn beeps(path: &Path) -> Vec<f64> {
    let out = run(
        "ffmpeg",
        &[
            "-v",
            "info",
            "-i",
            path.to_str().unwrap(),
            "-map",
            "0:a",
            "-af",
            "silencedetect=noise=-40dB:d=0.2",
            "-f",
            "null",
            "-",
        ],
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let ends = log
        .lines()
        .filter_map(|l| l.split("silence_end: ").nth(1))
        .map(|v| v.split_whitespace().next().unwrap().parse::<f64>().unwrap());
    let end = seconds(path, "stream=duration", "a:0");
    std::iter::once(0.0)
        .chain(ends.filter(|&t| t < end - 0.05))
        .collect()
}

/// The top-level boxes of `path`, in order.
fn top_boxes(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut kinds = vec![];
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let mut size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if size == 1 {
            size = u64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize;
        }
        kinds.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += size.max(8);
    }
    kinds
}

fn paths(clips: &[PathBuf]) -> Vec<&Path> {
    clips.iter().map(PathBuf::as_path).collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn two_clips_become_one_film_that_plays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "b.mp4", "320x180", 1.0, Some(1.0)),
    ];
    let out = dir.path().join("film.mp4");
    let made = stitch(&paths(&clips), &out).unwrap();
    assert_eq!(
        (
            made.clips,
            made.width,
            made.height,
            made.has_sound,
            made.frames
        ),
        (2, 320, 180, true, 48)
    );
    assert_eq!(made.duration_ms, 2000);
    assert_eq!(made.bytes, std::fs::metadata(&out).unwrap().len());

    // One picture track and one sound track, as long as the clips together.
    let kinds = probe(&out, "stream=codec_type,codec_name", "");
    assert_eq!(kinds, ["h264,video", "aac,audio"]);
    let film = seconds(&out, "format=duration", "");
    let sum: f64 = clips
        .iter()
        .map(|c| seconds(c, "format=duration", ""))
        .sum();
    assert!((film - sum).abs() <= FRAME, "film {film} s, clips {sum} s");
    let sound = seconds(&out, "stream=duration", "a:0");
    assert!((sound - 2.0).abs() <= FRAME, "sound lasts {sound} s");
    let pictures = seconds(&out, "stream=duration", "v:0");
    assert!((pictures - 2.0).abs() < 1e-3, "pictures last {pictures} s");

    // Every picture is there and decodes, and the index comes first.
    assert_eq!(frames(&out), frames(&clips[0]) + frames(&clips[1]));
    assert_decodes_cleanly(&out);
    assert_eq!(top_boxes(&out), ["ftyp", "moov", "mdat"]);
    // Firefox's parser and our own decoder read it too: its first picture is the first
    // clip's, its last the second's.
    let facts = crate::media::read_facts(&out).unwrap();
    assert_eq!(
        (
            facts.width,
            facts.height,
            facts.duration_ms,
            facts.has_audio
        ),
        (320, 180, 2000, true)
    );
    let first = crate::media::first_frame(&out).unwrap();
    assert_eq!(first, crate::media::first_frame(&clips[0]).unwrap());
    let last = crate::media::last_frame(&out).unwrap();
    assert_eq!(last, crate::media::last_frame(&clips[1]).unwrap());
    // Nothing but the film is left beside it.
    assert_eq!(files_in(dir.path()), ["a.mp4", "b.mp4", "film.mp4"]);
}

#[test]
fn the_films_pictures_are_the_clips_own_in_order_and_evenly_timed() {
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "b.mp4", "320x180", 0.5, Some(0.5)),
        clip(dir.path(), "c.mp4", "320x180", 1.5, Some(1.5)),
    ];
    let out = dir.path().join("film.mp4");
    stitch(&paths(&clips), &out).unwrap();

    // Copied, not re-encoded: the same pictures decode, in the same order.
    let ours = picture_hashes(&out);
    let theirs: Vec<String> = clips.iter().flat_map(|c| picture_hashes(c)).collect();
    assert_eq!(ours.len(), 72);
    assert_eq!(ours, theirs);

    // B-frames and all, each picture is shown one frame after the one before, across
    // the joins too (a wrong composition offset shows as a jump or a repeat).
    let times: Vec<f64> = probe(&out, "frame=pts_time", "v:0")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    assert_eq!(times.len(), 72);
    assert!(times[0].abs() < 1e-3, "the film starts at {}", times[0]);
    for (i, pair) in times.windows(2).enumerate() {
        let step = pair[1] - pair[0];
        assert!(
            (step - FRAME).abs() < 1e-3,
            "picture {i} to {}: {step} s",
            i + 1
        );
    }
    assert_decodes_cleanly(&out);
}

#[test]
fn each_clips_sound_starts_with_its_pictures() {
    // Clip b's sound stops halfway through its pictures; c follows a clip of 0.75 s,
    // which is no whole number of AAC frames.
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 0.75, Some(0.75)),
        clip(dir.path(), "b.mp4", "320x180", 1.0, Some(0.5)),
        clip(dir.path(), "c.mp4", "320x180", 1.0, Some(1.0)),
    ];
    let out = dir.path().join("film.mp4");
    stitch(&paths(&clips), &out).unwrap();
    let heard = beeps(&out);
    let starts = [0.0, 0.75, 1.75];
    assert_eq!(heard.len(), 3, "beeps at {heard:?}");
    for (heard, start) in heard.iter().zip(starts) {
        // Half an AAC frame (11 ms) and the detector's own slack; the encoder's 21 ms
        // of priming left in at a join would show.
        assert!(
            (heard - start).abs() < 0.015,
            "beep at {heard} s, clip at {start} s"
        );
    }
    let sound = seconds(&out, "stream=duration", "a:0");
    assert!((sound - 2.75).abs() <= FRAME, "sound lasts {sound} s");
    assert_decodes_cleanly(&out);
}

#[test]
fn clips_of_another_size_are_refused_and_planned_apart() {
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "b.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "c.mp4", "640x360", 1.0, Some(1.0)),
    ];
    let runs = plan(&paths(&clips)).unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(
        (
            runs[0].clips.clone(),
            runs[0].width,
            runs[0].height,
            runs[0].duration_ms
        ),
        (0..2, 320, 180, 2000)
    );
    assert_eq!((runs[1].clips.clone(), runs[1].width), (2..3, 640));
    assert!(runs[0].differs.is_none());
    let why = runs[1].differs.as_ref().unwrap().english();
    assert_eq!(
        why,
        "Clip 3 (“c.mp4”) cannot follow clip 1 without re-encoding: its pictures are \
         640 × 360 pixels, not 320 × 180."
    );

    let out = dir.path().join("film.mp4");
    let e = stitch(&[&clips[0], &clips[2]], &out).unwrap_err();
    assert_eq!(e.code(), "clips_differ");
    let problem = e.problem();
    assert_eq!(problem.text, texts::CLIPS_DIFFER.key);
    assert_eq!(
        (problem.param("clip"), problem.param("first")),
        (Some("2"), Some("1"))
    );
    assert_eq!(problem.param("name"), Some("c.mp4"));
    let zh = crate::i18n::word(&problem, "zh-CN");
    assert!(zh.contains("第 2 段") && zh.contains("640 × 360"), "{zh}");
    assert!(!out.exists());
    assert_eq!(files_in(dir.path()), ["a.mp4", "b.mp4", "c.mp4"]);
}

#[test]
fn clips_with_and_without_sound_are_planned_apart_and_silent_ones_join() {
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "quiet1.mp4", "320x180", 1.0, None),
        clip(dir.path(), "quiet2.mp4", "320x180", 1.0, None),
    ];
    let runs = plan(&paths(&clips)).unwrap();
    let shape: Vec<_> = runs
        .iter()
        .map(|r| (r.clips.clone(), r.has_sound))
        .collect();
    assert_eq!(shape, [(0..1, true), (1..3, false)]);
    let why = runs[1].differs.as_ref().unwrap().english();
    assert!(why.ends_with("it has no sound and clip 1 has."), "{why}");

    let out = dir.path().join("film.mp4");
    let e = stitch(&paths(&clips), &out).unwrap_err();
    assert_eq!(e.code(), "clips_differ");

    let made = stitch(&[&clips[1], &clips[2]], &out).unwrap();
    assert!(!made.has_sound);
    assert_eq!(probe(&out, "stream=codec_type", ""), ["video"]);
    assert_eq!(frames(&out), 48);
    assert_decodes_cleanly(&out);
}

#[test]
fn a_failed_film_leaves_the_one_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let good = clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0));
    let out = dir.path().join("film.mp4");
    std::fs::write(&out, b"the film made yesterday").unwrap();
    let bad = dir.path().join("notes.mp4");
    std::fs::write(&bad, "not a video").unwrap();
    assert!(stitch(&[&good, &bad], &out).is_err());
    assert_eq!(std::fs::read(&out).unwrap(), b"the film made yesterday");
    assert_eq!(files_in(dir.path()), ["a.mp4", "film.mp4", "notes.mp4"]);
    // And a good one replaces it.
    stitch(&[&good], &out).unwrap();
    assert_eq!(frames(&out), 24);
}

#[test]
fn files_that_are_no_clip_say_why_and_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0));
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let whole = std::fs::read(&good).unwrap();
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (
            write("notes.mp4", b"<html>not found</html>"),
            "corrupt_video",
            texts::JOIN_NOT_MP4.key,
        ),
        (
            write("empty.mp4", b""),
            "corrupt_video",
            texts::JOIN_NOT_MP4.key,
        ),
        (
            write("half.mp4", &whole[..whole.len() / 2]),
            "corrupt_video",
            texts::DAMAGED.key,
        ),
        (
            dir.path().join("missing.mp4"),
            "io",
            texts::COULD_NOT_OPEN.key,
        ),
        (
            fixture("hevc-1s.mp4"),
            "unsupported_video",
            texts::JOIN_NOT_H264.key,
        ),
        (
            fixture("sound-only-1s.mp4"),
            "unsupported_video",
            texts::NO_PICTURE.key,
        ),
    ];
    let out = dir.path().join("film.mp4");
    for (path, code, text) in cases {
        for e in [
            stitch(&[&good, &path], &out).unwrap_err(),
            plan(&[&good, &path]).unwrap_err(),
        ] {
            assert_eq!(
                (e.code(), e.problem().text.as_str()),
                (code, text),
                "{path:?}"
            );
            let name = path.file_name().unwrap().to_str().unwrap();
            assert_eq!(e.problem().param("name"), Some(name));
        }
        assert!(!out.exists());
    }
    let e = stitch(&[], &out).unwrap_err();
    assert_eq!(e.problem().text, texts::NO_CLIPS.key);
    // Every byte cut off the end of the index: refused in words, never a panic.
    let moov_end = whole.len().min(4096);
    for len in (0..moov_end).step_by(97) {
        let path = write("cut.mp4", &whole[..len]);
        let e = plan(&[&path]).unwrap_err();
        assert!(
            matches!(e.code(), "corrupt_video" | "unsupported_video"),
            "{len}: {e:?}"
        );
    }
}

#[test]
fn a_film_past_4_gb_would_use_64_bit_offsets_at_the_same_places() {
    let dir = tempfile::tempdir().unwrap();
    let clips = [
        clip(dir.path(), "a.mp4", "320x180", 1.0, Some(1.0)),
        clip(dir.path(), "b.mp4", "320x180", 1.0, Some(1.0)),
    ];
    let read: Vec<Clip> = clips.iter().map(|c| clip::read(c).unwrap()).collect();
    let scales = Scales::of(&read[0]);
    let film = film::assemble(&read, scales.video, scales.audio).unwrap();
    let offsets = |large| {
        let moov = write::moov(&film, &read, 1000, large);
        moov.trak_boxes
            .iter()
            .map(|t| match &t.mdia_box.minf_box.stbl_box.stco_or_co64_box {
                shiguredo_mp4::Either::A(stco) => {
                    assert!(!large);
                    stco.chunk_offsets.iter().map(|&o| u64::from(o)).collect()
                }
                shiguredo_mp4::Either::B(co64) => {
                    assert!(large);
                    co64.chunk_offsets.clone()
                }
            })
            .collect::<Vec<Vec<u64>>>()
    };
    let (small, large) = (offsets(false), offsets(true));
    assert_eq!(small, large);
    // Two tracks, chunks of half a second each, the first one where the data starts.
    assert_eq!((small.len(), small[0].len(), small[0][0]), (2, 4, 1000));
}
