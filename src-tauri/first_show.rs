//! The main window appears once its page has loaded, not before.
//!
//! GTK draws a window as soon as it is shown. A WebKitGTK view drawn without the
//! compositor (as on a machine without a GPU, `rendering.rs`) that is drawn before its
//! web process has sent a first picture makes the app's main thread wait for that
//! picture, for up to WebKit's timeout of half a second (WebKitGTK 2.50,
//! `DrawingAreaProxyCoordinatedGraphics::forceUpdateIfNeeded`); a web process still
//! starting up can meanwhile be waiting on that same thread, so both stand still until
//! the timeout. Under Xvfb that happened in 4 to 6 starts of 6. Shown once the page has
//! loaded, the window is never drawn that early.

use std::time::Duration;

use tauri::webview::{PageLoadEvent, PageLoadPayload};
use tauri::{AppHandle, Manager, Runtime, Webview};

use crate::MAIN_WINDOW;

/// Past this the window is shown even if its page never finished loading, so a
/// broken page is still a window the user can see and close.
const AT_THE_LATEST: Duration = Duration::from_secs(5);

/// The page-load hook: shows the window when its page has loaded.
pub fn on_page_load<R: Runtime>(webview: &Webview<R>, payload: &PageLoadPayload<'_>) {
    if payload.event() == PageLoadEvent::Finished && webview.label() == MAIN_WINDOW {
        show(webview.app_handle());
    }
}

/// Shows the window after `AT_THE_LATEST` whatever the page did.
pub fn show_at_the_latest<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(AT_THE_LATEST);
        show(&app);
    });
}

fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if !window.is_visible().unwrap_or(false) {
            let _ = window.show();
        }
    }
}
