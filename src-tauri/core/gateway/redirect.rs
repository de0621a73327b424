//! Redirects that never carry the key off the gateway's origin.
//!
//! reqwest rebuilds every hop from the first request's headers and drops
//! `Authorization` only when a hop changes origin from the hop before, so gateway →
//! cdn/a → cdn/b would hand cdn/b the key. The client's [`policy`] therefore lets
//! reqwest follow only hops that stay on the gateway's origin (scheme, host and port,
//! so never https to http); the first hop off it comes back as a 3xx, and [`get`]
//! follows the rest itself, without the key, checking each target with the
//! [`LinkGuard`].

use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode, Url};

use super::errors::{Action, ErrorKind, GatewayError};
use super::http::within;
use super::local_address::{LinkGuard, Via};
use super::texts;
use super::url::BaseUrl;
use crate::problem::Problem;

/// Hops followed by reqwest, and again by hand, before giving up.
const MAX_HOPS: usize = 10;

/// Follows redirects within `home`'s origin; stops (returning the 3xx) at any other.
pub(crate) fn policy(home: &BaseUrl) -> Policy {
    let home = home.clone();
    Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_HOPS || !home.same_origin(attempt.url()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// A GET, possibly with the key and extra headers (`Range`).
pub(crate) struct Get<'a> {
    pub http: &'a reqwest::Client,
    pub url: Url,
    pub bearer: Option<&'a str>,
    pub headers: HeaderMap,
    pub guard: LinkGuard,
    pub action: Action,
    /// Longest wait for each hop's answer.
    pub limit: Duration,
}

/// Sends `get` and follows redirects off the gateway's origin without the key.
pub(crate) async fn get(get: Get<'_>) -> Result<Response, GatewayError> {
    let mut url = get.url;
    let mut bearer = get.bearer;
    for _ in 0..=MAX_HOPS {
        let mut request = get.http.get(url.clone()).headers(get.headers.clone());
        if let Some(key) = bearer {
            request = request.bearer_auth(key);
        }
        let response = within(get.action, &host_of(&url), get.limit, request.send()).await?;
        let Some(next) = redirect_target(&response) else {
            return Ok(response);
        };
        get.guard.check(&next, Via::Redirect)?;
        // reqwest stopped here because `next` is off the gateway's origin.
        bearer = None;
        url = next;
    }
    Err(GatewayError::new(
        ErrorKind::BadResponse,
        Problem::new(texts::TOO_MANY_REDIRECTS),
    ))
}

/// Where a 3xx answer points, resolved against the address that gave it.
fn redirect_target(response: &Response) -> Option<Url> {
    let redirects = [
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::FOUND,
        StatusCode::SEE_OTHER,
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ];
    if !redirects.contains(&response.status()) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let next = response.url().join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// `host:port` for messages, as the rest of the client names hosts.
fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}
