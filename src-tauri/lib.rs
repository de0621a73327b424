//! Veo Desk: the Tauri shell over a Tauri-free core.

pub mod commands;
pub mod error;
pub mod gateway;
pub mod images;
pub mod jobs;
pub mod keychain;
pub mod paths;
pub mod profiles;
pub mod secret;
pub mod simulator;
pub mod state;

use std::sync::Arc;

pub use error::{Error, Result};

use keychain::OsKeychain;
use paths::AppDirs;
use state::AppState;

pub fn run() {
    let state = AppDirs::for_user()
        .and_then(|dirs| AppState::open(dirs, Box::new(OsKeychain::new())))
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
    tauri::Builder::default()
        .manage(Arc::new(state))
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::profiles::list_profiles,
            commands::profiles::save_profile,
            commands::profiles::delete_profile,
            commands::profiles::set_active_profile,
            commands::profiles::test_connection,
            commands::profiles::use_demo_gateway,
            commands::images::probe_image,
            commands::images::image_thumbnail,
            commands::images::prepare_reference,
            commands::images::save_pasted_image,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
}

/// Before a window exists, stderr is the only place left to explain a failure.
fn fail_to_start(why: &str) -> ! {
    eprintln!("Veo Desk could not start: {why}");
    std::process::exit(1);
}
