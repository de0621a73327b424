//! Where the window's player reads a saved video from: a small HTTP server on
//! 127.0.0.1 that answers range requests, so the player streams the file instead of
//! holding a copy of it.
//!
//! WebKitGTK hands a `<video>`'s URL to GStreamer, which cannot read the app's custom
//! schemes; a blob made from the whole file stays in memory as long as the page keeps
//! it (about 25 MB per 8 s clip). Over HTTP the player asks for the bytes it needs.
//!
//! Only this machine can connect, and only to files the app handed out: each file
//! gets a random, unguessable address when the window asks to play it, and a request
//! must name the server itself as its `Host` (a web page that points a name of its own
//! at 127.0.0.1 is turned away).
//!
//! ```text
//! let source = VideoSource::start().await?;
//! let url = source.url_for(Path::new("/home/me/Videos/heron.mp4"));
//! // http://127.0.0.1:40123/video/6f1c…e2.mp4
//! ```

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Empty, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{
    HeaderValue, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HOST,
    RANGE,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::net::TcpListener;
use tokio_util::io::ReaderStream;

use crate::error::{Error, Result};
use crate::jobs::{JobRow, JobStatus};
use crate::paths::at;
use crate::problem::Problem;
use crate::texts;

const PREFIX: &str = "/video/";
const CHUNK: usize = 64 * 1024;

type Body = BoxBody<Bytes, io::Error>;

/// The running server; cheap to clone, every clone serves the same files.
#[derive(Clone)]
pub struct VideoSource {
    inner: Arc<Inner>,
}

struct Inner {
    addr: SocketAddr,
    host: String,
    /// Address token → file. A file keeps its token for the whole run.
    files: Mutex<HashMap<String, PathBuf>>,
}

impl VideoSource {
    /// Binds a free port on 127.0.0.1 and serves on the current Tokio runtime until
    /// the process ends.
    pub async fn start() -> io::Result<VideoSource> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            addr,
            host: addr.to_string(),
            files: Mutex::new(HashMap::new()),
        });
        tokio::spawn(accept(listener, Arc::clone(&inner)));
        Ok(VideoSource { inner })
    }

    /// The address the player can stream `file` from.
    pub fn url_for(&self, file: &Path) -> String {
        let mut files = self.inner.files();
        let token = match files.iter().find(|(_, known)| known.as_path() == file) {
            Some((token, _)) => token.clone(),
            None => {
                // 244 random bits: an address nobody can guess.
                let token = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                files.insert(token.clone(), file.to_path_buf());
                token
            }
        };
        format!("http://{}{PREFIX}{token}.mp4", self.inner.addr)
    }
}

/// The file a job's card may play: its saved video, if it is still there.
pub fn playable_file(row: &JobRow) -> Result<PathBuf> {
    let file = row
        .file_path
        .as_deref()
        .filter(|_| row.status == JobStatus::Downloaded)
        .map(PathBuf::from)
        .ok_or_else(|| Error::invalid_input(Problem::new(texts::VIDEO_NOT_SAVED)))?;
    if !file.is_file() {
        return Err(Error::invalid_input(at(texts::VIDEO_FILE_GONE, &file)));
    }
    Ok(file)
}

impl Inner {
    fn files(&self) -> std::sync::MutexGuard<'_, HashMap<String, PathBuf>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn file_at(&self, path: &str) -> Option<PathBuf> {
        let token = path.strip_prefix(PREFIX)?.strip_suffix(".mp4")?;
        self.files().get(token).cloned()
    }
}

async fn accept(listener: TcpListener, inner: Arc<Inner>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let inner = Arc::clone(&inner);
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let inner = Arc::clone(&inner);
                async move { Ok::<_, Infallible>(answer(&inner, &req).await) }
            });
            // A player that closes mid-file just ends its connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(inner: &Inner, req: &Request<Incoming>) -> Response<Body> {
    if req.headers().get(HOST).and_then(|h| h.to_str().ok()) != Some(inner.host.as_str()) {
        return status(StatusCode::FORBIDDEN);
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let Some(path) = inner.file_at(req.uri().path()) else {
        return status(StatusCode::NOT_FOUND);
    };
    let range = req.headers().get(RANGE).map(HeaderValue::as_bytes);
    match serve_file(&path, range, req.method() == Method::HEAD).await {
        Ok(response) => response,
        Err(e) if e.kind() == io::ErrorKind::NotFound => status(StatusCode::NOT_FOUND),
        Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// The part of the file asked for: all of it, or one byte range (a player asks for
/// one at a time; a request for several gets the whole file, as HTTP allows).
async fn serve_file(
    path: &Path,
    range: Option<&[u8]>,
    head_only: bool,
) -> io::Result<Response<Body>> {
    let mut file = tokio::fs::File::open(path).await?;
    let size = file.metadata().await?.len();
    let (code, start, length) = match range.map(|r| http_range::HttpRange::parse_bytes(r, size)) {
        None => (StatusCode::OK, 0, size),
        Some(Ok(ranges)) if ranges.len() == 1 => (
            StatusCode::PARTIAL_CONTENT,
            ranges[0].start,
            ranges[0].length,
        ),
        Some(Ok(_)) => (StatusCode::OK, 0, size),
        Some(Err(_)) => {
            let mut refused = status(StatusCode::RANGE_NOT_SATISFIABLE);
            refused
                .headers_mut()
                .insert(CONTENT_RANGE, header(&format!("bytes */{size}")));
            return Ok(refused);
        }
    };
    let body = if head_only || length == 0 {
        empty()
    } else {
        file.seek(io::SeekFrom::Start(start)).await?;
        let chunks = ReaderStream::with_capacity(file.take(length), CHUNK).map_ok(Frame::data);
        BodyExt::boxed(StreamBody::new(chunks))
    };
    let mut response = Response::new(body);
    *response.status_mut() = code;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(CONTENT_LENGTH, header(&length.to_string()));
    if code == StatusCode::PARTIAL_CONTENT {
        let end = start + length - 1;
        headers.insert(
            CONTENT_RANGE,
            header(&format!("bytes {start}-{end}/{size}")),
        );
    }
    Ok(response)
}

fn status(code: StatusCode) -> Response<Body> {
    let mut response = Response::new(empty());
    *response.status_mut() = code;
    response
}

fn empty() -> Body {
    BodyExt::boxed(Empty::new().map_err(|never| match never {}))
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).expect("digits, spaces, a dash and a slash")
}

#[cfg(test)]
mod tests;
