//! The OS keychain for real: a gnome-keyring on a private session bus (scripts/test
//! provides it). The failure paths run this test binary again as a child process
//! with a broken environment, because the keychain reads its bus from the environment.

use std::process::Command;

use veo_desk_core::keychain::{KeyStore, Keys, OsKeychain, KEY_ENV};
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profiles::ProfileDraft;
use veo_desk_core::secret::{ApiKey, Secret};
use veo_desk_core::state::AppState;

const TEST_SERVICE: &str = "com.veodesk.desktop.tests";

fn key(text: &str) -> ApiKey {
    ApiKey::new(text).unwrap()
}

fn secret(text: &str) -> Secret {
    Secret::new(text)
}

#[test]
fn a_saved_key_is_read_back_replaced_and_deleted() {
    let store = OsKeychain::with_service(TEST_SERVICE);
    let account = format!("profile-{}", std::process::id());

    store
        .save(&account, &secret("sk-first-key-1111"))
        .expect("save");
    assert_eq!(
        store.load(&account).unwrap(),
        Some(secret("sk-first-key-1111"))
    );

    store
        .save(&account, &secret("sk-second-key-2222"))
        .expect("replace");
    assert_eq!(
        store.load(&account).unwrap(),
        Some(secret("sk-second-key-2222"))
    );

    store.delete(&account).expect("delete");
    assert_eq!(store.load(&account).unwrap(), None);
}

#[test]
fn keys_of_different_profiles_stay_apart() {
    let store = OsKeychain::with_service(TEST_SERVICE);
    let a = format!("a-{}", std::process::id());
    let b = format!("b-{}", std::process::id());
    store.save(&a, &secret("sk-aaaa")).unwrap();
    store.save(&b, &secret("sk-bbbb")).unwrap();
    store.delete(&a).unwrap();
    assert_eq!(store.load(&a).unwrap(), None);
    assert_eq!(store.load(&b).unwrap(), Some(secret("sk-bbbb")));
    store.delete(&b).unwrap();
}

/// `VEO_DESK_API_KEY` is for the command line's `--base-url`: the app, and the poller
/// following its jobs, use each saved gateway's own key, or none.
#[test]
fn the_app_never_sends_the_key_from_the_environment_to_a_saved_gateway() {
    let env_key = "sk-meant-for-another-gateway-0042";
    std::env::set_var(KEY_ENV, env_key);
    let root = tempfile::tempdir().unwrap();
    let keychain = OsKeychain::with_service(TEST_SERVICE);
    let state = AppState::open(AppDirs::under(root.path()), Box::new(keychain)).unwrap();
    let draft = |name: &str, url: &str| ProfileDraft {
        name: name.into(),
        base_url: url.into(),
        ..ProfileDraft::default()
    };
    let keyless = state
        .profiles()
        .unwrap()
        .add(&draft("No key", "https://b.example.com"))
        .unwrap();
    let keyed = state
        .profiles()
        .unwrap()
        .add(&draft("Own key", "https://c.example.com"))
        .unwrap();
    state
        .keys
        .save(&keyed.id, &key("sk-own-key-of-c-7777"), false)
        .unwrap();

    assert_eq!(state.keys.get(&keyless.id).unwrap(), None);
    assert!(!state.keys.status(&keyless.id).saved);
    let e = state.client_for_id(&keyless.id).unwrap_err();
    assert!(e.to_string().contains("No API key is saved"), "{e}");
    let (own, _) = state.keys.get(&keyed.id).unwrap().unwrap();
    assert_eq!(own.expose(), "sk-own-key-of-c-7777");
    let client = format!("{:?}", state.client_for_id(&keyed.id).unwrap());
    assert!(
        client.contains("7777") && !client.contains("0042"),
        "{client}"
    );
    state.keys.forget(&keyed.id).unwrap();
    std::env::remove_var(KEY_ENV);
}

/// An earlier version saved whatever was pasted; a key that cannot travel in a header
/// asks to be pasted again instead of failing every request.
#[test]
fn a_saved_key_with_an_invisible_character_asks_to_be_pasted_again() {
    let account = format!("legacy-{}", std::process::id());
    keyring::Entry::new(TEST_SERVICE, &account)
        .unwrap()
        .set_password("sk-legacy\u{200B}key-8888")
        .unwrap();
    let keys = Keys::new(Box::new(OsKeychain::with_service(TEST_SERVICE)));
    let e = keys.get(&account).unwrap_err();
    assert_eq!(e.code(), "keychain_unreadable");
    assert!(e.to_string().contains("Paste the key again"), "{e}");
    keys.forget(&account).unwrap();
}

#[test]
fn without_a_session_bus_the_user_is_told_plainly() {
    let out = run_probe(&[("DBUS_SESSION_BUS_ADDRESS", None), ("DISPLAY", None)]);
    assert!(out.contains("code=keychain_unavailable"), "{out}");
    assert!(
        out.contains("No keychain is available on this computer"),
        "{out}"
    );
}

#[test]
fn a_bus_without_a_secret_service_reads_as_no_keychain() {
    let bus = PrivateBus::start(BARE_BUS);
    let out = run_probe(&[("DBUS_SESSION_BUS_ADDRESS", Some(&bus.address))]);
    assert!(out.contains("code=keychain_unavailable"), "{out}");
}

fn apply_env(cmd: &mut Command, env: &[(&str, Option<&str>)]) {
    for (name, value) in env {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
}

/// Runs `probe_child` in a child process with a changed environment and returns
/// what it printed.
fn run_probe(env: &[(&str, Option<&str>)]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", "probe_child", "--nocapture"]);
    apply_env(&mut cmd, env);
    let out = cmd.output().expect("child test run");
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Not a test on its own: the child side of the failure-path tests above.
#[test]
#[ignore]
fn probe_child() {
    let store = OsKeychain::with_service(TEST_SERVICE);
    match store.save("probe", &secret("sk-probe-secret")) {
        Ok(()) => {
            let _ = store.delete("probe");
            println!("saved");
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains("sk-probe-secret"));
            println!("code={} message={message}", e.code());
        }
    }
}

/// A bus with nothing on it and nothing it can start.
const BARE_BUS: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>"#;

/// A private dbus-daemon, killed on drop.
struct PrivateBus {
    child: std::process::Child,
    address: String,
    _config: tempfile::NamedTempFile,
}

impl PrivateBus {
    fn start(config_xml: &str) -> PrivateBus {
        use std::io::{BufRead, BufReader, Write};
        let mut config = tempfile::NamedTempFile::new().unwrap();
        config.write_all(config_xml.as_bytes()).unwrap();
        let config_arg = format!("--config-file={}", config.path().display());
        let mut child = Command::new("dbus-daemon")
            .args([config_arg.as_str(), "--nofork", "--print-address"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon (package dbus)");
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        PrivateBus {
            child,
            address: address.trim().to_string(),
            _config: config,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
