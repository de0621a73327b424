//! What the command line prints: results on stdout (plain, or one JSON object per job
//! with `--json`), progress and messages on stderr in the app's own words. Plain text
//! quotes gateways, so it goes out through [`say!`] and [`show!`], which strip control
//! characters (JSON escapes them itself).

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Value};
use veo_desk_core::jobs::{JobRow, JobStatus};
use veo_desk_core::problem::Problem;
use veo_desk_core::Error;

use crate::exit;

/// `eprintln!` for text that may quote a gateway.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::report::emit(&mut std::io::stderr(), &format!($($arg)*))
    };
}

/// `println!` for plain results that may quote a gateway.
macro_rules! show {
    ($($arg:tt)*) => {
        $crate::report::emit(&mut std::io::stdout(), &format!($($arg)*))
    };
}

pub(crate) use say;
pub(crate) use show;

/// Writes one line without the control characters a gateway may have slipped in
/// (escape sequences, `\r`): what the terminal shows is what the gateway wrote.
pub fn emit(to: &mut impl Write, text: &str) {
    let _ = writeln!(to, "{}", veo_desk_core::text::terminal_safe(text));
}

pub struct Output {
    pub json: bool,
}

impl Output {
    /// A problem before any job exists: the app's message on stderr (and as JSON).
    pub fn error(&self, e: &Error) -> ExitCode {
        let code = exit::for_error(e);
        say!("veo-desk-cli: {e}");
        if self.json {
            let error = json!({"code": e.code(), "message": e.to_string()});
            println!("{}", json!({ "error": error, "exit_code": code }));
        }
        ExitCode::from(code)
    }

    /// One job's result; `plain` is what a person sees on stdout without `--json`.
    pub fn job(&self, row: &JobRow, exit_code: u8, plain: &str) {
        if self.json {
            println!("{}", job_json(row, exit_code));
        } else if !plain.is_empty() {
            show!("{plain}");
        }
    }

    /// A human line for `list` and `status`.
    pub fn line(&self, row: &JobRow) {
        if self.json {
            println!("{}", job_json(row, exit::for_row(row, false)));
            return;
        }
        let prompt: String = row.prompt.chars().take(48).collect();
        let kept = if row.kept { "  (kept)" } else { "" };
        show!("{}  {:<34}  {prompt}{kept}", row.id, describe(row));
    }
}

pub fn job_json(row: &JobRow, exit_code: u8) -> Value {
    json!({
        "id": row.id,
        "remote_id": row.remote_id,
        "status": row.status,
        "prompt": row.prompt,
        "model": row.model,
        "seconds": row.seconds,
        "size": row.size,
        "progress": row.progress,
        "file": row.file_path,
        "video": row.video,
        "kept": row.kept,
        "error": problem(row).map(|(code, message)| json!({"code": code, "message": message})),
        "warnings": row.mismatches.iter().map(|m| json!({"code": m.code(), "message": m.message()})).collect::<Vec<_>>(),
        "exit_code": exit_code,
    })
}

/// The saved video is not what was asked for: one line per difference, on stderr. The
/// video exists, so this changes no exit code.
pub fn warn_mismatches(row: &JobRow) {
    for mismatch in &row.mismatches {
        eprintln!("Warning: {}", mismatch.message());
    }
}

/// The row's failure, or its failed download, with its English wording.
pub fn problem(row: &JobRow) -> Option<(&str, String)> {
    fn pair<'a>(code: &'a Option<String>, problem: &Option<Problem>) -> Option<(&'a str, String)> {
        let words = problem.as_ref().map(Problem::english).unwrap_or_default();
        Some((code.as_deref()?, words))
    }
    match row.status {
        JobStatus::Completed => pair(&row.download_error_code, &row.download_error),
        JobStatus::Failed | JobStatus::Uncertain | JobStatus::Expired | JobStatus::Cancelled => {
            pair(&row.error_code, &row.error)
        }
        // A passing problem while it runs (rate limit...): shown, not a failure.
        _ => None,
    }
}

/// Where a job is, in the words of the app's cards.
pub fn describe(row: &JobRow) -> String {
    match row.status {
        JobStatus::Draft => "Not sent".into(),
        JobStatus::Waiting => "Waiting for its turn".into(),
        JobStatus::Submitting => "Sending…".into(),
        JobStatus::Running => match row.progress {
            Some(p) => format!("Making the video… {}%", p.round()),
            None => "Making the video…".into(),
        },
        JobStatus::Completed if row.download_error_code.is_some() => "Finished, not saved".into(),
        JobStatus::Completed => "Finished. Saving the video…".into(),
        JobStatus::Downloaded => "Saved".into(),
        JobStatus::Failed => "Failed".into(),
        JobStatus::Uncertain => "May have been created".into(),
        JobStatus::Expired => "Expired".into(),
        JobStatus::Cancelled => "Cancelled".into(),
    }
}

/// Progress on stderr: one line whenever what a job shows changes.
#[derive(Default)]
pub struct Progress {
    labels: HashMap<String, String>,
    shown: HashMap<String, String>,
}

impl Progress {
    /// Names a job in progress lines (batch rows); unnamed jobs print bare lines.
    pub fn label(&mut self, id: &str, label: String) {
        self.labels.insert(id.to_string(), label);
    }

    pub fn show(&mut self, row: &JobRow) {
        let text = match (row.status, problem(row)) {
            (JobStatus::Downloaded, _) => {
                format!("Saved {}", row.file_path.as_deref().unwrap_or(""))
            }
            (_, Some((_, message))) => format!("{}: {message}", describe(row)),
            _ => match row.error.as_ref().map(Problem::english) {
                // A passing problem (rate limit, unreachable...) while it keeps going.
                Some(note) if row.status == JobStatus::Running => {
                    format!("{} ({note})", describe(row))
                }
                _ => describe(row),
            },
        };
        if self.shown.get(&row.id) == Some(&text) {
            return;
        }
        match self.labels.get(&row.id) {
            Some(label) => say!("{label}: {text}"),
            None => say!("{text}"),
        }
        self.shown.insert(row.id.clone(), text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gateways_escape_sequences_never_reach_the_terminal() {
        let mut terminal = Vec::new();
        emit(
            &mut terminal,
            "Failed: \x1b]0;Veo Desk\x07\x1b[1A\x1b[2K\rSaved clip.mp4\tfine",
        );
        assert_eq!(
            String::from_utf8(terminal).unwrap(),
            "Failed: ]0;Veo Desk[1A[2KSaved clip.mp4 fine\n"
        );
    }
}
