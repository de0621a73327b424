//! Simulated jobs and the fast clock that moves them along.

use std::time::{Duration, Instant};

/// How a job ends once its time is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Complete,
    /// Fails with this reason.
    Fail(String),
    /// Stopped by the safety filter with this reason.
    SafetyBlock(String),
    /// Completes, but the result is already gone.
    Expire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Queued,
    /// In progress, 1–99 %.
    Running(u8),
    Done,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub model: String,
    pub prompt: String,
    pub seconds: String,
    pub size: String,
    pub created: i64,
    pub started: Instant,
    pub outcome: Outcome,
    pub deleted: bool,
}

impl Job {
    /// Queued for the first fifth of `duration`, then running with progress, then done.
    pub fn phase(&self, now: Instant, duration: Duration) -> Phase {
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed >= duration {
            return Phase::Done;
        }
        let fraction = elapsed.as_secs_f64() / duration.as_secs_f64().max(f64::MIN_POSITIVE);
        if fraction < 0.2 {
            Phase::Queued
        } else {
            Phase::Running((fraction * 100.0).clamp(1.0, 99.0) as u8)
        }
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_move_from_queued_through_running_to_done() {
        let start = Instant::now();
        let job = Job {
            id: "a".into(),
            model: "m".into(),
            prompt: "p".into(),
            seconds: "8".into(),
            size: "16:9".into(),
            created: 0,
            started: start,
            outcome: Outcome::Complete,
            deleted: false,
        };
        let d = Duration::from_secs(10);
        assert_eq!(job.phase(start, d), Phase::Queued);
        assert_eq!(
            job.phase(start + Duration::from_secs(5), d),
            Phase::Running(50)
        );
        assert_eq!(job.phase(start + d, d), Phase::Done);
        assert_eq!(job.phase(start, Duration::ZERO), Phase::Done);
    }
}
