//! Upload progress for the submit POST: the reference image is handed to the HTTP
//! client in pieces, and each piece taken counts as sent. The body is a one-shot
//! stream, which also means the request can never be replayed.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use reqwest::multipart::Part;
use reqwest::Body;

/// Told `(bytes sent, total bytes)` of the reference image while it uploads.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Small enough for smooth progress, large enough to cost nothing per piece.
const PIECE: usize = 64 * 1024;

/// The image as a multipart part that reports each piece as the client takes it.
pub(crate) fn counted_part(bytes: Vec<u8>, on_progress: UploadProgress) -> Part {
    let total = bytes.len() as u64;
    let bytes = Bytes::from(bytes);
    let pieces = (0..bytes.len()).step_by(PIECE).map(move |start| {
        let end = (start + PIECE).min(bytes.len());
        (bytes.slice(start..end), end as u64)
    });
    on_progress(0, total);
    let body = stream::iter(pieces).map(move |(piece, sent)| {
        on_progress(sent, total);
        Ok::<Bytes, std::io::Error>(piece)
    });
    Part::stream_with_length(Body::wrap_stream(body), total)
}
