use std::time::Duration;

use fantoccini::Locator;
use veo_desk::simulator::{Dialect, Fault, Route, Simulator, SAMPLE_MP4};

use crate::harness::App;

async fn gateway() -> Simulator {
    let sim = Simulator::start(Dialect::NewApi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    sim
}

#[tokio::test]
async fn a_video_is_made_saved_and_plays_in_its_card() {
    let sim = gateway().await;
    let app = App::start("make-video").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-make-video-1357")
        .await;

    app.type_into(
        "Prompt",
        "A paper boat drifting down a rainy street at dusk",
    )
    .await;
    app.choose("4 s").await;
    app.click("Generate").await;
    app.wait_for_text("Making the video").await;
    app.screenshot("running").await;

    app.wait_for_text("Saved as").await;
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 1, "one job, sent once");
    assert_eq!(sent[0].field("seconds"), Some("4"));
    assert_eq!(sent[0].field("size"), Some("16:9"));

    let saved = find_mp4(app.home());
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        SAMPLE_MP4,
        "the saved file is the gateway's video"
    );

    app.click("Play").await;
    let video = app.wait_for_element(".card-player video").await;
    let can_play = app
        .poll_script(
            "const v = document.querySelector('.card-player video'); return v && v.readyState >= 1 && v.duration > 0;",
        )
        .await;
    assert!(can_play, "the video element never loaded the file");
    drop(video);
    app.screenshot("playing").await;
    app.close().await;
}

#[tokio::test]
async fn a_gateway_error_is_shown_as_text_never_as_markup() {
    let sim = gateway().await;
    let app = App::start("hostile-error").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-hostile-2468")
        .await;
    sim.inject(
        Route::Submit,
        Fault::PlainText {
            status: 400,
            text: "<img src=x onerror=\"document.title='pwned'\"> prompt refused".into(),
        },
    );
    app.type_into("Prompt", "Anything at all").await;
    app.click("Generate").await;
    app.wait_for_text("<img src=x").await;
    assert!(app
        .client()
        .find(Locator::Css(".card img[src='x']"))
        .await
        .is_err());
    assert_eq!(app.title().await, "Veo Desk");
    assert_eq!(sim.submit_count(), 1);
    app.screenshot("failed").await;
    app.close().await;
}

/// The one video saved under the app's throw-away HOME.
fn find_mp4(dir: &std::path::Path) -> std::path::PathBuf {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "mp4") {
                found.push(p);
            }
        }
    }
    assert_eq!(found.len(), 1, "exactly one saved video: {found:?}");
    found.remove(0)
}
