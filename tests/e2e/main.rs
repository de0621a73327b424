//! Window tests: the real app in a real WebKit window, driven like a user would.
//! Run them with `scripts/test` (it provides Xvfb, a session bus and tauri-driver).

mod accessibility;
mod batch;
mod compare;
mod costs;
mod form;
// Not every test uses every helper.
#[allow(dead_code)]
mod harness;
mod jobs;
mod main_window;
mod problems;
mod reference;
mod screen_reader;
mod setup;
mod story;
