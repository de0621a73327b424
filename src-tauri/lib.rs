//! Veo Desk: the Tauri shell over a Tauri-free core.

pub mod commands;
pub mod error;
pub mod keychain;
pub mod secret;
pub mod gateway;
pub mod simulator;

pub use error::{Error, Result};

pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
        .run(tauri::generate_context!())
        .expect("the Veo Desk window could not be started");
}
