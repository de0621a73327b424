//! What a screen reader gets from the window: its accessibility tree read over AT-SPI
//! (the Linux accessibility bus, which Orca uses) by `atspi_tree.py` with Debian's
//! python3-pyatspi, while the window tests drive the app.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fantoccini::key::Key;
use serde::Deserialize;
use veo_desk::simulator::{Dialect, Simulator};

use crate::harness::App;

#[derive(Debug, Deserialize)]
struct Control {
    role: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct Tree {
    controls: Vec<Control>,
    focused: Option<Control>,
}

/// The window's tree as the accessibility bus has it now.
fn tree() -> Tree {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/atspi_tree.py");
    // Debian's own Python, the one python3-pyatspi is installed for.
    let out = Command::new("/usr/bin/python3")
        .arg(&script)
        .arg("veo-desk")
        .output()
        .expect("python3 runs (scripts/test installs python3-pyatspi)");
    assert!(
        out.status.success(),
        "reading the accessibility tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the tree as JSON")
}

/// Controls shown without a name, or without a role a screen reader can say.
fn unnamed(tree: &Tree) -> Vec<String> {
    tree.controls
        .iter()
        .filter(|c| c.name.is_empty() || c.role == "unknown")
        .map(|c| format!("{} {:?}", c.role, c.name))
        .collect()
}

fn has(tree: &Tree, role: &str, name: &str) -> bool {
    tree.controls
        .iter()
        .any(|c| c.role == role && c.name == name)
}

/// The tree once the page has settled after a change; `state` names its screenshot.
async fn settled_tree(app: &App, state: &str) -> Tree {
    app.screenshot(state).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    tree()
}

#[tokio::test]
async fn every_control_a_screen_reader_reaches_has_a_name_and_a_role() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let app = App::start("screen-reader").await;

    let first_run = settled_tree(&app, "first-run").await;
    assert!(has(&first_run, "entry", "Gateway address"), "{first_run:?}");
    assert!(has(&first_run, "password text", "API key"), "{first_run:?}");
    assert!(
        has(&first_run, "push button", "Save and continue"),
        "{first_run:?}"
    );
    let mut missing: Vec<String> = unnamed(&first_run)
        .into_iter()
        .map(|c| format!("first run: {c}"))
        .collect();

    app.connect_gateway(sim.base_url(), "sk-e2e-reader-3579")
        .await;
    app.type_into("Prompt", "A lantern on a quiet pier").await;
    app.click("Generate").await;
    app.wait_for_text("Saved as").await;
    // The bus lists only what is on screen: scroll the form down to its folded panel
    // (past the last frame and ingredients, which are read on the way).
    let advanced = app.wait_for_element("#advanced-summary").await;
    app.bring_into_view(&advanced).await;
    let main = settled_tree(&app, "main").await;
    assert!(has(&main, "push button", "Generate"), "{main:?}");
    assert!(has(&main, "push button", "Play"), "{main:?}");
    // A folded panel is a button that opens it, not a nameless "unknown".
    assert!(has(&main, "push button", "Advanced"), "{main:?}");
    missing.extend(unnamed(&main).into_iter().map(|c| format!("main: {c}")));

    app.click("Settings").await;
    app.wait_for_visible("#settings").await;
    let settings = settled_tree(&app, "settings").await;
    assert!(has(&settings, "push button", "Save"), "{settings:?}");
    missing.extend(
        unnamed(&settings)
            .into_iter()
            .map(|c| format!("settings: {c}")),
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    app.close().await;
}

#[tokio::test]
async fn a_dialog_takes_the_focus_and_gives_it_back_when_closed() {
    let app = App::start("dialog-focus").await;
    app.connect_gateway("https://gateway.example.com", "sk-e2e-focus-1212")
        .await;
    let settings = app.button("Settings").await;
    settings
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter");
    app.wait_for_visible("#settings").await;
    let open = settled_tree(&app, "dialog-open").await;
    let inside = open.focused.as_ref().expect("something has the focus");
    assert!(
        inside.name != "Settings" && inside.role != "document web",
        "the focus stayed outside the dialog: {inside:?}"
    );
    let focused_in_dialog = app
        .script(
            "return document.querySelector('#settings').contains(document.activeElement)",
            vec![],
        )
        .await;
    assert_eq!(focused_in_dialog, serde_json::Value::Bool(true));

    app.press(&Key::Escape.to_string()).await;
    assert!(
        app.poll_script("return !document.querySelector('#settings').open")
            .await,
        "Escape closes the dialog"
    );
    let closed = settled_tree(&app, "dialog-closed").await;
    let back = closed.focused.as_ref().expect("something has the focus");
    assert_eq!(
        (back.role.as_str(), back.name.as_str()),
        ("push button", "Settings"),
        "the focus goes back to what opened the dialog"
    );
    app.close().await;
}
