//! A one-shot "the window is ready" signal for start-up measurements and install
//! checks. When `VEO_DESK_REPORT_READY` names a file, the first report writes the
//! wall-clock time (seconds since the Unix epoch) there, so a launcher can tell
//! how long the form took to appear. Without the variable nothing happens.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

pub const REPORT_READY_ENV: &str = "VEO_DESK_REPORT_READY";

static REPORTED: AtomicBool = AtomicBool::new(false);

/// Called by the window once its form is on screen; later calls (a reload) are ignored.
pub fn report_ready() -> Result<()> {
    match std::env::var_os(REPORT_READY_ENV) {
        Some(path) => report_once(Path::new(&path), &REPORTED, SystemTime::now()),
        None => Ok(()),
    }
}

fn report_once(path: &Path, reported: &AtomicBool, now: SystemTime) -> Result<()> {
    if reported.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let since_epoch = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Error::internal("the system clock is set before 1970"))?;
    std::fs::write(path, format!("{:.6}\n", since_epoch.as_secs_f64()))
        .map_err(|e| Error::io("write the start-up report", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_first_report_writes_the_time_and_later_ones_keep_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ready");
        let flag = AtomicBool::new(false);
        let first = UNIX_EPOCH + Duration::from_millis(1_764_000_000_250);
        report_once(&path, &flag, first).unwrap();
        report_once(&path, &flag, first + Duration::from_secs(5)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "1764000000.250000\n"
        );
    }

    #[test]
    fn an_unwritable_report_is_a_plain_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("ready");
        let err = report_once(&path, &AtomicBool::new(false), SystemTime::now()).unwrap_err();
        assert_eq!(err.code(), "io");
        assert!(err.to_string().contains("start-up report"));
    }
}
