//! How much memory the web process keeps after playing videos (Linux, glibc).
//!
//! GStreamer decodes a video on several threads, and glibc gives threads that allocate
//! at once heaps of their own ("arenas", up to eight per core). The frames a closed
//! player frees stay in those heaps instead of going back to the system, so each video
//! watched left the web process bigger. With one heap the next player reuses it.
//! Measured by `tests/e2e/costs.rs` (release build, 8 s 720p clips played one after
//! another at four times the speed, idle about 316 MiB), above idle after 1, 10 and 40:
//! glibc's default +157, +463, +733 MiB; two arenas +142, +215 to +243, +194 to +264;
//! one +142 to +149, +170 to +177, +190 to +198, with playback as fast (2.47 s a clip).
//! Most of the first video's cost is GStreamer's, once: its plugins and decoder.
//!
//! A user who sets the variable keeps their own value.

/// glibc's limit on its heaps, read by each process when it starts.
pub const ARENA_VAR: &str = "MALLOC_ARENA_MAX";

/// Caps the heaps of the processes the app starts (the web process among them).
/// Call before any thread starts: WebKit's processes inherit the variable.
pub fn limit_heaps_of_child_processes() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(ARENA_VAR).is_none() {
        std::env::set_var(ARENA_VAR, "1");
    }
}
