//! The app's log file, `veo-desk.log` in the log folder. It rotates at 1 MiB and keeps
//! three older files (`veo-desk.1.log`…), so it never grows without bound. Lines are
//! the app's own sentences (gateway messages are already key-redacted); nothing here
//! ever receives an API key.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::{paths, text};

const FILE_NAME: &str = "veo-desk.log";
const ROTATE_AT: u64 = 1024 * 1024;
const KEEP: usize = 3;

struct LogFile {
    dir: PathBuf,
    open: Option<(File, u64)>,
}

static LOG: OnceLock<Mutex<LogFile>> = OnceLock::new();

/// Starts writing to `dir` (created if needed). Later calls change nothing.
pub fn init(dir: &Path) {
    let _ = paths::create_private_dir(dir);
    let _ = LOG.set(Mutex::new(LogFile {
        dir: dir.to_path_buf(),
        open: None,
    }));
    info(format!("Veo Desk {} started", env!("CARGO_PKG_VERSION")));
}

pub fn info(message: impl AsRef<str>) {
    write("INFO", message.as_ref());
}

pub fn warn(message: impl AsRef<str>) {
    write("WARN", message.as_ref());
}

/// Appends one line; logging never fails the app, so errors are dropped.
fn write(level: &str, message: &str) {
    let Some(log) = LOG.get() else { return };
    let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
    let _ = log.append(line(level, message).as_bytes());
}

/// One entry on one line. Messages quote gateways, so control characters go: a
/// `\r` or an escape sequence must not disguise a line when the log is read in a
/// terminal (`cat`, `tail -f`), nor a newline forge an entry.
fn line(level: &str, message: &str) -> String {
    let message = text::terminal_safe(message).replace('\n', " ");
    format!("{} {level} {message}\n", timestamp())
}

impl LogFile {
    fn append(&mut self, line: &[u8]) -> std::io::Result<()> {
        if self
            .open
            .as_ref()
            .is_some_and(|(_, size)| *size >= ROTATE_AT)
        {
            self.open = None;
            rotate(&self.dir);
        }
        if self.open.is_none() {
            let path = self.dir.join(FILE_NAME);
            let file = paths::private_file_options()
                .create(true)
                .append(true)
                .open(&path)?;
            // A log an older version wrote keeps its mode through `open`.
            paths::keep_private(&path, 0o600)?;
            let size = file.metadata()?.len();
            self.open = Some((file, size));
        }
        let (file, size) = self.open.as_mut().expect("opened above");
        file.write_all(line)?;
        *size += line.len() as u64;
        Ok(())
    }
}

/// `veo-desk.log` becomes `.1`, `.1` becomes `.2`…; the oldest is dropped.
fn rotate(dir: &Path) {
    for n in (1..KEEP).rev() {
        let _ = std::fs::rename(numbered(dir, n), numbered(dir, n + 1));
    }
    let _ = std::fs::rename(dir.join(FILE_NAME), numbered(dir, 1));
}

fn numbered(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("veo-desk.{n}.log"))
}

/// The last `max_bytes` of the log (current file, preceded by the previous one when
/// it is short), starting at a whole line.
pub fn recent(dir: &Path, max_bytes: usize) -> String {
    let mut text = std::fs::read(dir.join(FILE_NAME)).unwrap_or_default();
    if text.len() < max_bytes {
        let mut older = std::fs::read(numbered(dir, 1)).unwrap_or_default();
        older.extend_from_slice(&text);
        text = older;
    }
    let start = text.len().saturating_sub(max_bytes);
    let tail = String::from_utf8_lossy(&text[start..]).into_owned();
    match (start, tail.find('\n')) {
        (0, _) | (_, None) => tail,
        (_, Some(cut)) => tail[cut + 1..].to_string(),
    }
}

/// UTC, to the second, without a date crate: `2026-11-25T20:31:07Z`.
fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Howard Hinnant's days-to-date algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_gateways_escapes_and_line_breaks_stay_out_of_the_log() {
        let said = line(
            "WARN",
            "job 1: \x1b[2K\rINFO all good\nINFO forged\x1b]8;;https://x\x07",
        );
        let (_, entry) = said.split_once(' ').unwrap();
        assert_eq!(
            entry,
            "WARN job 1: [2KINFO all good INFO forged]8;;https://x\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_for_this_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        paths::create_private_dir(&logs).unwrap();
        let mut log = LogFile {
            dir: logs.clone(),
            open: None,
        };
        log.append(line("INFO", "started").as_bytes()).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&logs), 0o700);
        assert_eq!(mode(&logs.join(FILE_NAME)), 0o600);
    }

    #[test]
    fn the_log_rotates_and_keeps_three_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = LogFile {
            dir: dir.path().to_path_buf(),
            open: None,
        };
        let line = vec![b'x'; 100 * 1024];
        for _ in 0..60 {
            log.append(&line).unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "veo-desk.1.log",
                "veo-desk.2.log",
                "veo-desk.3.log",
                "veo-desk.log"
            ]
        );
        for name in names {
            let size = std::fs::metadata(dir.path().join(name)).unwrap().len();
            assert!(size <= ROTATE_AT + 100 * 1024, "{size}");
        }
    }

    #[test]
    fn recent_starts_at_a_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "first line\nsecond line\nthird\n",
        )
        .unwrap();
        assert_eq!(recent(dir.path(), 15), "third\n");
        assert!(recent(dir.path(), 1000).starts_with("first line"));
    }
}
