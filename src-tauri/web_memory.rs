//! How much memory the web process keeps after playing videos (Linux, glibc).
//!
//! GStreamer decodes a video on several threads, and glibc gives threads that allocate
//! at once heaps of their own ("arenas", up to eight per core). The frames a closed
//! player frees stay in those heaps instead of going back to the system, so each video
//! watched left the web process bigger. With two arenas the next player reuses them.
//! Measured by `tests/e2e/costs.rs` (release build, 8 s 720p clips played one after
//! another, idle 316 MiB): glibc's default +463 MiB after ten and +733 MiB after forty;
//! two arenas +243 MiB and +255 MiB, flat after the first few.
//!
//! A user who sets the variable keeps their own value.

/// glibc's limit on its heaps, read by each process when it starts.
pub const ARENA_VAR: &str = "MALLOC_ARENA_MAX";

/// Caps the heaps of the processes the app starts (the web process among them).
/// Call before any thread starts: WebKit's processes inherit the variable.
pub fn limit_heaps_of_child_processes() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(ARENA_VAR).is_none() {
        std::env::set_var(ARENA_VAR, "2");
    }
}
