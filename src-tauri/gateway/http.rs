//! The one HTTP client builder for talking to gateways, and the idle timeout.

use std::future::Future;
use std::time::Duration;

use super::errors::{from_transport, timed_out, Action, ErrorKind, GatewayError};
use super::network::Network;

pub const USER_AGENT: &str = concat!("VeoDesk/", env!("CARGO_PKG_VERSION"));

/// The slowest upload we still treat as progressing (bytes per second).
const MIN_UPLOAD_RATE: u64 = 16 * 1024;

/// rustls with the `ring` provider, no OpenSSL. No overall or read timeout here:
/// reqwest's read timeout also runs while a request body is uploading, so the client
/// puts its own limits around each step with [`within`].
pub fn build(
    connect_timeout: Duration,
    network: &Network,
) -> Result<reqwest::Client, GatewayError> {
    // Installing twice is harmless; the first provider installed in the process stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout);
    network.apply(builder)?.build().map_err(|e| {
        GatewayError::new(
            ErrorKind::Unreachable,
            format!("Could not prepare secure connections: {e}"),
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
