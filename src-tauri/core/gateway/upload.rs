//! Upload progress for the submit POST: the reference image is handed to the HTTP
//! client in pieces, and each piece taken counts as sent. The body is a one-shot
//! stream, which also means the request can never be replayed.
//!
//! The same stream lets the user stop the upload: a body that ends in an error
//! never reaches the gateway whole, so no job can come of it. Once the last piece
//! has been handed over that is no longer true, and stopping is refused.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use reqwest::multipart::Part;
use reqwest::Body;

/// Told `(bytes sent, total bytes)` of the reference image while it uploads.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Small enough for smooth progress, large enough to cost nothing per piece. The
/// HTTP client queues up to 16 pieces ahead of the socket, so this also bounds how
/// far "handed over" runs ahead of "sent" (256 KiB).
const PIECE: usize = 16 * 1024;

const SENDING: u8 = 0;
const STOPPED: u8 = 1;
const ALL_HANDED_OVER: u8 = 2;

/// The caller's hold on one upload: hears its progress and may stop it.
#[derive(Clone)]
pub struct UploadWatch {
    progress: UploadProgress,
    state: Arc<AtomicU8>,
}

impl UploadWatch {
    pub fn new(progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        UploadWatch {
            progress: Arc::new(progress),
            state: Arc::new(AtomicU8::new(SENDING)),
        }
    }

    /// Stops the upload while part of the request is still to go. `false` once all of
    /// it has been handed over: the gateway may then be making the video already.
    pub fn stop(&self) -> bool {
        self.state
            .compare_exchange(SENDING, STOPPED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
            || self.was_stopped()
    }

    pub fn was_stopped(&self) -> bool {
        self.state.load(Ordering::SeqCst) == STOPPED
    }

    /// The request has no image: it goes out in one piece that cannot be stopped.
    fn nothing_to_stream(&self) {
        let _ = self.hand_over_last();
    }

    /// `false` when the upload was stopped first.
    fn hand_over_last(&self) -> bool {
        match self.state.compare_exchange(
            SENDING,
            ALL_HANDED_OVER,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            Ok(_) => true,
            Err(now) => now == ALL_HANDED_OVER,
        }
    }
}

/// The images as multipart parts that report each piece as the client takes it
/// (counted over all of them, in order), and break off when `watch` is stopped
/// before the last piece of the last one. No images: nothing to stream.
pub(crate) fn counted_parts(images: Vec<Vec<u8>>, watch: UploadWatch) -> Vec<Part> {
    if images.is_empty() {
        watch.nothing_to_stream();
        return Vec::new();
    }
    let total: u64 = images.iter().map(|b| b.len() as u64).sum();
    (watch.progress)(0, total);
    let mut before = 0;
    images
        .into_iter()
        .map(|bytes| {
            let len = bytes.len() as u64;
            let part = counted_part(Bytes::from(bytes), before, total, watch.clone());
            before += len;
            part
        })
        .collect()
}

/// One image whose pieces count from `before` bytes already sent, of `total`.
fn counted_part(bytes: Bytes, before: u64, total: u64, watch: UploadWatch) -> Part {
    let len = bytes.len() as u64;
    let pieces = (0..bytes.len()).step_by(PIECE).map(move |start| {
        let end = (start + PIECE).min(bytes.len());
        (bytes.slice(start..end), before + end as u64)
    });
    let body = stream::iter(pieces).map(move |(piece, sent)| {
        let go_on = if sent == total {
            watch.hand_over_last()
        } else {
            !watch.was_stopped()
        };
        if !go_on {
            return Err(std::io::Error::other("the upload was stopped"));
        }
        (watch.progress)(sent, total);
        Ok::<Bytes, std::io::Error>(piece)
    });
    Part::stream_with_length(Body::wrap_stream(body), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopping_is_refused_once_everything_is_handed_over() {
        let watch = UploadWatch::new(|_, _| {});
        assert!(watch.hand_over_last());
        assert!(
            !watch.stop(),
            "too late: the gateway may have the whole request"
        );
        assert!(!watch.was_stopped());
    }

    #[test]
    fn a_stopped_upload_never_hands_over_its_last_piece() {
        let watch = UploadWatch::new(|_, _| {});
        assert!(watch.stop());
        assert!(watch.stop(), "asking twice is still a yes");
        assert!(!watch.hand_over_last());
        assert!(watch.was_stopped());
    }
}
