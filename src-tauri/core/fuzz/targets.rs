//! One test per parser. The invariants are what a user relies on: an answer is read
//! as a job or refused as unreadable, an error message stays one readable paragraph,
//! a picture is thumbnailed or refused with a message, never a crash.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::time::Duration;

use super::mutate::{corpus, rounds, run};
use crate::gateway::errors::{from_response, Action, ServerText};
use crate::gateway::VideoJob;

/// Words that steer the parsers into their rarer branches.
const JSON_WORDS: &[&[u8]] = &[
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"\"\"",
    b"1e999",
    b"-1",
    b"18446744073709551616",
    b"\"status\":",
    b"\"id\":",
    b"\"task_id\":",
    b"\"data\":",
    b"\"error\":",
    b"\"progress\":",
    b"\"50%\"",
    b"\"NaN\"",
    b"\"failed\"",
    b"\"completed\"",
    b"\"raiMediaFilteredReasons\":",
    b"\"metadata\":",
    b"\"video_url\":",
    b"\"http://\"",
    b"\"expires_at\":",
    b"\\u0000",
    b"\\ud800",
    b"<html>",
    b"\xff\xfe",
];

/// Longest message a user should ever be shown for one problem, in characters.
const MESSAGE_LIMIT: usize = 800;

#[test]
fn wire_job_answers_are_read_as_jobs_or_refused() {
    run(
        "wire_job",
        &corpus("wire_job"),
        JSON_WORDS,
        rounds(3000),
        |body| {
            if let Ok(job) = VideoJob::parse(body) {
                assert!(
                    !job.id.is_empty() && job.id.trim() == job.id,
                    "id {:?}",
                    job.id
                );
                if let Some(p) = job.progress {
                    assert!((0.0..=100.0).contains(&p), "progress {p}");
                }
                assert_eq!(
                    job.problem.is_some(),
                    job.state == crate::gateway::JobState::Failed
                );
                if let Some(problem) = &job.problem {
                    let told = problem.english();
                    assert!(told.chars().count() < MESSAGE_LIMIT, "{told}");
                }
                if let Some(url) = &job.result_url {
                    assert!(
                        url.starts_with("http://") || url.starts_with("https://"),
                        "{url}"
                    );
                }
            }
        },
    );
}

#[test]
fn error_answers_become_one_readable_message() {
    let statuses = [
        400, 401, 403, 404, 405, 408, 409, 413, 422, 429, 500, 502, 503, 504, 599,
    ];
    let actions = [
        Action::Submit,
        Action::Poll,
        Action::Download,
        Action::Check,
    ];
    let mut turn = 0usize;
    run(
        "error_body",
        &corpus("error_body"),
        JSON_WORDS,
        rounds(3000),
        |body| {
            turn += 1;
            let status = StatusCode::from_u16(statuses[turn % statuses.len()]).unwrap();
            let action = actions[turn % actions.len()];
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", HeaderValue::from_static("2"));
            let err = from_response(action, status, &headers, body);
            let chars = err.message().chars().count();
            assert!(
                chars > 0 && chars < MESSAGE_LIMIT,
                "{chars} chars: {}",
                err.message()
            );
            assert_eq!(err.status, Some(status.as_u16()));
            if ServerText::parse(body).is_html {
                assert!(
                    !err.message().contains('<'),
                    "markup shown: {}",
                    err.message()
                );
            }
        },
    );
}

#[test]
fn damaged_pictures_are_thumbnailed_or_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picture");
    let words: &[&[u8]] = &[
        b"\xff\xd8\xff",
        b"\xff\xc0\x00\x11\x08\xff\xff\xff\xff",
        b"IHDR",
        b"IDAT",
        b"VP8 ",
        b"VP8L",
        b"VP8X",
        b"RIFF",
        b"\x89PNG\r\n\x1a\n",
        b"Exif\0\0",
        b"\xff\xff\xff\xff",
    ];
    run("images", &corpus("images"), words, rounds(600), |bytes| {
        std::fs::write(&path, bytes).unwrap();
        match crate::images::render_thumbnail(&path) {
            Ok(thumb) => {
                let long = thumb.width.max(thumb.height);
                assert!(
                    long > 0 && long <= crate::images::THUMBNAIL_LONG_EDGE,
                    "{long}"
                );
                assert!(!thumb.bytes.is_empty());
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    });
}

/// The JPEG corpus was grown by coverage-guided fuzzing of the hand-written decoder
/// the app once had; it still reaches the odd corners of marker and scan parsing.
#[test]
fn damaged_jpegs_are_thumbnailed_or_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("picture.jpg");
    let words: &[&[u8]] = &[
        b"\xff\xc0",
        b"\xff\xc2",
        b"\xff\xc4",
        b"\xff\xdb",
        b"\xff\xdd\x00\x04\x00\x01",
        b"\xff\xda",
        b"\xff\xd0",
        b"\xff\xd9",
        b"\xff\x00",
        b"\xff\xff",
        b"JFIF\0",
        b"Adobe",
    ];
    run("jpeg", &corpus("jpeg"), words, rounds(1500), |jpeg| {
        std::fs::write(&path, jpeg).unwrap();
        match crate::images::render_thumbnail(&path) {
            Ok(thumb) => {
                let long = thumb.width.max(thumb.height);
                assert!(long > 0 && long <= crate::images::THUMBNAIL_LONG_EDGE);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    });
}

#[test]
fn wait_headers_become_bounded_waits() {
    use crate::gateway::poll::{server_wait_hint, POLL_AFTER_HEADER};
    use crate::gateway::{PollPolicy, RetryPolicy};
    let words: &[&[u8]] = &[
        b"1e308",
        b"-0",
        b"NaN",
        b"inf",
        b"99999999999999999999",
        b"GMT",
        b"Fri, 31 Dec 9999",
        b".",
        b"e",
        b"+",
    ];
    // Five minutes is the longest wait a gateway's word can buy (see poll.rs).
    let longest = Duration::from_secs(300);
    run(
        "wait_hint",
        &corpus("wait_hint"),
        words,
        rounds(3000),
        |value| {
            let Ok(value) = HeaderValue::from_bytes(value) else {
                return;
            };
            for name in ["retry-after", POLL_AFTER_HEADER] {
                let mut headers = HeaderMap::new();
                headers.insert(name, value.clone());
                let hint = server_wait_hint(&headers);
                assert!(
                    hint.is_none_or(|h| h <= longest),
                    "{name}: {value:?} → {hint:?}"
                );
                assert!(PollPolicy::default().delay(u32::MAX, hint) <= longest);
                let retry = RetryPolicy::default().backoff(1, 0.5, hint);
                assert!(retry.is_none_or(|r| r <= longest), "{retry:?}");
            }
        },
    );
}

#[test]
fn damaged_videos_are_described_or_said_to_be_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let words: &[&[u8]] = &[
        b"ftyp",
        b"moov",
        b"mvhd",
        b"trak",
        b"tkhd",
        b"mdia",
        b"mdhd",
        b"hdlr",
        b"vide",
        b"soun",
        b"stsd",
        b"avc1",
        b"mdat",
        b"\x00\x00\x00\x01",
        b"\xff\xff\xff\xff",
    ];
    run(
        "mp4_facts",
        &corpus("mp4_facts"),
        words,
        rounds(1500),
        |bytes| {
            std::fs::write(&path, bytes).unwrap();
            if let Err(why) = crate::media::read_facts(&path) {
                assert!(!why.is_empty());
            }
        },
    );
}

#[test]
fn damaged_videos_give_their_frames_or_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.mp4");
    let words: &[&[u8]] = &[
        b"moov",
        b"trak",
        b"tkhd",
        b"stsd",
        b"avc1",
        b"avcC",
        b"stsz",
        b"stco",
        b"stss",
        b"ctts",
        b"mdat",
        b"\x00\x00\x00\x01",
        b"\x67\x64\x00\x1f",
        b"\x68\xeb",
        b"\x65\x88\x84",
        b"\xff\xff\xff\xff",
    ];
    // The picture tracks of the facts corpus: each round decodes one or two groups.
    run(
        "mp4_frames",
        &corpus("mp4_facts"),
        words,
        rounds(400),
        |bytes| {
            std::fs::write(&path, bytes).unwrap();
            for frame in [
                crate::media::first_frame(&path),
                crate::media::last_frame(&path),
            ] {
                match frame {
                    Ok(frame) => {
                        let (w, h) = frame.dimensions();
                        let edge = crate::media::MAX_FRAME_EDGE;
                        assert!(w > 0 && h > 0 && w <= edge && h <= edge, "{w}x{h}");
                    }
                    // A panic inside would have been turned into an internal error.
                    Err(e) => {
                        assert_ne!(e.code(), "internal", "{e}");
                        assert!(!e.to_string().is_empty());
                    }
                }
            }
        },
    );
}

#[test]
fn damaged_clips_join_into_a_film_that_reads_back_or_give_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let film = dir.path().join("film.mp4");
    let words: &[&[u8]] = &[
        b"moov",
        b"trak",
        b"mdhd",
        b"edts",
        b"elst",
        b"stts",
        b"ctts",
        b"stsc",
        b"stsz",
        b"stco",
        b"co64",
        b"stss",
        b"mp4a",
        b"esds",
        b"avcC",
        b"mdat",
        b"\x00\x00\x00\x00",
        b"\x00\x00\x00\x01",
        b"\xff\xff\xff\xff",
    ];
    // The clip twice: each round writes a film of two (only its index is read back).
    run(
        "mp4_stitch",
        &corpus("mp4_facts"),
        words,
        rounds(400),
        |bytes| {
            std::fs::write(&path, bytes).unwrap();
            match crate::media::stitch(&[&path, &path], &film) {
                Ok(made) => {
                    let runs = crate::media::plan(&[&film]).expect("the film reads back");
                    assert_eq!(runs.len(), 1);
                    assert_eq!(runs[0].has_sound, made.has_sound);
                    assert!(made.frames >= 2);
                }
                // A panic inside would have been turned into an internal error.
                Err(e) => {
                    assert_ne!(e.code(), "internal", "{e}");
                    assert!(!e.to_string().is_empty());
                }
            }
        },
    );
}
