use std::time::Duration;

use crate::harness::App;

#[tokio::test]
async fn the_form_is_there_and_takes_a_prompt() {
    let app = App::start("main-window").await;
    assert_eq!(app.title().await, "Veo Desk");
    // The window starts hidden and is shown with its loaded page: well before the
    // five-second fallback that shows it whatever the page did.
    assert!(
        app.poll_script_within(
            "return document.visibilityState === 'visible'",
            Duration::from_secs(2)
        )
        .await,
        "the window is on screen once its page is ready"
    );
    app.connect_gateway("https://gateway.example.com", "sk-e2e-form-0001")
        .await;

    for label in [
        "Prompt",
        "Model",
        "Duration",
        "Aspect",
        "Reference image (optional)",
    ] {
        app.control(label).await;
    }
    app.button("Generate").await;
    app.wait_for_text("No videos yet").await;
    app.wait_for_text("Veo Desk 0.1.0").await; // the footer comes from Rust over IPC

    app.type_into(
        "Prompt",
        "A paper boat drifting down a rainy street at dusk",
    )
    .await;
    assert_eq!(
        app.value_of("Prompt").await,
        "A paper boat drifting down a rainy street at dusk"
    );
    app.wait_for_text("49 characters").await;
    app.choose("9:16 Portrait").await;
    let portrait = app.control("Aspect").await;
    let checked = portrait
        .find(fantoccini::Locator::Css("input:checked"))
        .await
        .expect("a checked aspect");
    assert_eq!(
        checked.prop("value").await.unwrap().as_deref(),
        Some("9:16")
    );

    app.screenshot("form").await;
    app.close().await;
}

#[tokio::test]
async fn generate_without_a_prompt_says_what_is_missing() {
    let app = App::start("empty-prompt").await;
    app.connect_gateway("https://gateway.example.com", "sk-e2e-empty-0002")
        .await;
    app.click("Generate").await;
    app.wait_for_text("Type a prompt first").await;
    app.screenshot("hint").await;
    let invalid = app
        .control("Prompt")
        .await
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    app.close().await;
}

/// Every control a user can reach has an accessible name taken from visible text.
#[tokio::test]
async fn every_control_has_a_visible_label() {
    let app = App::start("labels").await;
    let unnamed_in_setup = unnamed_controls(&app).await;
    assert_eq!(
        unnamed_in_setup,
        serde_json::json!([]),
        "setup controls without a visible label"
    );
    app.connect_gateway("https://gateway.example.com", "sk-e2e-labels-0003")
        .await;
    let unnamed = unnamed_controls(&app).await;
    assert_eq!(
        unnamed,
        serde_json::json!([]),
        "controls without a visible label"
    );
    app.script("document.querySelector('#advanced').open = true", vec![])
        .await;
    app.click("Add a field").await;
    app.click("Save as preset").await;
    let unnamed = unnamed_controls(&app).await;
    assert_eq!(
        unnamed,
        serde_json::json!([]),
        "advanced and preset controls"
    );
    app.click("Settings").await;
    let unnamed = unnamed_controls(&app).await;
    assert_eq!(unnamed, serde_json::json!([]), "settings controls");
    app.close().await;
}

/// Shown controls whose accessible name does not come from visible text.
async fn unnamed_controls(app: &App) -> serde_json::Value {
    app.script(
        r#"
        const visible = (n) => n && n.getClientRects().length > 0 && n.textContent.trim() !== '';
        const nameOf = (c) => {
          if (c.labels && [...c.labels].some(visible)) return true;
          const by = c.getAttribute('aria-labelledby');
          if (by && by.split(' ').map((id) => document.getElementById(id)).every(visible)) return true;
          // A button, and a disclosure's summary, are named by their text.
          const button = c.tagName === 'BUTTON' || c.getAttribute('role') === 'button';
          if (button && !by && c.textContent.trim() !== '') return true;
          return false;
        };
        const shown = (c) => c.closest('[hidden]') === null && c.getClientRects().length > 0;
        // tabindex=-1 only takes focus from a script (a heading focus returns to), not from Tab.
        const controls = document.querySelectorAll('input, select, textarea, button, [role=button], [tabindex]:not([tabindex="-1"])');
        return [...controls].filter((c) => shown(c) && !nameOf(c)).map((c) => c.outerHTML.slice(0, 80));
        "#,
        vec![],
    )
    .await
}

/// The app and a second copy of it would race on one history: a second launch
/// brings the open window forward and ends.
#[tokio::test]
async fn a_second_launch_brings_the_open_window_forward_and_ends() {
    let app = App::start("second-launch").await;
    app.connect_gateway("https://gateway.example.com", "sk-e2e-second-0002")
        .await;
    let status = app
        .launch_again()
        .expect("the second launch ended by itself");
    assert!(status.success(), "{status}");
    // The first window is still the one at work.
    app.type_into("Prompt", "still here").await;
    assert_eq!(app.value_of("Prompt").await, "still here");
    let log = app.home().join(".local/share/com.veodesk.desktop/logs");
    let told = std::fs::read_dir(&log)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .any(|text| text.contains("a second launch brought the open window forward"));
    assert!(told, "the open window heard of the second launch");
    app.close().await;
}
