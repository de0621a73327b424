//! The one error type that crosses IPC. It serialises as `{code, message}`:
//! `code` is stable for the UI to branch on, `message` is written for a person.

use serde::{Serialize, Serializer};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user typed or picked cannot be used as it is.
    #[error("{0}")]
    InvalidInput(String),

    /// A file or folder could not be read or written.
    #[error("Could not {action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },

    /// The OS keychain cannot store or give back a key.
    #[error("{}", .0.message())]
    Keychain(crate::keychain::KeychainProblem),

    /// A video gateway failed, refused, or sent something unusable; its code says which.
    #[error(transparent)]
    Gateway(#[from] crate::gateway::GatewayError),
    /// The chosen file is not a picture at all (text, a video, an empty file…),
    /// whatever its name says.
    #[error("{0}")]
    NotAnImage(String),

    /// A picture in a format we do not take (HEIC, AVIF, GIF…). The message says how to convert it.
    #[error("{0}")]
    UnsupportedImage(String),

    /// Too many pixels or too many bytes to handle safely (this is also how
    /// decompression bombs are refused).
    #[error("{0}")]
    ImageTooLarge(String),

    /// Starts like a JPEG, PNG or WebP but cannot be read to the end.
    #[error("{0}")]
    CorruptImage(String),

    /// The job history (SQLite) cannot be opened, read or written.
    #[error("The job history could not be read or saved ({0}). Check that the disk has free space and is writable, then restart Veo Desk.")]
    Store(String),

    /// A bug on our side. The message says so plainly instead of crashing the window.
    #[error("Something went wrong inside Veo Desk ({0}). Please try again; if it keeps happening, restart the app.")]
    Internal(String),
}

impl Error {
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    pub fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            action: action.into(),
            source,
        }
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
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
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
    fn invalid_input_crosses_ipc_as_code_and_message() {
        assert_eq!(
            wire(Error::invalid_input("Type a prompt first.")),
            json!({"code": "invalid_input", "message": "Type a prompt first."})
        );
    }

    #[test]
    fn io_error_names_the_action_and_the_cause() {
        let e = Error::io(
            "save the video",
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied"),
        );
        assert_eq!(
            wire(e),
            json!({"code": "io", "message": "Could not save the video: permission denied"})
        );
    }

    #[test]
    fn keychain_errors_cross_ipc_with_their_own_code() {
        use crate::keychain::KeychainProblem;
        assert_eq!(
            wire(Error::Keychain(KeychainProblem::Locked)),
            json!({
                "code": "keychain_locked",
                "message": "The keychain is locked. Unlock it (for example by signing in again), or keep the key for this session only."
            })
        );
    }

    #[test]
    fn internal_error_tells_the_user_what_to_do() {
        assert_eq!(
            wire(Error::internal("worker stopped")),
            json!({
                "code": "internal",
                "message": "Something went wrong inside Veo Desk (worker stopped). Please try again; if it keeps happening, restart the app."
            })
        );
    }

    #[test]
    fn history_errors_cross_ipc_as_history_unavailable() {
        assert_eq!(
            wire(Error::Store("database is locked".into())),
            json!({
                "code": "history_unavailable",
                "message": "The job history could not be read or saved (database is locked). Check that the disk has free space and is writable, then restart Veo Desk."
            })
        );
    }

    #[test]
    fn gateway_errors_cross_ipc_with_their_own_code() {
        use crate::gateway::{ErrorKind, GatewayError};
        let e = Error::from(GatewayError::new(
            ErrorKind::KeyRejected,
            "The gateway rejected the API key (401 Unauthorized). Check the API key (Edit gateway).",
        ));
        assert_eq!(
            wire(e),
            json!({
                "code": "key_rejected",
                "message": "The gateway rejected the API key (401 Unauthorized). Check the API key (Edit gateway)."
            })
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
        .map(|kind| Error::from(GatewayError::new(kind, "m")).code())
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
    fn image_problems_cross_ipc_with_stable_codes() {
        let cases = [
            (Error::NotAnImage("not a picture".into()), "not_an_image"),
            (
                Error::UnsupportedImage("export it as JPEG".into()),
                "unsupported_image",
            ),
            (
                Error::ImageTooLarge("too many pixels".into()),
                "image_too_large",
            ),
            (Error::CorruptImage("damaged".into()), "corrupt_image"),
        ];
        for (error, code) in cases {
            let message = error.to_string();
            assert_eq!(wire(error), json!({"code": code, "message": message}));
        }
    }

    #[test]
    fn unsupported_image_keeps_its_conversion_hint_verbatim() {
        assert_eq!(
            wire(Error::UnsupportedImage(
                "“IMG_1.HEIC” is a HEIC photo. Export it as JPEG from Photos first.".into()
            )),
            json!({
                "code": "unsupported_image",
                "message": "“IMG_1.HEIC” is a HEIC photo. Export it as JPEG from Photos first."
            })
        );
    }
}
