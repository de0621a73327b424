//! What the command line prints: results on stdout (plain, or one JSON object per job
//! with `--json`), progress and messages on stderr in the app's own words.

use std::collections::HashMap;
use std::process::ExitCode;

use serde_json::{json, Value};
use veo_desk::jobs::{JobRow, JobStatus};
use veo_desk::Error;

use crate::exit;

pub struct Output {
    pub json: bool,
}

impl Output {
    /// A problem before any job exists: the app's message on stderr (and as JSON).
    pub fn error(&self, e: &Error) -> ExitCode {
        let code = exit::for_error(e);
        eprintln!("veo-desk-cli: {e}");
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
            println!("{plain}");
        }
    }

    /// A human line for `list` and `status`.
    pub fn line(&self, row: &JobRow) {
        if self.json {
            println!("{}", job_json(row, exit::for_row(row, false)));
            return;
        }
        let prompt: String = row.prompt.chars().take(48).collect();
        println!("{}  {:<34}  {}", row.id, describe(row), prompt);
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

/// The row's failure, or its failed download.
pub fn problem(row: &JobRow) -> Option<(&str, &str)> {
    fn pair<'a>(
        code: &'a Option<String>,
        message: &'a Option<String>,
    ) -> Option<(&'a str, &'a str)> {
        Some((code.as_deref()?, message.as_deref().unwrap_or("")))
    }
    match row.status {
        JobStatus::Completed => pair(&row.download_error_code, &row.download_error_message),
        JobStatus::Failed | JobStatus::Uncertain | JobStatus::Expired | JobStatus::Cancelled => {
            pair(&row.error_code, &row.error_message)
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
            _ => match &row.error_message {
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
            Some(label) => eprintln!("{label}: {text}"),
            None => eprintln!("{text}"),
        }
        self.shown.insert(row.id.clone(), text);
    }
}
