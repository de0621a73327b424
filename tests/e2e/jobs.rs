use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use veo_desk::simulator::{clip, Dialect, Fault, Route, Shape, Simulator};

use veo_desk::gateway::{ClientOptions, GatewayClient, SubmitRequest};
use veo_desk::jobs::{texts, JobStatus, JobStore, NewJob};
use veo_desk::problem::Problem;

use crate::harness::{fresh_home, App, Launch};

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
    // This new-api-like gateway reads sizes only as pixels.
    assert_eq!(sent[0].field("size"), Some("1280x720"));

    let saved = find_mp4(app.home());
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        clip(Shape::Landscape, "4"),
        "the saved file is the gateway's video"
    );
    // What the file itself is, read from it, and nothing to warn about.
    app.wait_for_text("320×180 · 4 s").await;
    // The card shows the video's first frame where the picture goes.
    let poster = app
        .poll_script(
            "const p = document.querySelector('.card img.poster'); \
             return !!p && p.complete && p.naturalWidth === 320 && p.naturalHeight === 180;",
        )
        .await;
    assert!(poster, "the saved video's card shows its poster");
    assert!(app
        .client()
        .find(Locator::Css(".card-mismatch"))
        .await
        .is_err());

    app.click("Play").await;
    let video = app.wait_for_element(".card-player video").await;
    let can_play = app
        .poll_script(
            "const v = document.querySelector('.card-player video'); return v && v.readyState >= 1 && v.duration > 0;",
        )
        .await;
    assert!(can_play, "the video element never loaded the file");
    // Jumping ahead reads the file from there on (the app serves byte ranges).
    let jumped = app
        .poll_script(
            "const v = document.querySelector('.card-player video'); \
             if (!window.jumped) { window.jumped = true; v.pause(); v.currentTime = 3; } \
             return v.currentTime >= 3 && !v.seeking && v.readyState >= 2;",
        )
        .await;
    assert!(jumped, "the player could not jump to 3 s");
    drop(video);
    app.screenshot("playing").await;
    // Played to its end, the player closes and lets its decoder go; Play starts it again.
    app.script(
        "const v = document.querySelector('.card-player video'); v.currentTime = 3.5; v.play();",
        vec![],
    )
    .await;
    let closed = app
        .poll_script(
            "return !document.querySelector('video') && \
             document.querySelector('.card-actions .play').textContent === 'Play';",
        )
        .await;
    assert!(closed, "a video played to its end closes its player");
    app.click("Play").await;
    let again = app
        .poll_script(
            "const v = document.querySelector('.card-player video'); return !!v && v.readyState >= 2 && !v.paused;",
        )
        .await;
    assert!(again, "Play plays the ended video again");
    app.close().await;
}

#[tokio::test]
async fn continuing_a_saved_shot_starts_the_next_from_its_last_frame_and_names_it() {
    let sim = gateway().await;
    let app = App::start("continue-shot").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-continue-2468")
        .await;
    let shot = "A paper boat drifting down a rainy street at dusk";
    app.make_video(shot, &["4 s", "9:16 Portrait"], 1).await;

    app.click("Continue this shot").await;
    app.wait_for_text(
        "Continues “A paper boat drifting down a rainy street…”: its last frame is the picture",
    )
    .await;
    // The last frame is the picture, fitted as any picture is; the shot's settings are chosen.
    app.wait_for_visible("#reference-preview").await;
    let (seconds, size) = (
        app.script(
            "return document.querySelector('input[name=seconds]:checked').value",
            vec![],
        )
        .await,
        app.script(
            "return document.querySelector('input[name=size]:checked').value",
            vec![],
        )
        .await,
    );
    assert_eq!((seconds.as_str(), size.as_str()), (Some("4"), Some("9:16")));
    app.screenshot("continue-form").await;

    let prompt = app.control("Prompt").await;
    prompt.clear().await.unwrap();
    prompt
        .send_keys("The boat reaches a bright harbour")
        .await
        .unwrap();
    app.click("Generate").await;
    let named = app
        .poll_script(
            "const c = document.querySelector('.card .card-continues'); \
             return !!c && c.textContent === 'Continues “A paper boat drifting down a rainy street…”';",
        )
        .await;
    assert!(named, "the new card does not name the shot it continues");
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1].field("prompt"),
        Some("The boat reaches a bright harbour")
    );
    assert_eq!(sent[1].field("seconds"), Some("4"));
    assert_eq!(sent[1].field("size"), sent[0].field("size"));
    let picture = sent[1]
        .files
        .iter()
        .find(|f| f.name == "input_reference")
        .expect("the last frame went as the picture");
    let picture = image::load_from_memory(&picture.bytes).expect("a picture");
    assert!(
        picture.height() > picture.width(),
        "the portrait shot's frame"
    );
    // Sent, the form starts a new shot: the note is gone.
    let cleared = app
        .poll_script("return document.querySelector('#continues-note').hidden;")
        .await;
    assert!(cleared, "the form still says it continues the shot");
    app.screenshot("continued").await;
    app.close().await;
}

#[tokio::test]
async fn a_landscape_video_for_a_portrait_request_is_called_out_and_made_again_in_one_click() {
    let sim = gateway().await;
    sim.set_landscape_only(true);
    let app = App::start("wrong-shape").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-wrong-shape-9753")
        .await;

    app.type_into("Prompt", "A lighthouse at dawn, waves rolling in")
        .await;
    app.choose("9:16 Portrait").await;
    app.click("Generate").await;
    app.wait_for_text("You asked for 9:16 portrait; this gateway made 16:9 landscape.")
        .await;
    app.wait_for_text("320×180 · 8 s").await;
    app.wait_for_text("Saved as").await;
    assert!(find_mp4(app.home()).exists(), "the video is kept");
    app.screenshot("called-out").await;

    // This new-api-like gateway named itself, so the size went as pixels; the fix sends
    // it the other way, and keeps doing so for this gateway.
    app.click("Switch how this gateway gets sizes and make it again")
        .await;
    let second = app
        .poll_script("return document.querySelectorAll('.card').length === 2;")
        .await;
    assert!(second, "no second card appeared");
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 2, "made again once, in one click");
    for field in ["prompt", "model", "seconds"] {
        assert_eq!(sent[1].field(field), sent[0].field(field), "{field}");
    }
    assert_eq!(sent[0].field("size"), Some("720x1280"));
    assert_eq!(sent[1].field("size"), Some("9:16"));
    let profiles =
        std::fs::read_to_string(app.home().join(".config/com.veodesk.desktop/profiles.json"))
            .unwrap();
    let profiles: serde_json::Value = serde_json::from_str(&profiles).unwrap();
    assert_eq!(
        profiles["profiles"][0]["request_style"]["sizes"], "ratio",
        "{profiles}"
    );
    // This gateway still drops the aspect: the new card says so too.
    let both = app
        .poll_script("return document.querySelectorAll('.card-mismatch').length === 2;")
        .await;
    assert!(both, "the second video was not checked");
    app.screenshot("made-again").await;
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

    // Details show the request and the gateway's answer, still as text.
    app.click("Details").await;
    app.wait_for_visible("#details").await;
    let request = app.wait_for_visible("#details summary").await;
    request.click().await.expect("open the request");
    app.wait_for_text("HTTP 400").await;
    app.wait_for_text("Bearer [your key]").await;
    app.wait_for_text("prompt: Anything at all").await;
    let shown = app.text_of("#details-list").await;
    assert!(shown.contains("<img src=x onerror="), "{shown}");
    assert!(!shown.contains("sk-e2e-hostile-2468"), "{shown}");
    assert!(app
        .client()
        .find(Locator::Css("#details img"))
        .await
        .is_err());
    assert_eq!(app.title().await, "Veo Desk");
    app.screenshot("details").await;
    app.close().await;
}

#[tokio::test]
async fn a_chosen_download_folder_takes_the_next_video_and_save_as_copies_it() {
    let sim = gateway().await;
    let home = crate::harness::fresh_home();
    let chosen = home.path().join("My clips");
    let copy = home.path().join("Desktop/boat copy.mp4");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    // Native dialogs cannot be driven: debug builds take their answers from these.
    let launch = Launch::default()
        .home(home.path())
        .env("VEO_DESK_PICK_FOLDER", chosen.to_string_lossy())
        .env("VEO_DESK_SAVE_AS", copy.to_string_lossy());
    let app = App::start_with("download-folder", launch).await;
    app.connect_gateway(sim.base_url(), "sk-e2e-folder-8642")
        .await;
    let shown = app.text_of("#video-folder-path").await;
    assert!(
        shown.starts_with(&*home.path().to_string_lossy()),
        "the default folder is the user's: {shown}"
    );

    app.click("Change folder").await;
    app.wait_for_text("New videos will be saved in").await;
    assert_eq!(
        app.text_of("#video-folder-path").await,
        chosen.to_string_lossy()
    );
    app.type_into("Prompt", "A paper boat in a puddle").await;
    app.choose("4 s").await;
    app.click("Generate").await;
    app.wait_for_text("Saved as").await;
    let saved = find_mp4(&chosen);
    assert_eq!(std::fs::read(&saved).unwrap(), clip(Shape::Landscape, "4"));

    // The new folder is open to inline playback too.
    app.click("Play").await;
    let can_play = app
        .poll_script(
            "const v = document.querySelector('.card-player video'); return v && v.readyState >= 1 && v.duration > 0;",
        )
        .await;
    assert!(can_play, "the video in the chosen folder did not play");

    app.click("Save as…").await;
    app.wait_for_text("A copy was saved as").await;
    assert_eq!(std::fs::read(&copy).unwrap(), clip(Shape::Landscape, "4"));
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        clip(Shape::Landscape, "4"),
        "the original stays"
    );
    app.screenshot("changed").await;
    app.close().await;

    // The choice is remembered.
    let app = App::start_with("download-folder-again", Launch::default().home(home.path())).await;
    app.wait_for_visible("#compose-form").await;
    assert_eq!(
        app.text_of("#video-folder-path").await,
        chosen.to_string_lossy()
    );
    // A video moved away since: Play says so instead of showing an empty player.
    std::fs::rename(&saved, home.path().join("elsewhere.mp4")).unwrap();
    app.click("Play").await;
    app.wait_for_text("is gone (moved or deleted), so it cannot be played")
        .await;
    app.close().await;
}

#[tokio::test]
async fn a_job_whose_checking_stopped_is_checked_again_from_its_card() {
    let sim = gateway().await;
    let home = fresh_home();
    let key = "sk-e2e-check-again-8642";
    let app = App::start_with("check-again-setup", Launch::default().home(home.path())).await;
    app.connect_gateway(sim.base_url(), key).await;
    app.close().await;

    // A job the gateway is still making, which an earlier run stopped checking.
    let client = GatewayClient::new(sim.base_url(), key, ClientOptions::default()).unwrap();
    let request = SubmitRequest {
        prompt: "A kite over the dunes at sunset".into(),
        model: "veo3.1".into(),
        seconds: "8".into(),
        size: "16:9".into(),
        ..Default::default()
    };
    let remote = client.submit(&request).await.unwrap();
    let store = JobStore::open_at(
        &home
            .path()
            .join(".local/share/com.veodesk.desktop/history.sqlite3"),
    )
    .unwrap();
    let job = NewJob {
        profile_id: only_profile_id(home.path()),
        prompt: request.prompt.clone(),
        model: request.model.clone(),
        seconds: request.seconds.clone(),
        size: request.size.clone(),
        reference_thumb: None,
        extra_fields: Vec::new(),
        continues: None,
    };
    let now = veo_desk::jobs::store::now_ms();
    let row = store.insert_submitting(&job, now).unwrap();
    store
        .mark_running(&row.id, &remote.id, "queued", None, now)
        .unwrap();
    let stopped = Problem::new(texts::STOPPED_CHECKING)
        .with_problem("duration", Problem::new(texts::MINUTES).with("n", 60));
    store
        .mark_failed(&row.id, "stopped_checking", &stopped, now)
        .unwrap();
    drop(store);

    let app = App::start_with("check-again", Launch::default().home(home.path())).await;
    app.wait_for_text("Veo Desk stopped checking it").await;
    app.wait_for_text("No longer checked").await;
    app.screenshot("stopped-checking").await;
    app.click("Check again").await;
    app.wait_for_text("Saved as").await;
    app.screenshot("checked-again").await;
    assert_eq!(
        std::fs::read(find_mp4(app.home())).unwrap(),
        clip(Shape::Landscape, "8")
    );
    app.close().await;
}

/// The id of the one gateway saved in `home`.
fn only_profile_id(home: &std::path::Path) -> String {
    let file = home.join(".config/com.veodesk.desktop/profiles.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let profiles = json["profiles"].as_array().expect("a profile list");
    assert_eq!(profiles.len(), 1, "{json}");
    profiles[0]["id"].as_str().unwrap().to_string()
}

/// 120 finished jobs written straight into the app's history before it starts.
fn long_history(home: &std::path::Path) {
    let db = home.join(".local/share/com.veodesk.desktop/history.sqlite3");
    let store = JobStore::open_at(&db).unwrap();
    let rows: Vec<_> = (0..120)
        .map(|i| {
            let (prompt, status) = match i % 4 {
                0 => (
                    format!("Harbour lights at night, take {i}"),
                    JobStatus::Failed,
                ),
                _ => (
                    format!("Mountain lake in the morning, take {i}"),
                    JobStatus::Expired,
                ),
            };
            let job = NewJob {
                profile_id: "imported".into(),
                prompt,
                model: "veo3.1".into(),
                seconds: "8".into(),
                size: "16:9".into(),
                reference_thumb: None,
                extra_fields: Vec::new(),
                continues: None,
            };
            (job, status, 1_700_000_000_000 + i * 60_000)
        })
        .collect();
    store.import(&rows).unwrap();
}

/// Picks an option of the "Show" list (a native popup WebDriver cannot open).
async fn show_only(app: &App, value: &str) {
    let select = app.control("Show").await;
    let arg = serde_json::to_value(&select).unwrap();
    app.script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
        vec![arg, serde_json::json!(value)],
    )
    .await;
}

async fn card_count(app: &App) -> u64 {
    app.script("return document.querySelectorAll('.card').length", vec![])
        .await
        .as_u64()
        .unwrap()
}

async fn wait_for_cards(app: &App, n: u64) {
    let js = format!("return document.querySelectorAll('.card').length === {n}");
    if !app.poll_script(&js).await {
        panic!("expected {n} cards, saw {}", card_count(app).await);
    }
}

#[tokio::test]
async fn a_long_history_opens_a_page_at_a_time_and_search_narrows_it() {
    let sim = gateway().await;
    let home = crate::harness::fresh_home();
    long_history(home.path());
    let app = App::start_with("long-history", Launch::default().home(home.path())).await;
    app.connect_gateway(sim.base_url(), "sk-e2e-history-9753")
        .await;

    wait_for_cards(&app, 50).await;
    let newest = app.text_of(".card .card-prompt").await;
    assert!(newest.ends_with("take 119"), "newest first: {newest}");
    app.click("Show more").await;
    wait_for_cards(&app, 100).await;
    app.click("Show more").await;
    wait_for_cards(&app, 120).await;
    assert!(
        app.poll_script("return document.querySelector('#show-more').hidden")
            .await,
        "no more pages after the last"
    );

    app.type_into("Search prompts", "harbour").await;
    wait_for_cards(&app, 30).await;
    let all_harbour = app
        .script(
            "return [...document.querySelectorAll('.card-prompt')].every(p => p.textContent.startsWith('Harbour'))",
            vec![],
        )
        .await;
    assert_eq!(all_harbour, serde_json::Value::Bool(true));
    app.screenshot("search").await;

    // Harbour jobs failed; none of them is "saved".
    show_only(&app, "saved").await;
    app.wait_for_text("No videos match").await;
    show_only(&app, "problem").await;
    wait_for_cards(&app, 30).await;
    app.close().await;
}

/// Starts the app on a gateway that reads uploads at about 300 KB/s, with a noisy
/// full-HD picture (about 1.5 MB as sent) chosen through the file dialog's seam.
async fn app_with_a_slow_uplink(name: &str, home: &std::path::Path) -> (Simulator, App) {
    let sim = gateway().await;
    sim.set_upload_rate(Some(300_000));
    let noise = home.join("noise.png");
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(1920, 1080, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let b = seed.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    img.save(&noise).unwrap();
    let launch = Launch::default()
        .home(home)
        .env("VEO_DESK_PICK_FILE", noise.to_str().unwrap());
    let app = App::start_with(name, launch).await;
    app.connect_gateway(sim.base_url(), "sk-e2e-upload-1470")
        .await;
    let drop = app.wait_for_visible("#reference-drop").await;
    app.bring_into_view(&drop).await;
    drop.click().await.expect("open the file dialog");
    app.wait_for_text("Sent as").await;
    (sim, app)
}

const UPLOAD_MIDWAY: &str = "const m = /Uploading the image… (\\d+)%/.exec(document.querySelector('#form-status').textContent); \
     const bar = document.querySelector('#upload-progress'); \
     return Boolean(m) && Number(m[1]) > 0 && Number(m[1]) < 100 && !bar.hidden && bar.value > 0 && bar.value < 1;";

#[tokio::test]
async fn upload_progress_shows_while_a_large_reference_image_is_sent() {
    let home = fresh_home();
    let (sim, app) = app_with_a_slow_uplink("upload-progress", home.path()).await;
    app.type_into("Prompt", "Static on an old television").await;
    app.click("Generate").await;
    assert!(
        app.poll_script(UPLOAD_MIDWAY).await,
        "no upload progress between 0 and 100% was shown"
    );
    app.screenshot("uploading").await;
    app.wait_for_text("Making the video").await;
    assert!(
        app.poll_script("return document.querySelector('#upload-progress').hidden")
            .await,
        "the upload bar goes away once sent"
    );
    let posts = sim.requests_to("POST", "/v1/videos");
    assert_eq!(posts.len(), 1, "sent once");
    assert!(posts[0].files[0].bytes.len() > 1_000_000, "a large upload");
    app.close().await;
}

#[tokio::test]
async fn stopping_an_upload_midway_sends_nothing_and_keeps_the_prompt() {
    let home = fresh_home();
    let (sim, app) = app_with_a_slow_uplink("stop-upload", home.path()).await;
    app.type_into("Prompt", "Static on an old television").await;
    app.click("Generate").await;
    assert!(
        app.poll_script(UPLOAD_MIDWAY).await,
        "the upload is under way"
    );
    assert!(
        app.poll_script("return document.querySelector('#generate').disabled")
            .await,
        "a second press cannot send a second video meanwhile"
    );
    app.click("Stop upload").await;
    app.wait_for_text("no video was made").await;
    app.wait_for_text("Cancelled").await;
    assert!(
        app.poll_script(
            "return document.querySelector('#upload-progress').hidden && !document.querySelector('#generate').disabled"
        )
        .await,
        "the bar goes and Generate is ready again"
    );
    assert_eq!(
        app.script("return document.querySelector('#prompt').value", vec![])
            .await,
        serde_json::json!("Static on an old television"),
        "the prompt is still there to send again"
    );
    app.screenshot("stopped").await;
    assert_eq!(
        sim.submit_count(),
        0,
        "the gateway never got a whole request"
    );
    app.close().await;
}

#[tokio::test]
async fn removing_a_video_that_was_never_saved_asks_first_and_keeps_it_on_the_gateway() {
    // The OpenAI dialect can delete jobs: nothing but the user's choice stops it.
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.set_job_duration(Duration::from_secs(1));
    sim.inject(Route::Content, Fault::JsonInsteadOfVideo);
    let app = App::start("remove-unsaved").await;
    app.connect_gateway(sim.base_url(), "sk-e2e-remove-1928")
        .await;
    app.type_into("Prompt", "A kite over the dunes").await;
    app.choose("4 s").await;
    app.click("Generate").await;
    app.wait_for_text("Retry download").await;

    app.click("Remove").await;
    app.wait_for_visible("#remove-job").await;
    app.wait_for_text("This video was never saved on this computer")
        .await;
    assert_eq!(
        app.focused_id().await,
        "remove-history-only",
        "the safe choice has the focus"
    );
    app.screenshot("asked").await;

    // Escape changes nothing: the card stays, the keyboard is back on its button.
    app.press(&Key::Escape.to_string()).await;
    assert!(
        app.poll_script("return !document.querySelector('#remove-job').open")
            .await,
        "Escape closes the question"
    );
    assert_eq!(card_count(&app).await, 1);

    // Enter on the focused choice: gone from the history, kept on the gateway.
    app.click("Remove").await;
    app.wait_for_visible("#remove-job").await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_for_text("The video stays on the gateway").await;
    wait_for_cards(&app, 0).await;
    app.screenshot("removed").await;
    assert!(
        sim.requests().iter().all(|r| r.method != "DELETE"),
        "nothing was deleted on the gateway"
    );
    let gateway = GatewayClient::new(sim.base_url(), "sk-e2e-remove-1928", Default::default());
    let kept = gateway.unwrap().list().await.unwrap();
    assert_eq!(kept.len(), 1, "the paid video is still there to fetch");
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
