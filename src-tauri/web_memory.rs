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
//!
//! That one heap still grew by about 100 MiB with the first video and never shrank
//! (`/proc/PID/smaps` of the web process: `[heap]` 33 → 143 MiB, debug build): glibc
//! raises its mmap threshold each time a large block is freed, so after the first few
//! frames (1.4 MB each at 720p) every frame came from the heap, whose freed middle is
//! never given back. A fixed threshold keeps each frame in a mapping of its own, unmapped
//! when the decoder frees it: `[heap]` stays at 43 MiB, the web process about 60 MiB
//! smaller between videos (debug build, load average about 12). The rest of the first
//! video's cost is GStreamer's, once: its plugins and decoder (+35 MiB of libraries).
//!
//! A user who sets a variable keeps their own value.

/// glibc's limit on its heaps, read by each process when it starts.
pub const ARENA_VAR: &str = "MALLOC_ARENA_MAX";
/// glibc's size from which a block gets a mapping of its own; setting it also stops
/// glibc from moving it.
pub const MMAP_THRESHOLD_VAR: &str = "MALLOC_MMAP_THRESHOLD_";

/// 128 KiB: glibc's own starting value, kept fixed.
const MMAP_THRESHOLD: &str = "131072";

/// Caps the heaps of the processes the app starts (the web process among them) and
/// has their large blocks given back when freed. Call before any thread starts:
/// WebKit's processes inherit the variables.
pub fn limit_heaps_of_child_processes() {
    #[cfg(target_os = "linux")]
    for (var, value) in [(ARENA_VAR, "1"), (MMAP_THRESHOLD_VAR, MMAP_THRESHOLD)] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
}
