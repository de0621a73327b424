//! Reaching a gateway the way offices and self-hosters do: through a proxy (set in the
//! profile or in the environment) and over https with a certificate from the
//! gateway's own authority. A real CONNECT proxy and a real TLS simulator.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use veo_desk_core::gateway::{GatewayClient, GatewayError, Network, SubmitRequest, VideoJob};
use veo_desk_core::keychain::OsKeychain;
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profile_form;
use veo_desk_core::profiles::ProfileDraft;
use veo_desk_core::simulator::{Dialect, Fault, Route, Simulator};
use veo_desk_core::state::AppState;

const KEY: &str = "sk-network-test-5150";
const PROXY_PASSWORD: &str = "proxy-pw-8675309";
/// Proxy passwords of these tests live in the real keychain, apart from the app's.
const TEST_SERVICE: &str = "com.veodesk.desktop.tests.network";

/// Clients read proxy variables when they are built; tests that change them or
/// build clients take turns.
static ENV: Mutex<()> = Mutex::new(());

fn client(base: &str, network: &Network) -> Result<GatewayClient, GatewayError> {
    let _turn = ENV.lock().unwrap_or_else(|p| p.into_inner());
    GatewayClient::with_network(base, KEY, common::fast(), network)
}

/// A certificate authority of our own and a gateway certificate for 127.0.0.1 it signed.
struct OwnCa {
    pem_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

fn own_ca(dir: &Path, name: &str) -> OwnCa {
    own_ca_for(dir, name, &["127.0.0.1"])
}

/// The same, with a gateway certificate for each of `hosts`.
fn own_ca_for(dir: &Path, name: &str, hosts: &[&str]) -> OwnCa {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("{name} CA"));
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>())
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let pem_file = dir.join(format!("{name}.pem"));
    std::fs::write(&pem_file, ca.pem()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    OwnCa {
        pem_file,
        server: Arc::new(server),
    }
}

/// A gateway serving https with a certificate from its own authority `name`.
async fn https_gateway(dir: &Path, name: &str, dialect: Dialect) -> (OwnCa, Simulator) {
    let ca = own_ca(dir, name);
    let sim = Simulator::start_tls(dialect, ca.server.clone())
        .await
        .unwrap();
    (ca, sim)
}

fn with_ca(ca: &OwnCa) -> Network {
    Network {
        ca_file: Some(ca.pem_file.display().to_string()),
        ..Default::default()
    }
}

fn request() -> SubmitRequest {
    SubmitRequest {
        prompt: "A lighthouse behind a firewall".into(),
        model: "veo3.1".into(),
        seconds: "4".into(),
        size: "16:9".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_gateway_with_its_own_authority_works_once_its_ca_file_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, sim) = https_gateway(dir.path(), "office", Dialect::OpenAi).await;
    assert!(sim.base_url().starts_with("https://"));

    let untrusted = client(sim.base_url(), &Network::default()).unwrap();
    let e = untrusted.check_connection().await.unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
    assert!(e.message().contains("certificate"), "{}", e.message());
    assert!(e.message().contains("CA file"), "{}", e.message());

    let trusted = client(sim.base_url(), &with_ca(&ca)).unwrap();
    trusted.check_connection().await.unwrap();
    let job = trusted.submit(&request()).await.unwrap();
    assert_eq!(sim.submit_count(), 1);
    assert!(!job.id.is_empty());
}

#[tokio::test]
async fn another_authoritys_file_or_a_non_certificate_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (_gateway_ca, sim) = https_gateway(dir.path(), "gateway", Dialect::NewApi).await;
    let other_ca = own_ca(dir.path(), "other");

    let wrong = client(sim.base_url(), &with_ca(&other_ca)).unwrap();
    let e = wrong.check_connection().await.unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
    assert!(e.message().contains("certificate"), "{}", e.message());

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a certificate").unwrap();
    let bad = Network {
        ca_file: Some(notes.display().to_string()),
        ..Default::default()
    };
    let e = client(sim.base_url(), &bad).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(
        e.message().contains("not a certificate file"),
        "{}",
        e.message()
    );
    assert_eq!(sim.requests().len(), 0, "nothing reached the gateway");
}

#[tokio::test]
async fn the_profile_proxy_carries_the_requests_and_never_sees_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, sim) = https_gateway(dir.path(), "proxied", Dialect::OpenAi).await;
    let proxy = ConnectProxy::start().await;
    let network = Network {
        proxy: Some(proxy.url()),
        ..with_ca(&ca)
    };
    let c = client(sim.base_url(), &network).unwrap();
    c.check_connection().await.unwrap();
    c.submit(&request()).await.unwrap();

    let authority = sim.base_url().trim_start_matches("https://").to_string();
    let seen = proxy.seen();
    assert!(
        !seen.tunnels.is_empty() && seen.tunnels.iter().all(|t| *t == authority),
        "{:?}",
        seen.tunnels
    );
    assert_eq!(sim.submit_count(), 1);
    assert!(
        !seen.heads.contains(KEY),
        "the proxy must only see the tunnel"
    );
}

#[tokio::test]
async fn https_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, sim) = https_gateway(dir.path(), "env", Dialect::OpenAi).await;
    let proxy = ConnectProxy::start().await;

    let (via_env, bypassed) = {
        let _turn = ENV.lock().unwrap_or_else(|p| p.into_inner());
        std::env::set_var("HTTPS_PROXY", proxy.url());
        let via_env =
            GatewayClient::with_network(sim.base_url(), KEY, common::fast(), &with_ca(&ca));
        std::env::set_var("NO_PROXY", "127.0.0.1");
        let bypassed =
            GatewayClient::with_network(sim.base_url(), KEY, common::fast(), &with_ca(&ca));
        std::env::remove_var("HTTPS_PROXY");
        std::env::remove_var("NO_PROXY");
        (via_env.unwrap(), bypassed.unwrap())
    };

    via_env.check_connection().await.unwrap();
    assert_eq!(proxy.seen().tunnels.len(), 1, "HTTPS_PROXY was honoured");
    bypassed.check_connection().await.unwrap();
    assert_eq!(proxy.seen().tunnels.len(), 1, "NO_PROXY was honoured");
    assert_eq!(sim.requests().len(), 2);
}

#[tokio::test]
async fn a_proxy_that_is_not_there_is_named_and_nothing_is_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let sim = Simulator::start(Dialect::OpenAi).await.unwrap();
    let network = Network {
        proxy: Some(format!("http://127.0.0.1:{port}")),
        ..Default::default()
    };
    let c = client(sim.base_url(), &network).unwrap();
    let e = c.submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
    assert!(e.message().contains("proxy"), "{}", e.message());
    assert!(
        e.message().contains(&format!("127.0.0.1:{port}")),
        "{}",
        e.message()
    );
    assert_eq!(sim.submit_count(), 0);
}

/// The app's core on its own folders with the real keychain (scripts/test provides it).
fn app(root: &Path) -> AppState {
    let keychain = OsKeychain::with_service(TEST_SERVICE);
    AppState::open(AppDirs::under(root), Box::new(keychain)).unwrap()
}

fn profiles_file(root: &Path) -> String {
    std::fs::read_to_string(AppDirs::under(root).config.join("profiles.json")).unwrap()
}

/// Earlier versions kept the password in profiles.json, typed with or without `http://`.
#[tokio::test]
async fn a_proxy_password_in_the_gateway_file_moves_to_the_keychain_and_still_opens_the_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, sim) = https_gateway(dir.path(), "moved", Dialect::OpenAi).await;
    let proxy = ConnectProxy::requiring("me", PROXY_PASSWORD).await;
    let address = format!("me:{PROXY_PASSWORD}@{}", proxy.addr);
    for typed in [address.clone(), format!("http://{address}")] {
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        std::fs::create_dir_all(&dirs.config).unwrap();
        let old = serde_json::json!({
            "active": "p1",
            "profiles": [{
                "id": "p1", "name": "Office", "base_url": sim.base_url(),
                "default_model": "veo3.1", "proxy": typed,
                "caFile": ca.pem_file.display().to_string(),
            }],
        });
        std::fs::write(dirs.config.join("profiles.json"), old.to_string()).unwrap();

        let state = app(root.path());
        let file = profiles_file(root.path());
        assert!(!file.contains(PROXY_PASSWORD), "{typed}: {file}");
        assert!(
            file.contains(&format!("http://me@{}", proxy.addr)),
            "{file}"
        );
        let moved = state.keys.proxy_password("p1").unwrap();
        assert_eq!(moved.as_ref().map(|p| p.expose()), Some(PROXY_PASSWORD));

        let key = veo_desk_core::secret::ApiKey::new(KEY).unwrap();
        state.keys.save("p1", &key, true).unwrap();
        let client = {
            let _turn = ENV.lock().unwrap_or_else(|p| p.into_inner());
            state.client_for_id("p1").unwrap()
        };
        client.check_connection().await.unwrap();
        state.keys.forget("p1").unwrap();
    }
    let seen = proxy.seen();
    assert_eq!(seen.tunnels.len(), 2, "the proxy let both through");
    assert_eq!(seen.refused, 0);
}

/// The form shows a saved proxy password as `***` and sends that back: Test connection
/// then uses the saved password for the same proxy, and never sends the stars.
#[tokio::test]
async fn test_connection_uses_the_saved_proxy_password_where_the_form_shows_stars() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, sim) = https_gateway(dir.path(), "stars", Dialect::OpenAi).await;
    let proxy = ConnectProxy::requiring("me", PROXY_PASSWORD).await;
    let root = tempfile::tempdir().unwrap();
    let state = app(root.path());
    let draft = |proxy: String| ProfileDraft {
        name: "Office".into(),
        base_url: sim.base_url().into(),
        network: Network {
            proxy: Some(proxy),
            ..with_ca(&ca)
        },
        ..Default::default()
    };
    let typed = draft(format!("me:{PROXY_PASSWORD}@{}", proxy.addr));
    profile_form::save(&state, None, &typed, Some(KEY), false).unwrap();
    assert!(!profiles_file(root.path()).contains(PROXY_PASSWORD));
    let view = profile_form::views(&state).unwrap().remove(0);
    let shown = view.proxy.clone().unwrap();
    assert_eq!(shown, format!("http://me:***@{}/", proxy.addr));

    let test = |form: ProfileDraft| {
        let _turn = ENV.lock().unwrap_or_else(|p| p.into_inner());
        profile_form::connection_client(&state, Some(&view.id), &form, None)
    };
    let client = test(draft(shown)).unwrap();
    client.check_connection().await.unwrap();
    let seen = proxy.seen();
    assert_eq!(
        (seen.tunnels.len(), seen.refused),
        (1, 0),
        "the saved password opened it"
    );
    assert!(
        !seen.heads.contains(&base64_of("me:***")),
        "the stars were sent"
    );

    // Stars for another proxy are not its password: nothing is sent there.
    let other = ConnectProxy::requiring("me", PROXY_PASSWORD).await;
    let e = test(draft(format!("http://me:***@{}", other.addr))).unwrap_err();
    assert!(
        e.to_string().contains("Type the proxy password again"),
        "{e}"
    );
    assert!(other.seen().heads.is_empty());
    state.keys.forget(&view.id).unwrap();
}

#[tokio::test]
async fn a_typed_proxy_is_checked_when_the_profile_is_saved() {
    let typed = Network {
        proxy: Some("socks5://127.0.0.1:1080".into()),
        ..Default::default()
    };
    let e = typed.validated().unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message().contains("SOCKS"), "{}", e.message());
}

/// A gateway on the internet, as far as the client can tell: `https://gateway.example`,
/// reached through a proxy that takes `gateway.example` and `cdn.example` to the
/// simulator. Its links still point at the simulator's own 127.0.0.1 address.
struct PublicGateway {
    sim: Simulator,
    proxy: ConnectProxy,
    client: GatewayClient,
    _dir: tempfile::TempDir,
}

async fn public_gateway() -> PublicGateway {
    let dir = tempfile::tempdir().unwrap();
    let names = ["gateway.example", "cdn.example", "127.0.0.1"];
    let ca = own_ca_for(dir.path(), "public", &names);
    let sim = Simulator::start_tls(Dialect::Reseller, ca.server.clone())
        .await
        .unwrap();
    sim.set_job_duration(std::time::Duration::from_millis(100));
    sim.also_answer_host("gateway.example");
    sim.also_answer_host("cdn.example");
    let at = sim.base_url().trim_start_matches("https://").to_string();
    let proxy = ConnectProxy::start_mapping(vec![
        ("gateway.example:443".into(), at.clone()),
        ("cdn.example:443".into(), at),
    ])
    .await;
    let network = Network {
        proxy: Some(proxy.url()),
        ..with_ca(&ca)
    };
    let client = client("https://gateway.example", &network).unwrap();
    PublicGateway {
        sim,
        proxy,
        client,
        _dir: dir,
    }
}

fn file_requests(sim: &Simulator) -> Vec<veo_desk_core::simulator::RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/files/"))
        .collect()
}

#[tokio::test]
async fn a_gateway_on_the_internet_linking_to_this_computer_is_refused_and_nothing_is_fetched() {
    let gw = public_gateway().await;
    let job = gw.client.submit(&request()).await.unwrap();
    let done = gw.client.wait_until_done(&job.id, |_| {}).await.unwrap();
    let link = done.result_url.clone().unwrap();
    assert!(link.starts_with("https://127.0.0.1:"), "{link}");

    let dir = tempfile::tempdir().unwrap();
    let e = gw
        .client
        .download(&done, &dir.path().join("v.mp4"), |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), "local_link_refused");
    assert!(
        e.message().contains("127.0.0.1") && e.message().contains("local network"),
        "{}",
        e.message()
    );
    assert!(file_requests(&gw.sim).is_empty(), "the link was not opened");
    let tunnels = gw.proxy.seen().tunnels;
    assert!(
        tunnels.iter().all(|t| t == "gateway.example:443"),
        "{tunnels:?}"
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[tokio::test]
async fn a_result_link_redirecting_into_this_computer_is_not_followed() {
    let gw = public_gateway().await;
    let job = gw.client.submit(&request()).await.unwrap();
    gw.client.wait_until_done(&job.id, |_| {}).await.unwrap();
    // The same job with its link on a CDN on the internet, which redirects to 127.0.0.1.
    let file = format!("files/{}.mp4", job.id);
    let on_cdn = serde_json::json!({
        "task_id": job.id,
        "status": "SUCCESS",
        "video_url": format!("https://cdn.example/{file}"),
    });
    let done = VideoJob::from_value(&on_cdn).unwrap();
    gw.sim.inject(
        Route::File,
        Fault::Redirect {
            status: 302,
            location: format!("{}/{file}", gw.sim.base_url()),
        },
    );

    let dir = tempfile::tempdir().unwrap();
    let e = gw
        .client
        .download(&done, &dir.path().join("v.mp4"), |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), "local_link_refused");
    assert!(e.message().contains("redirected"), "{}", e.message());
    let files = file_requests(&gw.sim);
    assert_eq!(files.len(), 1, "only the CDN's link was asked for");
    assert_eq!(files[0].header("host"), Some("cdn.example"));
    let tunnels = gw.proxy.seen().tunnels;
    assert!(
        tunnels.iter().all(|t| t.ends_with(".example:443")),
        "{tunnels:?}"
    );
}

/// What the proxy saw: the CONNECT targets and every byte before each tunnel opened.
#[derive(Default, Clone)]
struct Seen {
    tunnels: Vec<String>,
    heads: String,
    /// Requests turned away for lack of the right user and password.
    refused: usize,
}

fn base64_of(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A minimal HTTP CONNECT proxy, as offices run them, with or without Basic auth.
struct ConnectProxy {
    addr: std::net::SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

/// CONNECT targets the proxy sends elsewhere, like a DNS name resolving to a server.
type Hosts = Arc<Vec<(String, String)>>;

impl ConnectProxy {
    async fn start() -> ConnectProxy {
        Self::serve(None, Vec::new()).await
    }

    /// A proxy that lets only `user` with `password` through.
    async fn requiring(user: &str, password: &str) -> ConnectProxy {
        let auth = format!("Basic {}", base64_of(&format!("{user}:{password}")));
        Self::serve(Some(auth), Vec::new()).await
    }

    /// A proxy that takes each `(name:port, to)` target to `to`.
    async fn start_mapping(hosts: Vec<(String, String)>) -> ConnectProxy {
        Self::serve(None, hosts).await
    }

    async fn serve(auth: Option<String>, hosts: Vec<(String, String)>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let record = seen.clone();
        let hosts: Hosts = Arc::new(hosts);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(tunnel(client, record.clone(), auth.clone(), hosts.clone()));
            }
        });
        ConnectProxy { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

async fn tunnel(mut client: TcpStream, seen: Arc<Mutex<Seen>>, auth: Option<String>, hosts: Hosts) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let authorised = auth.is_none_or(|wanted| {
        head.lines().any(|line| {
            line.split_once(':').is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case("proxy-authorization") && value.trim() == wanted
            })
        })
    });
    seen.lock().unwrap().heads.push_str(&head);
    if !authorised {
        seen.lock().unwrap().refused += 1;
        let _ = client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm=\"office\"\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let target = head
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string);
    {
        let mut seen = seen.lock().unwrap();
        if let Some(t) = &target {
            seen.tunnels.push(t.clone());
        }
    }
    let Some(target) = target else {
        let _ = client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    let to = hosts
        .iter()
        .find(|(name, _)| *name == target)
        .map_or(target.as_str(), |(_, to)| to.as_str());
    let Ok(mut upstream) = TcpStream::connect(to).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_ok()
    {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
    }
}
