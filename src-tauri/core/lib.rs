//! Veo Desk's core: the gateway client, keys, reference images, the job history and
//! its poller, settings and the wording of problems. It knows no window: Tauri is not
//! in its dependency tree, so the app and the CLI are two front ends on one core.

pub mod desk;
pub mod diagnostics;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod gateway;
pub mod i18n;
pub mod images;
pub mod ipc_types;
pub mod jobs;
pub mod keychain;
pub mod logs;
pub mod media;
pub mod paths;
pub mod playback;
pub mod problem;
pub mod profile_form;
pub mod profiles;
pub mod secret;
pub mod settings;
pub mod state;
pub mod story;
pub mod text;
pub mod texts;

pub use error::{Error, Result};
// The demo gateway and the tests' counterpart, a crate of its own.
pub use veo_desk_simulator as simulator;
