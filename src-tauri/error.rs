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
            Error::Internal(_) => "internal",
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
