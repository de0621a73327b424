//! How the window's web view paints on Linux.
//!
//! WebKitGTK paints page content with Skia, on the GPU by default. A machine without
//! a GPU (no DRM render node: virtual machines, remote desktops, Xvfb) still gets the
//! GPU path, emulated by Mesa's software GL (llvmpipe): every kind of shape the page
//! draws becomes a GL shader that LLVM compiles inside the web process, and the GL
//! state stays there. Skia's own CPU rasterizer draws the same pixels (only
//! anti-aliasing differs by a shade) without any of that: on such a machine the web
//! process idles about 35 MiB smaller.
//!
//! WebKit's compositor runs on llvmpipe there too, and keeps its threads busy while
//! nothing on screen changes. Measured with tests/e2e/costs.rs under Xvfb (debug
//! build): with fifty cards in the window the web process used about 2.5 % of a core
//! left alone (0.9 % with one card), and 0.1 % with compositing off; with 300 saved
//! clips the whole window idled at 250 MiB instead of 329, and after playing 40 of
//! them at 341 MiB instead of 459, each clip playing as fast. So on such a machine the
//! page is also drawn without the compositor.
//!
//! With a GPU nothing changes, and a user who sets either of WebKit's own variables
//! keeps their choice.

/// WebKitGTK's switch to Skia's CPU rasterizer (read by its web process).
pub const CPU_RENDERING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
/// WebKitGTK's switch that draws the page without its GL compositor.
pub const NO_COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to ask for CPU painting: only when GL can only be software, and the user
/// has not chosen either way.
pub fn wants_cpu_painting(
    user_choice: Option<&str>,
    has_render_node: bool,
    software_gl_forced: bool,
) -> bool {
    user_choice.is_none() && (!has_render_node || software_gl_forced)
}

/// A DRM render node is how Mesa reaches a GPU; without one, GL is llvmpipe.
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Mesa's own switch to software GL (any value but 0/false).
#[cfg(target_os = "linux")]
fn software_gl_forced() -> bool {
    std::env::var("LIBGL_ALWAYS_SOFTWARE")
        .map(|v| !matches!(v.trim(), "" | "0" | "false"))
        .unwrap_or(false)
}

/// Chooses CPU painting, without the compositor, for the web process when there is
/// no GPU to paint with.
/// Call before any thread starts and before the window exists: the web process
/// inherits the variables when WebKit starts it.
pub fn choose_painter() {
    #[cfg(target_os = "linux")]
    {
        let user_choice = std::env::var(CPU_RENDERING_VAR).ok();
        if wants_cpu_painting(
            user_choice.as_deref(),
            has_render_node(),
            software_gl_forced(),
        ) {
            std::env::set_var(CPU_RENDERING_VAR, "1");
            if std::env::var_os(NO_COMPOSITING_VAR).is_none() {
                std::env::set_var(NO_COMPOSITING_VAR, "1");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wants_cpu_painting;

    #[test]
    fn cpu_painting_only_without_a_gpu() {
        assert!(wants_cpu_painting(None, false, false));
        assert!(!wants_cpu_painting(None, true, false));
    }

    #[test]
    fn software_gl_by_choice_also_paints_on_the_cpu() {
        assert!(wants_cpu_painting(None, true, true));
    }

    #[test]
    fn the_users_own_setting_wins() {
        assert!(!wants_cpu_painting(Some("0"), false, false));
        assert!(!wants_cpu_painting(Some("1"), true, false));
    }
}
