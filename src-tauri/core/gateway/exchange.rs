//! What a job's "Details" view shows: each request to the gateway and its answer,
//! as plain text with the key hidden and bodies cut short. Gateways differ, and when
//! one misbehaves its own words are the best evidence a user can send.

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::HeaderMap;
use reqwest::Url;
use serde::{Deserialize, Serialize};

use super::client::SubmitRequest;
use crate::problem::Problem;

/// Longer bodies are cut here: enough for any error page's gist.
pub const BODY_LIMIT: usize = 4 * 1024;
/// Headers worth showing; cookies and the like say nothing about a job.
const SHOWN_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "retry-after",
    "x-request-id",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-reset-requests",
    "server",
    "date",
    "location",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Exchange {
    /// `submit`, `poll`, `list` or `delete`.
    pub action: String,
    /// Unix ms when the request left.
    pub at: i64,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// `None` when no answer came (refused, timed out, broken off).
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    /// What went wrong on the way, when something did.
    #[serde(default, deserialize_with = "problem_or_noted")]
    pub error: Option<Problem>,
    pub elapsed_ms: u64,
}

/// Where a client's exchanges go (the job's history, in the app).
pub type ExchangeSink = Arc<dyn Fn(Exchange) + Send + Sync>;

/// A request that has left, waiting for its answer to be written down.
pub(crate) struct Outgoing {
    exchange: Exchange,
    started: Instant,
}

impl Outgoing {
    pub(crate) fn new(action: &str, method: &str, url: &Url, request_body: String) -> Self {
        Outgoing {
            exchange: Exchange {
                action: action.to_string(),
                at: unix_ms(),
                method: method.to_string(),
                url: url.to_string(),
                // The real header carries the key; this is all anyone needs to see of it.
                request_headers: vec![("authorization".into(), "Bearer [your key]".into())],
                request_body,
                status: None,
                response_headers: Vec::new(),
                response_body: String::new(),
                error: None,
                elapsed_ms: 0,
            },
            started: Instant::now(),
        }
    }

    pub(crate) fn answered(mut self, status: u16, headers: &HeaderMap, body: &[u8]) -> Exchange {
        self.exchange.status = Some(status);
        self.exchange.response_headers = shown_headers(headers);
        self.exchange.response_body = body_text(body);
        self.finish()
    }

    pub(crate) fn failed(mut self, error: &Problem) -> Exchange {
        self.exchange.error = Some(error.clone());
        self.finish()
    }

    fn finish(mut self) -> Exchange {
        self.exchange.elapsed_ms = self.started.elapsed().as_millis() as u64;
        self.exchange
    }
}

impl Exchange {
    /// Replaces `secret` wherever the gateway echoed it.
    pub(crate) fn redact(mut self, secret: &str) -> Exchange {
        if secret.len() < 4 {
            return self;
        }
        let hide = |text: &mut String| {
            if text.contains(secret) {
                *text = text.replace(secret, "[your key]");
            }
        };
        hide(&mut self.url);
        hide(&mut self.request_body);
        hide(&mut self.response_body);
        if let Some(error) = &mut self.error {
            error.values_mut().into_iter().for_each(hide);
        }
        for (_, value) in &mut self.response_headers {
            hide(value);
        }
        self
    }
}

/// A stored failure: a problem, or (written before problems were data) a sentence,
/// kept as it was noted.
fn problem_or_noted<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Problem>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Problem(Problem),
        Noted(String),
    }
    Ok(
        Option::<Stored>::deserialize(d)?.map(|stored| match stored {
            Stored::Problem(problem) => problem,
            Stored::Noted(noted) => Problem::new(crate::problem::texts::NOTED).with("noted", noted),
        }),
    )
}

fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The form fields of a submit as text; the images by name, type and size only.
pub(crate) fn describe_form(request: &SubmitRequest, sent_fields: &[(String, String)]) -> String {
    let mut lines: Vec<String> = sent_fields
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    for (field, image) in request.images() {
        lines.push(format!(
            "{field}: {} ({}, {} KB)",
            image.file_name,
            image.mime,
            image.bytes.len().div_ceil(1024)
        ));
    }
    lines.join("\n")
}

fn shown_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| SHOWN_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The body as text, cut at `BODY_LIMIT` on a character boundary.
fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_LIMIT {
        return text.into_owned();
    }
    let mut end = BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n… ({} more bytes not kept)",
        &text[..end],
        text.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn url() -> Url {
        Url::parse("https://gw.example/v1/videos").unwrap()
    }

    #[test]
    fn long_bodies_are_cut_with_a_note_of_what_was_left_out() {
        let body = "é".repeat(BODY_LIMIT); // two bytes each
        let ex = Outgoing::new("poll", "GET", &url(), String::new()).answered(
            502,
            &HeaderMap::new(),
            body.as_bytes(),
        );
        assert!(ex.response_body.len() < BODY_LIMIT + 64);
        assert!(ex
            .response_body
            .ends_with(&format!("({} more bytes not kept)", BODY_LIMIT)));
    }

    #[test]
    fn only_telling_headers_are_kept_and_an_echoed_key_is_hidden() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("set-cookie", HeaderValue::from_static("session=abc"));
        headers.insert(
            "x-request-id",
            HeaderValue::from_static("req-sk-secret-123"),
        );
        let ex = Outgoing::new("submit", "POST", &url(), "prompt: sk-secret-123".into())
            .answered(401, &headers, b"{\"error\":\"bad key sk-secret-123\"}")
            .redact("sk-secret-123");
        let names: Vec<&str> = ex
            .response_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names, ["content-type", "x-request-id"]);
        let all = serde_json::to_string(&ex).unwrap();
        assert!(!all.contains("sk-secret-123"), "{all}");
        assert!(all.contains("bad key [your key]"));
        assert_eq!(ex.request_headers[0].1, "Bearer [your key]");
    }

    #[test]
    fn a_failure_without_an_answer_says_what_happened() {
        let silent = Problem::new(super::super::texts::STOPPED_ANSWERING)
            .with("host", "gw.example")
            .with_text("doing", super::super::texts::DOING_POLL);
        let ex = Outgoing::new("poll", "GET", &url(), String::new()).failed(&silent);
        assert_eq!((ex.status, ex.error.as_ref()), (None, Some(&silent)));
        let back: Exchange = serde_json::from_str(&serde_json::to_string(&ex).unwrap()).unwrap();
        assert_eq!(back, ex);
    }

    #[test]
    fn a_failure_stored_as_a_sentence_by_an_earlier_version_is_still_read() {
        let ex = Outgoing::new("poll", "GET", &url(), String::new())
            .failed(&Problem::new(crate::problem::texts::UNKNOWN));
        let mut stored = serde_json::to_value(&ex).unwrap();
        stored["error"] = serde_json::json!("timed out");
        let back: Exchange = serde_json::from_value(stored).unwrap();
        let noted = Problem::new(crate::problem::texts::NOTED).with("noted", "timed out");
        assert_eq!(back.error, Some(noted));
    }
}
