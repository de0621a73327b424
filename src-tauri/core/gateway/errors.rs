//! One error type for everything a gateway can do wrong, with a stable code for the UI
//! and a problem the window words for a person (never markup, never the API key).

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::poll::server_wait_hint;
use super::safety::{blocked_problem, mentions_block, quoted_reasons, reasons_in_json};
use super::texts;
use crate::problem::{Problem, Text};

/// What went wrong, in terms the UI can branch on. `code()` names are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A value the user typed or picked cannot be used (base URL, model, duration...).
    InvalidInput,
    /// DNS failure, connection refused, TLS failure: nothing reached the gateway.
    Unreachable,
    /// The gateway stopped answering in time.
    Timeout,
    /// The connection broke in the middle of an answer.
    ConnectionLost,
    /// A video request was sent but its answer was lost: a job may exist (and be billed).
    SubmitUncertain,
    /// 401/403: the key is wrong, expired or out of credit.
    KeyRejected,
    /// 429: too many requests; `retry_after` says how long the gateway asked us to wait.
    RateLimited,
    /// 5xx: the gateway or its upstream failed.
    ServerError,
    /// Any other 4xx: the gateway refused this request.
    Rejected,
    /// The gateway answered something that could not be read.
    BadResponse,
    /// The gateway does not know this job (never existed, expired, other key).
    JobNotFound,
    /// The video was requested before the job finished.
    JobNotReady,
    /// The job ended without a video.
    JobFailed,
    /// The job was stopped by the model's safety filter.
    ContentBlocked,
    /// The job finished but its result is no longer kept by the gateway.
    JobExpired,
    /// The download was not an MP4 video (a JSON or HTML page, for example).
    NotAVideo,
    /// The download ended short of its announced length, even after resuming.
    DownloadIncomplete,
    /// The gateway does not offer this optional endpoint (list, delete).
    NotSupported,
    /// The video could not be written to disk.
    LocalFile,
    /// Something answers at this address, but not a video API.
    NotAGateway,
    /// The download went on, but too slowly to ever finish.
    TooSlow,
    /// The download grew beyond any video's size.
    TooLarge,
    /// A gateway on the internet pointed at this computer or the local network.
    LocalLinkRefused,
    /// The gateway no longer offers the model asked for.
    ModelRetired,
    /// The job finished, but the gateway has no video for it.
    NoVideo,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unreachable => "gateway_unreachable",
            ErrorKind::Timeout => "gateway_timeout",
            ErrorKind::ConnectionLost => "connection_lost",
            ErrorKind::SubmitUncertain => "submit_uncertain",
            ErrorKind::KeyRejected => "key_rejected",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ServerError => "gateway_error",
            ErrorKind::Rejected => "request_rejected",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::JobNotFound => "job_not_found",
            ErrorKind::JobNotReady => "job_not_ready",
            ErrorKind::JobFailed => "job_failed",
            ErrorKind::ContentBlocked => "content_blocked",
            ErrorKind::JobExpired => "job_expired",
            ErrorKind::NotAVideo => "not_a_video",
            ErrorKind::DownloadIncomplete => "download_incomplete",
            ErrorKind::NotSupported => "not_supported",
            ErrorKind::LocalFile => "io",
            ErrorKind::NotAGateway => "not_a_gateway",
            ErrorKind::TooSlow => "download_too_slow",
            ErrorKind::TooLarge => "download_too_large",
            ErrorKind::LocalLinkRefused => "local_link_refused",
            ErrorKind::ModelRetired => "model_unavailable",
            ErrorKind::NoVideo => "no_video",
        }
    }

    /// Worth trying the same GET again after a pause.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Timeout
                | ErrorKind::ConnectionLost
                | ErrorKind::TooSlow
                | ErrorKind::ServerError
                | ErrorKind::RateLimited
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    pub kind: ErrorKind,
    /// What to tell the user, as data (the window words it).
    pub problem: Problem,
    /// HTTP status of the answer that caused this, when there was one.
    pub status: Option<u16>,
    /// How long the gateway asked us to wait (429 `Retry-After`).
    pub retry_after: Option<Duration>,
}

impl GatewayError {
    pub fn new(kind: ErrorKind, problem: Problem) -> Self {
        GatewayError {
            kind,
            problem,
            status: None,
            retry_after: None,
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The problem worded in English (the CLI, the log, tests).
    pub fn message(&self) -> String {
        self.problem.english()
    }

    /// Removes every occurrence of `secret` (the API key) a server may have echoed back.
    pub(crate) fn redact(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            for value in self.problem.values_mut() {
                if value.contains(secret) {
                    *value = value.replace(secret, "[your key]");
                }
            }
        }
        self
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for GatewayError {}

/// What the client was doing, so a 404 or a lost answer can be explained properly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Poll,
    Download,
    List,
    Delete,
    /// The free "Test connection" request.
    Check,
}

impl Action {
    /// The phrase that fills `{doing}` ("checking the job").
    fn doing(self) -> Text {
        match self {
            Action::Submit => texts::DOING_SUBMIT,
            Action::Poll => texts::DOING_POLL,
            Action::Download => texts::DOING_DOWNLOAD,
            Action::List => texts::DOING_LIST,
            Action::Delete => texts::DOING_DELETE,
            Action::Check => texts::DOING_CHECK,
        }
    }
}

/// The readable part of an error body: JSON code/message, plain text, or "it was a web page".
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ServerText {
    pub code: Option<String>,
    pub message: Option<String>,
    pub is_html: bool,
    /// The body was JSON: an API answered, not a bare web server or proxy.
    pub is_json: bool,
}

impl ServerText {
    pub fn parse(body: &[u8]) -> ServerText {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if looks_like_html(trimmed) {
            return ServerText {
                is_html: true,
                ..Default::default()
            };
        }
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            Ok(json) => from_json(&json),
            Err(_) if trimmed.is_empty() => ServerText::default(),
            Err(_) => ServerText {
                message: Some(shorten(trimmed)),
                ..Default::default()
            },
        }
    }

    /// Everything the server said, for matching words like "not completed".
    fn haystack(&self) -> String {
        format!(
            "{} {}",
            self.code.as_deref().unwrap_or(""),
            self.message.as_deref().unwrap_or("")
        )
        .to_ascii_lowercase()
    }
}

pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<body")
        || (head.starts_with('<') && text.to_ascii_lowercase().contains("</"))
}

/// Reads `{"error":{message,code}}`, `{"error":"text"}`, flat `{code,message}` and `{detail}`.
fn from_json(json: &serde_json::Value) -> ServerText {
    let scalar = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(shorten(s.trim())),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let (holder, inner_text) = match json.get("error") {
        Some(obj @ serde_json::Value::Object(_)) => (obj, None),
        Some(serde_json::Value::String(s)) => (json, Some(shorten(s))),
        _ => (json, None),
    };
    let message = scalar(holder.get("message"))
        .or(inner_text)
        .or_else(|| scalar(holder.get("msg")))
        .or_else(|| scalar(holder.get("detail")))
        .or_else(|| scalar(holder.get("fail_reason")));
    let code = scalar(holder.get("code")).or_else(|| scalar(holder.get("type")));
    ServerText {
        code,
        message,
        is_html: false,
        is_json: true,
    }
}

/// Collapses whitespace and cuts long text so a message stays one readable paragraph.
pub(crate) fn shorten(text: &str) -> String {
    const LIMIT: usize = 300;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= LIMIT {
        return flat;
    }
    let cut: String = flat.chars().take(LIMIT).collect();
    format!("{cut}…")
}

/// "502 Bad Gateway", or just "599" for codes without a standard name.
pub(crate) fn status_words(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {}", status.as_u16(), reason),
        None => status.as_u16().to_string(),
    }
}

/// Maps an unsuccessful HTTP answer to an error the user can act on.
pub(crate) fn from_response(
    action: Action,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> GatewayError {
    let server = ServerText::parse(body);
    if let Some(problem) = safety_block(action, status, &server, body) {
        return GatewayError {
            kind: ErrorKind::ContentBlocked,
            problem,
            status: Some(status.as_u16()),
            retry_after: None,
        };
    }
    let (kind, problem) = classify(action, status, &server);
    GatewayError {
        kind,
        problem,
        status: Some(status.as_u16()),
        retry_after: if kind == ErrorKind::RateLimited {
            server_wait_hint(headers)
        } else {
            None
        },
    }
}

/// An error answer that is really the safety filter's verdict (LiteLLM answers every
/// poll of a filtered video with a 500 quoting it). The whole body is searched, since
/// the reasons often come after the part of a long message that is shown.
fn safety_block(
    action: Action,
    status: StatusCode,
    server: &ServerText,
    body: &[u8],
) -> Option<Problem> {
    if action == Action::Check || matches!(status.as_u16(), 401 | 403 | 429) || server.is_html {
        return None;
    }
    let json = serde_json::from_slice::<serde_json::Value>(body).ok();
    let raw = match &json {
        Some(json) => all_text(json),
        None => String::from_utf8_lossy(body).into_owned(),
    };
    if !mentions_block(&raw) {
        return None;
    }
    let reasons = json
        .as_ref()
        .and_then(reasons_in_json)
        .or_else(|| quoted_reasons(&raw));
    Some(match reasons {
        Some(reasons) => blocked_problem(&reasons),
        // The verdict did not survive whole (LiteLLM cuts long values short): our
        // sentence, and the gateway's message beside it as it wrote it.
        None => Problem::new(texts::BLOCKED_UNEXPLAINED).said(server.message.clone()),
    })
}

/// Every key and string of a JSON answer, unescaped and in full.
fn all_text(json: &serde_json::Value) -> String {
    fn collect(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push(' ');
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.push_str(k);
                out.push(' ');
                collect(v, out);
            }),
            _ => {}
        }
    }
    let mut out = String::new();
    collect(json, &mut out);
    out
}

/// Which error an answer is, and the problem that tells it; the server's message,
/// when it sent one, comes beside our text as its own words.
fn classify(action: Action, status: StatusCode, server: &ServerText) -> (ErrorKind, Problem) {
    let hay = server.haystack();
    let code = status.as_u16();
    let words = status_words(status);
    let told = |text| Problem::new(text).with("status", &words);
    let said = |problem: Problem| problem.said(server.message.clone());
    if hay.contains("task_not_exist") || (code == 404 && action == Action::Poll) {
        return (ErrorKind::JobNotFound, Problem::new(texts::JOB_NOT_FOUND));
    }
    // The job is known and finished (it was asked for), but there is nothing to fetch:
    // a JSON 404, or LiteLLM's 500 for an operation Veo ended with an error.
    let nothing_made = status.is_server_error() && hay.contains("no response data");
    if action == Action::Download && ((code == 404 && server.is_json) || nothing_made) {
        return (
            ErrorKind::NoVideo,
            said(told(texts::COMPLETED_WITHOUT_VIDEO)),
        );
    }
    if action == Action::Submit && matches!(code, 400 | 404 | 410) && is_retired(&hay) {
        return (ErrorKind::ModelRetired, said(told(texts::MODEL_RETIRED)));
    }
    if action == Action::Download && is_not_ready(&hay) {
        return (
            ErrorKind::JobNotReady,
            said(Problem::new(texts::VIDEO_NOT_READY)),
        );
    }
    if code == 401 || code == 403 {
        return (ErrorKind::KeyRejected, said(told(texts::KEY_REJECTED)));
    }
    if code == 429 {
        return (ErrorKind::RateLimited, said(told(rate_limit_text(&hay))));
    }
    if (code == 404 || code == 405)
        && matches!(action, Action::List | Action::Delete | Action::Download)
    {
        let problem = told(texts::NOT_OFFERED).with_text("doing", action.doing());
        return (ErrorKind::NotSupported, problem);
    }
    if status.is_server_error() {
        let problem = told(texts::SERVER_ERROR).with_text("doing", action.doing());
        let problem = if server.is_html {
            problem
        } else {
            said(problem)
        };
        return (ErrorKind::ServerError, problem);
    }
    // No JSON answer at all: the address is not a video API (wrong base URL or path).
    if (code == 404 || code == 405) && action == Action::Submit && !server.is_json {
        return (ErrorKind::NotSupported, told(texts::NO_VIDEO_ENDPOINT));
    }
    if server.is_html {
        let problem = told(texts::WEB_PAGE_ANSWER).with_text("doing", action.doing());
        return (ErrorKind::BadResponse, problem);
    }
    (ErrorKind::Rejected, said(told(texts::REQUEST_REFUSED)))
}

/// A 429 says more than "slow down" when every upstream is resting (LiteLLM's
/// cooldown) or the account's quota is spent.
fn rate_limit_text(hay: &str) -> crate::problem::Text {
    if ["no deployments available", "cooldown", "cooling down"]
        .iter()
        .any(|n| hay.contains(n))
    {
        texts::ALL_COOLING_DOWN
    } else if ["insufficient_quota", "quota", "billing", "credit"]
        .iter()
        .any(|n| hay.contains(n))
    {
        texts::QUOTA_USED_UP
    } else {
        texts::RATE_LIMITED
    }
}

/// A model the provider took away ("is no longer available", "deprecated"...).
fn is_retired(hay: &str) -> bool {
    [
        "no longer available",
        "no longer supported",
        "deprecated",
        "retired",
        "discontinued",
        "model_not_found",
        "model not found",
    ]
    .iter()
    .any(|needle| hay.contains(needle))
        || (hay.contains("model") && hay.contains("does not exist"))
}

fn is_not_ready(hay: &str) -> bool {
    [
        "not completed",
        "not complete",
        "not ready",
        "not finished",
        "in progress",
        "still processing",
        "not_ready",
        "not_completed",
    ]
    .iter()
    .any(|needle| hay.contains(needle))
}

/// Maps a failure to talk to the gateway at all (DNS, refused, timeout, dropped).
pub(crate) fn from_transport(action: Action, host: &str, err: &reqwest::Error) -> GatewayError {
    if err.is_builder() {
        // Refused before a byte left (a header value HTTP cannot carry, a bad URL):
        // nothing can have been made, whatever the action was.
        return GatewayError::new(
            ErrorKind::InvalidInput,
            Problem::new(texts::REQUEST_NOT_PREPARED).with("host", host),
        );
    }
    if err.is_connect() {
        return GatewayError::new(
            ErrorKind::Unreachable,
            unreachable_problem(host, &source_chain(err)),
        );
    }
    broken_off(action, host, err.is_timeout())
}

/// The gateway went silent for longer than we wait.
pub(crate) fn timed_out(action: Action, host: &str) -> GatewayError {
    broken_off(action, host, true)
}

/// An exchange that started but did not finish: silence or a dropped connection.
fn broken_off(action: Action, host: &str, silent: bool) -> GatewayError {
    if action == Action::Submit {
        return GatewayError::new(
            ErrorKind::SubmitUncertain,
            Problem::new(texts::SUBMIT_UNCERTAIN),
        );
    }
    let (kind, text) = if silent {
        (ErrorKind::Timeout, texts::STOPPED_ANSWERING)
    } else {
        (ErrorKind::ConnectionLost, texts::CONNECTION_LOST)
    };
    let problem = Problem::new(text)
        .with("host", host)
        .with_text("doing", action.doing());
    GatewayError::new(kind, problem)
}

/// The same failure when requests go through a proxy: the proxy is the likelier culprit,
/// unless the gateway's certificate was refused.
pub(crate) fn through_proxy(err: GatewayError, proxy: &str) -> GatewayError {
    if err.kind != ErrorKind::Unreachable || err.problem.text == texts::UNREACHABLE_TLS.key {
        return err;
    }
    GatewayError::new(
        ErrorKind::Unreachable,
        Problem::new(texts::UNREACHABLE_PROXY).with("proxy", proxy),
    )
}

/// Why nothing could be reached, read from the HTTP library's chain of causes.
fn unreachable_problem(host: &str, chain: &str) -> Problem {
    let text = if chain.contains("dns") || chain.contains("lookup") || chain.contains("resolve") {
        texts::UNREACHABLE_DNS
    } else if chain.contains("refused") {
        texts::UNREACHABLE_REFUSED
    } else if chain.contains("timed out") || chain.contains("timeout") {
        texts::UNREACHABLE_TIMEOUT
    } else if chain.contains("certificate") || chain.contains("tls") {
        texts::UNREACHABLE_TLS
    } else {
        texts::UNREACHABLE_OTHER
    };
    Problem::new(text).with("host", host)
}

fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        text.push_str(" | ");
        text.push_str(&e.to_string());
        next = e.source();
    }
    text.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn map(action: Action, code: u16, body: &str) -> GatewayError {
        from_response(
            action,
            StatusCode::from_u16(code).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    /// LiteLLM's answer to a poll of a video Veo's filter blocked: a 500 whose long
    /// message quotes Google's verdict past the part that is shown.
    fn litellm_blocked_poll() -> String {
        let padding = "x".repeat(400);
        serde_json::json!({"error": {
            "message": format!("litellm.APIConnectionError: 1 validation error for GeminiLongRunningOperationResponse {padding} input_value={{'raiMediaFilteredCount': 1, 'raiMediaFilteredReasons': [\"Unable to generate videos of a public figure.\"]}}"),
            "type": null, "param": null, "code": "500"}})
        .to_string()
    }

    #[test]
    fn a_server_error_quoting_the_safety_filter_ends_the_job_as_blocked() {
        let e = map(Action::Poll, 500, &litellm_blocked_poll());
        assert_eq!(e.kind, ErrorKind::ContentBlocked);
        assert!(!e.kind.is_transient());
        assert!(
            e.message()
                .contains("\"Unable to generate videos of a public figure.\""),
            "{}",
            e.message()
        );
        let structured = map(
            Action::Poll,
            500,
            r#"{"error":{"message":"Internal error","details":{"raiMediaFilteredReasons":["Person under 18"]}}}"#,
        );
        assert_eq!(structured.kind, ErrorKind::ContentBlocked);
        assert!(
            structured.message().contains("(\"Person under 18\")"),
            "{}",
            structured.message()
        );
        let refused = map(
            Action::Submit,
            400,
            r#"{"error":{"message":"The input image violates Vertex AI's usage guidelines."}}"#,
        );
        assert_eq!(refused.kind, ErrorKind::ContentBlocked);
        assert!(
            refused.message().contains("usage guidelines"),
            "{}",
            refused.message()
        );
        // An ordinary server failure stays a passing one, and a key problem stays one.
        assert_eq!(
            map(
                Action::Poll,
                500,
                r#"{"error":{"message":"upstream timed out"}}"#
            )
            .kind,
            ErrorKind::ServerError
        );
        assert_eq!(
            map(
                Action::Poll,
                401,
                r#"{"error":{"message":"moderation key invalid"}}"#
            )
            .kind,
            ErrorKind::KeyRejected
        );
    }

    #[test]
    fn openai_error_object_gives_message_and_code() {
        let t = ServerText::parse(br#"{"error":{"message":"Invalid size","type":"invalid_request_error","param":"size","code":"bad_size"}}"#);
        assert_eq!(t.message.as_deref(), Some("Invalid size"));
        assert_eq!(t.code.as_deref(), Some("bad_size"));
    }

    #[test]
    fn flat_error_object_is_read() {
        let t = ServerText::parse(
            br#"{"code":"task_not_exist","message":"task_not_exist","data":null}"#,
        );
        assert_eq!(t.code.as_deref(), Some("task_not_exist"));
    }

    #[test]
    fn html_page_is_never_shown() {
        let e = map(Action::Submit, 502, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>");
        assert_eq!(e.kind, ErrorKind::ServerError);
        assert!(
            e.message()
                .starts_with("The gateway answered 502 Bad Gateway"),
            "{}",
            e.message()
        );
        assert!(!e.message().contains('<'), "{}", e.message());
    }

    #[test]
    fn plain_text_body_is_quoted() {
        let e = map(Action::Submit, 400, "model not allowed for this group");
        assert_eq!(e.kind, ErrorKind::Rejected);
        assert_eq!(e.problem.text, texts::REQUEST_REFUSED.key);
        assert_eq!(e.problem.param("status"), Some("400 Bad Request"));
        assert_eq!(
            e.problem.server_text.as_deref(),
            Some("model not allowed for this group")
        );
        assert_eq!(
            e.message(),
            "The gateway refused the request (400 Bad Request). The gateway said: “model not allowed for this group”"
        );
    }

    #[test]
    fn task_not_exist_as_400_means_job_not_found() {
        let e = map(
            Action::Poll,
            400,
            r#"{"code":"task_not_exist","message":"task_not_exist","data":null}"#,
        );
        assert_eq!(e.kind, ErrorKind::JobNotFound);
    }

    #[test]
    fn not_completed_yet_on_download_means_not_ready() {
        let e = map(
            Action::Download,
            400,
            r#"{"error":{"message":"Task is not completed yet","type":"new_api_error"}}"#,
        );
        assert_eq!(e.kind, ErrorKind::JobNotReady);
        assert!(e.message().contains("Task is not completed yet"));
    }

    #[test]
    fn key_rejection_names_the_fix() {
        let e = map(
            Action::Submit,
            401,
            r#"{"error":{"message":"Invalid token","type":"auth"}}"#,
        );
        assert_eq!(e.code(), "key_rejected");
        assert!(e.message().contains("Invalid token") && e.message().contains("API key"));
    }

    #[test]
    fn rate_limit_keeps_chinese_text_and_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let body =
            r#"{"error":{"message":"当前分组上游负载已饱和，请稍后再试","type":"new_api_error"}}"#;
        let e = from_response(
            Action::Poll,
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            body.as_bytes(),
        );
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.message().contains("当前分组上游负载已饱和"));
        assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
    }

    #[test]
    fn missing_optional_endpoint_is_not_supported() {
        assert_eq!(map(Action::Delete, 405, "").kind, ErrorKind::NotSupported);
        assert_eq!(
            map(Action::Download, 404, "404 page not found").kind,
            ErrorKind::NotSupported
        );
        assert_eq!(
            map(
                Action::Download,
                404,
                r#"{"error":{"message":"Video with id 'x' not found."}}"#
            )
            .kind,
            ErrorKind::NoVideo,
            "a finished job the gateway has no video for"
        );
        assert_eq!(
            map(Action::List, 404, "404 page not found").kind,
            ErrorKind::NotSupported
        );
    }

    #[test]
    fn the_servers_words_stay_apart_from_our_sentence() {
        let e = map(
            Action::Submit,
            401,
            r#"{"error":{"message":"Incorrect API key provided."}}"#,
        );
        assert_eq!(e.problem.text, texts::KEY_REJECTED.key);
        assert_eq!(e.problem.param("status"), Some("401 Unauthorized"));
        assert_eq!(
            e.problem.server_text.as_deref(),
            Some("Incorrect API key provided.")
        );
        assert!(!e.message().contains(".."), "{}", e.message());
        let e = map(Action::Submit, 429, r#"{"message":"请稍后再试。"}"#);
        assert_eq!(e.problem.text, texts::RATE_LIMITED.key);
        assert_eq!(e.problem.server_text.as_deref(), Some("请稍后再试。"));
        assert!(
            e.message()
                .starts_with("The gateway is limiting requests (429 Too Many Requests). Wait"),
            "{}",
            e.message()
        );
        let e = map(
            Action::Poll,
            503,
            r#"{"error":{"message":"upstream busy"}}"#,
        );
        assert_eq!(e.problem.text, texts::SERVER_ERROR.key);
        assert_eq!(
            e.problem.params["doing"],
            crate::problem::Param::from(texts::DOING_POLL)
        );
        assert!(
            e.message().starts_with(
                "The gateway answered 503 Service Unavailable while checking the job. It or"
            ),
            "{}",
            e.message()
        );
    }

    #[test]
    fn a_proxy_is_blamed_unless_the_gateways_certificate_was_refused() {
        let unreachable = |chain: &str| {
            GatewayError::new(
                ErrorKind::Unreachable,
                unreachable_problem("gw.example:443", chain),
            )
        };
        let cases = [
            (
                "dns error: failed to lookup address",
                texts::UNREACHABLE_DNS,
            ),
            ("connection refused", texts::UNREACHABLE_REFUSED),
            ("operation timed out", texts::UNREACHABLE_TIMEOUT),
            (
                "invalid peer certificate: unknownissuer",
                texts::UNREACHABLE_TLS,
            ),
            ("network is unreachable", texts::UNREACHABLE_OTHER),
        ];
        for (chain, text) in cases {
            let e = unreachable(chain);
            assert_eq!(e.problem.text, text.key, "{chain}");
            assert_eq!(e.problem.param("host"), Some("gw.example:443"));
            assert!(
                e.message().ends_with("Nothing was sent."),
                "{}",
                e.message()
            );
        }
        let proxied = through_proxy(unreachable("connection refused"), "http://proxy:3128");
        assert_eq!(proxied.problem.text, texts::UNREACHABLE_PROXY.key);
        assert_eq!(proxied.problem.param("proxy"), Some("http://proxy:3128"));
        let tls = through_proxy(unreachable("invalid peer certificate"), "http://proxy:3128");
        assert_eq!(tls.problem.text, texts::UNREACHABLE_TLS.key);
        let lost = through_proxy(broken_off(Action::Poll, "gw.example", false), "http://p:1");
        assert_eq!(lost.kind, ErrorKind::ConnectionLost);
        assert_eq!(
            lost.message(),
            "The connection to gw.example was lost while checking the job."
        );
    }

    #[test]
    fn a_404_without_json_on_submit_points_at_the_base_url() {
        let e = map(Action::Submit, 404, "404 page not found");
        assert_eq!(e.kind, ErrorKind::NotSupported);
        assert!(
            e.message().contains("Check the base URL"),
            "{}",
            e.message()
        );
        let model = map(
            Action::Submit,
            404,
            r#"{"error":{"message":"The model veo9 does not exist","code":"model_not_found"}}"#,
        );
        assert_eq!(model.kind, ErrorKind::ModelRetired);
        assert!(model.message().contains("veo9 does not exist"));
        assert!(model
            .message()
            .starts_with("The gateway does not offer this model"));
    }

    #[test]
    fn long_server_text_is_shortened() {
        let e = map(Action::Submit, 400, &"x".repeat(5000));
        assert!(e.message().chars().count() < 400);
    }

    #[test]
    fn a_request_refused_before_it_left_was_not_sent() {
        // What the HTTP library does with a key holding a control character.
        let client = super::super::http::build(
            Duration::from_secs(1),
            &super::super::network::Network::default(),
            &super::super::url::BaseUrl::parse("http://127.0.0.1:9").unwrap(),
        )
        .unwrap();
        let err = client
            .post("http://127.0.0.1:9/v1/videos")
            .bearer_auth("sk-abc\u{1}123")
            .build()
            .unwrap_err();
        assert!(err.is_builder());
        let e = from_transport(Action::Submit, "127.0.0.1:9", &err);
        assert_ne!(e.kind, ErrorKind::SubmitUncertain, "{}", e.message());
        assert_eq!(e.code(), "invalid_input");
        assert!(e.message().contains("Nothing was sent"), "{}", e.message());
        assert!(!e.message().contains("billed"), "{}", e.message());
    }

    #[test]
    fn echoed_key_is_redacted() {
        let e = map(Action::Submit, 401, "invalid key sk-secret-123").redact("sk-secret-123");
        assert!(!e.message().contains("sk-secret-123"));
        assert!(e.message().contains("[your key]"));
    }
}
