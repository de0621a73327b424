//! The one HTTP client builder for talking to gateways.

use std::time::Duration;

use super::errors::{ErrorKind, GatewayError};

pub const USER_AGENT: &str = concat!("VeoDesk/", env!("CARGO_PKG_VERSION"));

/// rustls with the `ring` provider, no OpenSSL. `read_timeout` limits the silence between
/// two reads, not the whole transfer, so a slow but progressing download keeps going.
pub fn build(
    connect_timeout: Duration,
    read_timeout: Duration,
) -> Result<reqwest::Client, GatewayError> {
    // Installing twice is harmless; the first provider installed in the process stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .build()
        .map_err(|e| {
            GatewayError::new(
                ErrorKind::Unreachable,
                format!("Could not prepare secure connections: {e}"),
            )
        })
}
