use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppInfo {
    name: &'static str,
    version: &'static str,
}

/// Name and version for the window footer; also proves IPC is alive.
#[tauri::command]
pub fn app_info() -> Result<AppInfo> {
    Ok(AppInfo {
        name: "Veo Desk",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The window calls this once its form is on screen, with its start-up
/// milestones (name, seconds since the epoch); see `ready_report`.
#[tauri::command]
pub fn report_ready(timeline: Option<Vec<(String, f64)>>) -> Result<()> {
    crate::ready_report::report_ready(timeline.unwrap_or_default())
}

/// The diagnostics report as text, for "Copy diagnostics". Never contains a key.
#[tauri::command]
pub async fn diagnostics_text(
    state: tauri::State<'_, std::sync::Arc<crate::state::AppState>>,
    jobs: tauri::State<'_, crate::jobs::Jobs>,
) -> Result<String> {
    let (state, store) = (std::sync::Arc::clone(&state), jobs.store().clone());
    super::blocking(move || crate::diagnostics::report(&state, &store)).await
}

/// Saves the report in the app's data folder and returns where it went. The window
/// names no path: it gets no say over where files are written.
#[tauri::command]
pub async fn export_diagnostics(
    state: tauri::State<'_, std::sync::Arc<crate::state::AppState>>,
    jobs: tauri::State<'_, crate::jobs::Jobs>,
) -> Result<String> {
    let (state, store) = (std::sync::Arc::clone(&state), jobs.store().clone());
    super::blocking(move || {
        crate::diagnostics::export(&state, &store, None).map(|p| p.display().to_string())
    })
    .await
}
