//! Streams a video to disk: a temp file next to the destination, resumed with `Range`
//! after a dropped connection (or one too slow to ever finish), checked to be an MP4
//! of the announced length and of a video's size, then fsynced and renamed into place
//! so the destination is never half-written.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_RANGE, RANGE};
use reqwest::{Response, StatusCode, Url};
use serde::Serialize;
use tokio::fs::File;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::errors::{
    from_response, from_transport, looks_like_html, timed_out, Action, ErrorKind, GatewayError,
    ServerText,
};
use super::http::{read_capped, within};
use super::limits::{size_words, Limits, RateFloor};
use super::local_address::LinkGuard;
use super::poll::RetryPolicy;
use super::redirect;
use super::texts;
use crate::problem::{Problem, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DownloadProgress {
    pub received: u64,
    /// Known when the gateway announced a length.
    pub total: Option<u64>,
}

/// Enough bytes to see the `ftyp` box: 4-byte size, then the type.
const SNIFF_LEN: usize = 12;
/// How much of a non-video body to read for its error message.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Where the bytes come from.
pub(crate) struct Source<'a> {
    pub http: &'a reqwest::Client,
    pub url: &'a Url,
    /// The API key, only for the gateway's own host.
    pub bearer: Option<&'a str>,
    /// Longest silence tolerated between two pieces of the video.
    pub idle: Duration,
    /// Which redirect targets may be followed.
    pub guard: LinkGuard,
    pub limits: Limits,
}

/// The transfer state that survives a dropped connection.
struct Transfer<'a> {
    file: File,
    part: &'a Path,
    received: u64,
    total: Option<u64>,
}

pub(crate) async fn fetch_to(
    src: &Source<'_>,
    dest: &Path,
    retry: RetryPolicy,
    on_progress: &mut (dyn FnMut(DownloadProgress) + Send),
) -> Result<u64, GatewayError> {
    let part = part_path(dest)?;
    let file = File::create(&part)
        .await
        .map_err(|e| file_error(&part, e))?;
    let mut transfer = Transfer {
        file,
        part: &part,
        received: 0,
        total: None,
    };
    let result = fetch_with_resume(src, &mut transfer, retry, on_progress).await;
    let result = match result {
        Ok(()) => finish(transfer, dest).await,
        Err(e) => Err(e),
    };
    if result.is_err() {
        let _ = tokio::fs::remove_file(&part).await;
    }
    result
}

async fn fetch_with_resume(
    src: &Source<'_>,
    t: &mut Transfer<'_>,
    policy: RetryPolicy,
    on_progress: &mut (dyn FnMut(DownloadProgress) + Send),
) -> Result<(), GatewayError> {
    let mut retry = 0;
    loop {
        match fetch_once(src, t, on_progress).await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind.is_transient() => {
                retry += 1;
                let wait = policy
                    .backoff(retry, fastrand::f64(), e.retry_after)
                    .ok_or(e)?;
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// One request: from byte 0, or from `received` when resuming.
async fn fetch_once(
    src: &Source<'_>,
    t: &mut Transfer<'_>,
    on_progress: &mut (dyn FnMut(DownloadProgress) + Send),
) -> Result<(), GatewayError> {
    let host = src.url.host_str().unwrap_or_default().to_string();
    let mut headers = HeaderMap::new();
    if t.received > 0 {
        if let Ok(range) = HeaderValue::from_str(&format!("bytes={}-", t.received)) {
            headers.insert(RANGE, range);
        }
    }
    let mut response = redirect::get(redirect::Get {
        http: src.http,
        url: src.url.clone(),
        bearer: src.bearer,
        headers,
        guard: src.guard,
        action: Action::Download,
        limit: src.idle,
    })
    .await?;
    let status = response.status();
    match status {
        StatusCode::PARTIAL_CONTENT => match content_range(response.headers()) {
            Some((start, total)) if start == t.received => t.total = total.or(t.total),
            // A range we did not ask for: throw it away and start over.
            _ => {
                restart(t).await?;
                return Err(lost(texts::RESUMED_WRONG_PLACE, &host));
            }
        },
        StatusCode::RANGE_NOT_SATISFIABLE if t.total == Some(t.received) => return Ok(()),
        s if s.is_success() => {
            // The server ignored `Range` (or this is the first try): start from byte 0.
            if t.received > 0 {
                restart(t).await?;
            }
            t.total = response.content_length();
        }
        _ => {
            let headers = response.headers().clone();
            let body = within(
                Action::Download,
                &host,
                src.idle,
                read_capped(response, ERROR_BODY_LIMIT),
            )
            .await
            .map(|b| b.bytes)
            .unwrap_or_default();
            return Err(from_response(Action::Download, status, &headers, &body));
        }
    }
    let max = src.limits.max_video;
    if t.total.is_some_and(|total| total > max) {
        return Err(too_large(max));
    }
    let mut floor = RateFloor::new(src.limits.min_rate, tokio::time::Instant::now());
    let mut head: Vec<u8> = Vec::new();
    let mut checked = t.received > 0;
    while let Some(chunk) = next_chunk(&mut response, &mut floor, &host, src).await? {
        if t.received + (head.len() + chunk.len()) as u64 > max {
            return Err(too_large(max));
        }
        if !checked {
            head.extend_from_slice(&chunk);
            if head.len() < SNIFF_LEN {
                continue;
            }
            if !is_mp4(&head) {
                return Err(not_a_video(response, head, src.idle).await);
            }
            checked = true;
            write(t, &std::mem::take(&mut head)).await?;
        } else {
            write(t, &chunk).await?;
        }
        on_progress(DownloadProgress {
            received: t.received,
            total: t.total,
        });
    }
    if !checked {
        return Err(not_a_video(response, head, src.idle).await);
    }
    match t.total {
        Some(total) if t.received < total => Err(lost(texts::DOWNLOAD_ENDED_EARLY, &host)),
        Some(total) if t.received > total => Err(GatewayError::new(
            ErrorKind::DownloadIncomplete,
            Problem::new(texts::SENT_TOO_MUCH)
                .with("received", t.received)
                .with("total", total),
        )),
        _ => Ok(()),
    }
}

/// The next piece of the body, within the idle limit and above the rate floor.
async fn next_chunk(
    response: &mut Response,
    floor: &mut RateFloor,
    host: &str,
    src: &Source<'_>,
) -> Result<Option<bytes::Bytes>, GatewayError> {
    let silent_until = tokio::time::Instant::now() + src.idle;
    loop {
        if !floor.keeps_up(tokio::time::Instant::now()) {
            return Err(too_slow(host, src.limits));
        }
        let until = silent_until.min(floor.window_end());
        match tokio::time::timeout_at(until, response.chunk()).await {
            Ok(Ok(chunk)) => {
                floor.add(chunk.as_ref().map_or(0, |c| c.len()));
                return Ok(chunk);
            }
            Ok(Err(e)) => return Err(from_transport(Action::Download, host, &e)),
            // The window ended first: judge it, then keep waiting for this piece.
            Err(_) if until < silent_until => continue,
            Err(_) => return Err(timed_out(Action::Download, host)),
        }
    }
}

async fn write(t: &mut Transfer<'_>, bytes: &[u8]) -> Result<(), GatewayError> {
    t.file
        .write_all(bytes)
        .await
        .map_err(|e| file_error(t.part, e))?;
    t.received += bytes.len() as u64;
    Ok(())
}

async fn restart(t: &mut Transfer<'_>) -> Result<(), GatewayError> {
    t.file.set_len(0).await.map_err(|e| file_error(t.part, e))?;
    t.file
        .seek(SeekFrom::Start(0))
        .await
        .map_err(|e| file_error(t.part, e))?;
    t.received = 0;
    t.total = None;
    Ok(())
}

/// fsync the data, rename over the destination, fsync the folder entry.
async fn finish(mut t: Transfer<'_>, dest: &Path) -> Result<u64, GatewayError> {
    t.file.flush().await.map_err(|e| file_error(t.part, e))?;
    t.file.sync_all().await.map_err(|e| file_error(t.part, e))?;
    drop(t.file);
    tokio::fs::rename(t.part, dest)
        .await
        .map_err(|e| file_error(dest, e))?;
    #[cfg(unix)]
    if let Some(dir) = dest.parent() {
        // Best effort: makes the rename itself durable.
        if let Ok(d) = File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .await
        {
            let _ = d.sync_all().await;
        }
    }
    Ok(t.received)
}

/// `.{name}.part` in the destination's folder, so the final rename stays on one disk.
fn part_path(dest: &Path) -> Result<PathBuf, GatewayError> {
    let name = dest.file_name().ok_or_else(|| {
        GatewayError::new(
            ErrorKind::InvalidInput,
            Problem::new(texts::NOT_A_FILE_NAME).with("path", dest.display()),
        )
    })?;
    Ok(dest.with_file_name(format!(".{}.part", name.to_string_lossy())))
}

pub(crate) fn is_mp4(head: &[u8]) -> bool {
    head.len() >= 8 && &head[4..8] == b"ftyp"
}

/// `Content-Range: bytes START-END/TOTAL` → (START, TOTAL if known).
fn content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?.trim();
    let spec = value.strip_prefix("bytes")?.trim();
    let (range, total) = spec.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()))
}

/// Reads a little more of a body that is not a video, to say what it was instead.
async fn not_a_video(
    mut response: reqwest::Response,
    mut head: Vec<u8>,
    idle: Duration,
) -> GatewayError {
    while head.len() < ERROR_BODY_LIMIT {
        match tokio::time::timeout(idle, response.chunk()).await {
            Ok(Ok(Some(chunk))) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let server = ServerText::parse(&head);
    let problem = if looks_like_html(text.trim()) {
        Problem::new(texts::SENT_WEB_PAGE)
    } else if let Some(said) = server.message {
        Problem::new(texts::SENT_MESSAGE).said(Some(said))
    } else if head.is_empty() {
        Problem::new(texts::SENT_EMPTY_FILE)
    } else {
        Problem::new(texts::SENT_NOT_MP4)
    };
    GatewayError::new(ErrorKind::NotAVideo, problem)
}

fn too_slow(host: &str, limits: Limits) -> GatewayError {
    let rate = limits.min_rate;
    let problem = Problem::new(texts::DOWNLOAD_TOO_SLOW)
        .with("host", host)
        .with("rate", size_words(rate.bytes))
        .with("seconds", rate.window.as_secs_f64());
    GatewayError::new(ErrorKind::TooSlow, problem)
}

fn too_large(max: u64) -> GatewayError {
    GatewayError::new(
        ErrorKind::TooLarge,
        Problem::new(texts::DOWNLOAD_TOO_LARGE).with("size", size_words(max)),
    )
}

/// The connection broke in the way `text` tells (ended early, resumed elsewhere).
fn lost(text: Text, host: &str) -> GatewayError {
    GatewayError::new(
        ErrorKind::ConnectionLost,
        Problem::new(text).with("host", host),
    )
}

fn file_error(path: &Path, e: std::io::Error) -> GatewayError {
    let problem = Problem::new(texts::WRITE_FAILED)
        .with("path", path.display())
        .with("cause", e);
    GatewayError::new(ErrorKind::LocalFile, problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn mp4_is_recognised_by_its_ftyp_box() {
        assert!(is_mp4(b"\0\0\0\x20ftypisom\0\0\x02\0"));
        assert!(!is_mp4(br#"{"error":{"message":"x"}}"#));
        assert!(!is_mp4(b"<html><body>502</body></html>"));
        assert!(!is_mp4(b"\0\0"));
    }

    #[test]
    fn content_range_is_parsed() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 100-199/200"));
        assert_eq!(content_range(&h), Some((100, Some(200))));
        h.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 5-9/*"));
        assert_eq!(content_range(&h), Some((5, None)));
        h.insert(CONTENT_RANGE, HeaderValue::from_static("items 1-2/3"));
        assert_eq!(content_range(&h), None);
    }

    #[test]
    fn temp_file_sits_next_to_the_destination() {
        assert_eq!(
            part_path(Path::new("/v/clip.mp4")).unwrap(),
            PathBuf::from("/v/.clip.mp4.part")
        );
        assert!(part_path(Path::new("/")).is_err());
    }
}
