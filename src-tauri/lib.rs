//! Veo Desk: the Tauri shell over a Tauri-free core.

pub mod commands;
pub mod error;
pub mod images;

pub use error::{Error, Result};

pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::images::probe_image,
            commands::images::image_thumbnail,
            commands::images::prepare_reference,
            commands::images::save_pasted_image,
        ])
        .run(tauri::generate_context!())
        .expect("the Veo Desk window could not be started");
}
