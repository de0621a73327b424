use std::time::Duration;

use veo_desk::simulator::{Dialect, Simulator};

use crate::harness::App;

#[tokio::test]
async fn several_prompts_become_several_cards_that_run_two_at_a_time() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    // Held until the "In progress" check below: on a slow machine a one-second job
    // could finish before the filter is read.
    sim.set_job_duration(Duration::from_secs(3600));
    sim.set_poll_after(Some(Duration::from_millis(300)));
    let app = App::start("batch").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-batch-8642")
        .await;

    app.script(
        "document.querySelector('details.batch').open = true",
        vec![],
    )
    .await;
    app.type_into(
        "Prompts, one per line",
        "A paper boat on a rainy street\u{e007}A fox crossing fresh snow\u{e007}Lanterns rising over a river",
    )
    .await;
    app.choose("4 s").await;
    // The form's Advanced fields go with every job of the batch.
    app.script("document.querySelector('#advanced').open = true", vec![])
        .await;
    app.type_into("Negative prompt", "blur").await;
    app.click("Queue batch").await;
    app.wait_for_text("3 videos queued.").await;
    let three_cards = app
        .poll_script("return document.querySelectorAll('.card').length === 3")
        .await;
    assert!(three_cards, "one card per prompt");
    let order = app
        .script(
            "return [...document.querySelectorAll('.card .card-prompt')].map((p) => p.textContent)",
            vec![],
        )
        .await;
    assert_eq!(
        order,
        serde_json::json!([
            "Lanterns rising over a river",
            "A fox crossing fresh snow",
            "A paper boat on a rainy street"
        ]),
        "newest first: the last prompt of the batch on top"
    );
    app.wait_for_text("Waiting for its turn").await;
    app.screenshot("queued").await;
    // "In progress" holds the one waiting its turn as well.
    app.script(
        // The cards go first, so only the filtered list can bring them back.
        "document.querySelectorAll('.card').forEach((c) => c.remove()); const s = document.querySelector('#history-status'); s.value = 'active'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await;
    let still_three = app
        .poll_script("return document.querySelectorAll('.card').length === 3 && !document.querySelector('#show-more').disabled")
        .await;
    assert!(still_three, "a queued job stays under In progress");
    sim.set_job_duration(Duration::from_secs(1));

    let all_saved = app
        .poll_script("return document.querySelectorAll('.card.status-downloaded').length === 3")
        .await;
    assert!(all_saved, "every video of the batch is saved");
    // One player at a time: playing the next video lets the one before go.
    let play = |n: usize| {
        format!("document.querySelectorAll('.card.status-downloaded')[{n}].querySelector('.card-actions button').click()")
    };
    app.script(&play(0), vec![]).await;
    let first = app
        .poll_script("const v = document.querySelector('.card-player video'); window.firstPlayer = v; return !!v && v.src.startsWith('http://127.0.0.1:')")
        .await;
    assert!(first, "the first video plays, streamed from the app");
    // Right away, while the first is still starting: stopping a starting player
    // once froze the window.
    app.script(&play(1), vec![]).await;
    let one_player = app
        .poll_script("const all = document.querySelectorAll('video'); return all.length === 1 && all[0].closest('.card') === document.querySelectorAll('.card.status-downloaded')[1]")
        .await;
    assert!(one_player, "only the second video is left playing");
    let one_element = app
        .script(
            "return document.querySelector('video') === window.firstPlayer",
            vec![],
        )
        .await;
    assert_eq!(
        one_element,
        serde_json::Value::Bool(true),
        "the one player moved to the second card, no second element was made"
    );
    let second_plays = app
        .poll_script("const v = document.querySelector('.card-player video'); return !!v && v.readyState >= 2")
        .await;
    assert!(
        second_plays,
        "the window still answers and the second video has its first frame"
    );
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 3, "each prompt sent once");
    assert!(sent.iter().all(|r| r.field("seconds") == Some("4")));
    assert!(
        sent.iter()
            .all(|r| r.field("negative_prompt") == Some("blur")),
        "the Advanced fields went with each job"
    );

    // A new job's card arrives while a video plays: the player is left alone. Played
    // slowly, so the 4 s clip does not end (and close its player) meanwhile.
    app.script(
        "window.playingNow = document.querySelector('.card-player video'); window.playingNow.playbackRate = 0.25;",
        vec![],
    )
    .await;
    app.type_into("Prompt", "A heron standing in the reeds")
        .await;
    app.click("Generate").await;
    let four = app
        .poll_script("return document.querySelectorAll('.card').length === 4")
        .await;
    assert!(four, "the new job has its card");
    let untouched = app
        .poll_script("return window.playingNow.isConnected && document.querySelector('.card-player video') === window.playingNow")
        .await;
    assert!(untouched, "the playing video is still the one playing");
    app.screenshot("done").await;
    app.close().await;
}
