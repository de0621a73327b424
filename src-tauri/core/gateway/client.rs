//! Submit, poll and download against one gateway with one key.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::{Response, Url};

use super::catalog::FIRST_FRAME_FIELD;
use super::download::{self, DownloadProgress};
use super::errors::{from_response, through_proxy, Action, ErrorKind, GatewayError, ServerText};
use super::exchange::{describe_form, ExchangeSink, Outgoing};
use super::http::{read_capped, upload_limit, within};
use super::limits::{size_words, Limits};
use super::local_address::{LinkGuard, Via};
use super::network::Network;
use super::poll::{server_wait_hint, PollPolicy, RetryPolicy};
use super::redirect;
use super::style::{self, Detected, RequestStyle, WireStyle};
use super::texts;
use super::upload::UploadWatch;
use super::url::BaseUrl;
use super::wire::{JobState, VideoJob, WireError};
use crate::problem::Problem;
use crate::secret::ApiKey;

#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Longest silence tolerated while waiting for an answer or between two pieces of a
    /// download. A submit also gets time to upload its image at a slow but steady rate.
    pub read_timeout: Duration,
    pub poll: PollPolicy,
    pub retry: RetryPolicy,
    pub limits: Limits,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(15),
            // Some gateways answer the submit only after the upstream accepted the job.
            read_timeout: Duration::from_secs(90),
            poll: PollPolicy::default(),
            retry: RetryPolicy::default(),
            limits: Limits::default(),
        }
    }
}

/// What to make. `seconds` and `size` are always sent: a gateway may bill its default
/// length when they are missing while the upstream makes (and bills) another.
#[derive(Debug, Clone, Default)]
pub struct SubmitRequest {
    pub prompt: String,
    pub model: String,
    pub seconds: String,
    pub size: String,
    pub input_reference: Option<ReferenceImage>,
    /// Pictures after the first frame (a last frame, reference images), each with its
    /// multipart field as the model catalog names it; sent in this order.
    pub more_images: Vec<(String, ReferenceImage)>,
    /// `720p` or `1080p` when the user chose one; sent in the gateway's style.
    pub resolution: Option<String>,
    /// Extra form fields some gateways forward to the model (e.g. `negative_prompt`).
    pub extra_fields: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct ReferenceImage {
    pub bytes: Vec<u8>,
    pub file_name: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub mime: String,
}

impl fmt::Debug for ReferenceImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ReferenceImage({}, {}, {} bytes)",
            self.file_name,
            self.mime,
            self.bytes.len()
        )
    }
}

#[derive(Debug, Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    base: BaseUrl,
    key: ApiKey,
    options: ClientOptions,
    /// The proxy in use, if any, to name it when nothing can be reached.
    proxy: Option<String>,
    guard: LinkGuard,
    recorder: Option<Recorder>,
    style: StyleChoice,
}

/// Called with what a gateway showed about its request style, to keep it.
pub type StyleSink = Arc<dyn Fn(&Detected) + Send + Sync>;

/// How this client words a submit: the seed's style unless a profile says more.
#[derive(Clone, Default)]
struct StyleChoice {
    setting: RequestStyle,
    /// Shared by clones, so a second submit does not ask again.
    detected: Arc<Mutex<Option<Detected>>>,
    /// Present for a profile's client: the automatic choice may ask the gateway.
    sink: Option<StyleSink>,
}

impl fmt::Debug for StyleChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StyleChoice({:?})", self.setting)
    }
}

impl StyleChoice {
    fn detected(&self) -> Option<Detected> {
        self.detected.lock().ok().and_then(|d| d.clone())
    }

    /// Keeps a new finding and hands it to the profile.
    fn learn(&self, found: Detected) {
        if self.detected().as_ref() == Some(&found) {
            return;
        }
        if let Ok(mut slot) = self.detected.lock() {
            *slot = Some(found.clone());
        }
        if let Some(sink) = &self.sink {
            sink(&found);
        }
    }
}

/// Receives every exchange of a [`GatewayClient::recording`] client.
#[derive(Clone)]
struct Recorder(ExchangeSink);

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Recorder")
    }
}

/// A job id no gateway hands out, for `check_connection`.
const CONNECTION_PROBE_ID: &str = "veo-desk-connection-check";

impl GatewayClient {
    pub fn new(
        base_url: &str,
        api_key: &str,
        options: ClientOptions,
    ) -> Result<GatewayClient, GatewayError> {
        Self::with_network(base_url, api_key, options, &Network::default())
    }

    /// The same, through a proxy and/or trusting an extra certificate authority.
    pub fn with_network(
        base_url: &str,
        api_key: &str,
        options: ClientOptions,
        network: &Network,
    ) -> Result<GatewayClient, GatewayError> {
        let base = BaseUrl::parse(base_url)?;
        let key = ApiKey::new(api_key).ok_or_else(|| {
            GatewayError::new(ErrorKind::InvalidInput, Problem::new(texts::KEY_MISSING))
        })?;
        Ok(GatewayClient {
            http: super::http::build(options.connect_timeout, network, &base)?,
            proxy: network.proxy_for(&base.endpoint(&[])),
            guard: LinkGuard::for_gateway(&base),
            base,
            key,
            options,
            recorder: None,
            style: StyleChoice::default(),
        })
    }

    /// The same client wording submits as a profile says: `setting` from the user,
    /// `detected` from earlier answers. With the automatic choice and nothing known
    /// yet, the first submit asks the gateway first (a free request); what it learns
    /// goes to `sink`.
    pub fn with_request_style(
        self,
        setting: RequestStyle,
        detected: Option<Detected>,
        sink: StyleSink,
    ) -> GatewayClient {
        GatewayClient {
            style: StyleChoice {
                setting,
                detected: Arc::new(Mutex::new(detected)),
                sink: Some(sink),
            },
            ..self
        }
    }

    /// The same client, also handing each request and its answer to `sink` (the key
    /// hidden, bodies cut short) for a job's "Details".
    pub fn recording(&self, sink: ExchangeSink) -> GatewayClient {
        GatewayClient {
            recorder: Some(Recorder(sink)),
            ..self.clone()
        }
    }

    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// Sends the video request once. Never retried: a second POST could make (and bill)
    /// a second video. A lost answer becomes `submit_uncertain`.
    pub async fn submit(&self, request: &SubmitRequest) -> Result<VideoJob, GatewayError> {
        self.submit_with_progress(request, None).await
    }

    /// `submit`, telling `upload` how much of the reference image has gone out and
    /// letting it stop the upload before the request is whole.
    pub async fn submit_with_progress(
        &self,
        request: &SubmitRequest,
        upload: Option<UploadWatch>,
    ) -> Result<VideoJob, GatewayError> {
        let result = async {
            let wire = self.wire_style().await;
            let fields = style::form_fields(request, wire);
            let form = build_form(&fields, request, upload)?;
            let url = self.base.endpoint(&["videos"]);
            let out = self.outgoing("submit", "POST", &url, || describe_form(request, &fields));
            let send = self
                .http
                .post(url)
                .bearer_auth(self.key.expose())
                .multipart(form)
                .send();
            let limit = upload_limit(self.options.read_timeout, upload_size(request));
            let host = self.base.host();
            let sent = within(Action::Submit, &host, limit, send);
            let (body, headers) = self.exchange(Action::Submit, out, sent).await?;
            let job = parse_job(Action::Submit, &body)?;
            self.learn_style(&headers, &request.size, job.size.as_deref());
            Ok(job)
        }
        .await;
        self.hide_key(result)
    }

    /// The style of the next submit. With the automatic choice and nothing known, one
    /// free request first: the answer's headers say which gateway this is.
    async fn wire_style(&self) -> WireStyle {
        let choice = &self.style;
        if choice.sink.is_none() || !choice.setting.needs_detection() {
            return choice.setting.resolve(choice.detected().as_ref());
        }
        if let Some(known) = choice.detected() {
            return choice.setting.resolve(Some(&known));
        }
        match self.ask_style().await {
            Some(found) => {
                let wire = choice.setting.resolve(Some(&found));
                choice.learn(found);
                wire
            }
            // Unreachable now: the submit will say so; ask again next time.
            None => choice.setting.resolve(None),
        }
    }

    /// The connection check's request, read for who answered, whatever the status.
    /// It is about the gateway, not the job, so a job's Details leave it out.
    async fn ask_style(&self) -> Option<Detected> {
        let url = self.base.endpoint(&["videos", CONNECTION_PROBE_ID]);
        let response = self.send_get(Action::Check, url).await.ok()?;
        // The body is read so the connection can be reused; its words do not matter.
        let headers = response.headers().clone();
        let _ = self.within(Action::Check, response.bytes()).await;
        Some(Detected::from_headers(&headers).unwrap_or_else(Detected::seed))
    }

    /// What a submit's answer shows: a gateway naming itself, or a ratio coming back
    /// as pixels.
    fn learn_style(&self, headers: &HeaderMap, sent_size: &str, answered: Option<&str>) {
        let choice = &self.style;
        if choice.sink.is_none() || !choice.setting.needs_detection() {
            return;
        }
        if let Some(named) = Detected::from_headers(headers) {
            return choice.learn(named);
        }
        let before = choice.detected().unwrap_or_else(Detected::seed);
        if let Some(echoed) = Detected::from_echo(sent_size, answered, &before) {
            choice.learn(echoed);
        }
    }

    /// One status check (retried on passing failures).
    pub async fn status(&self, id: &str) -> Result<VideoJob, GatewayError> {
        self.poll_once(id).await.map(|(job, _)| job)
    }

    /// Polls until the job ends. `on_update` sees every answer (progress for the UI).
    /// A failed, blocked or expired job comes back as an error with a human message.
    pub async fn wait_until_done(
        &self,
        id: &str,
        mut on_update: impl FnMut(&VideoJob),
    ) -> Result<VideoJob, GatewayError> {
        let mut polls = 0u32;
        loop {
            let (job, hint) = self.poll_once(id).await?;
            on_update(&job);
            match job.state {
                JobState::Completed => return Ok(job),
                JobState::Failed => return Err(job_failed(&job)),
                JobState::Expired => {
                    return Err(GatewayError::new(
                        ErrorKind::JobExpired,
                        Problem::new(texts::JOB_EXPIRED),
                    ))
                }
                JobState::Running => {}
            }
            tokio::time::sleep(self.options.poll.delay(polls, hint)).await;
            polls = polls.saturating_add(1);
        }
    }

    /// Saves the video to `dest`: `/videos/{id}/content` first, then the job's result link.
    /// Returns the number of bytes written.
    pub async fn download(
        &self,
        job: &VideoJob,
        dest: &Path,
        mut on_progress: impl FnMut(DownloadProgress) + Send,
    ) -> Result<u64, GatewayError> {
        let content = self.base.endpoint(&["videos", &job.id, "content"]);
        let first_err = match self.fetch(&content, dest, &mut on_progress).await {
            Ok(written) => return Ok(written),
            Err(e) => e,
        };
        let link = job.result_url.as_deref().and_then(|u| Url::parse(u).ok());
        let Some(link) = link.filter(|_| first_err.kind != ErrorKind::LocalFile) else {
            let err = match first_err.kind {
                ErrorKind::NotSupported => no_source(job),
                _ => first_err,
            };
            return self.hide_key(Err(err));
        };
        let fetched = match self.guard.check(&link, Via::Link) {
            Ok(()) => self.fetch(&link, dest, &mut on_progress).await,
            Err(refused) => Err(refused),
        };
        match fetched {
            Ok(written) => Ok(written),
            // `/content` is missing or forgot the job: the link's own failure says more.
            Err(e)
                if matches!(
                    first_err.kind,
                    ErrorKind::NotSupported | ErrorKind::JobNotFound
                ) =>
            {
                self.hide_key(Err(e))
            }
            Err(_) => self.hide_key(Err(first_err)),
        }
    }

    /// One free request that tells apart: gateway unreachable (DNS, refused, TLS),
    /// not a video gateway, key rejected, or fine. Returns how long the answer took.
    ///
    /// It asks for the status of a job that cannot exist: a video API answers that in
    /// JSON (404 or `task_not_exist`) after checking the key, and nothing is billed.
    pub async fn check_connection(&self) -> Result<Duration, GatewayError> {
        let started = std::time::Instant::now();
        let probe = self.base.endpoint(&["videos", CONNECTION_PROBE_ID]);
        let result = async {
            let response = self.send_get(Action::Check, probe).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = self.read_answer(Action::Check, response).await?;
            if matches!(status.as_u16(), 401 | 403) {
                return Err(from_response(Action::Check, status, &headers, &body));
            }
            if ServerText::parse(&body).is_json {
                return Ok(started.elapsed());
            }
            Err(GatewayError::new(
                ErrorKind::NotAGateway,
                Problem::new(texts::NOT_A_GATEWAY)
                    .with("host", self.base.host())
                    .with("status", status.as_u16()),
            ))
        }
        .await;
        self.hide_key(result)
    }

    /// Jobs the gateway lists (OpenAI `GET /videos`). `not_supported` when it has no list.
    pub async fn list(&self) -> Result<Vec<VideoJob>, GatewayError> {
        let result = self
            .with_retries(|| async {
                let (body, _) = self
                    .get(Action::List, "list", self.base.endpoint(&["videos"]))
                    .await?;
                Ok(parse_list(&body))
            })
            .await;
        self.hide_key(result)
    }

    /// Deletes a job on the gateway. `not_supported` (404/405) is safe to ignore.
    pub async fn delete(&self, id: &str) -> Result<(), GatewayError> {
        let result = async {
            let url = self.base.endpoint(&["videos", id]);
            let out = self.outgoing("delete", "DELETE", &url, String::new);
            let send = self.http.delete(url).bearer_auth(self.key.expose()).send();
            let host = self.base.host();
            let sent = within(Action::Delete, &host, self.options.read_timeout, send);
            self.exchange(Action::Delete, out, sent).await.map(|_| ())
        }
        .await;
        self.hide_key(result)
    }

    async fn fetch(
        &self,
        url: &Url,
        dest: &Path,
        on_progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<u64, GatewayError> {
        // A result link on another host (a CDN) must not receive the key.
        let bearer = self.base.same_origin(url).then_some(self.key.expose());
        let source = download::Source {
            http: &self.http,
            url,
            bearer,
            idle: self.options.read_timeout,
            guard: self.guard,
            limits: self.options.limits,
        };
        download::fetch_to(&source, dest, self.options.retry, on_progress).await
    }

    async fn poll_once(&self, id: &str) -> Result<(VideoJob, Option<Duration>), GatewayError> {
        let url = self.base.endpoint(&["videos", id]);
        let result = self
            .with_retries(|| async {
                let (body, headers) = self.get(Action::Poll, "poll", url.clone()).await?;
                Ok((parse_job(Action::Poll, &body)?, server_wait_hint(&headers)))
            })
            .await;
        self.hide_key(result)
    }

    /// A GET with the key; redirects off the gateway's origin are followed without it.
    async fn send_get(&self, action: Action, url: Url) -> Result<Response, GatewayError> {
        redirect::get(redirect::Get {
            http: &self.http,
            url,
            bearer: Some(self.key.expose()),
            headers: HeaderMap::new(),
            guard: self.guard,
            action,
            limit: self.options.read_timeout,
        })
        .await
    }

    /// The body of an answer, at most `limits.max_answer` bytes of it. An error answer
    /// keeps what was read; a "success" that big is no job.
    async fn read_answer(
        &self,
        action: Action,
        response: Response,
    ) -> Result<Vec<u8>, GatewayError> {
        let max = self.options.limits.max_answer;
        let success = response.status().is_success();
        if success && response.content_length().is_some_and(|n| n > max as u64) {
            return Err(answer_too_large(action, max));
        }
        let body = self.within(action, read_capped(response, max)).await?;
        if success && !body.whole {
            return Err(answer_too_large(action, max));
        }
        Ok(body.bytes)
    }

    async fn within<T>(
        &self,
        action: Action,
        step: impl Future<Output = Result<T, reqwest::Error>>,
    ) -> Result<T, GatewayError> {
        within(action, &self.base.host(), self.options.read_timeout, step).await
    }

    /// Runs a GET again after timeouts, 5xx, 429 and dropped connections, with jittered backoff.
    async fn with_retries<T, F, Fut>(&self, mut attempt: F) -> Result<T, GatewayError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, GatewayError>>,
    {
        let mut retry = 0;
        loop {
            match attempt().await {
                Err(e) if e.kind.is_transient() => {
                    retry += 1;
                    match self
                        .options
                        .retry
                        .backoff(retry, fastrand::f64(), e.retry_after)
                    {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(e),
                    }
                }
                other => return other,
            }
        }
    }

    /// A GET with the key, through [`Self::exchange`].
    async fn get(
        &self,
        action: Action,
        name: &str,
        url: Url,
    ) -> Result<(Vec<u8>, HeaderMap), GatewayError> {
        let out = self.outgoing(name, "GET", &url, String::new);
        self.exchange(action, out, self.send_get(action, url)).await
    }

    /// Waits for the answer, reads it (within limits), records both when recording,
    /// and returns the body of a 2xx answer or the mapped error.
    async fn exchange(
        &self,
        action: Action,
        out: Option<Outgoing>,
        sent: impl Future<Output = Result<Response, GatewayError>>,
    ) -> Result<(Vec<u8>, HeaderMap), GatewayError> {
        let answer = async {
            let response = sent.await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = self.read_answer(action, response).await?;
            Ok::<_, GatewayError>((status, headers, body))
        }
        .await;
        let (status, headers, body) = match answer {
            Ok(answer) => answer,
            Err(e) => {
                self.record(out.map(|o| o.failed(&e.problem)));
                return Err(e);
            }
        };
        self.record(out.map(|o| o.answered(status.as_u16(), &headers, &body)));
        if !status.is_success() {
            return Err(from_response(action, status, &headers, &body));
        }
        Ok((body, headers))
    }

    /// A note of a request about to leave, only when someone records them.
    fn outgoing(
        &self,
        action: &str,
        method: &str,
        url: &Url,
        body: impl FnOnce() -> String,
    ) -> Option<Outgoing> {
        self.recorder
            .as_ref()
            .map(|_| Outgoing::new(action, method, url, body()))
    }

    fn record(&self, exchange: Option<super::exchange::Exchange>) {
        if let (Some(Recorder(sink)), Some(exchange)) = (&self.recorder, exchange) {
            sink(exchange.redact(self.key.expose()));
        }
    }

    fn hide_key<T>(&self, result: Result<T, GatewayError>) -> Result<T, GatewayError> {
        result
            .map_err(|e| match &self.proxy {
                Some(proxy) => through_proxy(e, proxy),
                None => e,
            })
            .map_err(|e| e.redact(self.key.expose()))
    }
}

/// Roughly the bytes a submit uploads; the images dominate.
fn upload_size(request: &SubmitRequest) -> u64 {
    let images: usize = request.images().map(|(_, i)| i.bytes.len()).sum();
    (images + request.prompt.len()) as u64
}

impl SubmitRequest {
    /// Every picture with its multipart field, the first frame first.
    pub fn images(&self) -> impl Iterator<Item = (&str, &ReferenceImage)> {
        let first = self.input_reference.iter().map(|i| (FIRST_FRAME_FIELD, i));
        first.chain(self.more_images.iter().map(|(f, i)| (f.as_str(), i)))
    }
}

fn build_form(
    fields: &[(String, String)],
    request: &SubmitRequest,
    upload: Option<UploadWatch>,
) -> Result<Form, GatewayError> {
    let mut form = Form::new();
    for (key, value) in fields {
        form = form.text(key.clone(), value.clone());
    }
    let images: Vec<(&str, &ReferenceImage)> = request.images().collect();
    let parts = match upload {
        Some(watch) => {
            let bytes = images.iter().map(|(_, i)| i.bytes.clone()).collect();
            super::upload::counted_parts(bytes, watch)
        }
        None => images
            .iter()
            .map(|(_, i)| Part::bytes(i.bytes.clone()))
            .collect(),
    };
    for ((field, image), part) in images.into_iter().zip(parts) {
        let part = part
            .file_name(image.file_name.clone())
            .mime_str(&image.mime)
            .map_err(|_| {
                GatewayError::new(
                    ErrorKind::InvalidInput,
                    Problem::new(texts::NOT_AN_IMAGE_TYPE).with("mime", &image.mime),
                )
            })?;
        form = form.part(field.to_string(), part);
    }
    Ok(form)
}

/// Neither `/content` nor a result link: either the job is not done or the gateway
/// only hands out links, and this job has none.
fn no_source(job: &VideoJob) -> GatewayError {
    if job.state == JobState::Running {
        return GatewayError::new(ErrorKind::JobNotReady, Problem::new(texts::VIDEO_NOT_READY));
    }
    GatewayError::new(ErrorKind::NotSupported, Problem::new(texts::NO_DOWNLOAD))
}

fn parse_job(action: Action, body: &[u8]) -> Result<VideoJob, GatewayError> {
    VideoJob::parse(body).map_err(|e| unreadable_job(action, e))
}

/// An answer that is not a job. After a submit the request may still have made (and
/// billed) one, which the user must hear before trying again.
fn unreadable_job(action: Action, err: WireError) -> GatewayError {
    let submitted = action == Action::Submit;
    let text = match (err, submitted) {
        (WireError::NotJson(_), false) => texts::ANSWER_NOT_JSON,
        (WireError::NotJson(_), true) => texts::ANSWER_NOT_JSON_AFTER_SUBMIT,
        (WireError::NoId, false) => texts::ANSWER_WITHOUT_ID,
        (WireError::NoId, true) => texts::ANSWER_WITHOUT_ID_AFTER_SUBMIT,
    };
    GatewayError::new(ErrorKind::BadResponse, Problem::new(text))
}

/// An answer bigger than any job: an endless or runaway body, not read any further.
fn answer_too_large(action: Action, max: usize) -> GatewayError {
    let text = if action == Action::Submit {
        texts::ANSWER_TOO_LARGE_AFTER_SUBMIT
    } else {
        texts::ANSWER_TOO_LARGE
    };
    let problem = Problem::new(text).with("size", size_words(max as u64));
    GatewayError::new(ErrorKind::BadResponse, problem)
}

fn job_failed(job: &VideoJob) -> GatewayError {
    let kind = if job.blocked_by_safety {
        ErrorKind::ContentBlocked
    } else {
        ErrorKind::JobFailed
    };
    let problem = job
        .problem
        .clone()
        .unwrap_or_else(|| Problem::new(texts::JOB_FAILED));
    GatewayError::new(kind, problem)
}

/// `{"data":[...]}` or a bare list; entries that are not jobs are skipped.
fn parse_list(body: &[u8]) -> Vec<VideoJob> {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let items = json
        .get("data")
        .and_then(|d| d.as_array())
        .or_else(|| json.as_array());
    items
        .map(|list| {
            list.iter()
                .filter_map(|v| VideoJob::from_value(v).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app runs these on Tauri's multi-threaded runtime, which needs `Send` futures.
    #[test]
    fn client_futures_can_move_between_threads() {
        fn assert_send<T: Send>(_: T) {}
        let client =
            GatewayClient::new("https://h.example", "sk-1", ClientOptions::default()).unwrap();
        let job = VideoJob::parse(br#"{"id":"a","status":"completed"}"#).unwrap();
        assert_send(client.submit(&SubmitRequest::default()));
        assert_send(client.wait_until_done("a", |_| {}));
        assert_send(client.download(&job, Path::new("/tmp/a.mp4"), |_| {}));
        assert_send(client.list());
        assert_send(client.delete("a"));
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let client = GatewayClient::new(
            "https://h.example",
            "sk-very-secret",
            ClientOptions::default(),
        )
        .unwrap();
        assert!(!format!("{client:?}").contains("sk-very-secret"));
    }

    #[test]
    fn a_pasted_bearer_prefix_is_dropped_and_empty_keys_refused() {
        let client = GatewayClient::new(
            "https://h.example",
            " Bearer sk-1 ",
            ClientOptions::default(),
        )
        .unwrap();
        assert_eq!(client.key.expose(), "sk-1");
        assert_eq!(
            GatewayClient::new("https://h.example", "  ", ClientOptions::default())
                .unwrap_err()
                .code(),
            "invalid_input"
        );
    }

    #[test]
    fn lists_come_wrapped_or_bare() {
        assert_eq!(
            parse_list(br#"{"object":"list","data":[{"id":"a","status":"queued"},{"x":1}]}"#).len(),
            1
        );
        assert_eq!(parse_list(br#"[{"task_id":"a"},{"task_id":"b"}]"#).len(), 2);
        assert!(parse_list(b"<html>").is_empty());
    }
}
