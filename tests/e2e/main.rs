//! Window tests: the real app in a real WebKit window, driven like a user would.
//! Run them with `scripts/test` (it provides Xvfb, a session bus and tauri-driver).

// Not every test uses every helper.
mod batch;
#[allow(dead_code)]
mod harness;
mod jobs;
mod main_window;
mod reference;
mod setup;
