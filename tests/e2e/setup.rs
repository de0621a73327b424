use veo_desk::simulator::{Dialect, Fault, Route, Simulator};

use crate::harness::{App, Launch};

#[tokio::test]
async fn first_run_asks_for_a_gateway_then_shows_the_form() {
    let app = App::start("first-run").await;
    app.wait_for_text("Connect to your video gateway").await;
    app.screenshot("setup").await;

    app.type_into("Gateway address", "api.example.com").await;
    app.type_into("API key", "sk-first-run-key-4821").await;
    app.click("Save and continue").await;
    app.wait_for_text("Start the gateway address with https://")
        .await;
    app.screenshot("bad-address").await;

    let field = app.control("Gateway address").await;
    field.clear().await.unwrap();
    field
        .send_keys("https://api.example.com/v1/")
        .await
        .unwrap();
    app.click("Save and continue").await;
    app.wait_for_visible("#compose-form").await;
    app.wait_for_text("Key …4821 (in keychain)").await;
    app.screenshot("connected").await;

    // The key itself never reaches the page, not even in the password field.
    let page = app
        .script("return document.documentElement.outerHTML + [...document.querySelectorAll('input')].map(i => i.value).join()", vec![])
        .await;
    assert!(!page.as_str().unwrap().contains("sk-first-run-key"));
    app.close().await;
}

#[tokio::test]
async fn the_gateway_is_remembered_after_a_restart() {
    let home = crate::harness::fresh_home();
    let app = App::start_with("restart", Launch::default().home(home.path())).await;
    app.connect_gateway("https://api.example.com", "sk-remembered-9911")
        .await;
    app.close().await;

    let app = App::start_with("restart-again", Launch::default().home(home.path())).await;
    app.wait_for_visible("#compose-form").await;
    app.wait_for_text("Key …9911 (in keychain)").await;
    let gateway = app.control("Gateway").await;
    let chosen = gateway
        .find(fantoccini::Locator::Css("option:checked"))
        .await
        .expect("a chosen gateway");
    assert_eq!(chosen.text().await.unwrap(), "api.example.com");
    app.close().await;
}

#[tokio::test]
async fn without_a_keychain_the_key_can_be_kept_for_this_session() {
    let app = App::start_with(
        "no-keychain",
        Launch::default().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
    )
    .await;
    app.type_into("Gateway address", "https://api.example.com")
        .await;
    app.type_into("API key", "sk-no-keychain-5150").await;
    app.click("Save and continue").await;
    app.wait_for_text("No keychain is available on this computer")
        .await;
    app.screenshot("no-keychain").await;
    app.click("Keep the key for this session only").await;
    app.wait_for_visible("#compose-form").await;
    app.wait_for_text("Key …5150 (this session only)").await;
    app.close().await;
}

#[tokio::test]
async fn test_connection_names_the_gateway_or_the_problem() {
    let sim = Simulator::start(Dialect::NewApi).await.unwrap();
    let app = App::start("test-connection").await;
    app.type_into("Gateway address", sim.base_url()).await;
    app.type_into("API key", "sk-connection-check-2468").await;
    app.click("Test connection").await;
    app.wait_for_text("The key was accepted").await;
    app.screenshot("ok").await;
    assert_eq!(
        sim.submit_count(),
        0,
        "testing must not make (and bill) a video"
    );

    sim.inject(Route::Poll, Fault::Unauthorized);
    app.click("Test connection").await;
    app.wait_for_text("rejected the API key").await;
    app.screenshot("key-rejected").await;
    app.close().await;
}

#[tokio::test]
async fn the_demo_gateway_needs_no_key() {
    let app = App::start("demo").await;
    app.click("Try without a key").await;
    app.wait_for_visible("#compose-form").await;
    app.wait_for_text("Demo: makes a sample clip").await;
    let gateway = app.control("Gateway").await;
    let chosen = gateway
        .find(fantoccini::Locator::Css("option:checked"))
        .await
        .unwrap();
    assert_eq!(chosen.text().await.unwrap(), "Demo (no real videos)");
    app.screenshot("form").await;
    app.close().await;
}

#[tokio::test]
async fn the_demo_gateway_can_be_removed_like_any_other() {
    let app = App::start("demo-removed").await;
    app.click("Try without a key").await;
    app.wait_for_text("Demo: makes a sample clip").await;
    app.click("Remove demo gateway").await;
    // It was the only gateway: back to the first run.
    app.wait_for_text("Connect to your video gateway").await;
    app.wait_for_visible("#demo-offer").await;
    let profiles =
        std::fs::read_to_string(app.home().join(".config/com.veodesk.desktop/profiles.json"))
            .expect("the profile list is saved");
    assert!(profiles.contains("profiles"), "{profiles}");
    assert!(!profiles.contains("\"demo\": true"), "{profiles}");
    app.close().await;
}
