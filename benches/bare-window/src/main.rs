//! A bare Tauri window: one static page, no state, no plugins. It reports "ready"
//! the way Veo Desk does (the time, into the file `VEO_DESK_REPORT_READY` names),
//! so `scripts/bench` can compare start-up and idle memory like for like.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

#[tauri::command]
fn report_ready() {
    if let Some(path) = std::env::var_os("VEO_DESK_REPORT_READY") {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let _ = std::fs::write(path, format!("{:.6}\n", now.as_secs_f64()));
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![report_ready])
        .run(tauri::generate_context!())
        .expect("the bare window could not start");
}
