//! Response bodies that can trickle (slow but progressing), break off mid-transfer or
//! never end.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

pub struct SimBody {
    chunks: VecDeque<Bytes>,
    pause: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    /// After the last chunk, fail instead of ending: hyper then drops the connection.
    cut: bool,
    /// After the last chunk, send this one again and again, forever.
    forever: Option<Bytes>,
}

impl SimBody {
    pub fn full(bytes: impl Into<Bytes>) -> SimBody {
        SimBody {
            chunks: VecDeque::from([bytes.into()]),
            pause: None,
            sleep: None,
            cut: false,
            forever: None,
        }
    }

    /// `head`, then `filler` without end; no length, so it goes out chunked.
    pub fn endless(head: impl Into<Bytes>, filler: Bytes) -> SimBody {
        SimBody {
            forever: Some(filler),
            ..SimBody::full(head)
        }
    }

    pub fn empty() -> SimBody {
        SimBody {
            chunks: VecDeque::new(),
            pause: None,
            sleep: None,
            cut: false,
            forever: None,
        }
    }

    /// Sends the first `keep` bytes, then breaks the connection.
    pub fn cut_after(bytes: Bytes, keep: usize) -> SimBody {
        let keep = keep.min(bytes.len());
        // The pause lets hyper flush the bytes before the break, as a real network would.
        SimBody {
            chunks: VecDeque::from([bytes.slice(..keep)]),
            pause: Some(Duration::from_millis(50)),
            sleep: None,
            cut: true,
            forever: None,
        }
    }

    /// Everything this body would send, in one piece.
    pub fn into_bytes(self) -> Bytes {
        let mut all = Vec::new();
        for chunk in self.chunks {
            all.extend_from_slice(&chunk);
        }
        Bytes::from(all)
    }

    /// Sends `chunk`-sized pieces with `pause` between them.
    pub fn trickle(bytes: Bytes, chunk: usize, pause: Duration) -> SimBody {
        let chunk = chunk.max(1);
        let chunks = (0..bytes.len())
            .step_by(chunk)
            .map(|i| bytes.slice(i..(i + chunk).min(bytes.len())))
            .collect();
        SimBody {
            chunks,
            pause: Some(pause),
            sleep: None,
            cut: false,
            forever: None,
        }
    }
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Some(sleep) = this.sleep.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        match this.chunks.pop_front() {
            Some(chunk) => {
                if let (Some(pause), true) = (this.pause, !this.chunks.is_empty() || this.cut) {
                    this.sleep = Some(Box::pin(tokio::time::sleep(pause)));
                }
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            None if this.forever.is_some() => {
                Poll::Ready(this.forever.clone().map(|filler| Ok(Frame::data(filler))))
            }
            None if this.cut => {
                this.cut = false;
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "simulated drop",
                ))))
            }
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> SizeHint {
        if self.cut || self.forever.is_some() {
            return SizeHint::default();
        }
        SizeHint::with_exact(self.chunks.iter().map(|c| c.len() as u64).sum())
    }
}
