//! A video gateway on 127.0.0.1 that behaves like real ones, faults included.
//!
//! Tests start it in-process; the app can embed it as a built-in demo gateway. It speaks
//! one [`Dialect`] per instance, moves jobs along on a fast clock, serves a real MP4,
//! injects [`Fault`]s on request and records every request it receives.

mod body;
mod dialect;
mod gemini;
mod jobs;
pub mod multipart;
mod server;

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use dialect::Dialect;
pub use gemini::VeoRequest;
pub use jobs::Outcome;
pub use multipart::FilePart;

/// The video every completed job produces (2 s, 320x180, H.264).
pub const SAMPLE_MP4: &[u8] = include_bytes!("../../assets/sample.mp4");

/// The endpoints a fault can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Submit,
    Poll,
    /// `GET /v1/videos/{id}/content`
    Content,
    /// The direct result link (`/files/{id}.mp4`), like a CDN URL.
    File,
    List,
    Delete,
    Remix,
}

/// Optional endpoints that can be switched off: `404` (or `405` for delete) like gateways
/// that do not implement them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Content,
    List,
    Delete,
    Remix,
}

/// Something going wrong, used once by the next request to its route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 502 with an nginx HTML page.
    HtmlBadGateway,
    /// 401, echoing the key back like some gateways do.
    Unauthorized,
    /// 403, e.g. the key's group may not use this model.
    Forbidden,
    /// 429 with `Retry-After` and a Chinese message.
    RateLimited { retry_after_secs: u64 },
    /// 500 in the dialect's error shape.
    ServerError,
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// 200 with a body that is not valid JSON.
    MalformedJson,
    /// The dialect's "no such job" answer.
    TaskNotExist,
    /// Any status with a plain-text body.
    PlainText { status: u16, text: String },
    /// Send the headers and this many bytes of the answer, then break the connection.
    DropAfter(usize),
    /// Video routes: send the file in pieces with a pause between them.
    Trickle { chunk: usize, pause: Duration },
    /// Video routes: answer 200 with a JSON error body instead of the video.
    JsonInsteadOfVideo,
}

/// One request as the simulator received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Header names in lower case, values as sent (the Authorization header included).
    pub headers: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
    pub at: Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) struct State {
    dialect: Dialect,
    base_url: String,
    job_duration: Duration,
    poll_after: Option<Duration>,
    range_support: bool,
    /// Bytes per second request bodies are read at (a slow uplink).
    upload_rate: Option<u64>,
    disabled: HashSet<Endpoint>,
    faults: Vec<(Route, Fault)>,
    outcomes: VecDeque<Outcome>,
    jobs: Vec<jobs::Job>,
    requests: Vec<RecordedRequest>,
    /// What Veo was asked: by the Gemini personality directly, or what a new-api-like
    /// gateway would have asked it.
    veo_requests: Vec<VeoRequest>,
    /// Speaks Google's Gemini API instead of a gateway's.
    gemini: bool,
    seq: u64,
}

/// A running simulator. Stops when dropped.
pub struct Simulator {
    base_url: String,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Simulator {
    /// Binds a free port on 127.0.0.1 and starts serving on the current tokio runtime.
    pub async fn start(dialect: Dialect) -> std::io::Result<Simulator> {
        Self::start_with(dialect, None, false).await
    }

    /// A local stand-in for Google's Gemini API (Veo's `predictLongRunning`, its
    /// operations and files), for a real gateway such as LiteLLM to call.
    pub async fn start_gemini() -> std::io::Result<Simulator> {
        Self::start_with(Dialect::OpenAi, None, true).await
    }

    /// The same over https with `tls` (a certificate valid for 127.0.0.1), like a
    /// gateway with a certificate from its own authority.
    pub async fn start_tls(
        dialect: Dialect,
        tls: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<Simulator> {
        Self::start_with(dialect, Some(tokio_rustls::TlsAcceptor::from(tls)), false).await
    }

    async fn start_with(
        dialect: Dialect,
        tls: Option<tokio_rustls::TlsAcceptor>,
        gemini: bool,
    ) -> std::io::Result<Simulator> {
        let listener = small_window_listener()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{}", listener.local_addr()?);
        let disabled = match dialect {
            Dialect::OpenAi => HashSet::new(),
            Dialect::NewApi => HashSet::from([Endpoint::List, Endpoint::Delete, Endpoint::Remix]),
            Dialect::Reseller => HashSet::from([
                Endpoint::Content,
                Endpoint::List,
                Endpoint::Delete,
                Endpoint::Remix,
            ]),
        };
        let state = Arc::new(Mutex::new(State {
            dialect,
            base_url: base_url.clone(),
            job_duration: Duration::from_secs(8),
            poll_after: None,
            range_support: true,
            upload_rate: None,
            disabled,
            faults: Vec::new(),
            outcomes: VecDeque::new(),
            jobs: Vec::new(),
            requests: Vec::new(),
            veo_requests: Vec::new(),
            gemini,
            seq: 0,
        }));
        let (shutdown, stopped) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, tls, state.clone(), stopped));
        Ok(Simulator {
            base_url,
            state,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// `http://127.0.0.1:PORT` (without `/v1`, like most users paste it).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How long a job takes from submit to its outcome (default 8 s).
    pub fn set_job_duration(&self, duration: Duration) {
        self.lock().job_duration = duration;
    }

    /// Adds `openai-poll-after-ms` to poll answers.
    pub fn set_poll_after(&self, wait: Option<Duration>) {
        self.lock().poll_after = wait;
    }

    /// Reads request bodies at about this many bytes per second, so uploads take time.
    pub fn set_upload_rate(&self, bytes_per_second: Option<u64>) {
        self.lock().upload_rate = bytes_per_second.filter(|&r| r > 0);
    }

    /// With `false`, video routes ignore `Range` and always send the whole file.
    pub fn set_range_support(&self, on: bool) {
        self.lock().range_support = on;
    }

    pub fn set_endpoint(&self, endpoint: Endpoint, enabled: bool) {
        let mut state = self.lock();
        if enabled {
            state.disabled.remove(&endpoint);
        } else {
            state.disabled.insert(endpoint);
        }
    }

    /// The next request to `route` suffers `fault` (faults queue up in order).
    pub fn inject(&self, route: Route, fault: Fault) {
        self.lock().faults.push((route, fault));
    }

    /// How the next submitted job ends (default: completes).
    pub fn next_outcome(&self, outcome: Outcome) {
        self.lock().outcomes.push_back(outcome);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// What Veo was asked, oldest first.
    pub fn veo_requests(&self) -> Vec<VeoRequest> {
        self.lock().veo_requests.clone()
    }

    /// Requests with this method whose path is `path` exactly.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// How many video requests (`POST /v1/videos`) arrived.
    pub fn submit_count(&self) -> usize {
        self.requests_to("POST", "/v1/videos").len()
    }

    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.abort();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// A panic in a handler must not make every later request fail.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
/// Loopback on 127.0.0.1 that behaves like a network for uploads: Ethernet-sized
/// segments and a fixed receive window. Loopback's 64 KiB segments make the sender's
/// self-tuned buffer swallow megabytes at once, and an upload's progress (and
/// whether it can still be stopped) would say nothing of what the gateway has read.
fn small_window_listener() -> std::io::Result<TcpListener> {
    use std::os::fd::AsRawFd;
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(64 * 1024)?;
    let mss: libc::c_int = 1400;
    // SAFETY: a valid socket, and an int option passed with its exact size.
    let set = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_MAXSEG,
            (&mss as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if set != 0 {
        return Err(std::io::Error::last_os_error());
    }
    socket.bind((std::net::Ipv4Addr::LOCALHOST, 0).into())?;
    socket.listen(128)
}
