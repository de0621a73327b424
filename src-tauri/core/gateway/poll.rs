//! When to ask again: polling a running job, and retrying a failed GET.
//! Pure functions of their inputs (the caller supplies the random jitter), so they are unit-tested.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The header OpenAI's Videos API uses to say when to poll next.
pub const POLL_AFTER_HEADER: &str = "openai-poll-after-ms";

/// Never wait less than this, whatever a server says (a `0` must not become a busy loop).
const MIN_HINT: Duration = Duration::from_millis(100);
/// Never wait longer than this on a server's word alone.
const MAX_HINT: Duration = Duration::from_secs(300);

/// Polling a running job: start quickly, slow down for long jobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    pub first: Duration,
    pub max: Duration,
    /// Each wait is the previous one times this.
    pub factor: f64,
}

impl Default for PollPolicy {
    /// Veo jobs take from ~11 s to minutes: 2 s, 3 s, 4.5 s ... up to 12 s.
    fn default() -> Self {
        PollPolicy {
            first: Duration::from_secs(2),
            max: Duration::from_secs(12),
            factor: 1.5,
        }
    }
}

impl PollPolicy {
    /// Wait before poll number `polls_done + 1`. A server hint wins over the schedule.
    pub fn delay(&self, polls_done: u32, server_hint: Option<Duration>) -> Duration {
        if let Some(hint) = server_hint {
            return hint.clamp(MIN_HINT, MAX_HINT);
        }
        let grown = self.first.as_secs_f64() * self.factor.max(1.0).powi(polls_done.min(64) as i32);
        seconds(grown.min(self.max.as_secs_f64()))
    }
}

/// Retrying a GET that failed for a passing reason (timeout, 5xx, dropped connection, 429).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first try; 0 disables retrying.
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 5,
            base: Duration::from_millis(500),
            max: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// Wait before retry number `retry` (1-based), or `None` when retries are used up.
    /// `jitter` in `[0, 1)` spreads clients out so they do not hammer a recovering gateway
    /// in step; a server's `Retry-After` is honoured exactly instead.
    pub fn backoff(
        &self,
        retry: u32,
        jitter: f64,
        server_hint: Option<Duration>,
    ) -> Option<Duration> {
        if retry == 0 || retry > self.retries {
            return None;
        }
        if let Some(hint) = server_hint {
            return Some(hint.clamp(MIN_HINT, MAX_HINT));
        }
        let exp = self.base.as_secs_f64() * 2f64.powi((retry - 1).min(30) as i32);
        let capped = exp.min(self.max.as_secs_f64());
        // "Equal jitter": half fixed, half random.
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        Some(seconds(capped / 2.0 + capped / 2.0 * jitter))
    }
}

/// How long the server asked us to wait: `openai-poll-after-ms`, or `Retry-After` as
/// seconds or as an HTTP date (a date already past means "now"). Never more than
/// [`MAX_HINT`]: a `1e300` or a date in the year 9999 is a server's mistake, not a plan.
pub fn server_wait_hint(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| headers.get(name)?.to_str().ok().map(str::trim);
    let number = |name| -> Option<f64> {
        let v: f64 = text(name)?.parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some(v)
    };
    let date = |name| -> Option<Duration> {
        let when = httpdate::parse_http_date(text(name)?).ok()?;
        Some(when.duration_since(SystemTime::now()).unwrap_or_default())
    };
    number(POLL_AFTER_HEADER)
        .map(|ms| seconds(ms / 1000.0))
        .or_else(|| number(RETRY_AFTER.as_str()).map(seconds))
        .or_else(|| date(RETRY_AFTER.as_str()))
        .map(|wait| wait.min(MAX_HINT))
}

/// `Duration::from_secs_f64` panics on huge, negative or NaN input, and servers choose
/// some of these numbers: they saturate here instead.
fn seconds(secs: f64) -> Duration {
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn polling_starts_at_two_seconds_and_backs_off_to_the_cap() {
        let p = PollPolicy::default();
        assert_eq!(p.delay(0, None), Duration::from_secs(2));
        assert_eq!(p.delay(1, None), Duration::from_secs(3));
        assert!(p.delay(2, None) > p.delay(1, None));
        assert_eq!(p.delay(10, None), Duration::from_secs(12));
        assert_eq!(p.delay(u32::MAX, None), Duration::from_secs(12));
    }

    #[test]
    fn a_server_hint_overrides_the_schedule_within_bounds() {
        let p = PollPolicy::default();
        assert_eq!(
            p.delay(5, Some(Duration::from_millis(1500))),
            Duration::from_millis(1500)
        );
        assert_eq!(p.delay(0, Some(Duration::ZERO)), MIN_HINT);
        assert_eq!(p.delay(0, Some(Duration::from_secs(86_400))), MAX_HINT);
    }

    #[test]
    fn retries_back_off_with_jitter_and_stop() {
        let r = RetryPolicy {
            retries: 3,
            base: Duration::from_secs(1),
            max: Duration::from_secs(3),
        };
        assert_eq!(r.backoff(1, 0.0, None), Some(Duration::from_millis(500)));
        assert_eq!(r.backoff(1, 1.0, None), Some(Duration::from_secs(1)));
        assert_eq!(r.backoff(2, 0.0, None), Some(Duration::from_secs(1)));
        assert_eq!(r.backoff(3, 1.0, None), Some(Duration::from_secs(3)));
        assert_eq!(r.backoff(4, 0.5, None), None);
        assert_eq!(r.backoff(0, 0.5, None), None);
    }

    #[test]
    fn retry_after_is_honoured_exactly() {
        let r = RetryPolicy::default();
        assert_eq!(
            r.backoff(1, 0.9, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn hints_are_read_from_either_header() {
        let mut h = HeaderMap::new();
        assert_eq!(server_wait_hint(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(server_wait_hint(&h), Some(Duration::from_secs(3)));
        h.insert(POLL_AFTER_HEADER, HeaderValue::from_static("250"));
        assert_eq!(server_wait_hint(&h), Some(Duration::from_millis(250)));
        h.insert(POLL_AFTER_HEADER, HeaderValue::from_static("soon"));
        assert_eq!(server_wait_hint(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("tomorrow"));
        assert_eq!(server_wait_hint(&h), None);
    }

    /// Each of these once panicked the task reading the answer (`from_secs_f64`).
    #[test]
    fn absurd_hints_are_capped_instead_of_panicking() {
        for (name, value) in [
            (POLL_AFTER_HEADER, "1e300"),
            (POLL_AFTER_HEADER, "99999999999999999999999"),
            (POLL_AFTER_HEADER, "1.7976931348623157e308"),
            ("retry-after", "1e300"),
            ("retry-after", "18446744073709551615"),
            ("retry-after", "99999999999999999999999"),
            ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ] {
            let mut h = HeaderMap::new();
            h.insert(name, HeaderValue::from_static(value));
            assert_eq!(server_wait_hint(&h), Some(MAX_HINT), "{name}: {value}");
        }
        for value in ["inf", "-inf", "NaN", "-5", "infinity"] {
            let mut h = HeaderMap::new();
            h.insert(POLL_AFTER_HEADER, HeaderValue::from_static(value));
            h.insert(RETRY_AFTER, HeaderValue::from_static(value));
            assert_eq!(server_wait_hint(&h), None, "{value}");
        }
    }

    #[test]
    fn extreme_policies_and_jitter_do_not_panic() {
        let huge = RetryPolicy {
            retries: u32::MAX,
            base: Duration::MAX,
            max: Duration::MAX,
        };
        assert_eq!(huge.backoff(u32::MAX, 1.0, None), Some(Duration::MAX));
        let normal = RetryPolicy::default();
        assert_eq!(
            normal.backoff(1, f64::NAN, None),
            Some(Duration::from_millis(250))
        );
        let wild = PollPolicy {
            first: Duration::MAX,
            max: Duration::MAX,
            factor: f64::INFINITY,
        };
        assert_eq!(wild.delay(3, None), Duration::MAX);
        let nan = PollPolicy {
            factor: f64::NAN,
            ..PollPolicy::default()
        };
        assert_eq!(nan.delay(3, None), Duration::from_secs(2));
    }

    #[test]
    fn a_retry_after_date_waits_until_then() {
        let at = |when: SystemTime| {
            let mut h = HeaderMap::new();
            let date = httpdate::fmt_http_date(when);
            h.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
            server_wait_hint(&h).expect("a date is a hint")
        };
        let wait = at(SystemTime::now() + Duration::from_secs(60));
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
        let past = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(at(past), Duration::ZERO);
    }
}
