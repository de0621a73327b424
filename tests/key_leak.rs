//! The key is money: after saving it and running into every kind of gateway
//! failure, it must not appear in any file of the app, any error text or any
//! reply the UI gets. Runs against the real keychain (scripts/test provides one).

use std::path::Path;
use std::sync::Arc;

use veo_desk_core::gateway::{Network, SubmitRequest};
use veo_desk_core::jobs::{ClientFor, EventSink, JobStore, Jobs, JobsOptions};
use veo_desk_core::keychain::OsKeychain;
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profile_form;
use veo_desk_core::profiles::{Profile, ProfileDraft};
use veo_desk_core::simulator::{Dialect, Fault, Route, Simulator};
use veo_desk_core::state::AppState;

const KEY: &str = "sk-leak-canary-6c1f0e9d2b";

#[tokio::test]
async fn the_key_appears_in_no_file_no_error_and_no_reply() {
    let root = tempfile::tempdir().unwrap();
    let dirs = AppDirs::under(root.path());
    let keychain = OsKeychain::with_service("com.veodesk.desktop.tests.leak");
    let state = AppState::open(dirs, Box::new(keychain)).unwrap();
    let sim = Simulator::start(Dialect::NewApi).await.unwrap();

    let profile = save_keyed_profile(&state, "Leak test", sim.base_url());

    let mut said = Vec::new();
    let faults = [
        Fault::Unauthorized, // echoes the key back, like some gateways do
        Fault::HtmlBadGateway,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
        Fault::ServerError,
        Fault::MalformedJson,
    ];
    for fault in &faults {
        sim.inject(Route::Submit, fault.clone());
        let client = state.client_for(&profile).await.unwrap();
        let error = veo_desk_core::Error::from(client.submit(&request()).await.unwrap_err());
        said.push(error.to_string());
        said.push(format!("{error:?}"));
        said.push(serde_json::to_string(&error).unwrap());
    }
    let status = state.keys.status(&profile.id);
    said.push(serde_json::to_string(&status).unwrap());
    said.push(format!("{:?}", state.client_for(&profile).await.unwrap()));

    assert!(
        sim.submit_count() >= faults.len(),
        "the faults were exercised"
    );
    for text in &said {
        assert!(!text.contains(KEY), "the key leaked into: {text}");
    }
    assert_eq!(status.last4.as_deref(), Some("9d2b"));
    assert_no_file_contains(root.path(), KEY);
    state.keys.forget(&profile.id).unwrap();
}

/// Support asks for diagnostics after things went wrong: real submissions with a real
/// key against failing routes and through a proxy that is not there, then "Export
/// diagnostics". The report says what failed and holds neither the key nor a proxy
/// password, and neither does any file, error or view, whether the proxy was typed
/// with `http://` or without.
#[tokio::test]
async fn the_diagnostics_export_holds_the_failures_but_not_the_key() {
    let root = tempfile::tempdir().unwrap();
    let dirs = AppDirs::under(root.path());
    veo_desk_core::logs::init(&dirs.logs());
    let keychain = OsKeychain::with_service("com.veodesk.desktop.tests.diagnostics");
    let state = Arc::new(AppState::open(dirs.clone(), Box::new(keychain)).unwrap());
    let sim = Simulator::start(Dialect::NewApi).await.unwrap();
    let free_port = || {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let proxied = [
        (
            "Office",
            format!("me:{}@127.0.0.1:{}", PROXY_PASSWORDS[0], free_port()),
        ),
        (
            "Branch",
            format!("http://me:{}@127.0.0.1:{}", PROXY_PASSWORDS[1], free_port()),
        ),
    ];
    let mut offices = Vec::new();
    for (name, proxy) in &proxied {
        let draft = ProfileDraft {
            name: name.to_string(),
            base_url: "https://gateway.example.com".into(),
            network: Network {
                proxy: Some(proxy.clone()),
                ca_file: None,
            },
            ..Default::default()
        };
        profile_form::save(&state, None, &draft, Some(KEY), false).unwrap();
        offices.push(state.profiles().unwrap().active().unwrap().clone());
    }
    let profile = save_keyed_profile(&state, "Leaky", sim.base_url());

    let store = JobStore::open(&dirs).unwrap();
    let for_jobs = Arc::clone(&state);
    let client_for: ClientFor = Arc::new(move |id| for_jobs.client_for_id(id));
    let events: EventSink = Arc::new(|_| {});
    let options = JobsOptions::new(root.path().join("Videos"));
    let jobs = Jobs::start(store.clone(), client_for, events, options).unwrap();
    let faults = [
        Fault::Unauthorized, // echoes the key back
        Fault::HtmlBadGateway,
        Fault::MalformedJson,
        Fault::PlainText {
            status: 400,
            text: format!("bad request for token {KEY}"),
        },
    ];
    for fault in &faults {
        sim.inject(Route::Submit, fault.clone());
        let row = jobs.submit(&profile.id, request(), None).await.unwrap();
        assert!(row.error_code.is_some(), "{row:?}");
    }
    assert_eq!(sim.submit_count(), faults.len());
    for office in &offices {
        let row = jobs.submit(&office.id, request(), None).await.unwrap();
        assert_eq!(row.error_code.as_deref(), Some("gateway_unreachable"));
        let said = row.error_text().unwrap_or_default();
        assert!(
            said.contains("through the proxy http://me:***@127.0.0.1:"),
            "{said}"
        );
    }
    let views = serde_json::to_string(&profile_form::views(&state).unwrap()).unwrap();
    assert_eq!(
        views.matches("http://me:***@127.0.0.1:").count(),
        2,
        "{views}"
    );
    let echoed = sim.requests_to("POST", "/v1/videos");
    assert_eq!(
        echoed[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    let path = veo_desk_core::diagnostics::export(&state, &store, None).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(KEY),
        "the key leaked into the diagnostics:\n{text}"
    );
    for expected in [
        "Veo Desk diagnostics",
        "Leaky [active]",
        "key saved",
        "proxy http://me:***@127.0.0.1:",
        "gateway_unreachable",
        "key_rejected",
        "gateway_error",
        "bad_response",
        "request_rejected",
        "not accepted",
        // The gateway's own words from each failed job's last request.
        "last request: POST ",
        "-> HTTP 502",
        "| bad request for token [your key]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    drop(jobs);
    assert_no_file_contains(root.path(), KEY);
    for password in PROXY_PASSWORDS {
        assert!(!text.contains(password), "{text}");
        assert!(!views.contains(password), "{views}");
        assert_no_file_contains(root.path(), password);
    }
    for office in offices.iter().chain([&profile]) {
        state.keys.forget(&office.id).unwrap();
    }
}

/// Proxy passwords of the diagnostics test, one typed without `http://`.
const PROXY_PASSWORDS: [&str; 2] = ["proxy-pass-771", "proxy-pass-772"];

/// Adds a gateway profile whose key, `KEY`, is saved in the real keychain; it becomes
/// the active one.
fn save_keyed_profile(state: &AppState, name: &str, base_url: &str) -> Profile {
    let mut profiles = state.profiles().unwrap();
    let draft = ProfileDraft {
        name: name.into(),
        base_url: base_url.into(),
        ..Default::default()
    };
    let profile = profiles.prepare(&draft, None).unwrap();
    let key = veo_desk_core::secret::ApiKey::new(KEY).unwrap();
    state.keys.save(&profile.id, &key, false).unwrap();
    profiles.put(profile.clone()).unwrap();
    profile
}

fn request() -> SubmitRequest {
    SubmitRequest {
        prompt: "A canary in a coal mine".into(),
        model: "veo3.1".into(),
        seconds: "4".into(),
        size: "16:9".into(),
        ..Default::default()
    }
}

fn assert_no_file_contains(dir: &Path, needle: &str) {
    let mut checked = 0;
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!found, "the key was written to {}", entry.display());
        checked += 1;
    }
    assert!(
        checked > 0,
        "the app wrote no files at all, so nothing was checked"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
