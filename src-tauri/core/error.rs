//! The one error type that crosses IPC. It serialises as `{code, text, params,
//! server_text}`: `code` is stable for the UI to branch on, the rest is a
//! [`Problem`] the window words in the user's language.

use serde::{Serialize, Serializer};

use crate::problem::{Problem, Text};
use crate::texts;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user typed or picked cannot be used as it is.
    #[error("{0}")]
    InvalidInput(Problem),

    /// A file or folder could not be read or written.
    #[error("{problem}")]
    Io {
        problem: Problem,
        #[source]
        source: std::io::Error,
    },

    /// The OS keychain cannot store or give back a key.
    #[error("{}", .0.problem())]
    Keychain(crate::keychain::KeychainProblem),

    /// A video gateway failed, refused, or sent something unusable; its code says which.
    #[error(transparent)]
    Gateway(#[from] crate::gateway::GatewayError),
    /// The chosen file is not a picture at all (text, a video, an empty file…),
    /// whatever its name says.
    #[error("{0}")]
    NotAnImage(Problem),

    /// A picture in a format we do not take (HEIC, AVIF, GIF…). The text says how to convert it.
    #[error("{0}")]
    UnsupportedImage(Problem),

    /// Too many pixels or too many bytes to handle safely (this is also how
    /// decompression bombs are refused).
    #[error("{0}")]
    ImageTooLarge(Problem),

    /// Starts like a JPEG, PNG or WebP but cannot be read to the end.
    #[error("{0}")]
    CorruptImage(Problem),

    /// A saved video whose pictures we cannot take: no picture track, not H.264, a kind
    /// of H.264 the decoder lacks, or too many pixels.
    #[error("{0}")]
    UnsupportedVideo(Problem),

    /// A saved video that is not an MP4, or is damaged or cut short.
    #[error("{0}")]
    CorruptVideo(Problem),

    /// Saved videos that cannot be joined into one film without re-encoding: another
    /// picture size, other encoding settings, sound in some and not others.
    #[error("{0}")]
    ClipsDiffer(Problem),

    /// The job history (SQLite) cannot be opened, read or written.
    #[error("{0}")]
    Store(Problem),

    /// A bug on our side. The text says so plainly instead of crashing the window.
    #[error("{}", internal_problem(.0))]
    Internal(String),
}

fn internal_problem(detail: &str) -> Problem {
    Problem::new(texts::INTERNAL).with("detail", detail)
}

impl Error {
    pub fn invalid_input(problem: impl Into<Problem>) -> Self {
        Error::InvalidInput(problem.into())
    }

    /// `action` names what could not be done ("save the video"); the system's own
    /// words about why come with `source`. A file's path goes in with `paths::io_error`.
    pub fn io(action: Text, source: std::io::Error) -> Self {
        let problem = Problem::new(texts::COULD_NOT)
            .with_text("action", action)
            .with("cause", &source);
        Error::Io { problem, source }
    }

    /// The history's database failed; `detail` is its own words.
    pub fn store(detail: impl ToString) -> Self {
        Error::Store(Problem::new(texts::HISTORY_UNAVAILABLE).with("detail", detail))
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Error::Internal(detail.into())
    }

    /// Stable, machine-readable name of the failure.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "invalid_input",
            Error::Io { .. } => "io",
            Error::Keychain(problem) => problem.code(),
            Error::Internal(_) => "internal",
            Error::Store(_) => "history_unavailable",
            Error::Gateway(e) => e.code(),
            Error::NotAnImage(_) => "not_an_image",
            Error::UnsupportedImage(_) => "unsupported_image",
            Error::ImageTooLarge(_) => "image_too_large",
            Error::CorruptImage(_) => "corrupt_image",
            Error::UnsupportedVideo(_) => "unsupported_video",
            Error::CorruptVideo(_) => "corrupt_video",
            Error::ClipsDiffer(_) => "clips_differ",
        }
    }

    /// What to tell the user, as data.
    pub fn problem(&self) -> Problem {
        match self {
            Error::InvalidInput(p)
            | Error::NotAnImage(p)
            | Error::UnsupportedImage(p)
            | Error::ImageTooLarge(p)
            | Error::CorruptImage(p)
            | Error::UnsupportedVideo(p)
            | Error::CorruptVideo(p)
            | Error::ClipsDiffer(p)
            | Error::Store(p)
            | Error::Io { problem: p, .. } => p.clone(),
            Error::Keychain(problem) => problem.problem(),
            Error::Gateway(e) => e.problem.clone(),
            Error::Internal(detail) => internal_problem(detail),
        }
    }
}

/// An [`Error`] as it crosses IPC: what every failed command rejects with.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AppError {
    /// Stable, for the window to branch on (`invalid_input`, `keychain_locked`...).
    pub code: &'static str,
    #[serde(flatten)]
    pub problem: Problem,
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AppError {
            code: self.code(),
            problem: self.problem(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(e: Error) -> serde_json::Value {
        serde_json::to_value(e).unwrap()
    }

    #[test]
    fn io_error_names_the_action_and_the_systems_words() {
        let e = Error::io(
            texts::ACTION_READ_SETTINGS,
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied"),
        );
        assert_eq!(
            e.to_string(),
            "Could not read your settings: permission denied"
        );
        assert_eq!(
            wire(e),
            json!({"code": "io", "text": "could_not",
                   "params": {"action": {"text": "action.read_settings"}, "cause": "permission denied"}})
        );
    }

    #[test]
    fn keychain_errors_cross_ipc_as_a_code_and_a_text() {
        use crate::keychain::KeychainProblem;
        let e = Error::Keychain(KeychainProblem::Locked);
        assert!(e.to_string().starts_with("The keychain is locked."));
        assert_eq!(
            wire(e),
            json!({"code": "keychain_locked", "text": "keychain_locked"})
        );
    }

    #[test]
    fn internal_error_tells_the_user_what_to_do() {
        let e = Error::internal("worker stopped");
        assert_eq!(
            e.to_string(),
            "Something went wrong inside Veo Desk (worker stopped). Please try again; if it keeps happening, restart the app."
        );
        assert_eq!(
            wire(e),
            json!({"code": "internal", "text": "internal", "params": {"detail": "worker stopped"}})
        );
    }

    #[test]
    fn history_errors_cross_ipc_as_history_unavailable() {
        let e = Error::store("database is locked");
        assert!(e.to_string().contains("(database is locked)"));
        assert_eq!(
            wire(e),
            json!({"code": "history_unavailable", "text": "history_unavailable",
                   "params": {"detail": "database is locked"}})
        );
    }

    #[test]
    fn gateway_errors_cross_ipc_with_their_own_code() {
        use crate::gateway::{ErrorKind, GatewayError};
        let e = Error::from(GatewayError::new(
            ErrorKind::KeyRejected,
            Problem::new(texts::INTERNAL).with("detail", "x"),
        ));
        assert_eq!(
            wire(e),
            json!({"code": "key_rejected", "text": "internal", "params": {"detail": "x"}})
        );
    }

    #[test]
    fn every_gateway_code_is_pinned() {
        use crate::gateway::{ErrorKind::*, GatewayError};
        let codes: Vec<&str> = [
            InvalidInput,
            Unreachable,
            Timeout,
            ConnectionLost,
            SubmitUncertain,
            KeyRejected,
            RateLimited,
            ServerError,
            Rejected,
            BadResponse,
            JobNotFound,
            JobNotReady,
            JobFailed,
            ContentBlocked,
            JobExpired,
            NotAVideo,
            DownloadIncomplete,
            NotSupported,
            LocalFile,
            NotAGateway,
        ]
        .into_iter()
        .map(|kind| Error::from(GatewayError::new(kind, Problem::new(texts::INTERNAL))).code())
        .collect();
        assert_eq!(
            codes,
            [
                "invalid_input",
                "gateway_unreachable",
                "gateway_timeout",
                "connection_lost",
                "submit_uncertain",
                "key_rejected",
                "rate_limited",
                "gateway_error",
                "request_rejected",
                "bad_response",
                "job_not_found",
                "job_not_ready",
                "job_failed",
                "content_blocked",
                "job_expired",
                "not_a_video",
                "download_incomplete",
                "not_supported",
                "io",
                "not_a_gateway",
            ]
        );
    }

    #[test]
    fn image_and_video_problems_cross_ipc_with_stable_codes() {
        let p = || Problem::new(texts::INTERNAL);
        let cases = [
            (Error::NotAnImage(p()), "not_an_image"),
            (Error::UnsupportedImage(p()), "unsupported_image"),
            (Error::ImageTooLarge(p()), "image_too_large"),
            (Error::CorruptImage(p()), "corrupt_image"),
            (Error::UnsupportedVideo(p()), "unsupported_video"),
            (Error::CorruptVideo(p()), "corrupt_video"),
            (Error::ClipsDiffer(p()), "clips_differ"),
        ];
        for (error, code) in cases {
            assert_eq!(wire(error), json!({"code": code, "text": "internal"}));
        }
    }
}
