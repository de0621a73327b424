//! Shared by the integration tests that drive the client against the simulator.

use std::time::Duration;

use veo_desk_core::gateway::{ClientOptions, Limits, PollPolicy, RetryPolicy};

/// Millisecond-scale timings so a whole suite runs in seconds.
pub fn fast() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(400),
        poll: PollPolicy {
            first: Duration::from_millis(20),
            max: Duration::from_millis(80),
            factor: 1.5,
        },
        retry: RetryPolicy {
            retries: 3,
            base: Duration::from_millis(20),
            max: Duration::from_millis(80),
        },
        limits: Limits::default(),
    }
}
