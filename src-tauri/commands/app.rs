use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Serialize)]
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

/// The diagnostics report as text, for "Copy diagnostics". Never contains a key.
#[tauri::command]
pub async fn diagnostics_text(
    state: tauri::State<'_, std::sync::Arc<crate::state::AppState>>,
    jobs: tauri::State<'_, crate::jobs::Jobs>,
) -> Result<String> {
    let (state, store) = (std::sync::Arc::clone(&state), jobs.store().clone());
    super::blocking(move || crate::diagnostics::report(&state, &store)).await
}

/// Saves the report to `path` (picked by the user) or to the app's data folder,
/// and returns where it went.
#[tauri::command]
pub async fn export_diagnostics(
    state: tauri::State<'_, std::sync::Arc<crate::state::AppState>>,
    jobs: tauri::State<'_, crate::jobs::Jobs>,
    path: Option<String>,
) -> Result<String> {
    let (state, store) = (std::sync::Arc::clone(&state), jobs.store().clone());
    super::blocking(move || {
        let dest = path
            .filter(|p| !p.trim().is_empty())
            .map(std::path::PathBuf::from);
        crate::diagnostics::export(&state, &store, dest.as_deref()).map(|p| p.display().to_string())
    })
    .await
}
