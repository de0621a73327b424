//! A one-shot "the window is ready" signal for start-up measurements and install
//! checks. When `VEO_DESK_REPORT_READY` names a file, the first report writes the
//! wall-clock time (seconds since the Unix epoch) there, so a launcher can tell
//! how long the form took to appear, and `<file>.timeline` the start-up's
//! milestones (the Rust side's and the page's), one "seconds name" a line, so the
//! launcher can also tell where the time went. Without the variable nothing happens.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};
use crate::texts;

pub const REPORT_READY_ENV: &str = "VEO_DESK_REPORT_READY";

static REPORTED: AtomicBool = AtomicBool::new(false);

/// The Rust side's milestones so far: (name, seconds since the epoch).
static MARKS: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());

/// Notes that start-up reached `name` (only when a report was asked for).
pub fn mark(name: &str) {
    if std::env::var_os(REPORT_READY_ENV).is_none() {
        return;
    }
    if let (Ok(mut marks), Ok(now)) = (MARKS.lock(), seconds(SystemTime::now())) {
        marks.push((name.to_string(), now));
    }
}

/// Called by the window once its form is on screen, with the page's own
/// milestones; later calls (a reload) are ignored.
pub fn report_ready(page: Vec<(String, f64)>) -> Result<()> {
    let Some(path) = std::env::var_os(REPORT_READY_ENV) else {
        return Ok(());
    };
    let mut marks = MARKS.lock().map(|m| m.clone()).unwrap_or_default();
    marks.extend(page);
    report_once(Path::new(&path), &REPORTED, SystemTime::now(), marks)
}

/// Writes the timeline, then the time, unless a report was written already.
/// The timeline goes first: a launcher reads it as soon as the report appears.
fn report_once(
    path: &Path,
    reported: &AtomicBool,
    now: SystemTime,
    marks: Vec<(String, f64)>,
) -> Result<()> {
    if reported.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    write_timeline(&timeline_path(path), marks)?;
    std::fs::write(path, format!("{:.6}\n", seconds(now)?))
        .map_err(|e| Error::io(texts::ACTION_WRITE_READY_REPORT, e))
}

fn seconds(time: SystemTime) -> Result<f64> {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .map_err(|_| Error::internal("the system clock is set before 1970"))
}

fn timeline_path(report: &Path) -> PathBuf {
    let mut name = report.as_os_str().to_owned();
    name.push(".timeline");
    PathBuf::from(name)
}

/// The milestones in the order they happened.
fn write_timeline(path: &Path, mut marks: Vec<(String, f64)>) -> Result<()> {
    marks.sort_by(|a, b| a.1.total_cmp(&b.1));
    let lines: String = marks
        .iter()
        .map(|(name, at)| format!("{at:.6} {}\n", name.replace('\n', " ")))
        .collect();
    std::fs::write(path, lines).map_err(|e| Error::io(texts::ACTION_WRITE_READY_TIMELINE, e))
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
        let marks = |name: &str| vec![(name.to_string(), 1_764_000_000.0)];
        report_once(&path, &flag, first, marks("main")).unwrap();
        report_once(&path, &flag, first + Duration::from_secs(5), marks("again")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "1764000000.250000\n"
        );
        assert_eq!(
            std::fs::read_to_string(timeline_path(&path)).unwrap(),
            "1764000000.000000 main\n"
        );
    }

    #[test]
    fn the_timeline_lists_milestones_in_time_order_beside_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = timeline_path(&dir.path().join("ready"));
        assert!(path.ends_with("ready.timeline"));
        let marks = vec![
            ("page: painted".to_string(), 12.5),
            ("main".to_string(), 10.0),
            ("page: modules\nloaded".to_string(), 11.25),
        ];
        write_timeline(&path, marks).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "10.000000 main\n11.250000 page: modules loaded\n12.500000 page: painted\n"
        );
    }

    #[test]
    fn an_unwritable_report_is_a_plain_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("ready");
        let flag = AtomicBool::new(false);
        let err = report_once(&path, &flag, SystemTime::now(), Vec::new()).unwrap_err();
        assert_eq!(err.code(), "io");
        assert!(err.to_string().contains("start-up"), "{err}");
    }
}
