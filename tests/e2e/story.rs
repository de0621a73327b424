//! The story: saved shots in the order the film plays them, exported as one film.

use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use veo_desk::jobs::JobStore;
use veo_desk::media::read_facts;
use veo_desk::simulator::{clip, Dialect, Shape, Simulator};

use crate::harness::{App, Launch};

const FIRST: &str = "First shot: a paper boat sets off";
const SECOND: &str = "Second shot: the boat reaches the harbour";

fn story_order_is(prompts: &[&str]) -> String {
    let wanted = serde_json::to_string(&prompts).unwrap();
    format!(
        "return JSON.stringify([...document.querySelectorAll('#story-shots .story-prompt')]\
         .map((p) => p.textContent)) === {wanted:?};"
    )
}

#[tokio::test]
async fn saved_shots_put_in_order_by_keyboard_export_as_one_film() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let films = tempfile::tempdir().unwrap();
    let film = films.path().join("Harbour.mp4");
    let app = App::start_with(
        "story",
        Launch::default().env("VEO_DESK_SAVE_AS", film.to_string_lossy()),
    )
    .await;
    app.connect_gateway(sim.base_url(), "sk-e2e-story-8642")
        .await;
    app.make_video(FIRST, &["4 s"], 1).await;
    app.make_video(SECOND, &["8 s"], 2).await;

    // Newest first in the list: the second shot is added first.
    app.script(
        "document.querySelectorAll('.card.status-downloaded').forEach((card) => \
         [...card.querySelectorAll('button')].find((b) => b.textContent === 'Add to story').click());",
        vec![],
    )
    .await;
    assert!(app.poll_script(&story_order_is(&[SECOND, FIRST])).await);
    app.wait_for_text("2 shots, about 12 s").await;

    // The second shot moves down with the keyboard; the focus stays with it.
    let down = app.button(&format!("Move down: {SECOND}")).await;
    app.bring_into_view(&down).await;
    down.send_keys(&Key::Enter.to_string()).await.unwrap();
    assert!(app.poll_script(&story_order_is(&[FIRST, SECOND])).await);
    assert_eq!(
        app.script(
            "return document.activeElement.getAttribute('aria-label')",
            vec![]
        )
        .await,
        format!("Move up: {SECOND}").as_str()
    );
    app.screenshot("story").await;

    app.click("Export film…").await;
    app.wait_for_text("Film saved as").await;
    let made = read_facts(&film).expect("the film is an MP4");
    assert_eq!((made.width, made.height), (320, 180));
    let shots: u64 = [clip(Shape::Landscape, "4"), clip(Shape::Landscape, "8")]
        .iter()
        .map(|bytes| {
            let file = films.path().join("shot.mp4");
            std::fs::write(&file, bytes).unwrap();
            read_facts(&file).unwrap().duration_ms
        })
        .sum();
    // Within a frame at 24 frames a second.
    assert!(
        made.duration_ms.abs_diff(shots) <= 42,
        "{} ms for shots of {shots} ms",
        made.duration_ms
    );
    app.screenshot("film-exported").await;
    app.close().await;
}

/// Shots of two shapes cannot be joined as they are: the story says which shot and
/// why, and the run of shots that does join exports on its own.
#[tokio::test]
async fn shots_that_cannot_be_joined_are_named_and_a_run_that_can_exports_alone() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let films = tempfile::tempdir().unwrap();
    let film = films.path().join("Portrait run.mp4");
    let app = App::start_with(
        "story-runs",
        Launch::default().env("VEO_DESK_SAVE_AS", film.to_string_lossy()),
    )
    .await;
    app.connect_gateway(sim.base_url(), "sk-e2e-story-9753")
        .await;
    app.make_video(FIRST, &["4 s"], 1).await;
    app.make_video(SECOND, &["9:16 Portrait"], 2).await;
    app.make_video("Third shot: the harbour lights", &[], 3)
        .await;
    // Newest first: the story is portrait, portrait, landscape.
    app.script(
        "document.querySelectorAll('.card.status-downloaded').forEach((card) => \
         [...card.querySelectorAll('button')].find((b) => b.textContent === 'Add to story').click());",
        vec![],
    )
    .await;
    app.wait_for_text("3 shots").await;

    app.click("Export film…").await;
    app.wait_for_text("These shots cannot all be joined as they are.")
        .await;
    let reasons = app.text_of("#story-runs").await;
    assert!(
        reasons.contains("Clip 3"),
        "the landscape shot is named: {reasons}"
    );
    assert!(!film.exists(), "nothing is written until a run is chosen");
    app.screenshot("story-runs").await;

    app.click("Export shots 1 to 2").await;
    app.wait_for_text("Film saved as").await;
    let made = read_facts(&film).expect("the film is an MP4");
    assert_eq!((made.width, made.height), (180, 320), "the portrait run");
    let clip_ms = {
        let file = films.path().join("shot.mp4");
        std::fs::write(&file, clip(Shape::Portrait, "4")).unwrap();
        read_facts(&file).unwrap().duration_ms
    };
    assert!(
        made.duration_ms.abs_diff(2 * clip_ms) <= 42,
        "two shots: {} ms for a {clip_ms} ms clip",
        made.duration_ms
    );
    app.close().await;
}

const OPENING: &str = "A lighthouse at dawn, waves below";
const MIDDLE: &str = "The camera rises to the lamp";
const CLOSING: &str = "The beam sweeps over a ship";

/// Plans three shots from the form, reorders them by dragging, then *Make the missing
/// shots* makes them one after another, each continuing the one before it in the
/// story, and the film exports as one.
#[tokio::test]
async fn planned_shots_are_made_one_from_another_and_export_as_one_film() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let films = tempfile::tempdir().unwrap();
    let film = films.path().join("Lighthouse.mp4");
    let app = App::start_with(
        "story-planned",
        Launch::default().env("VEO_DESK_SAVE_AS", film.to_string_lossy()),
    )
    .await;
    app.connect_gateway(sim.base_url(), "sk-e2e-story-1357")
        .await;
    app.choose("4 s").await;
    for prompt in [OPENING, CLOSING, MIDDLE] {
        let field = app.control("Prompt").await;
        field.clear().await.unwrap();
        field.send_keys(prompt).await.unwrap();
        app.click("Add to story, make later").await;
        app.wait_for_text("Added to the story, to make later.")
            .await;
    }
    assert!(
        app.poll_script(&story_order_is(&[OPENING, CLOSING, MIDDLE]))
            .await
    );
    app.wait_for_text("3 shots, about 12 s · 3 still to make")
        .await;
    assert!(
        sim.requests_to("POST", "/v1/videos").is_empty(),
        "planning sends nothing"
    );
    // After the first, each shot starts from the shot before unless told otherwise.
    let continuing = app
        .script(
            "return [...document.querySelectorAll('#story-shots li')].map((li) => \
             li.querySelector('input[type=checkbox]')?.checked ?? null)",
            vec![],
        )
        .await;
    assert_eq!(continuing, serde_json::json!([null, true, true]));

    // The middle shot is dragged by its grip above the closing one.
    drag_shot(&app, 2, 1).await;
    assert!(
        app.poll_script(&story_order_is(&[OPENING, MIDDLE, CLOSING]))
            .await
    );
    app.screenshot("story-planned").await;

    app.click("Make the missing shots (3)").await;
    // Three videos one after another: longer than one wait.
    let mut all_saved = false;
    for _ in 0..4 {
        all_saved = app
            .poll_script(
                "return document.querySelectorAll('.card.status-downloaded').length === 3 \
                 && document.querySelector('#story-summary').textContent === '3 shots, about 12 s';",
            )
            .await;
        if all_saved {
            break;
        }
    }
    if !all_saved {
        app.fail("the three shots were not made and saved").await;
    }
    let sent = sim.requests_to("POST", "/v1/videos");
    let prompts: Vec<_> = sent.iter().map(|r| r.field("prompt").unwrap()).collect();
    assert_eq!(prompts, [OPENING, MIDDLE, CLOSING], "made in story order");
    let pictures: Vec<bool> = sent
        .iter()
        .map(|r| r.files.iter().any(|f| f.name == "input_reference"))
        .collect();
    assert_eq!(
        pictures,
        [false, true, true],
        "each later shot starts from a frame"
    );
    assert!(sent.iter().all(|r| r.field("seconds") == Some("4")));

    // The history says which shot each continues.
    let store = JobStore::open_at(
        &app.home()
            .join(".local/share/com.veodesk.desktop/history.sqlite3"),
    )
    .unwrap();
    let rows = store.story().unwrap();
    let continues: Vec<_> = rows
        .iter()
        .map(|shot| shot.job.as_ref().unwrap().continues_prompt.clone())
        .collect();
    assert_eq!(
        continues,
        [None, Some(OPENING.to_string()), Some(MIDDLE.to_string())]
    );
    app.screenshot("story-made").await;

    app.click("Export film…").await;
    app.wait_for_text("Film saved as").await;
    let made = read_facts(&film).expect("the film is an MP4");
    let file = films.path().join("shot.mp4");
    std::fs::write(&file, clip(Shape::Landscape, "4")).unwrap();
    let shot = read_facts(&file).unwrap().duration_ms;
    assert!(
        made.duration_ms.abs_diff(3 * shot) <= 42,
        "{} ms for three shots of {shot} ms",
        made.duration_ms
    );
    app.close().await;
}

/// Drags the grip of shot `from` (from 0) onto the upper half of shot `onto`, as a
/// mouse would, in small steps.
async fn drag_shot(app: &App, from: usize, onto: usize) {
    let grip = |i: usize| format!("#story-shots li[data-shot='{i}'] .story-grip");
    let handle = app.wait_for_element(&grip(from)).await;
    let target = app.wait_for_element(&grip(onto)).await;
    app.bring_into_view(&handle).await;
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: handle,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: target,
            duration: Some(Duration::from_millis(300)),
            x: 0.0,
            y: -6.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    app.client().perform_actions(mouse).await.expect("dragging");
}
