//! How long a video usually takes, learned from the user's own history: the gateway's
//! speed depends on the gateway, the model and the length, and no table knows it.

use serde::Serialize;

/// Fewer finished jobs than this say too little; the form then shows its default.
const MIN_SAMPLES: usize = 3;
/// Recent jobs only: gateways get faster and slower.
pub const RECENT: usize = 20;

/// The middle half of recent waits, in whole minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TimeEstimate {
    pub low_minutes: u32,
    pub high_minutes: u32,
    pub samples: usize,
}

/// From the waits (submitted to completed, in ms) of recent jobs like this one.
pub fn time_estimate(mut waits_ms: Vec<i64>) -> Option<TimeEstimate> {
    waits_ms.retain(|&w| w >= 0);
    if waits_ms.len() < MIN_SAMPLES {
        return None;
    }
    waits_ms.sort_unstable();
    let at = |q: usize| waits_ms[(waits_ms.len() - 1) * q / 4];
    let minutes = |ms: i64| ms as f64 / 60_000.0;
    let low = minutes(at(1)).floor().max(1.0) as u32;
    let high = (minutes(at(3)).ceil() as u32).max(low);
    Some(TimeEstimate {
        low_minutes: low,
        high_minutes: high,
        samples: waits_ms.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn too_few_finished_jobs_give_no_estimate() {
        assert_eq!(time_estimate(vec![]), None);
        assert_eq!(time_estimate(vec![2 * MIN, 3 * MIN]), None);
    }

    #[test]
    fn the_middle_half_of_recent_waits_is_the_range() {
        // One very slow job does not stretch the range.
        let waits = vec![
            2 * MIN,
            2 * MIN + 30_000,
            3 * MIN,
            3 * MIN + 10_000,
            40 * MIN,
        ];
        let e = time_estimate(waits).unwrap();
        assert_eq!((e.low_minutes, e.high_minutes, e.samples), (2, 4, 5));
    }

    #[test]
    fn quick_jobs_round_up_to_a_minute_and_never_invert() {
        let e = time_estimate(vec![20_000, 25_000, 30_000]).unwrap();
        assert_eq!((e.low_minutes, e.high_minutes), (1, 1));
    }

    #[test]
    fn clock_jumps_backwards_are_ignored() {
        assert_eq!(time_estimate(vec![-5, 2 * MIN, 3 * MIN]), None);
    }
}
