//! The HTTP side: accept loop, routing, and one handler per endpoint.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use super::body::SimBody;
use super::clips::{clip, Shape};
use super::jobs::{unix_now, Job, Outcome, Phase};
use super::{lock, multipart, Endpoint, Fault, RecordedRequest, Route, State, MAX_BODY_BYTES};

type Reply = Response<SimBody>;

pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<Mutex<State>>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        None => serve_connection(stream, state).await,
                        // A failed handshake (e.g. a client that does not trust us) just ends.
                        Some(tls) => if let Ok(stream) = tls.accept(stream).await {
                            serve_connection(stream, state).await;
                        },
                    }
                });
            }
        }
    }
}

async fn serve_connection<S>(stream: S, state: Arc<Mutex<State>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| handle(state.clone(), req));
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Where a request goes, with the job id decoded.
enum Target {
    Submit,
    List,
    Poll(String),
    Delete(String),
    Content(String),
    Remix(String),
    File(String),
    Unknown,
}

impl Target {
    fn route(&self) -> Option<Route> {
        Some(match self {
            Target::Submit => Route::Submit,
            Target::List => Route::List,
            Target::Poll(_) => Route::Poll,
            Target::Delete(_) => Route::Delete,
            Target::Content(_) => Route::Content,
            Target::Remix(_) => Route::Remix,
            Target::File(_) => Route::File,
            Target::Unknown => return None,
        })
    }
}

fn target(method: &Method, path: &str) -> Target {
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), s.as_slice()) {
        ("POST", ["v1", "videos"]) => Target::Submit,
        ("GET", ["v1", "videos"]) => Target::List,
        ("GET", ["v1", "videos", id]) => Target::Poll(id.to_string()),
        ("DELETE", ["v1", "videos", id]) => Target::Delete(id.to_string()),
        ("GET", ["v1", "videos", id, "content"]) => Target::Content(id.to_string()),
        ("POST", ["v1", "videos", id, "remix"]) => Target::Remix(id.to_string()),
        ("GET", ["files", file]) => file
            .strip_suffix(".mp4")
            .map_or(Target::Unknown, |id| Target::File(id.to_string())),
        _ => Target::Unknown,
    }
}

async fn handle(state: Arc<Mutex<State>>, req: Request<Incoming>) -> Result<Reply, Infallible> {
    let mut reply = answer(&state, req).await;
    if lock(&state).dialect == super::Dialect::NewApi {
        // new-api names itself on every answer, faults included.
        let h = reply.headers_mut();
        h.insert("x-new-api-version", HeaderValue::from_static("v0.9.0"));
        let id = format!("2026{:016}", fastrand::u64(..) % 10u64.pow(16));
        h.insert("x-oneapi-request-id", header(&id));
    }
    Ok(reply)
}

async fn answer(state: &Arc<Mutex<State>>, req: Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    let target = target(&parts.method, parts.uri.path());
    if let Some(refusal) = refuse_unread(&lock(state), &parts, &target) {
        return refusal;
    }
    let rate = lock(state).upload_rate;
    let body = match read_body(body, rate, MAX_BODY_BYTES).await {
        ReadBody::Whole(body) => body,
        // A body that broke off is no request: a real gateway never sees it whole.
        ReadBody::BrokeOff => {
            let dialect = lock(state).dialect;
            let said = dialect.error("incomplete_body", "The request body ended early.");
            return json_reply(400, said);
        }
        ReadBody::TooLarge => return too_large(&lock(state)),
    };
    let range = parts
        .headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let fault = {
        let mut st = lock(state);
        if st.record {
            record(&mut st, &parts, &body);
        }
        target.route().and_then(|route| take_fault(&mut st, route))
    };
    let fault = match fault {
        Some(Fault::Slow(wait)) => {
            tokio::time::sleep(wait).await;
            None
        }
        other => other,
    };
    let mut st = lock(state);
    let is_video = matches!(target, Target::Content(_) | Target::File(_));
    if let Some(reply) = fault
        .as_ref()
        .and_then(|f| fault_reply(&st, f, &parts.headers, is_video))
    {
        return reply;
    }
    if st.gemini {
        return gemini_reply(&mut st, &parts, &body, range, fault);
    }
    let extra_header = match &fault {
        Some(Fault::WithHeader { name, value }) => Some((name.clone(), value.clone())),
        _ => None,
    };
    let authorized = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.strip_prefix("Bearer ")
                .is_some_and(|k| !k.trim().is_empty())
        });
    if !authorized && !matches!(target, Target::File(_) | Target::Unknown) {
        return json_reply(
            401,
            st.dialect
                .error("invalid_api_key", "未提供令牌 (no token provided)"),
        );
    }
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let cut = match &fault {
        Some(Fault::DropAfter(keep)) if !is_video => Some(*keep),
        _ => None,
    };
    let reply = match target {
        Target::Submit => submit(&mut st, content_type, &body),
        Target::Poll(id) => poll(&st, &id),
        Target::List if !st.disabled.contains(&Endpoint::List) => list(&st),
        Target::Delete(id) if !st.disabled.contains(&Endpoint::Delete) => delete(&mut st, &id),
        Target::Delete(_) => text_reply(405, "405 method not allowed"),
        Target::Content(id) if !st.disabled.contains(&Endpoint::Content) => {
            content(&st, &id, range, fault)
        }
        Target::Remix(id) if !st.disabled.contains(&Endpoint::Remix) => remix(&mut st, &id, &body),
        Target::File(id) => file(&st, &id, range, fault),
        _ => text_reply(404, "404 page not found"),
    };
    let mut reply = match cut {
        Some(keep) => cut_reply(reply, keep),
        None => reply,
    };
    if let Some((name, value)) = extra_header {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            reply.headers_mut().insert(name, value);
        }
    }
    reply
}

fn gemini_reply(
    st: &mut State,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    range: Option<String>,
    fault: Option<Fault>,
) -> Reply {
    let key = parts
        .headers
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok());
    match super::gemini::handle(st, &parts.method, parts.uri.path(), key, body) {
        super::gemini::Answer::Json(status, value) => json_reply(status, value),
        super::gemini::Answer::Video(job) => video(st, &job, range, fault),
    }
}

/// Requests turned away before their body is read: addressed to another host (a web
/// page reaching 127.0.0.1 through DNS rebinding), announcing a body over the cap, or
/// carrying the wrong key where one key is required.
fn refuse_unread(
    st: &State,
    parts: &hyper::http::request::Parts,
    target: &Target,
) -> Option<Reply> {
    let host = parts.headers.get(HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(|h| st.hosts.iter().any(|ours| h.eq_ignore_ascii_case(ours))) {
        let said = format!("This gateway only answers requests to {}.", st.hosts[0]);
        return Some(json_reply(
            421,
            st.dialect.error("misdirected_request", &said),
        ));
    }
    let announced = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Some(too_large(st));
    }
    let expected = st.key.as_deref()?;
    let given = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let open_route = matches!(target, Target::File(_) | Target::Unknown);
    if open_route || given.is_some_and(|k| same_secret(k.trim(), expected)) {
        return None;
    }
    Some(json_reply(
        401,
        st.dialect
            .error("invalid_api_key", "Incorrect API key provided."),
    ))
}

/// Compares without stopping at the first difference, so timing tells nothing.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn too_large(st: &State) -> Reply {
    let said = format!(
        "The request is larger than {} MB.",
        MAX_BODY_BYTES / (1024 * 1024)
    );
    json_reply(413, st.dialect.error("request_too_large", &said))
}

enum ReadBody {
    Whole(Bytes),
    BrokeOff,
    TooLarge,
}

/// The whole body, read at `rate` bytes a second when set (a slow uplink), and never
/// more than `cap` bytes of it.
async fn read_body<B>(mut body: B, rate: Option<u64>, cap: u64) -> ReadBody
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let mut all = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return ReadBody::BrokeOff;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if (all.len() + data.len()) as u64 > cap {
            return ReadBody::TooLarge;
        }
        all.extend_from_slice(&data);
        if let Some(rate) = rate {
            let secs = data.len() as f64 / rate as f64;
            tokio::time::sleep(std::time::Duration::from_secs_f64(secs)).await;
        }
    }
    ReadBody::Whole(Bytes::from(all))
}

/// The answer's headers and first `keep` bytes, then a broken connection.
fn cut_reply(reply: Reply, keep: usize) -> Reply {
    let (mut parts, body) = reply.into_parts();
    let whole = body.into_bytes();
    parts
        .headers
        .insert("content-length", HeaderValue::from(whole.len() as u64));
    Response::from_parts(parts, SimBody::cut_after(whole, keep))
}

fn record(st: &mut State, parts: &hyper::http::request::Parts, body: &Bytes) {
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let form = multipart::parse(content_type, body).unwrap_or_default();
    st.requests.push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers,
        fields: form.fields,
        files: form.files,
        at: Instant::now(),
    });
}

fn take_fault(st: &mut State, route: Route) -> Option<Fault> {
    let index = st.faults.iter().position(|(r, _)| *r == route)?;
    Some(st.faults.remove(index).1)
}

/// Faults that replace the answer entirely; video-body faults return `None` here.
fn fault_reply(
    st: &State,
    fault: &Fault,
    headers: &hyper::HeaderMap,
    is_video: bool,
) -> Option<Reply> {
    let d = st.dialect;
    Some(match fault {
        Fault::HtmlBadGateway => html_reply(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
        Fault::Unauthorized => {
            let key = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").trim_start_matches("Bearer ");
            json_reply(401, d.error("invalid_api_key", &format!("Incorrect API key provided: {key}.")))
        }
        Fault::Forbidden => json_reply(403, d.error("model_not_allowed", "该令牌无权使用模型 veo3.1 (this key may not use veo3.1)")),
        Fault::RateLimited { retry_after_secs } => {
            let mut reply = json_reply(429, d.error("rate_limit_exceeded", "当前分组上游负载已饱和，请稍后再试"));
            reply.headers_mut().insert("retry-after", HeaderValue::from(*retry_after_secs));
            reply
        }
        Fault::ServerError => json_reply(500, d.error("upstream_error", "upstream service unavailable")),
        Fault::MalformedJson => {
            let mut reply = text_reply(200, "{\"id\": \"video_1\", \"status\": \"que");
            reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            reply
        }
        Fault::TaskNotExist => {
            let (status, body) = d.not_found("unknown");
            json_reply(status, body)
        }
        Fault::PlainText { status, text } => text_reply(*status, text),
        Fault::JsonInsteadOfVideo => json_reply(200, d.error("video_unavailable", "the upstream file could not be fetched")),
        Fault::Redirect { status, location } => {
            let mut reply = with_status(*status, SimBody::empty());
            reply.headers_mut().insert("location", header(location));
            reply
        }
        Fault::Endless if !is_video => {
            let head = r#"{"id":"video_endless","status":"queued","padding":""#;
            let mut reply = with_status(200, SimBody::endless(head, Bytes::from(vec![b'x'; 64 * 1024])));
            reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            reply
        }
        Fault::Slow(_)
        | Fault::DropAfter(_)
        | Fault::Trickle { .. }
        | Fault::WithHeader { .. }
        | Fault::Endless => return None,
    })
}

fn submit(st: &mut State, content_type: &str, body: &[u8]) -> Reply {
    let d = st.dialect;
    let Some(form) = multipart::parse(content_type, body) else {
        return json_reply(
            400,
            d.error(
                "invalid_request",
                "the request body must be multipart/form-data",
            ),
        );
    };
    let field = |name: &str| {
        form.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    if form.fields.iter().any(|(k, _)| k == "input_reference") {
        return json_reply(
            400,
            d.error(
                "invalid_request",
                "input_reference must be a file upload, not a string",
            ),
        );
    }
    let (Some(prompt), Some(model)) = (
        field("prompt").filter(|p| !p.is_empty()),
        field("model").filter(|m| !m.is_empty()),
    ) else {
        return json_reply(
            400,
            d.error("invalid_request", "prompt and model are required"),
        );
    };
    if d == super::Dialect::NewApi {
        let upstream = super::gemini::new_api_upstream(&model, &form.fields, form.files.first());
        st.veo_requests.push(upstream);
    }
    st.seq += 1;
    let job = Job {
        id: d.job_id(st.seq),
        model,
        prompt,
        seconds: field("seconds").unwrap_or_else(|| "4".into()),
        size: field("size").unwrap_or_else(|| "16:9".into()),
        created: unix_now(),
        started: Instant::now(),
        outcome: st.outcomes.pop_front().unwrap_or(Outcome::Complete),
        deleted: false,
    };
    let reply = d.submitted(&job);
    st.jobs.push(job);
    json_reply(200, reply)
}

fn find_job<'a>(st: &'a State, id: &str) -> Option<&'a Job> {
    st.jobs.iter().find(|j| j.id == id && !j.deleted)
}

fn poll(st: &State, id: &str) -> Reply {
    let Some(job) = find_job(st, id) else {
        return not_found(st, id);
    };
    let phase = job.phase(Instant::now(), st.job_duration);
    let mut reply = json_reply(200, st.dialect.job(job, phase, &file_url(st, id)));
    if let Some(wait) = st.poll_after {
        reply.headers_mut().insert(
            "openai-poll-after-ms",
            HeaderValue::from(wait.as_millis() as u64),
        );
    }
    reply
}

fn list(st: &State) -> Reply {
    let now = Instant::now();
    let data: Vec<Value> = st
        .jobs
        .iter()
        .filter(|j| !j.deleted)
        .map(|j| {
            st.dialect
                .job(j, j.phase(now, st.job_duration), &file_url(st, &j.id))
        })
        .collect();
    json_reply(
        200,
        json!({"object": "list", "data": data, "has_more": false}),
    )
}

fn delete(st: &mut State, id: &str) -> Reply {
    match st.jobs.iter_mut().find(|j| j.id == id && !j.deleted) {
        Some(job) => {
            job.deleted = true;
            json_reply(
                200,
                json!({"id": id, "object": "video.deleted", "deleted": true}),
            )
        }
        None => not_found(st, id),
    }
}

fn remix(st: &mut State, id: &str, body: &[u8]) -> Reply {
    let Some(original) = find_job(st, id).cloned() else {
        return not_found(st, id);
    };
    let prompt = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("prompt").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    st.seq += 1;
    let job = Job {
        id: st.dialect.job_id(st.seq),
        prompt,
        started: Instant::now(),
        created: unix_now(),
        ..original
    };
    let reply = st.dialect.job(&job, Phase::Queued, "");
    st.jobs.push(job);
    json_reply(200, reply)
}

/// `/content`: the MP4 once the job completed; the dialect's refusal before that.
fn content(st: &State, id: &str, range: Option<String>, fault: Option<Fault>) -> Reply {
    let Some(job) = find_job(st, id) else {
        return not_found(st, id);
    };
    match (job.phase(Instant::now(), st.job_duration), &job.outcome) {
        (Phase::Done, Outcome::Complete) => video(st, job, range, fault),
        (Phase::Done, Outcome::Expire) => not_found(st, id),
        (Phase::Done, _) => json_reply(
            400,
            st.dialect
                .error("task_failed", "the task failed and has no video"),
        ),
        _ => {
            let (status, body) = st.dialect.not_ready();
            json_reply(status, body)
        }
    }
}

/// The direct link: no key needed, like a CDN.
fn file(st: &State, id: &str, range: Option<String>, fault: Option<Fault>) -> Reply {
    match find_job(st, id) {
        Some(job)
            if job.phase(Instant::now(), st.job_duration) == Phase::Done
                && job.outcome == Outcome::Complete =>
        {
            video(st, job, range, fault)
        }
        _ => text_reply(404, "404 page not found"),
    }
}

fn video(st: &State, job: &Job, range: Option<String>, fault: Option<Fault>) -> Reply {
    let shape = match st.landscape_only {
        true => Shape::Landscape,
        false => Shape::of_size(&job.size),
    };
    let all = Bytes::from_static(clip(shape, &job.seconds));
    let len = all.len();
    let start = range
        .filter(|_| st.range_support)
        .and_then(|r| range_start(&r));
    if start.is_some_and(|s| s >= len) {
        let mut reply = with_status(416, SimBody::empty());
        reply
            .headers_mut()
            .insert("content-range", header(&format!("bytes */{len}")));
        return reply;
    }
    let start = start.unwrap_or(0);
    let slice = all.slice(start..);
    let body_len = slice.len();
    let endless = fault == Some(Fault::Endless);
    let body = match fault {
        Some(Fault::DropAfter(keep)) => SimBody::cut_after(slice, keep),
        Some(Fault::Trickle { chunk, pause }) => SimBody::trickle(slice, chunk, pause),
        Some(Fault::Endless) => SimBody::endless(slice, Bytes::from(vec![0u8; 64 * 1024])),
        _ => SimBody::full(slice),
    };
    let mut reply = with_status(if start > 0 { 206 } else { 200 }, body);
    let h = reply.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    if !endless {
        h.insert("content-length", HeaderValue::from(body_len as u64));
    }
    if st.range_support {
        h.insert("accept-ranges", HeaderValue::from_static("bytes"));
    }
    if start > 0 {
        h.insert(
            "content-range",
            header(&format!("bytes {start}-{}/{len}", len - 1)),
        );
    }
    reply
}

/// `bytes=N-` → N (the only form clients send when resuming).
fn range_start(range: &str) -> Option<usize> {
    let (start, _) = range.trim().strip_prefix("bytes=")?.split_once('-')?;
    start.trim().parse().ok()
}

fn not_found(st: &State, id: &str) -> Reply {
    let (status, body) = st.dialect.not_found(id);
    json_reply(status, body)
}

fn file_url(st: &State, id: &str) -> String {
    format!("{}/files/{}.mp4", st.base_url, percent_encode(id))
}

fn json_reply(status: u16, body: Value) -> Reply {
    let mut reply = with_status(status, SimBody::full(body.to_string()));
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    reply
}

fn text_reply(status: u16, text: &str) -> Reply {
    let mut reply = with_status(status, SimBody::full(text.to_string()));
    reply.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    reply
}

fn html_reply(status: u16, html: &'static str) -> Reply {
    let mut reply = with_status(status, SimBody::full(html));
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    reply
}

fn with_status(status: u16, body: SimBody) -> Reply {
    let mut reply = Response::new(body);
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reply
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_survive_encoding_both_ways() {
        let id = "veo3.1:models/op 1";
        assert_eq!(percent_decode(&percent_encode(id)), id);
    }

    #[test]
    fn routes_are_recognised() {
        assert!(
            matches!(target(&Method::GET, "/v1/videos/a%2Fb/content"), Target::Content(id) if id == "a/b")
        );
        assert!(matches!(target(&Method::GET, "/files/x.mp4"), Target::File(id) if id == "x"));
        assert!(matches!(
            target(&Method::PUT, "/v1/videos"),
            Target::Unknown
        ));
    }

    #[tokio::test]
    async fn a_body_is_read_up_to_the_cap_whether_announced_or_streamed() {
        use http_body_util::{Full, StreamBody};
        let whole = |len: usize| Full::new(Bytes::from(vec![7u8; len]));
        assert!(
            matches!(read_body(whole(100), None, 100).await, ReadBody::Whole(b) if b.len() == 100)
        );
        assert!(matches!(
            read_body(whole(101), None, 100).await,
            ReadBody::TooLarge
        ));
        let chunks = (0..5)
            .map(|_| Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from(vec![1u8; 30]))));
        let streamed = StreamBody::new(futures_util::stream::iter(chunks));
        assert!(matches!(
            read_body(streamed, None, 100).await,
            ReadBody::TooLarge
        ));
    }

    #[test]
    fn range_headers_are_read() {
        assert_eq!(range_start("bytes=3000-"), Some(3000));
        assert_eq!(range_start("items=1-"), None);
    }
}
