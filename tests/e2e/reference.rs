use std::path::{Path, PathBuf};

use base64::Engine;
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::json;

use veo_desk::simulator::{Dialect, Simulator};

use crate::harness::{fresh_home, App, Launch};

/// A photo-like JPEG of this size, written where the app can read it.
fn photo(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 5) as u8, ((x + y) / 11) as u8])
    });
    let path = dir.join(name);
    img.save(&path).expect("write the test photo");
    path
}

/// Starts the app with `picked` as what the file dialog returns (a debug-build seam:
/// WebDriver cannot operate a native dialog) and opens the form on the demo gateway.
async fn start_picking(name: &str, home: &Path, picked: &Path) -> App {
    let launch = Launch::default()
        .home(home)
        .env("VEO_DESK_PICK_FILE", picked.to_str().unwrap());
    let app = App::start_with(name, launch).await;
    open_form(&app).await;
    app
}

async fn open_form(app: &App) {
    app.click("Try without a key").await;
    app.wait_for_visible("#compose-form").await;
}

/// Clicks the drop area, which opens the file dialog.
async fn press_drop_area(app: &App) {
    let drop = app.control("Reference image (optional)").await;
    app.bring_into_view(&drop).await;
    drop.click().await.expect("click the drop area");
}

/// The crop frame's box in CSS pixels: [left, top, width, height].
async fn frame_box(app: &App) -> [f64; 4] {
    let js = "const r = document.querySelector('#crop-frame').getBoundingClientRect();\
              return [r.left, r.top, r.width, r.height];";
    let v = app.script(js, vec![]).await;
    [0, 1, 2, 3].map(|i| v[i].as_f64().expect("a number"))
}

#[tokio::test]
async fn a_chosen_picture_is_previewed_as_it_will_be_sent() {
    let home = fresh_home();
    let photo = photo(home.path(), "harbour.jpg", 1600, 1200);
    let app = start_picking("reference", home.path(), &photo).await;

    // The drop area is a button: Enter opens the file dialog.
    let drop = app.control("Reference image (optional)").await;
    app.bring_into_view(&drop).await;
    drop.send_keys(&Key::Enter).await.expect("press Enter");
    app.wait_for_text("Sent as 1600×900 JPEG").await;
    app.screenshot("landscape").await;

    // Switching to portrait re-prepares the picture for the new shape.
    app.choose("9:16 Portrait").await;
    app.wait_for_text("Sent as 675×1200 JPEG").await;
    let [_, _, w, h] = frame_box(&app).await;
    assert!(h > w * 1.5, "the crop frame is portrait: {w}×{h}");
    app.screenshot("portrait").await;

    app.click("Remove image").await;
    app.wait_for_visible("#reference-drop").await;
    app.close().await;
}

#[tokio::test]
async fn the_crop_frame_moves_with_the_arrow_keys() {
    let home = fresh_home();
    let photo = photo(home.path(), "harbour.jpg", 1600, 1200);
    let app = start_picking("crop-keys", home.path(), &photo).await;
    app.choose("9:16 Portrait").await;
    press_drop_area(&app).await;
    app.wait_for_text("Sent as 675×1200 JPEG").await;
    let centred = frame_box(&app).await;

    let frame = app.wait_for_visible("#reference-frame").await;
    app.bring_into_view(&frame).await;
    frame.send_keys(&Key::Left).await.expect("press Left");
    app.wait_for_text("Frame moved left: its centre is 45% across")
        .await;
    let moved = frame_box(&app).await;
    assert!(
        moved[0] < centred[0] - 1.0,
        "the frame moved left on screen: {moved:?} from {centred:?}"
    );
    assert!(
        (moved[2] - centred[2]).abs() < 0.5 && (moved[3] - centred[3]).abs() < 0.5,
        "moving keeps the frame's size: {moved:?} from {centred:?}"
    );
    app.screenshot("moved-left").await;

    // Big steps until it stops at the edge, and the window says so.
    for _ in 0..3 {
        frame.send_keys(&(Key::Shift + &*Key::Left)).await.unwrap();
    }
    app.wait_for_text("The frame is already at the left edge.")
        .await;
    let at_left_edge = "const f = document.querySelector('#crop-frame').getBoundingClientRect();\
                        const i = document.querySelector('#reference-image').getBoundingClientRect();\
                        return Math.abs(f.left - i.left) < 1;";
    assert!(
        app.poll_script(at_left_edge).await,
        "the frame sits at the picture's left edge"
    );
    app.screenshot("at-left-edge").await;
    app.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_picture_is_refused_plainly() {
    let home = fresh_home();
    let fake = home.path().join("holiday.jpg");
    std::fs::write(&fake, "these are my holiday notes, not a photo").unwrap();
    let app = start_picking("not-an-image", home.path(), &fake).await;
    press_drop_area(&app).await;
    let status = app.wait_for_element("#reference-status").await;
    app.wait_for_text("not a picture").await;
    let said = status.text().await.unwrap();
    assert!(
        said.to_lowercase().contains("not a picture")
            || said.to_lowercase().contains("not an image"),
        "{said}"
    );
    assert!(app
        .client()
        .find(Locator::Css("#reference-preview:not([hidden])"))
        .await
        .is_err());
    app.screenshot("refused").await;
    app.close().await;
}

#[tokio::test]
async fn choosing_a_heic_photo_says_it_is_not_supported() {
    let home = fresh_home();
    let heic = home.path().join("IMG_0042.HEIC");
    std::fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0").unwrap();
    let app = start_picking("heic", home.path(), &heic).await;
    press_drop_area(&app).await;
    app.wait_for_text("HEIC").await;
    let said = app.text_of("#reference-status").await;
    assert!(said.contains("IMG_0042.HEIC"), "{said}");
    assert!(said.contains("JPEG"), "says what to do instead: {said}");
    app.screenshot("heic").await;
    app.close().await;
}

/// A native drop cannot be made over WebDriver. With `dragDropEnabled` (on: it is
/// how the window gets paths instead of bytes) Tauri takes the drop from the
/// system and emits `tauri://drag-*` events to the window; the test emits the
/// same events, so everything from our listener on is the real path.
#[tokio::test]
async fn a_dropped_picture_reaches_the_preview() {
    let app = App::start("drop").await;
    open_form(&app).await;
    let photo = photo(app.home(), "tall.jpg", 900, 1600);
    let emit = "window.__TAURI__.event.emit(arguments[0], { paths: arguments[1], position: { x: 200, y: 400 } });";
    let paths = json!([photo.to_str().unwrap()]);

    app.script(emit, vec![json!("tauri://drag-enter"), paths.clone()])
        .await;
    assert!(
        app.poll_script(
            "return getComputedStyle(document.querySelector('#drop-overlay')).display === 'flex';"
        )
        .await,
        "the whole window says it takes the drop while a file is over it"
    );
    app.wait_for_text("Drop the picture to use it as the first frame")
        .await;
    app.screenshot("dragging").await;
    app.script(emit, vec![json!("tauri://drag-drop"), paths])
        .await;
    app.wait_for_text("Sent as 896×504 JPEG").await;
    assert!(
        app.poll_script(
            "return getComputedStyle(document.querySelector('#drop-overlay')).display === 'none';"
        )
        .await,
        "the overlay goes once the picture is dropped"
    );
    let [_, _, w, h] = frame_box(&app).await;
    assert!(w > h * 1.5, "a landscape frame on a tall picture: {w}×{h}");
    app.screenshot("dropped").await;
    app.close().await;
}

/// A paste event as the system delivers it: a `ClipboardEvent` whose
/// `DataTransfer` holds an image `File`. Our handler reads its bytes, Rust keeps
/// them as a file and prepares it.
#[tokio::test]
async fn a_pasted_picture_reaches_the_preview() {
    let app = App::start("paste").await;
    open_form(&app).await;
    let picture = image::RgbImage::from_fn(600, 800, |x, y| {
        image::Rgb([(x / 3) as u8, (y / 4) as u8, 140])
    });
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let base64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let paste = "const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));\
                 const data = new DataTransfer();\
                 data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));\
                 const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });\
                 document.querySelector('#prompt').dispatchEvent(event);\
                 return event.clipboardData.files.length;";
    let files = app.script(paste, vec![json!(base64)]).await;
    assert_eq!(files, json!(1), "the paste event carries the picture");
    app.wait_for_text("Sent as 592×333 JPEG").await;
    let [_, _, w, h] = frame_box(&app).await;
    assert!(w > h * 1.5, "a landscape frame on a tall picture: {w}×{h}");
    app.screenshot("pasted").await;
    app.close().await;
}

#[tokio::test]
async fn a_last_frame_and_ingredients_are_offered_where_the_model_takes_them_and_sent_as_it_says() {
    let home = fresh_home();
    let photo = photo(home.path(), "harbour.jpg", 1600, 1200);
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    let launch = Launch::default()
        .home(home.path())
        .env("VEO_DESK_PICK_FILE", photo.to_str().unwrap());
    let app = App::start_with("pictures", launch).await;
    app.connect_gateway(sim.base_url(), "sk-e2e-pictures-2468")
        .await;

    // Sora-style models declare no extra pictures: nothing is offered.
    app.script(
        "const m = document.querySelector('#model'); m.value = 'sora-2'; \
                m.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await;
    assert!(
        app.poll_script("return document.querySelector('#more-pictures').hidden;")
            .await
    );
    app.script(
        "const m = document.querySelector('#model'); m.value = 'veo3.1'; \
                m.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await;
    app.wait_for_visible("#last-frame-field").await;

    // A last frame alone is refused before anything is sent, in plain words.
    app.choose("4 s").await;
    app.type_into("Prompt", "The harbour from dawn to dusk")
        .await;
    app.click("Choose the last frame").await;
    app.wait_for_visible("#last-frame-list li").await;
    app.click("Generate").await;
    app.wait_for_text("a last frame needs a first frame").await;
    assert_eq!(sim.submit_count(), 0, "refused before sending");

    // With a first frame it goes out as the frames variant, both pictures fitted.
    press_drop_area(&app).await;
    app.wait_for_text("Sent as 1600×900 JPEG").await;
    app.screenshot("first-and-last-frame").await;
    app.click("Generate").await;
    app.wait_for_text("Sent. The video appears on the right.")
        .await;
    let post = &sim.requests_to("POST", "/v1/videos")[0];
    assert_eq!(post.field("model"), Some("veo3.1-frames"));
    let parts: Vec<(&str, (u32, u32))> = post
        .files
        .iter()
        .map(|f| {
            let picture = image::load_from_memory(&f.bytes).expect("a picture");
            (f.name.as_str(), (picture.width(), picture.height()))
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("input_reference", (1600, 900)),
            ("input_reference", (1600, 900))
        ]
    );

    // Ingredients stand alone: with the first and last frame removed, three go as
    // they are, at 8 s; a fourth is not offered.
    app.click("Remove image").await;
    app.click("Remove harbour.jpg").await;
    for _ in 0..3 {
        app.click("Add an ingredient").await;
    }
    assert!(
        app.poll_script(
            "return document.querySelectorAll('#ingredients-list li').length === 3 \
             && document.querySelector('#ingredients-add').hidden;"
        )
        .await,
        "three ingredients, and no button for a fourth"
    );
    app.click("Generate").await;
    app.wait_for_text("uses reference images only in 8 second videos")
        .await;
    app.choose("8 s").await;
    app.screenshot("ingredients").await;
    app.click("Generate").await;
    assert!(
        app.poll_script("return document.querySelectorAll('.card').length === 2;")
            .await
    );
    let posts = sim.requests_to("POST", "/v1/videos");
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1].field("model"), Some("veo3.1-components"));
    let sizes: Vec<(&str, usize)> = posts[1]
        .files
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                image::load_from_memory(&f.bytes).unwrap().width() as usize,
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [("input_reference", 1600); 3],
        "uncropped, in their own parts"
    );
    app.close().await;
}
