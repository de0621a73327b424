//! "Test connection": one free request that tells the user what is wrong, if anything.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use veo_desk_core::gateway::{ClientOptions, GatewayClient};
use veo_desk_core::keychain::SessionKeys;
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profile_form;
use veo_desk_core::profiles::ProfileDraft;
use veo_desk_core::simulator::{Dialect, Fault, Route, Simulator};
use veo_desk_core::state::AppState;

const KEY: &str = "sk-connection-test-31337";

fn quick() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        ..Default::default()
    }
}

fn client(base_url: &str) -> GatewayClient {
    GatewayClient::new(base_url, KEY, quick()).expect("valid client")
}

#[tokio::test]
async fn a_working_gateway_passes_in_every_dialect_and_nothing_is_submitted() {
    for dialect in [Dialect::OpenAi, Dialect::NewApi, Dialect::Reseller] {
        let sim = Simulator::start(dialect).await.unwrap();
        let took = client(sim.base_url()).check_connection().await;
        assert!(took.is_ok(), "{dialect:?}: {took:?}");
        assert_eq!(
            sim.submit_count(),
            0,
            "{dialect:?}: a check must not make a video"
        );
        let sent = sim.requests();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].method, "GET");
        assert_eq!(
            sent[0].header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn a_rejected_key_is_named() {
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    sim.inject(Route::Poll, Fault::Unauthorized);
    let e = client(sim.base_url()).check_connection().await.unwrap_err();
    assert_eq!(e.code(), "key_rejected");
    assert!(e.message().contains("API key"), "{}", e.message());
    assert!(!e.message().contains(KEY), "{}", e.message());
}

#[tokio::test]
async fn a_web_site_at_the_address_is_not_a_video_gateway() {
    let site = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<!doctype html><html><body><h1>Welcome to our shop</h1></body></html>",
    )
    .await;
    let e = client(&site).check_connection().await.unwrap_err();
    assert_eq!(e.code(), "not_a_gateway");
    assert!(
        e.message().contains("not like a video gateway"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains('<'), "{}", e.message());
}

#[tokio::test]
async fn nothing_listening_reads_as_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let e = client(&format!("http://127.0.0.1:{port}"))
        .check_connection()
        .await
        .unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
}

/// The app's core with its own folders; `SessionKeys` stands in for the keychain.
struct App {
    _root: tempfile::TempDir,
    state: AppState,
}

impl App {
    fn new() -> App {
        let root = tempfile::tempdir().unwrap();
        let state = AppState::open(
            AppDirs::under(root.path()),
            Box::new(SessionKeys::default()),
        )
        .unwrap();
        App { _root: root, state }
    }

    /// "Save" in the gateway form.
    fn save(&self, id: Option<&str>, url: &str, key: &str) -> veo_desk_core::Result<String> {
        profile_form::save(&self.state, id, &draft(url), Some(key), false)?;
        Ok(self.state.profiles()?.active().unwrap().id.clone())
    }

    /// "Test connection" in the gateway form.
    async fn test(&self, id: Option<&str>, url: &str, key: &str) -> veo_desk_core::Result<()> {
        let client = profile_form::connection_client(&self.state, id, &draft(url), Some(key))?;
        profile_form::test_connection(&client).await.map(|_| ())
    }
}

fn draft(url: &str) -> ProfileDraft {
    ProfileDraft {
        base_url: url.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_key_with_an_invisible_character_inside_is_refused_plainly_and_never_sent() {
    let app = App::new();
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    for pasted in [
        "sk-abc\u{200B}def-1234",
        "sk-abc\u{A0}def-1234",
        "sk-abc\u{1}def-1234",
    ] {
        let e = app.test(None, sim.base_url(), pasted).await.unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{pasted:?}");
        assert!(e.to_string().contains("invisible"), "{e}");
        let e = app.save(None, sim.base_url(), pasted).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{pasted:?}");
        assert!(e.to_string().contains("Copy the key again"), "{e}");
    }
    assert!(
        app.state.profiles().unwrap().list().is_empty(),
        "nothing was saved"
    );
    assert!(sim.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn invisible_characters_a_paste_adds_around_the_key_are_dropped() {
    let app = App::new();
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    let pasted = format!("\u{FEFF}{KEY}\u{200B}\n");
    app.test(None, sim.base_url(), &pasted).await.unwrap();
    let id = app.save(None, sim.base_url(), &pasted).unwrap();
    let (saved, _) = app.state.keys.get(&id).unwrap().unwrap();
    assert_eq!(saved.expose(), KEY);
    app.test(Some(&id), sim.base_url(), "").await.unwrap();
    let sent = sim.requests();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn a_saved_key_is_never_sent_to_a_changed_server() {
    let app = App::new();
    let saved_at = Simulator::start(Dialect::OpenAi).await.unwrap();
    let elsewhere = Simulator::start(Dialect::OpenAi).await.unwrap();
    let id = app.save(None, saved_at.base_url(), KEY).unwrap();

    // The address changed, the key field left empty: neither Test nor Save sends it.
    let e = app
        .test(Some(&id), elsewhere.base_url(), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("Paste the API key"), "{e}");
    let e = app.save(Some(&id), elsewhere.base_url(), "").unwrap_err();
    assert!(e.to_string().contains("another server"), "{e}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the other server"
    );
    let kept = app
        .state
        .profiles()
        .unwrap()
        .get(&id)
        .unwrap()
        .base_url
        .clone();
    assert!(kept.starts_with(saved_at.base_url()), "{kept}");

    // Another path on the same server keeps the saved key.
    let same_server = format!("{}/v1/", saved_at.base_url());
    app.test(Some(&id), &same_server, "").await.unwrap();
    let sent = saved_at.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    // With the key pasted again the new address is tested and saved.
    let other_key = "sk-for-the-other-server-2468";
    app.test(Some(&id), elsewhere.base_url(), other_key)
        .await
        .unwrap();
    app.save(Some(&id), elsewhere.base_url(), other_key)
        .unwrap();
    app.test(Some(&id), elsewhere.base_url(), "").await.unwrap();
    let sent = elsewhere.requests();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {other_key}").as_str())
        );
    }
}

/// A one-request web server that answers `reply` verbatim.
async fn serve_once(reply: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    base
}
