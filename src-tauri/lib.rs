//! Veo Desk: the Tauri shell over a Tauri-free core.

pub mod commands;
pub mod first_show;
pub mod ready_report;
pub mod rendering;
pub mod web_memory;

// The core, under the names the app and its tests have always used.
pub use veo_desk_core::*;

use std::sync::Arc;

use jobs::notice::Notifier;
use jobs::{ClientFor, EventSink, JobStore, Jobs, JobsOptions};
use keychain::OsKeychain;
use paths::AppDirs;
use state::AppState;
use tauri::{Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

/// The window's label in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

pub fn run() {
    // First, while the process has one thread: the web process inherits them.
    rendering::choose_painter();
    web_memory::limit_heaps_of_child_processes();
    ready_report::mark("main");
    let state = AppDirs::for_user()
        .and_then(|dirs| AppState::open(dirs, Box::new(OsKeychain::new())))
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
    let settings = settings::SettingsStore::open(&state.dirs)
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
    let chosen_video_dir = settings.get().video_dir.clone();
    let running_limit = settings.get().running_limit();
    logs::init(&state.dirs.logs());
    ready_report::mark("profiles, settings and log opened");
    let state = Arc::new(state);
    tauri::Builder::default()
        // First, so a second launch ends before it opens anything of its own.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app)
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(Arc::clone(&state))
        .manage(std::sync::Mutex::new(settings))
        .manage(commands::jobs::Uploads::default())
        .manage(commands::jobs::Playback::new())
        .manage(Arc::new(images::Preparer::default()))
        .setup(move |app| {
            ready_report::mark("setup");
            first_show::show_at_the_latest(app.handle());
            trim_pasted_pictures(state.dirs.form_pictures());
            let jobs = start_jobs(app.handle(), &state, chosen_video_dir.clone())?;
            if let Some(limit) = running_limit {
                jobs.set_running_limit(limit);
            }
            app.manage(jobs);
            commands::story::follow_story(app.handle());
            ready_report::mark("history opened, jobs followed");
            Ok(())
        })
        .on_page_load(first_show::on_page_load)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::report_ready,
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
            commands::images::pick_reference_image,
            commands::jobs::submit_job,
            commands::jobs::stop_upload,
            commands::jobs::time_estimate,
            commands::jobs::job_details,
            commands::jobs::list_jobs,
            commands::jobs::retry_download,
            commands::jobs::check_again,
            commands::settings::set_stop_checking,
            commands::jobs::make_again,
            commands::jobs::delete_job,
            commands::jobs::reveal_job,
            commands::jobs::video_url,
            commands::jobs::job_poster,
            commands::jobs::continue_shot,
            commands::jobs::keep_take,
            commands::story::story,
            commands::story::set_story,
            commands::story::add_to_story,
            commands::story::plan_shot,
            commands::story::set_shot_continues,
            commands::story::make_missing_shots,
            commands::story::film_plan,
            commands::story::export_film,
            commands::settings::get_settings,
            commands::settings::model_catalog,
            commands::settings::ui_strings,
            commands::settings::remember_form,
            commands::settings::save_preset,
            commands::settings::delete_preset,
            commands::settings::set_appearance,
            commands::settings::set_prices,
            commands::jobs::save_job_as,
            commands::settings::video_folder,
            commands::settings::choose_video_folder,
            commands::batch::enqueue_batch,
            commands::batch::queue_status,
            commands::batch::pause_queue,
            commands::batch::set_queue_limit,
            commands::batch::cancel_queue,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| fail_to_start(&e.to_string()));
}

/// Opens the history and starts following every unfinished job; each change is
/// sent to the window as a `job-changed` event.
/// `chosen_dir` is the user's video folder from the settings, if any.
fn start_jobs(
    app: &tauri::AppHandle,
    state: &Arc<AppState>,
    chosen_dir: Option<std::path::PathBuf>,
) -> Result<Jobs> {
    let store = JobStore::open(&state.dirs)?;
    let video_dir = chosen_dir.unwrap_or_else(|| jobs::default_video_dir(&state.dirs));
    let handle = app.clone();
    let notifier = Notifier::default();
    let events: EventSink = Arc::new(move |event| {
        notify(&handle, &notifier, &event.job);
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

/// Pasted pictures from earlier runs are no longer shown anywhere: off the start-up path,
/// all but the newest few go.
fn trim_pasted_pictures(dir: std::path::PathBuf) {
    tauri::async_runtime::spawn_blocking(move || {
        match images::trim_pasted(&dir, images::PASTED_KEEP, images::PASTED_MAX_AGE) {
            Ok(0) => {}
            Ok(n) => logs::info(format!("{n} old pasted pictures removed")),
            // No folder yet: nothing was ever pasted.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => logs::warn(format!("old pasted pictures not removed: {e}")),
        }
    });
}

/// A desktop notification when a job ends while the user looks elsewhere.
fn notify(app: &tauri::AppHandle, notifier: &Notifier, job: &jobs::JobRow) {
    let focused = || {
        app.get_webview_window(MAIN_WINDOW)
            .and_then(|w| w.is_focused().ok())
            .unwrap_or(false)
    };
    if let Some(notice) = notifier.consider(job, window_language(app), focused) {
        // No notification service (a bare session): the card still shows the news.
        let _ = app
            .notification()
            .builder()
            .title(notice.title)
            .body(notice.body)
            .show();
    }
}

/// Another launch of the app: show the open window instead.
fn focus_main_window(app: &tauri::AppHandle) {
    logs::info("a second launch brought the open window forward");
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The language the window speaks: the user's choice, else the system's.
fn window_language(app: &tauri::AppHandle) -> &'static str {
    let chosen = app
        .try_state::<std::sync::Mutex<settings::SettingsStore>>()
        .and_then(|s| s.lock().ok().and_then(|s| s.get().language.clone()));
    match chosen.as_deref() {
        Some(language) => i18n::LANGUAGES
            .into_iter()
            .find(|l| *l == language)
            .unwrap_or("en"),
        None => i18n::system_language().unwrap_or("en"),
    }
}

/// Before a window exists, stderr is the only place left to explain a failure.
fn fail_to_start(why: &str) -> ! {
    eprintln!("Veo Desk could not start: {why}");
    std::process::exit(1);
}
