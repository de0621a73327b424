//! Compare takes: saved videos chosen on their cards play side by side, in step, and
//! the one kept is marked in the history.

use std::time::Duration;

use veo_desk::jobs::JobStore;
use veo_desk::simulator::{Dialect, Simulator};

use crate::harness::App;

const CALM: &str = "Paper boat, calm canal, take one";
const WINDY: &str = "Paper boat, windy canal, take two";
const NIGHT: &str = "Paper boat, canal at night, take three";

/// The takes' video elements, as an array.
const TAKES: &str = "[...document.querySelectorAll('#compare-takes video')]";

#[tokio::test]
async fn chosen_takes_play_together_in_step_and_the_kept_one_is_marked() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    let app = App::start("compare-takes").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-compare-2468")
        .await;
    app.make_video(CALM, &["8 s"], 1).await;
    app.make_video(WINDY, &[], 2).await;
    app.make_video(NIGHT, &[], 3).await;

    // A card plays first: comparing stops it, so only the takes play.
    app.click("Play").await;
    assert!(
        app.poll_script("const v = document.querySelector('.card-player video'); return !!v && v.readyState >= 2;")
            .await
    );

    for prompt in [CALM, WINDY] {
        let box_ = app.control(&format!("Compare: {prompt}")).await;
        app.bring_into_view(&box_).await;
        box_.click().await.unwrap();
    }
    app.wait_for_text("2 takes chosen").await;
    app.click("Compare takes").await;
    let both_ready = app
        .poll_script(&format!(
            "const takes = {TAKES}; return takes.length === 2 && takes.every((v) => v.readyState >= 2);"
        ))
        .await;
    assert!(both_ready, "both takes load");
    assert!(
        app.poll_script("return !document.querySelector('.card-player video');")
            .await,
        "the card's player stopped"
    );

    app.click("Play together").await;
    // Both move, and stay within a few frames of each other.
    let in_step = app
        .poll_script(&format!(
            "const [a, b] = {TAKES}; \
             return !a.paused && !b.paused && a.currentTime > 1.5 && Math.abs(a.currentTime - b.currentTime) < 0.3;"
        ))
        .await;
    assert!(
        in_step,
        "the takes do not play in step: {:?}",
        app.script(
            &format!("return {TAKES}.map((v) => [v.currentTime, v.paused]);"),
            vec![]
        )
        .await
    );
    app.screenshot("playing").await;

    // The second take is kept; the card says so, and so does the history.
    let keep = app
        .script(
            "return [...document.querySelectorAll('#compare-takes figure')][1].querySelector('button').textContent;",
            vec![],
        )
        .await;
    assert_eq!(keep, "Keep this take");
    app.script(
        "[...document.querySelectorAll('#compare-takes figure')][1].querySelector('button').click();",
        vec![],
    )
    .await;
    app.wait_for_text("The other takes are not marked.").await;
    app.screenshot("kept").await;
    let violations = app.accessibility_violations(&[]).await;
    assert!(violations.is_empty(), "{violations:#?}");
    // Closed while they play: the takes stop and let their sources go.
    app.script("document.querySelector('#compare-close').click();", vec![])
        .await;
    assert!(
        app.poll_script("return !document.querySelector('#compare').open;")
            .await
    );
    assert!(
        app.poll_script(&format!(
            "const kept = [...document.querySelectorAll('.card')].filter((c) => c.querySelector('.card-kept')); \
             return kept.length === 1 && kept[0].querySelector('.card-prompt').textContent === {WINDY:?};"
        ))
        .await,
        "one card is marked Kept"
    );
    app.screenshot("kept-card").await;
    let store = JobStore::open_at(
        &app.home()
            .join(".local/share/com.veodesk.desktop/history.sqlite3"),
    )
    .unwrap();
    let kept: Vec<String> = store
        .list(&Default::default())
        .unwrap()
        .jobs
        .into_iter()
        .filter(|row| row.kept)
        .map(|row| row.prompt)
        .collect();
    assert_eq!(kept, [WINDY]);

    // Clear unticks every card.
    app.click("Clear").await;
    assert!(
        app.poll_script("return document.querySelectorAll('.choose-take input:checked').length === 0 && document.querySelector('#compare-bar').hidden;")
            .await
    );
    app.close().await;
}
