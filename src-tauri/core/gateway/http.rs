//! The one HTTP client builder for talking to gateways, and the idle timeout.

use std::future::Future;
use std::time::Duration;

use reqwest::Response;

use super::errors::{from_transport, timed_out, Action, ErrorKind, GatewayError};
use super::network::Network;
use super::texts;
use super::url::BaseUrl;
use crate::problem::Problem;

pub const USER_AGENT: &str = concat!("VeoDesk/", env!("CARGO_PKG_VERSION"));

/// The slowest upload we still treat as progressing (bytes per second).
const MIN_UPLOAD_RATE: u64 = 16 * 1024;

/// rustls with the `ring` provider, no OpenSSL. No overall or read timeout here:
/// reqwest's read timeout also runs while a request body is uploading, so the client
/// puts its own limits around each step with [`within`]. Redirects are followed only
/// within `home`'s origin (see [`super::redirect`]).
pub fn build(
    connect_timeout: Duration,
    network: &Network,
    home: &BaseUrl,
) -> Result<reqwest::Client, GatewayError> {
    // Installing twice is harmless; the first provider installed in the process stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout)
        .redirect(super::redirect::policy(home));
    network.apply(builder)?.build().map_err(|e| {
        GatewayError::new(
            ErrorKind::Unreachable,
            Problem::new(texts::TLS_SETUP_FAILED).with("cause", e),
        )
    })
}

/// Runs one network step (send, or read one chunk) with a limit on silence.
pub async fn within<T>(
    action: Action,
    host: &str,
    limit: Duration,
    step: impl Future<Output = Result<T, reqwest::Error>>,
) -> Result<T, GatewayError> {
    match tokio::time::timeout(limit, step).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(from_transport(action, host, &e)),
        Err(_) => Err(timed_out(action, host)),
    }
}

/// A body read up to a limit: all of it, or the first `max` bytes and a note that more came.
pub struct Capped {
    pub bytes: Vec<u8>,
    pub whole: bool,
}

/// Reads at most `max` bytes of `response`; an endless answer stops there.
pub async fn read_capped(mut response: Response, max: usize) -> Result<Capped, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > max {
            let room = max - bytes.len();
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Capped {
                bytes,
                whole: false,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Capped { bytes, whole: true })
}

/// How long to wait for the answer to an upload of `body_len` bytes: the usual silence
/// limit plus the time the body takes at the slowest rate we accept.
pub fn upload_limit(read_timeout: Duration, body_len: u64) -> Duration {
    read_timeout + Duration::from_secs(body_len / MIN_UPLOAD_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_reference_image_gets_time_to_upload() {
        let base = Duration::from_secs(90);
        assert_eq!(upload_limit(base, 1_000), base);
        // 20 MB at 16 KiB/s: about 20 minutes on top.
        assert_eq!(
            upload_limit(base, 20 * 1024 * 1024),
            base + Duration::from_secs(1280)
        );
    }
}
