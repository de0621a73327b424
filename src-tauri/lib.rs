//! Veo Desk: the Tauri shell over a Tauri-free core.

pub mod commands;
pub mod diagnostics;
pub mod error;
pub mod gateway;
pub mod images;
pub mod jobs;
pub mod keychain;
pub mod logs;
pub mod paths;
pub mod profiles;
pub mod secret;
pub mod simulator;
pub mod state;

use std::sync::Arc;

pub use error::{Error, Result};

use jobs::{ClientFor, EventSink, JobStore, Jobs, JobsOptions};
use keychain::OsKeychain;
use paths::AppDirs;
use state::AppState;
use tauri::{Emitter, Manager};

pub fn run() {
    let state = AppDirs::for_user()
        .and_then(|dirs| AppState::open(dirs, Box::new(OsKeychain::new())))
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
    logs::init(&state.dirs.logs());
    let state = Arc::new(state);
    tauri::Builder::default()
        .manage(Arc::clone(&state))
        .setup(move |app| {
            let jobs = start_jobs(app.handle(), &state)?;
            app.manage(jobs);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::diagnostics_text,
            commands::app::export_diagnostics,
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
            commands::jobs::submit_job,
            commands::jobs::list_jobs,
            commands::jobs::retry_download,
            commands::jobs::delete_job,
            commands::jobs::reveal_job,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
}

/// Opens the history and starts following every unfinished job; each change is
/// sent to the window as a `job-changed` event.
fn start_jobs(app: &tauri::AppHandle, state: &Arc<AppState>) -> Result<Jobs> {
    let store = JobStore::open(&state.dirs)?;
    let video_dir = jobs::default_video_dir(&state.dirs);
    // Saved videos play in the window through the asset protocol.
    let _ = app.asset_protocol_scope().allow_directory(&video_dir, true);
    let handle = app.clone();
    let events: EventSink = Arc::new(move |event| {
        let _ = handle.emit("job-changed", &event.job);
    });
    let for_jobs = Arc::clone(state);
    let client_for: ClientFor = Arc::new(move |profile_id| for_jobs.client_for_id(profile_id));
    let state = Arc::clone(state);
    tauri::async_runtime::block_on(async move {
        if state.has_demo_profile() {
            state.demo_gateway().await?;
        }
        Jobs::start(store, client_for, events, JobsOptions::new(video_dir))
    })
}

/// Before a window exists, stderr is the only place left to explain a failure.
fn fail_to_start(why: &str) -> ! {
    eprintln!("Veo Desk could not start: {why}");
    std::process::exit(1);
}
