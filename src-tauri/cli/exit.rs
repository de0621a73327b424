//! Exit codes: one per kind of outcome, so scripts can branch without parsing text.

use veo_desk_core::jobs::{JobRow, JobStatus};
use veo_desk_core::Error;

pub const OK: u8 = 0;
/// Disk, history or another local problem.
pub const LOCAL: u8 = 1;
/// The arguments, a file or the setup (no key, unknown gateway) need fixing.
pub const BAD_INPUT: u8 = 2;
/// The gateway refused the request or could not be reached; no job was made.
pub const REFUSED: u8 = 3;
/// The job ran but ended without a saved video.
pub const JOB_FAILED: u8 = 4;
/// The request was sent but its answer was lost: a job may exist (and be billed).
pub const UNCERTAIN: u8 = 5;

pub fn for_error(e: &Error) -> u8 {
    for_code(e.code())
}

/// For a failure known only by its code (as stored on a row).
pub fn for_code(code: &str) -> u8 {
    match code {
        "invalid_input" | "not_an_image" | "unsupported_image" | "image_too_large"
        | "corrupt_image" | "unsupported_video" | "corrupt_video" | "clips_differ" => BAD_INPUT,
        c if c.starts_with("keychain_") => BAD_INPUT,
        "io" | "history_unavailable" | "internal" => LOCAL,
        "submit_uncertain" | "bad_response" => UNCERTAIN,
        _ => REFUSED,
    }
}

/// What a job's row means for the exit code. `need_file`: success needs the saved video.
pub fn for_row(row: &JobRow, need_file: bool) -> u8 {
    match row.status {
        JobStatus::Downloaded => OK,
        JobStatus::Completed if row.download_error_code.is_some() => JOB_FAILED,
        JobStatus::Running | JobStatus::Completed | JobStatus::Submitting | JobStatus::Waiting
            if !need_file =>
        {
            OK
        }
        // Never accepted: the refusal's own code says why.
        JobStatus::Failed if row.submitted_at.is_none() => {
            for_code(row.error_code.as_deref().unwrap_or(""))
        }
        JobStatus::Uncertain => UNCERTAIN,
        _ => JOB_FAILED,
    }
}
