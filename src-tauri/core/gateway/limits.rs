//! How much a gateway may send, and how slowly: an endless answer must not fill the
//! memory, and a download that crawls at a byte a minute must end, not hang forever.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest API answer read (submit, poll, list, delete, connection check). A job
    /// is a few KB; a list of them well under a MB.
    pub max_answer: usize,
    /// Largest video saved. A Veo clip is tens of MB.
    pub max_video: u64,
    /// A download that brings fewer bytes than this within any one window is stopped
    /// and tried again like a lost connection.
    pub min_rate: MinRate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinRate {
    pub bytes: u64,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_answer: 4 * 1024 * 1024,
            max_video: 2 * 1024 * 1024 * 1024,
            // About 2 KB/s: far below any real connection, far above a trickle.
            min_rate: MinRate {
                bytes: 64 * 1024,
                window: Duration::from_secs(30),
            },
        }
    }
}

/// Counts a download's bytes in consecutive windows of `min_rate.window`.
pub(crate) struct RateFloor {
    min: MinRate,
    window_start: Instant,
    bytes: u64,
}

impl RateFloor {
    pub fn new(min: MinRate, now: Instant) -> RateFloor {
        // A day at most, so the window's end is always a time that exists.
        let window = min.window.min(Duration::from_secs(86_400));
        RateFloor {
            min: MinRate { window, ..min },
            window_start: now,
            bytes: 0,
        }
    }

    pub fn add(&mut self, bytes: usize) {
        self.bytes = self.bytes.saturating_add(bytes as u64);
    }

    /// When the current window ends and is judged.
    pub fn window_end(&self) -> Instant {
        self.window_start + self.min.window
    }

    /// `false` when a window has ended with too few bytes; otherwise starts the next
    /// window once this one is over.
    pub fn keeps_up(&mut self, now: Instant) -> bool {
        if now < self.window_end() {
            return true;
        }
        if self.bytes < self.min.bytes {
            return false;
        }
        self.window_start = now;
        self.bytes = 0;
        true
    }
}

/// "2 GB", "4 MB", "3.9 KB", "512 bytes", for messages.
pub(crate) fn size_words(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            let text = format!("{value:.1}");
            return format!("{} {unit}", text.trim_end_matches(".0"));
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_below_the_floor_for_a_whole_window_is_too_slow() {
        let start = Instant::now();
        let second = Duration::from_secs(1);
        let min = MinRate {
            bytes: 100,
            window: 10 * second,
        };
        let mut floor = RateFloor::new(min, start);
        floor.add(60);
        assert!(floor.keeps_up(start + 5 * second), "the window is not over");
        floor.add(60);
        assert!(floor.keeps_up(start + 10 * second), "120 bytes in 10 s");
        assert_eq!(floor.window_end(), start + 20 * second);
        floor.add(99);
        assert!(!floor.keeps_up(start + 20 * second), "99 bytes in 10 s");
    }

    #[test]
    fn sizes_read_like_a_person_would_say_them() {
        assert_eq!(size_words(2 * 1024 * 1024 * 1024), "2 GB");
        assert_eq!(size_words(4 * 1024 * 1024), "4 MB");
        assert_eq!(size_words(4000), "3.9 KB");
        assert_eq!(size_words(512), "512 bytes");
    }
}
