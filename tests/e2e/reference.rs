use fantoccini::Locator;

use crate::harness::App;

/// A 1600×1200 photo-like JPEG, written where the app can read it.
fn landscape_photo(dir: &std::path::Path) -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 5) as u8, ((x + y) / 11) as u8])
    });
    let path = dir.join("harbour.jpg");
    img.save(&path).expect("write the test photo");
    path
}

#[tokio::test]
async fn a_chosen_picture_is_previewed_as_it_will_be_sent() {
    let app = App::start("reference").await;
    app.click("Try without a key").await;
    app.wait_for_visible("#compose-form").await;

    let photo = landscape_photo(app.home());
    let input = app.wait_for_element("#reference-file").await;
    input
        .send_keys(photo.to_str().unwrap())
        .await
        .expect("choose the file");
    app.wait_for_text("Sent as 1600×900 JPEG").await;
    app.screenshot("landscape").await;

    // Switching to portrait re-prepares the picture for the new shape.
    app.choose("9:16 Portrait").await;
    app.wait_for_text("Sent as 675×1200 JPEG").await;
    let size = app
        .script(
            "const r = document.querySelector('#crop-frame').getBoundingClientRect(); return [r.width, r.height];",
            vec![],
        )
        .await;
    let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
    assert!(h > w * 1.5, "the crop frame is portrait: {w}×{h}");
    app.screenshot("portrait").await;

    app.click("Remove image").await;
    app.wait_for_visible("#reference-drop").await;
    app.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_picture_is_refused_plainly() {
    let app = App::start("not-an-image").await;
    app.click("Try without a key").await;
    app.wait_for_visible("#compose-form").await;
    let fake = app.home().join("holiday.jpg");
    std::fs::write(&fake, "these are my holiday notes, not a photo").unwrap();
    let input = app.wait_for_element("#reference-file").await;
    input.send_keys(fake.to_str().unwrap()).await.unwrap();
    let status = app.wait_for_element("#reference-status").await;
    app.wait_for_text("not").await;
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
