//! A video gateway on 127.0.0.1 that behaves like real ones, faults included.
//!
//! Tests start it in-process; the app can embed it as a built-in demo gateway. It speaks
//! one [`Dialect`] per instance, moves jobs along on a fast clock, serves a real MP4,
//! injects [`Fault`]s on request and, for tests, records every request it receives.
//!
//! Every instance answers only requests addressed to its own `127.0.0.1:PORT` (or
//! `localhost:PORT`), so a web page cannot reach it through DNS rebinding, and refuses
//! bodies over [`MAX_BODY_BYTES`]. The demo gateway ([`Simulator::start_demo`]) also
//! takes only its own key and keeps no requests.

mod body;
mod clips;
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

pub use clips::{clip, Shape};

/// The video a completed 8 s 16:9 job produces (320x180, H.264, a silent AAC track).
/// Other shapes and lengths get their own clip: see [`clip`].
pub const SAMPLE_MP4: &[u8] = include_bytes!("../../assets/clips/landscape-8s.mp4");

/// Request bodies above this are refused with 413: a reference image is at most 20 MB.
pub const MAX_BODY_BYTES: u64 = 25 * 1024 * 1024;

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
    /// Answer normally, with this header added (e.g. an absurd `Retry-After`).
    WithHeader { name: String, value: String },
    /// Answer `status` (301, 302, 307...) with `Location: location`, which may be relative.
    Redirect { status: u16, location: String },
    /// An answer without end and without a length: API routes send a JSON object that
    /// never closes, video routes the start of the MP4 and then filler, as fast as taken.
    Endless,
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
    /// The `Host` values this instance answers: `127.0.0.1:PORT` and `localhost:PORT`.
    hosts: Vec<String>,
    /// The one key accepted; `None` takes any non-empty key (tests).
    key: Option<String>,
    /// Whether requests are kept for [`Simulator::requests`] (tests only: they hold
    /// every upload in memory).
    record: bool,
    job_duration: Duration,
    poll_after: Option<Duration>,
    range_support: bool,
    /// Every video is landscape, whatever `size` asked.
    landscape_only: bool,
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

/// Who may use an instance and what it keeps.
struct Guard {
    key: Option<String>,
    record: bool,
}

impl Guard {
    /// Tests: any key, every request kept for inspection.
    const TESTS: Guard = Guard {
        key: None,
        record: true,
    };
}

impl Simulator {
    /// Binds a free port on 127.0.0.1 and starts serving on the current tokio runtime.
    /// For tests: takes any key and records every request.
    pub async fn start(dialect: Dialect) -> std::io::Result<Simulator> {
        Self::start_with(dialect, None, Guard::TESTS, false).await
    }

    /// The built-in demo gateway: answers only `key` (a fresh random token each run)
    /// and keeps no requests, so it holds no uploads in memory.
    pub async fn start_demo(key: &str) -> std::io::Result<Simulator> {
        let guard = Guard {
            key: Some(key.to_string()),
            record: false,
        };
        Self::start_with(Dialect::OpenAi, None, guard, false).await
    }

    /// A local stand-in for Google's Gemini API (Veo's `predictLongRunning`, its
    /// operations and files), for a real gateway such as LiteLLM to call.
    pub async fn start_gemini() -> std::io::Result<Simulator> {
        Self::start_with(Dialect::OpenAi, None, Guard::TESTS, true).await
    }

    /// The same over https with `tls` (a certificate valid for 127.0.0.1), like a
    /// gateway with a certificate from its own authority.
    pub async fn start_tls(
        dialect: Dialect,
        tls: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<Simulator> {
        let tls = Some(tokio_rustls::TlsAcceptor::from(tls));
        Self::start_with(dialect, tls, Guard::TESTS, false).await
    }

    async fn start_with(
        dialect: Dialect,
        tls: Option<tokio_rustls::TlsAcceptor>,
        guard: Guard,
        gemini: bool,
    ) -> std::io::Result<Simulator> {
        let listener = small_window_listener()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let address = listener.local_addr()?;
        let base_url = format!("{scheme}://{address}");
        let hosts = vec![address.to_string(), format!("localhost:{}", address.port())];
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
            hosts,
            key: guard.key,
            record: guard.record,
            job_duration: Duration::from_secs(8),
            poll_after: None,
            range_support: true,
            landscape_only: false,
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

    /// With `true`, every video is landscape whatever `size` asked, like a gateway that
    /// drops the aspect on its way to the model.
    pub fn set_landscape_only(&self, on: bool) {
        self.lock().landscape_only = on;
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

    /// Also answers requests addressed to `host` (`name` or `name:port`): for tests that
    /// reach this simulator under a public-looking name through a proxy.
    pub fn also_answer_host(&self, host: &str) {
        self.lock().hosts.push(host.to_string());
    }

    /// Drops every fault still queued: the gateway recovers.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How the next submitted job ends (default: completes).
    pub fn next_outcome(&self, outcome: Outcome) {
        self.lock().outcomes.push_back(outcome);
    }

    /// Every request received so far (none for the demo gateway, which keeps none).
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
/// Both are tuning only: a system that refuses them still gets a working gateway.
fn small_window_listener() -> std::io::Result<TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    let _ = socket.set_recv_buffer_size(64 * 1024);
    ethernet_sized_segments(&socket);
    socket.bind((std::net::Ipv4Addr::LOCALHOST, 0).into())?;
    socket.listen(128)
}

/// `TCP_MAXSEG` before `listen` is Linux's; macOS answers EINVAL and Windows has no
/// such option, so elsewhere loopback keeps its own segment size.
#[cfg(target_os = "linux")]
fn ethernet_sized_segments(socket: &tokio::net::TcpSocket) {
    use std::os::fd::AsRawFd;
    let mss: libc::c_int = 1400;
    // SAFETY: a valid socket, and an int option passed with its exact size. A refusal
    // is ignored: the option only makes uploads look like a network's.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_MAXSEG,
            (&mss as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn ethernet_sized_segments(_socket: &tokio::net::TcpSocket) {}
