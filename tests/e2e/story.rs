//! The story: saved shots in the order the film plays them, exported as one film.

use std::time::Duration;

use fantoccini::key::Key;
use veo_desk::media::read_facts;
use veo_desk::simulator::{clip, Dialect, Shape, Simulator};

use crate::harness::{App, Launch};

const FIRST: &str = "First shot: a paper boat sets off";
const SECOND: &str = "Second shot: the boat reaches the harbour";

fn story_order_is(prompts: [&str; 2]) -> String {
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
    assert!(app.poll_script(&story_order_is([SECOND, FIRST])).await);
    app.wait_for_text("2 shots, about 12 s").await;

    // The second shot moves down with the keyboard; the focus stays with it.
    let down = app.button(&format!("Move down: {SECOND}")).await;
    app.bring_into_view(&down).await;
    down.send_keys(&Key::Enter.to_string()).await.unwrap();
    assert!(app.poll_script(&story_order_is([FIRST, SECOND])).await);
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
