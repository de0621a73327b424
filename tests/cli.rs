//! `veo-desk-cli` as a user runs it: the real binary, a throw-away HOME with no session
//! bus and no keychain, the key in VEO_DESK_API_KEY, against the gateway simulator.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use veo_desk_core::jobs::{JobStatus, JobStore};
use veo_desk_core::keychain::SessionKeys;
use veo_desk_core::media::read_facts;
use veo_desk_core::paths::AppDirs;
use veo_desk_core::profiles::ProfileDraft;
use veo_desk_core::simulator::{
    clip, Dialect, Fault, Outcome, Route, Shape, Simulator, SAMPLE_MP4,
};
use veo_desk_core::state::AppState;

/// The repository's root: these tests belong to the CLI package (src-tauri/cli).
const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const KEY: &str = "sk-cli-canary-40b7e1d95c";
const DIALECTS: [Dialect; 3] = [Dialect::OpenAi, Dialect::NewApi, Dialect::Reseller];

/// A user's machine: its own HOME and XDG folders, nothing else from ours.
struct Machine {
    home: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        Machine {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// Runs the CLI with the key in the environment and no session bus.
    async fn run(&self, args: &[&str]) -> Run {
        self.run_with_key(Some(KEY), args).await
    }

    async fn run_with_key(&self, key: Option<&str>, args: &[&str]) -> Run {
        let output =
            tokio::time::timeout(Duration::from_secs(120), self.command(key, args).output())
                .await
                .expect("the CLI finishes")
                .expect("the CLI runs");
        Run(output)
    }

    fn command(&self, key: Option<&str>, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_veo-desk-cli"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .args(args);
        if let Some(key) = key {
            cmd.env("VEO_DESK_API_KEY", key);
        }
        cmd
    }

    /// The app's folders on this machine, as the window opens them.
    fn app_dirs(&self) -> AppDirs {
        let app = |base: &str| self.path(base).join("com.veodesk.desktop");
        AppDirs {
            config: app("config"),
            data: app("data"),
            cache: app("cache"),
        }
    }

    fn store(&self) -> JobStore {
        JobStore::open_at(&self.path("data/com.veodesk.desktop/history.sqlite3")).unwrap()
    }
}

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// The `--json` objects, one per line.
    fn json(&self) -> Vec<serde_json::Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

async fn simulator(dialect: Dialect) -> Simulator {
    let sim = Simulator::start(dialect).await.unwrap();
    sim.set_job_duration(Duration::from_millis(300));
    // The app's polling policy honours the gateway's hint; this keeps tests short.
    sim.set_poll_after(Some(Duration::from_millis(100)));
    sim
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_and_wait_saves_the_video_in_every_dialect_and_the_app_sees_the_job() {
    for dialect in DIALECTS {
        let machine = Machine::new();
        let sim = simulator(dialect).await;
        let out = machine.path("clips");
        let run = machine
            .run(&[
                "submit",
                "--base-url",
                sim.base_url(),
                "--prompt",
                "A paper boat on a rainy street",
                "--model",
                "veo3.1",
                "--seconds",
                "4",
                "--wait",
                "--out",
                out.to_str().unwrap(),
                "--json",
            ])
            .await
            .expect(0);
        let result = &run.json()[0];
        assert_eq!(result["status"], "downloaded", "{dialect:?}");
        let file = PathBuf::from(result["file"].as_str().unwrap());
        assert_eq!(file.parent(), Some(out.as_path()));
        assert_eq!(
            std::fs::read(&file).unwrap(),
            clip(Shape::Landscape, "4"),
            "{dialect:?}"
        );
        assert!(run.stderr().contains("Saved"), "{}", run.stderr());

        let sent = sim.requests_to("POST", "/v1/videos");
        assert_eq!(sent.len(), 1);
        // new-api names itself and reads sizes only as pixels.
        let size = match dialect {
            Dialect::NewApi => "1280x720",
            _ => "16:9",
        };
        assert_eq!(
            (sent[0].field("seconds"), sent[0].field("size")),
            (Some("4"), Some(size)),
            "seconds and size are always sent, in the gateway's style"
        );
        // The same history and a saved gateway: the app lists the job and can follow it.
        let row = machine
            .store()
            .get(result["id"].as_str().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(row.status, JobStatus::Downloaded);
        let profiles =
            std::fs::read_to_string(machine.path("config/com.veodesk.desktop/profiles.json"))
                .unwrap();
        assert!(profiles.contains(&row.profile_id), "{profiles}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_out_the_video_goes_to_the_folder_chosen_in_the_app() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let chosen = machine.path("Movies/From Veo");
    veo_desk_core::settings::SettingsStore::open(&machine.app_dirs())
        .unwrap()
        .set_video_dir(chosen.clone())
        .unwrap();
    let run = machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "A kite over the dunes",
            "--model",
            "veo3.1",
            "--seconds",
            "4",
            "--wait",
            "--json",
        ])
        .await
        .expect(0);
    let file = PathBuf::from(run.json()[0]["file"].as_str().unwrap());
    assert_eq!(file.parent(), Some(chosen.as_path()));
    assert_eq!(files_in(&chosen), vec![file]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_of_the_wrong_shape_is_saved_with_a_warning_and_exit_0() {
    let machine = Machine::new();
    let sim = simulator(Dialect::NewApi).await;
    sim.set_landscape_only(true);
    let out = machine.path("clips");
    let args = [
        "submit",
        "--base-url",
        sim.base_url(),
        "--prompt",
        "A lighthouse at dawn",
        "--model",
        "veo3.1",
        "--size",
        "9:16",
        "--wait",
        "--out",
        out.to_str().unwrap(),
    ];
    let said = "You asked for 9:16 portrait; this gateway made 16:9 landscape.";
    let plain = machine.run(&args).await.expect(0);
    assert!(
        plain.stderr().contains(&format!("Warning: {said}")),
        "{}",
        plain.stderr()
    );
    assert!(
        PathBuf::from(plain.stdout().trim()).is_file(),
        "the video exists"
    );

    let json = machine
        .run(&[&args[..], &["--json"]].concat())
        .await
        .expect(0);
    let result = &json.json()[0];
    assert_eq!(result["status"], "downloaded");
    assert_eq!(result["exit_code"], 0);
    assert_eq!(
        result["warnings"],
        serde_json::json!([{"code": "aspect_mismatch", "message": said}])
    );
    assert_eq!(result["video"]["width"], 320);
    assert_eq!(result["video"]["height"], 180);
    assert_eq!(result["video"]["duration_ms"], 8000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_wait_it_prints_the_id_and_status_download_and_list_take_it_from_there() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let base = ["--base-url", sim.base_url()];
    let submit = machine
        .run(
            &[
                &base[..],
                &["submit", "--prompt", "A fox in snow", "--model", "veo3.1"],
            ]
            .concat(),
        )
        .await
        .expect(0);
    let id = submit.stdout().trim().to_string();
    assert_eq!(
        machine.store().require(&id).unwrap().status,
        JobStatus::Running
    );

    // The key in the environment is for the gateway named with --base-url.
    let status = machine
        .run(&[&base[..], &["status", &id]].concat())
        .await
        .expect(0);
    assert!(status.stdout().contains(&id), "{}", status.stdout());

    let out = machine.path("saved");
    let download = machine
        .run(
            &[
                &base[..],
                &["download", &id, "--out", out.to_str().unwrap()],
            ]
            .concat(),
        )
        .await
        .expect(0);
    let file = PathBuf::from(download.stdout().trim());
    assert_eq!(std::fs::read(&file).unwrap(), SAMPLE_MP4);
    assert_eq!(
        sim.submit_count(),
        1,
        "following a job never sends it again"
    );

    let list = machine.run(&["list", "--json"]).await.expect(0);
    let rows = list.json();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["id"].as_str(), &rows[0]["status"]),
        (Some(id.as_str()), &"downloaded".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_the_cli_adds_while_the_app_is_open_survives_the_apps_next_save() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let draft = |name: &str, url: &str| ProfileDraft {
        name: name.into(),
        base_url: url.into(),
        ..ProfileDraft::default()
    };
    let app = AppState::open(machine.app_dirs(), Box::new(SessionKeys::default())).unwrap();
    app.profiles()
        .unwrap()
        .add(&draft("Work", "https://work.example.com"))
        .unwrap();

    let run = machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "A kite over dunes",
            "--model",
            "veo3.1",
            "--json",
        ])
        .await
        .expect(0);
    let job = machine
        .store()
        .require(run.json()[0]["id"].as_str().unwrap())
        .unwrap();

    // The open app saves a change of its own afterwards.
    app.profiles()
        .unwrap()
        .add(&draft("Home", "https://home.example.com"))
        .unwrap();
    let in_app: Vec<String> = app
        .profiles()
        .unwrap()
        .list()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    assert!(
        in_app.contains(&job.profile_id),
        "the app can follow the job"
    );
    let reopened = AppState::open(machine.app_dirs(), Box::new(SessionKeys::default())).unwrap();
    let names: Vec<String> = reopened
        .profiles()
        .unwrap()
        .list()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!((names[0].as_str(), names[2].as_str()), ("Work", "Home"));
    assert!(names[1].starts_with("127.0.0.1"), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_in_the_environment_goes_only_to_the_gateway_given_with_base_url() {
    let machine = Machine::new();
    let given = simulator(Dialect::OpenAi).await;
    let saved = simulator(Dialect::OpenAi).await;
    let submit = ["submit", "--prompt", "A heron at dusk", "--model", "veo3.1"];
    let made = machine
        .run(&[&["--base-url", given.base_url()][..], &submit].concat())
        .await
        .expect(0);
    let job = made.stdout().trim().to_string();
    assert_eq!(given.submit_count(), 1, "--base-url with the key works");

    // Another gateway saved in the app, without a key, and now the active one.
    let app = AppState::open(machine.app_dirs(), Box::new(SessionKeys::default())).unwrap();
    app.profiles()
        .unwrap()
        .add(&ProfileDraft {
            name: "Other".into(),
            base_url: saved.base_url().into(),
            ..ProfileDraft::default()
        })
        .unwrap();
    for gateway in [&["--profile", "Other"][..], &[]] {
        let run = machine.run(&[gateway, &submit].concat()).await.expect(2);
        assert!(run.stderr().contains("--base-url"), "{}", run.stderr());
    }
    // The first gateway's job, with the key given for the other one.
    machine
        .run(&["--base-url", saved.base_url(), "download", &job])
        .await
        .expect(2);
    let keyed = saved
        .requests()
        .iter()
        .filter(|r| r.header("authorization").is_some_and(|h| h.contains(KEY)))
        .count();
    assert_eq!(keyed, 0, "the key reached the other gateway");
    assert_eq!(saved.submit_count(), 0);
    assert_eq!(given.submit_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_while_following_and_a_dropped_download_still_end_with_the_video() {
    let machine = Machine::new();
    let sim = simulator(Dialect::NewApi).await;
    // The first answers the request-style check before the submit; the second a poll.
    for _ in 0..2 {
        sim.inject(
            Route::Poll,
            Fault::RateLimited {
                retry_after_secs: 1,
            },
        );
    }
    sim.inject(Route::Content, Fault::DropAfter(SAMPLE_MP4.len() / 2));
    let out = machine.path("clips");
    let run = machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "Lanterns over a river",
            "--model",
            "veo3.1",
            "--wait",
            "--out",
            out.to_str().unwrap(),
        ])
        .await
        .expect(0);
    let file = PathBuf::from(run.stdout().trim());
    assert_eq!(
        std::fs::read(file).unwrap(),
        SAMPLE_MP4,
        "resumed, not truncated"
    );
    assert_eq!(sim.submit_count(), 1);
    let content = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content"))
        .count();
    assert!(content >= 2, "the broken download was taken up again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_502_on_submit_is_sent_once_and_reported_in_plain_words() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    sim.inject(Route::Submit, Fault::HtmlBadGateway);
    let run = machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "A city at night",
            "--model",
            "veo3.1",
            "--wait",
            "--json",
        ])
        .await
        .expect(3);
    assert_eq!(sim.submit_count(), 1, "a POST is never repeated");
    let result = &run.json()[0];
    assert_eq!(result["status"], "failed");
    assert_eq!(result["error"]["code"], "gateway_error");
    let said = format!("{}{}", run.stdout(), run.stderr());
    assert!(said.contains("502"), "{said}");
    for markup in ["<html", "<center>", "nginx</"] {
        assert!(!said.contains(markup), "{said}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateways_escape_sequences_never_reach_the_terminal() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    // Retitles the terminal, clears the screen, then overwrites the line with a lie.
    let hostile = "\x1b]0;Veo Desk\x07\x1b[2J quota exceeded\r\x1b[32mSaved clip.mp4";
    sim.inject(
        Route::Submit,
        Fault::PlainText {
            status: 400,
            text: hostile.into(),
        },
    );
    let args = [
        "submit",
        "--base-url",
        sim.base_url(),
        "--prompt",
        "A city at night",
        "--model",
        "veo3.1",
    ];
    let run = machine.run(&args).await.expect(3);
    let said = run.stderr();
    assert!(said.contains("quota exceeded"), "{said}");
    assert!(
        !said.contains(['\x1b', '\x07', '\r']),
        "control characters reached the terminal: {said:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_refusals_and_failed_jobs_have_their_own_exit_codes() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let submit = |extra: &'static [&'static str]| {
        let mut args = vec![
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "A red kite",
        ];
        args.extend_from_slice(extra);
        args
    };
    let unknown = machine.run(&submit(&["--model", "sora-9"])).await.expect(2);
    assert!(
        unknown.stderr().contains("Unknown model"),
        "{}",
        unknown.stderr()
    );
    machine
        .run(&submit(&["--model", "veo3.1", "--seconds", "7"]))
        .await
        .expect(2);
    machine
        .run(&submit(&["--model", "veo3.1", "--field", "no-equals-sign"]))
        .await
        .expect(2);
    assert_eq!(sim.submit_count(), 0, "nothing is sent for bad input");

    let no_key = machine
        .run_with_key(None, &submit(&["--model", "veo3.1"]))
        .await
        .expect(2);
    assert!(no_key.stderr().contains("keychain"), "{}", no_key.stderr());

    sim.inject(Route::Submit, Fault::Unauthorized);
    machine.run(&submit(&["--model", "veo3.1"])).await.expect(3);

    sim.next_outcome(Outcome::Fail("The upstream model is overloaded.".into()));
    let failed = machine
        .run(&submit(&["--model", "veo3.1", "--wait"]))
        .await
        .expect(4);
    assert!(
        failed.stderr().contains("overloaded"),
        "{}",
        failed.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_file_runs_every_row_with_at_most_n_jobs_on_the_gateway() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let job_time = Duration::from_millis(400);
    sim.set_job_duration(job_time);
    // Outcomes go by order of arrival: one of the five jobs fails, whichever is third.
    sim.next_outcome(Outcome::Complete);
    sim.next_outcome(Outcome::Complete);
    sim.next_outcome(Outcome::Fail("Rejected upstream.".into()));
    let file = machine.path("jobs.csv");
    std::fs::write(
        &file,
        "prompt,model,seconds,size\n\"A boat, at dawn\",veo3.1,4,16:9\nA fox,veo3.1,6,9:16\nA kite,,,\nA lighthouse,veo3.1-pro,8,16:9\nRain on glass,veo3.1,4,9:16\n",
    )
    .unwrap();
    let out = machine.path("batch");
    let run = machine
        .run(&[
            "batch",
            file.to_str().unwrap(),
            "--concurrency",
            "2",
            "--base-url",
            sim.base_url(),
            "--out",
            out.to_str().unwrap(),
            "--json",
        ])
        .await
        .expect(4);
    let results = run.json();
    let mut statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [
            "downloaded",
            "downloaded",
            "downloaded",
            "downloaded",
            "failed"
        ],
        "one failure does not stop the rest"
    );
    assert_eq!(files_in(&out).len(), 4);
    assert_eq!(sim.submit_count(), 5);

    // A job occupies the gateway from its POST until its time is up.
    let posts: Vec<Instant> = sim
        .requests_to("POST", "/v1/videos")
        .iter()
        .map(|r| r.at)
        .collect();
    let most = posts
        .iter()
        .map(|&start| {
            posts
                .iter()
                .filter(|&&other| other <= start && start < other + job_time)
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(most, 2, "the concurrency limit is used, never exceeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_landscape_picture_sent_for_9_16_arrives_portrait() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let picture = machine.path("wide.png");
    image::RgbImage::from_fn(1600, 900, |x, _| image::Rgb([(x % 256) as u8, 90, 160]))
        .save(&picture)
        .unwrap();
    machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "The scene comes alive",
            "--model",
            "veo3.1",
            "--size",
            "9:16",
            "--image",
            picture.to_str().unwrap(),
        ])
        .await
        .expect(0);
    let sent = &sim.requests_to("POST", "/v1/videos")[0];
    assert_eq!(sent.field("size"), Some("9:16"));
    let part = sent
        .files
        .iter()
        .find(|f| f.name == "input_reference")
        .expect("the picture is sent");
    let img = image::load_from_memory(&part.bytes).unwrap();
    let (w, h) = (img.width() as i64, img.height() as i64);
    assert!(h > w, "{w}x{h}");
    assert!((w * 16 - h * 9).abs() <= 16, "{w}x{h} is 9:16");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_appears_in_output_or_on_disk() {
    let machine = Machine::new();
    let sim = simulator(Dialect::NewApi).await;
    let mut said = String::new();
    // A gateway that echoes the key back in its refusal.
    sim.inject(Route::Submit, Fault::Unauthorized);
    for fault_run in [true, false] {
        let run = machine
            .run(&[
                "submit",
                "--base-url",
                sim.base_url(),
                "--prompt",
                "A quiet harbour",
                "--model",
                "veo3.1",
                "--wait",
                "--json",
            ])
            .await
            .expect(if fault_run { 3 } else { 0 });
        said += &run.stdout();
        said += &run.stderr();
    }
    for args in [&["list", "--json"][..], &["status", "nope"][..]] {
        let run = machine.run(args).await;
        said += &run.stdout();
        said += &run.stderr();
    }
    assert!(said.contains("key"), "the refusal is explained: {said}");
    assert!(!said.contains(KEY), "{said}");
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str()),
        "the key did reach the gateway"
    );
    for file in walk(machine.home.path()) {
        let bytes = std::fs::read(&file).unwrap();
        let hit = bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes());
        assert!(!hit, "{} holds the key", file.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in files_in(dir) {
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `submit --wait` while the app is open on the same history: both follow the job,
/// one of them saves it, and the CLI ends with that one intact file. `scripts/race`
/// runs this again and again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_waiting_beside_the_open_app_ends_with_the_one_video_either_saved() {
    use std::sync::Arc;
    use veo_desk_core::gateway::GatewayClient;
    use veo_desk_core::jobs::{ClientFor, Jobs, JobsOptions};

    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    sim.set_job_duration(Duration::from_millis(1500));
    // A slow download: whoever starts it first is still at it when the other one looks.
    let slow = Fault::Trickle {
        chunk: 8 * 1024,
        pause: Duration::from_millis(30),
    };
    sim.inject(Route::Content, slow);
    let out = machine.path("clips");
    let submit = [
        "submit",
        "--base-url",
        sim.base_url(),
        "--prompt",
        "Two watchers, one kite",
        "--model",
        "veo3.1",
        "--seconds",
        "4",
        "--wait",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ];
    let cli = machine.command(Some(KEY), &submit).output();
    let cli = tokio::spawn(cli);
    let store = machine.store();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.unfinished().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the CLI never sent its job");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The app opens now and follows every unfinished job, the CLI's too.
    let base = sim.base_url().to_string();
    let client_for: ClientFor =
        Arc::new(move |_| GatewayClient::new(&base, KEY, Default::default()).map_err(Into::into));
    let app_videos = machine.path("app videos");
    let asks_often = JobsOptions {
        poll: veo_desk_core::gateway::PollPolicy {
            first: Duration::from_millis(20),
            max: Duration::from_millis(80),
            factor: 1.5,
        },
        ..JobsOptions::new(app_videos.clone())
    };
    let app = Jobs::start(store, client_for, Arc::new(|_| {}), asks_often).unwrap();

    let output = tokio::time::timeout(Duration::from_secs(60), cli)
        .await
        .expect("the CLI ends")
        .unwrap()
        .unwrap();
    let run = Run(output).expect(0);
    let file = PathBuf::from(run.json()[0]["file"].as_str().unwrap());
    assert_eq!(std::fs::read(&file).unwrap(), clip(Shape::Landscape, "4"));
    let mut saved = files_in(&out);
    saved.extend(files_in(&app_videos));
    assert_eq!(saved, vec![file], "one video, saved once");
    let id = run.json()[0]["remote_id"].as_str().map(str::to_string);
    let downloads = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/content"))
        .count();
    assert_eq!(downloads, 1, "downloaded once ({id:?})");
    let row = app.store().unfinished().unwrap();
    assert!(row.is_empty(), "{row:?}");
    assert_eq!(sim.submit_count(), 1);
}

/// The CLI offers the app's models (the user's `models.json` too) and queues no more
/// jobs in one batch than the window would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_takes_the_users_models_and_the_apps_batch_cap() {
    let machine = Machine::new();
    let sim = simulator(Dialect::OpenAi).await;
    let config = machine.path("config/com.veodesk.desktop");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("models.json"),
        r#"{"models":[{"name":"kling-v2","seconds":[5,10],"sizes":["1:1"]}]}"#,
    )
    .unwrap();
    let run = machine
        .run(&[
            "submit",
            "--base-url",
            sim.base_url(),
            "--prompt",
            "A square kite",
            "--model",
            "kling-v2",
            "--wait",
            "--json",
            "--out",
            machine.path("clips").to_str().unwrap(),
        ])
        .await
        .expect(0);
    assert_eq!(run.json()[0]["status"], "downloaded");
    let sent = sim.requests_to("POST", "/v1/videos");
    assert_eq!(
        (
            sent[0].field("model"),
            sent[0].field("seconds"),
            sent[0].field("size")
        ),
        (Some("kling-v2"), Some("5"), Some("1:1")),
        "the user's model, with its own first length and size"
    );

    let batch = machine.path("many.csv");
    let lines: Vec<String> = (1..=51).map(|n| format!("Kite number {n}")).collect();
    std::fs::write(&batch, format!("prompt\n{}\n", lines.join("\n"))).unwrap();
    let refused = machine
        .run(&[
            "batch",
            batch.to_str().unwrap(),
            "--base-url",
            sim.base_url(),
        ])
        .await
        .expect(2);
    assert!(
        refused.stderr().contains("51") && refused.stderr().contains("50"),
        "{}",
        refused.stderr()
    );
    assert_eq!(sim.submit_count(), 1, "nothing of the batch was sent");
}

#[tokio::test]
async fn frame_saves_a_videos_first_or_last_picture_and_refuses_what_is_not_a_video() {
    let machine = Machine::new();
    let clip = Path::new(REPOSITORY).join("assets/clips/portrait-4s.mp4");
    let clip = clip.to_str().unwrap();
    let last = machine.path("last.png");
    let said = machine
        .run(&["frame", "--last", clip, "--out", last.to_str().unwrap()])
        .await
        .expect(0);
    assert!(
        said.stdout().contains("Saved the last frame (180×320)"),
        "{}",
        said.stdout()
    );
    let picture = image::open(&last).expect("a PNG").to_rgb8();
    assert_eq!(picture.dimensions(), (180, 320));
    let first = machine.path("first.jpg");
    machine
        .run(&["frame", clip, "--out", first.to_str().unwrap()])
        .await
        .expect(0);
    assert_eq!(image::image_dimensions(&first).expect("a JPEG"), (180, 320));

    let readme = Path::new(REPOSITORY).join("README.md");
    let refused = machine
        .run(&[
            "frame",
            readme.to_str().unwrap(),
            "--out",
            last.to_str().unwrap(),
        ])
        .await
        .expect(2);
    assert!(
        refused.stderr().contains("is not an MP4 video"),
        "{}",
        refused.stderr()
    );
}

#[tokio::test]
async fn stitch_joins_clips_into_one_film_and_refuses_clips_of_another_shape() {
    let machine = Machine::new();
    let clip = |name: &str| Path::new(REPOSITORY).join("assets/clips").join(name);
    let (four, eight) = (clip("landscape-4s.mp4"), clip("landscape-8s.mp4"));
    let film = machine.path("film.mp4");
    let said = machine
        .run(&[
            "stitch",
            four.to_str().unwrap(),
            eight.to_str().unwrap(),
            "--out",
            film.to_str().unwrap(),
        ])
        .await
        .expect(0);
    assert!(
        said.stdout().contains("Joined 2 clips"),
        "{}",
        said.stdout()
    );
    let parts: u64 = [&four, &eight]
        .iter()
        .map(|c| read_facts(c).unwrap().duration_ms)
        .sum();
    let made = read_facts(&film).expect("the film is an MP4 the app reads");
    assert_eq!((made.width, made.height), (320, 180));
    assert!(
        made.duration_ms.abs_diff(parts) <= 42,
        "{} ms for clips of {parts} ms",
        made.duration_ms
    );

    let portrait = clip("portrait-4s.mp4");
    let other = machine.path("other.mp4");
    let refused = machine
        .run(&[
            "stitch",
            four.to_str().unwrap(),
            portrait.to_str().unwrap(),
            "--out",
            other.to_str().unwrap(),
        ])
        .await
        .expect(2);
    assert!(
        refused
            .stderr()
            .contains("Clip 2 (“portrait-4s.mp4”) cannot follow clip 1 without re-encoding"),
        "{}",
        refused.stderr()
    );
    assert!(!other.exists(), "no half film is left");
}
