//! The real LiteLLM proxy (PyPI `litellm`, 1.110.2) between Veo Desk and a local fake of
//! Google's Gemini API, with two `gemini/veo-3.1-generate-preview` deployments named
//! `veo3.1` and `veo3.1-pro`. The tests check what Veo was asked: the user's aspect,
//! length, resolution and picture, for every combination, in the app and in the CLI.
//!
//! `scripts/test` installs LiteLLM into `target/litellm-venv` and sets
//! `VEO_DESK_REQUIRE_LITELLM=1`, so a missing proxy fails there. A plain `cargo test`
//! without the venv skips these tests with a note.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use veo_desk_core::gateway::Catalog;
use veo_desk_core::jobs::request::{self, ImageChoice, JobInput};
use veo_desk_core::keychain::SessionKeys;
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profiles::ProfileDraft;
use veo_desk_core::secret::ApiKey;
use veo_desk_core::simulator::{clip, Shape, Simulator, VeoRequest};
use veo_desk_core::state::AppState;

/// The repository's root: these tests belong to the CLI package (src-tauri/cli).
const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const MASTER_KEY: &str = "sk-litellm-master-7d1c";
const MODELS: [&str; 2] = ["veo3.1", "veo3.1-pro"];

/// The Google key each deployment sends, so the fake can tell them apart.
fn google_key(model: &str) -> String {
    format!("google-key-{model}")
}

/// A running LiteLLM proxy; killed when dropped.
struct Proxy {
    child: tokio::process::Child,
    base_url: String,
    dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Proxy {
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("litellm.log")).unwrap_or_default()
    }
}

fn venv() -> PathBuf {
    std::env::var_os("VEO_DESK_LITELLM_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(REPOSITORY).join("target/litellm-venv"))
}

/// The proxy's config: both model names on the fake, the master key in the file, no
/// database, nothing that reaches outside this machine.
fn config(gemini: &Simulator) -> String {
    let deployments: String = MODELS
        .iter()
        .map(|model| {
            format!(
                "  - model_name: {model}\n    litellm_params:\n      model: gemini/veo-3.1-generate-preview\n      api_base: {}\n      api_key: {}\n",
                gemini.base_url(),
                google_key(model)
            )
        })
        .collect();
    format!(
        "model_list:\n{deployments}general_settings:\n  master_key: {MASTER_KEY}\nlitellm_settings:\n  drop_params: false\n"
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the proxy in front of `gemini`, or `None` (with a note) when LiteLLM is not
/// installed and not required.
async fn start_proxy(gemini: &Simulator) -> Option<Proxy> {
    let litellm = venv().join("bin/litellm");
    if !litellm.exists() {
        let required = std::env::var_os("VEO_DESK_REQUIRE_LITELLM").is_some();
        assert!(
            !required,
            "LiteLLM is required here but {} is missing (scripts/test installs it)",
            litellm.display()
        );
        eprintln!(
            "note: skipped, LiteLLM is not installed at {} (bash scripts/test installs it)",
            litellm.display()
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.yaml");
    std::fs::write(&config_path, config(gemini)).unwrap();
    let log = std::fs::File::create(dir.path().join("litellm.log")).unwrap();
    let port = free_port();
    let child = tokio::process::Command::new(&litellm)
        .arg("--config")
        .arg(&config_path)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env_remove("DATABASE_URL")
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("litellm starts");
    let mut proxy = Proxy {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
        dir,
    };
    wait_until_ready(&mut proxy).await;
    Some(proxy)
}

/// Asks the proxy's liveness route until it answers (bounded; it takes ~10 s).
async fn wait_until_ready(proxy: &mut Proxy) {
    let port = proxy.base_url.rsplit(':').next().unwrap().to_string();
    for _ in 0..480 {
        if let Ok(Some(status)) = proxy.child.try_wait() {
            panic!("litellm exited ({status}):\n{}", proxy.log());
        }
        if is_alive(&port).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("litellm did not come up:\n{}", proxy.log());
}

/// `GET /health/liveliness` answered 200, over a plain socket.
async fn is_alive(port: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await else {
        return false;
    };
    let ask = b"GET /health/liveliness HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut answer = Vec::new();
    if stream.write_all(ask).await.is_err() || stream.read_to_end(&mut answer).await.is_err() {
        return false;
    }
    answer.starts_with(b"HTTP/1.1 200") || answer.starts_with(b"HTTP/1.0 200")
}

async fn fake_gemini() -> Simulator {
    let gemini = Simulator::start_gemini().await.unwrap();
    gemini.set_job_duration(Duration::from_millis(500));
    gemini
}

/// The app's own state with the proxy saved as a gateway (automatic request style).
fn app_with_gateway(root: &Path, base_url: &str) -> (AppState, String) {
    let state = AppState::open(AppDirs::under(root), Box::new(SessionKeys::default())).unwrap();
    let draft = ProfileDraft {
        name: "LiteLLM".into(),
        base_url: base_url.into(),
        ..Default::default()
    };
    let profile = state.profiles().unwrap().add(&draft).unwrap();
    let key = ApiKey::new(MASTER_KEY).unwrap();
    state.keys.save(&profile.id, &key, true).unwrap();
    (state, profile.id)
}

/// One thing a user can ask for.
#[derive(Debug, Clone)]
struct Combination {
    model: &'static str,
    seconds: u32,
    size: &'static str,
    resolution: Option<&'static str>,
}

impl Combination {
    fn prompt(&self) -> String {
        format!(
            "A lighthouse at dusk ({} {}s {} {})",
            self.model,
            self.seconds,
            self.size,
            self.resolution.unwrap_or("default")
        )
    }

    fn input(&self) -> JobInput {
        JobInput {
            prompt: self.prompt(),
            model: self.model.into(),
            seconds: self.seconds.to_string(),
            size: self.size.into(),
            resolution: self.resolution.map(str::to_string),
            ..Default::default()
        }
    }

    /// What Veo must be asked. LiteLLM and new-api name 720p for a 720p pixel size.
    fn expected_resolution(&self) -> &'static str {
        self.resolution.unwrap_or("720p")
    }
}

/// Every model × 4/6/8 s × 16:9/9:16, and 1080p at 8 s.
fn every_combination() -> Vec<Combination> {
    let mut all = Vec::new();
    for model in MODELS {
        for seconds in [4, 6, 8] {
            for size in ["16:9", "9:16"] {
                all.push(Combination {
                    model,
                    seconds,
                    size,
                    resolution: None,
                });
            }
        }
        for size in ["16:9", "9:16"] {
            all.push(Combination {
                model,
                seconds: 8,
                size,
                resolution: Some("1080p"),
            });
        }
    }
    all
}

fn asked_for<'a>(veo: &'a [VeoRequest], prompt: &str) -> &'a VeoRequest {
    veo.iter()
        .find(|r| r.prompt() == Some(prompt))
        .unwrap_or_else(|| panic!("Veo was never asked for {prompt:?}; it got {veo:#?}"))
}

/// Checks what Veo got and prints one row of the table of what upstream received.
fn assert_reached_veo(asked: &VeoRequest, c: &Combination, sent_size: &str) {
    let got = |name: &str| asked.parameter(name).cloned().unwrap_or(Value::Null);
    println!(
        "| {} | {} s | {} | {} | size={} | aspectRatio={} durationSeconds={} resolution={} |",
        c.model,
        c.seconds,
        c.size,
        c.resolution.unwrap_or("-"),
        sent_size,
        got("aspectRatio"),
        got("durationSeconds"),
        got("resolution"),
    );
    assert_eq!(got("aspectRatio"), json!(c.size), "{c:?}: {:#}", asked.body);
    assert_eq!(
        got("durationSeconds"),
        json!(c.seconds),
        "{c:?}: {:#}",
        asked.body
    );
    assert_eq!(got("resolution"), json!(c.expected_resolution()), "{c:?}");
    assert_eq!(
        asked.api_key,
        Some(google_key(c.model)),
        "{c:?} went to its deployment"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_litellm_every_model_length_aspect_and_resolution_reaches_veo_as_asked() {
    let gemini = fake_gemini().await;
    let Some(proxy) = start_proxy(&gemini).await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let (state, profile_id) = app_with_gateway(root.path(), &proxy.base_url);
    let state = Arc::new(state);
    let cache = root.path().join("thumbs");
    let make = |combination: Combination, n: usize| {
        let (state, profile_id, cache) = (Arc::clone(&state), profile_id.clone(), cache.clone());
        let dest = root.path().join(format!("video-{n}.mp4"));
        tokio::spawn(async move {
            let prepared = request::prepare(combination.input(), &Catalog::builtin(), &cache)
                .expect("the form accepts it");
            let client = state.client_for_id(&profile_id).unwrap();
            let job = client
                .submit(&prepared.request)
                .await
                .expect("LiteLLM accepts it");
            let done = client
                .wait_until_done(&job.id, |_| {})
                .await
                .expect("the job completes");
            client
                .download(&done, &dest, |_| {})
                .await
                .expect("the video downloads");
            (combination, std::fs::read(&dest).unwrap())
        })
    };
    // The first video learns the gateway's style; the others use it without asking.
    let mut all = every_combination().into_iter();
    let first = make(all.next().unwrap(), 0).await.unwrap();
    let mut jobs = vec![tokio::spawn(async move { first })];
    jobs.extend(all.enumerate().map(|(n, c)| make(c, n + 1)));
    let mut finished = Vec::new();
    for job in jobs {
        finished.push(job.await.unwrap());
    }
    let learned = learned_style(&state, &profile_id);
    let veo = gemini.veo_requests();
    println!("| model | length | aspect | resolution | Veo Desk sent | Veo was asked |");
    for (combination, bytes) in finished {
        let made = clip(
            Shape::of_size(combination.size),
            &combination.seconds.to_string(),
        );
        assert_eq!(
            bytes, made,
            "{combination:?}: the saved MP4 is byte-identical"
        );
        let asked = asked_for(&veo, &combination.prompt());
        let size = match (combination.size, combination.resolution) {
            ("16:9", None) => "1280x720",
            ("9:16", None) => "720x1280",
            ("16:9", Some(_)) => "1920x1080",
            _ => "1080x1920",
        };
        assert_reached_veo(asked, &combination, size);
    }
    assert_eq!(
        veo.len(),
        every_combination().len(),
        "one Veo request per video"
    );
    assert!(
        learned.contains("LiteLLM 1.110.2"),
        "the profile keeps what it learned: {learned}"
    );
}

/// What the automatic choice learned, as the profile keeps it.
fn learned_style(state: &AppState, profile_id: &str) -> String {
    let profiles = state.profiles().unwrap();
    format!("{:?}", profiles.get(profile_id).unwrap().detected_style)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_litellm_the_reference_image_is_veos_first_frame() {
    let gemini = fake_gemini().await;
    let Some(proxy) = start_proxy(&gemini).await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let picture = root.path().join("start.png");
    image::RgbImage::from_fn(640, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(&picture)
    .unwrap();
    let (state, profile_id) = app_with_gateway(root.path(), &proxy.base_url);
    let input = JobInput {
        image: Some(ImageChoice {
            path: picture,
            ..Default::default()
        }),
        ..Combination {
            model: "veo3.1",
            seconds: 4,
            size: "9:16",
            resolution: None,
        }
        .input()
    };
    let prepared =
        request::prepare(input, &Catalog::builtin(), &root.path().join("thumbs")).unwrap();
    let client = state.client_for_id(&profile_id).unwrap();
    let job = client.submit(&prepared.request).await.unwrap();
    client.wait_until_done(&job.id, |_| {}).await.unwrap();

    let veo = gemini.veo_requests();
    let sent = prepared.request.input_reference.unwrap();
    let (mime, bytes) = veo[0].image().expect("instances[0].image");
    assert_eq!(
        bytes, sent.bytes,
        "the picture reaches Veo as it was prepared"
    );
    assert_eq!(mime, sent.mime);
    assert_eq!(veo[0].parameter("aspectRatio"), Some(&json!("9:16")));
    assert_eq!(veo[0].parameter("durationSeconds"), Some(&json!(4)));
}

/// The real CLI binary, as a user runs it against the proxy: its own HOME, the key in
/// VEO_DESK_API_KEY.
async fn cli(home: &Path, args: &[&str]) -> std::process::Output {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_veo-desk-cli"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("VEO_DESK_API_KEY", MASTER_KEY)
        .args(args)
        .output();
    tokio::time::timeout(Duration::from_secs(300), output)
        .await
        .expect("the CLI finishes")
        .expect("the CLI runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_litellm_the_cli_makes_every_combination_as_asked() {
    let gemini = fake_gemini().await;
    let Some(proxy) = start_proxy(&gemini).await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("clips");
    let lines: Vec<String> = std::iter::once("prompt,model,seconds,size,resolution".to_string())
        .chain(every_combination().iter().map(|c| {
            format!(
                "{},{},{},{},{}",
                c.prompt(),
                c.model,
                c.seconds,
                c.size,
                c.resolution.unwrap_or("")
            )
        }))
        .collect();
    let batch = home.path().join("all.csv");
    std::fs::write(&batch, lines.join("\n")).unwrap();
    // One submit first: it is the CLI's first contact with this gateway.
    let first = cli(
        home.path(),
        &[
            "--base-url",
            &proxy.base_url,
            "submit",
            "--model",
            "veo3.1-pro",
            "--prompt",
            "A heron in reeds",
            "--seconds",
            "4",
            "--size",
            "9:16",
            "--wait",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(0), "{stderr}\n{}", proxy.log());
    let result: Value = serde_json::from_slice(&first.stdout).unwrap();
    let file = PathBuf::from(result["file"].as_str().unwrap());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        clip(Shape::Portrait, "4"),
        "byte-identical MP4"
    );
    let heron = asked_for(&gemini.veo_requests(), "A heron in reeds").clone();
    assert_eq!(heron.parameter("aspectRatio"), Some(&json!("9:16")));
    assert_eq!(heron.parameter("durationSeconds"), Some(&json!(4)));

    let run = cli(
        home.path(),
        &[
            "--base-url",
            &proxy.base_url,
            "batch",
            batch.to_str().unwrap(),
            "--concurrency",
            "4",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    for line in String::from_utf8_lossy(&run.stdout).lines() {
        let result: Value = serde_json::from_str(line).unwrap();
        assert_eq!(result["status"], "downloaded", "{line}");
        let saved = std::fs::read(result["file"].as_str().unwrap()).unwrap();
        let made = clip(
            Shape::of_size(result["size"].as_str().unwrap()),
            result["seconds"].as_str().unwrap(),
        );
        assert_eq!(saved, made, "byte-identical MP4");
    }
    let veo = gemini.veo_requests();
    for combination in every_combination() {
        let size = veo_desk_core::gateway::style::wire_size(
            combination.size,
            combination.resolution,
            veo_desk_core::gateway::style::WireStyle {
                pixels: true,
                metadata: false,
            },
        );
        assert_reached_veo(asked_for(&veo, &combination.prompt()), &combination, &size);
    }
}

/// A video Veo's filter blocked, and an operation that ended in an error: through
/// LiteLLM each job ends, with the filter's reasons or the failure, instead of being
/// asked about forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_litellm_a_blocked_video_and_a_failed_operation_each_end_the_job() {
    use veo_desk_core::jobs::{ClientFor, JobStatus, JobStore, Jobs, JobsOptions};
    use veo_desk_core::simulator::Outcome;

    let gemini = fake_gemini().await;
    let Some(proxy) = start_proxy(&gemini).await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let (state, profile_id) = app_with_gateway(root.path(), &proxy.base_url);
    let state = Arc::new(state);
    let for_jobs = Arc::clone(&state);
    let client_for: ClientFor = Arc::new(move |id| for_jobs.client_for_id(id));
    let store = JobStore::open_at(&root.path().join("history.sqlite3")).unwrap();
    let options = JobsOptions::new(root.path().join("videos"));
    let jobs = Jobs::start(store, client_for, Arc::new(|_| {}), options).unwrap();
    let cache = root.path().join("thumbs");
    let submit = |prompt: &str| {
        let input = JobInput {
            prompt: prompt.into(),
            ..every_combination()[0].input()
        };
        request::prepare(input, &Catalog::builtin(), &cache)
            .unwrap()
            .request
    };

    gemini.next_outcome(Outcome::SafetyBlock(
        "Unable to generate videos of a public figure.".into(),
    ));
    let blocked = jobs
        .submit(&profile_id, submit("a famous face"), None)
        .await
        .unwrap();
    gemini.next_outcome(Outcome::Fail(
        "Internal error while generating the video.".into(),
    ));
    let failed = jobs
        .submit(&profile_id, submit("an unlucky one"), None)
        .await
        .unwrap();

    let ended = |id: String| {
        let store = jobs.store().clone();
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
            loop {
                let row = store.get(&id).unwrap().unwrap();
                if row.is_settled() {
                    return row;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "still running: {row:#?}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    let blocked = ended(blocked.id).await;
    assert_eq!(blocked.status, JobStatus::Failed);
    assert_eq!(blocked.error_code.as_deref(), Some("content_blocked"));
    // LiteLLM shortens the verdict it quotes ("…s of a public figure."): what is left
    // of it is shown as the gateway wrote it, beside our sentence.
    let told = blocked.error_text().unwrap();
    assert!(
        told.starts_with("The video was blocked by Veo's safety filter."),
        "{told}"
    );
    assert!(told.contains("public figure.']"), "{told}");
    // LiteLLM calls an operation Veo ended with an error "completed", and answers the
    // download with a 500: the job ends there, explained, and is not asked about again.
    let failed = ended(failed.id).await;
    assert_eq!(failed.status, JobStatus::Completed, "{failed:#?}");
    assert_eq!(failed.download_error_code.as_deref(), Some("no_video"));
    let told = failed.download_error_text().unwrap();
    assert!(
        told.contains("finished, but it has no video for it"),
        "{told}"
    );
    assert!(
        told.contains("No response data in completed operation"),
        "{told}"
    );
}
