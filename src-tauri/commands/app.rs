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

/// The window calls this once its form is on screen (see `ready_report`).
#[tauri::command]
pub fn report_ready() -> Result<()> {
    crate::ready_report::report_ready()
}
