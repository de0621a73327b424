//! Jobs against the simulator, no window: the history, the submission order, the poller,
//! the downloads, a restart, and a real SIGKILL at each stage.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::fast;
use veo_desk_core::gateway::Catalog;
use veo_desk_core::gateway::{
    ClientOptions, GatewayClient, ReferenceImage, SubmitRequest, UploadWatch,
};
use veo_desk_core::jobs::continuation::continuation;
use veo_desk_core::jobs::request::{self, ImageChoice, JobInput};
use veo_desk_core::jobs::{
    save_copy, ClientFor, EventSink, GatewayDeletion, JobRow, JobStatus, JobStore, JobWarning,
    Jobs, JobsOptions, ListQuery, NewJob, Patience, Removal,
};
use veo_desk_core::problem::Problem;
use veo_desk_core::simulator::{Dialect, Fault, Outcome, Route, Simulator, SAMPLE_MP4};
use veo_desk_core::Error;

const KEY: &str = "sk-test-jobs-7d1e93";
const PROFILE: &str = "profile-1";
const DIALECTS: [Dialect; 3] = [Dialect::OpenAi, Dialect::NewApi, Dialect::Reseller];
const PROMPT: &str = "A lighthouse at dawn, waves rolling in";
/// Only a safety net against a hang; no test measures time with it.
const GIVE_UP: Duration = Duration::from_secs(60);

fn job_options(videos: &Path) -> JobsOptions {
    JobsOptions {
        poll: fast().poll,
        problem_retry: Duration::from_millis(200),
        ..JobsOptions::new(videos.to_path_buf())
    }
}

fn client_for(base_url: &str, options: ClientOptions) -> ClientFor {
    let base = base_url.to_string();
    Arc::new(move |profile: &str| {
        if profile != PROFILE {
            return Err(Error::invalid_input(Problem::new(
                veo_desk_core::texts::PROFILE_GONE,
            )));
        }
        GatewayClient::new(&base, KEY, options).map_err(Error::from)
    })
}

fn request() -> SubmitRequest {
    SubmitRequest {
        prompt: PROMPT.into(),
        model: "veo3.1".into(),
        seconds: "8".into(),
        size: "16:9".into(),
        ..Default::default()
    }
}

/// A request whose every setting differs from the defaults, to see each one carried on.
fn portrait_with_a_field() -> SubmitRequest {
    SubmitRequest {
        size: "9:16".into(),
        seconds: "6".into(),
        extra_fields: vec![("negative_prompt".into(), "fog".into())],
        ..request()
    }
}

/// `request()` with `bytes` as its reference image.
fn with_image(bytes: Vec<u8>) -> SubmitRequest {
    SubmitRequest {
        input_reference: Some(ReferenceImage {
            bytes,
            file_name: "reference.jpg".into(),
            mime: "image/jpeg".into(),
        }),
        ..request()
    }
}

/// `len` bytes that do not compress, like a photo.
fn noise(len: u32) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// A simulator, a history in a temp folder, and every event the jobs sent.
struct Setup {
    sim: Simulator,
    dir: tempfile::TempDir,
    events: Arc<Mutex<Vec<JobRow>>>,
}

impl Setup {
    async fn new(dialect: Dialect) -> Setup {
        let sim = Simulator::start(dialect).await.expect("simulator starts");
        sim.set_job_duration(Duration::from_millis(250));
        Setup {
            sim,
            dir: tempfile::tempdir().unwrap(),
            events: Arc::default(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data/history.sqlite3")
    }

    fn videos(&self) -> PathBuf {
        self.dir.path().join("Videos/Veo Desk")
    }

    fn store(&self) -> JobStore {
        JobStore::open_at(&self.db()).unwrap()
    }

    fn sink(&self) -> EventSink {
        let events = self.events.clone();
        Arc::new(move |e| events.lock().unwrap().push(e.job))
    }

    fn start(&self) -> Jobs {
        self.start_with(fast())
    }

    fn start_with(&self, client: ClientOptions) -> Jobs {
        Jobs::start(
            self.store(),
            client_for(self.sim.base_url(), client),
            self.sink(),
            job_options(&self.videos()),
        )
        .unwrap()
    }

    fn statuses_seen(&self, id: &str) -> Vec<JobStatus> {
        let mut seen: Vec<JobStatus> = Vec::new();
        for row in self.events.lock().unwrap().iter().filter(|r| r.id == id) {
            if seen.last() != Some(&row.status) {
                seen.push(row.status);
            }
        }
        seen
    }

    fn saved_files(&self) -> Vec<PathBuf> {
        files_in(&self.videos())
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Waits until the stored row satisfies `done`; panics with the row after `GIVE_UP`.
async fn wait_for(store: &JobStore, id: &str, done: impl Fn(&JobRow) -> bool) -> JobRow {
    let deadline = tokio::time::Instant::now() + GIVE_UP;
    loop {
        let row = store.get(id).unwrap().expect("the row exists");
        if done(&row) {
            return row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting; row is {row:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_status(store: &JobStore, id: &str, status: JobStatus) -> JobRow {
    wait_for(store, id, |r| r.status == status).await
}

async fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + GIVE_UP;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn poll_count(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| {
            r.method == "GET" && r.path.starts_with("/v1/videos/") && !r.path.ends_with("/content")
        })
        .count()
}

// ---- The whole journey in every dialect ----

#[tokio::test]
async fn every_dialect_goes_from_submit_to_a_saved_byte_identical_video() {
    for dialect in DIALECTS {
        let setup = Setup::new(dialect).await;
        let jobs = setup.start();
        let submitted = jobs
            .submit(PROFILE, request(), Some("/thumbs/a.jpg".into()))
            .await
            .unwrap();
        assert_eq!(submitted.status, JobStatus::Running, "{dialect:?}");
        let row = wait_status(jobs.store(), &submitted.id, JobStatus::Downloaded).await;

        let path = PathBuf::from(row.file_path.clone().expect("a saved file"));
        assert_eq!(std::fs::read(&path).unwrap(), SAMPLE_MP4, "{dialect:?}");
        assert_eq!(setup.saved_files(), vec![path.clone()], "temp files left");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.contains(" a-lighthouse-at-dawn-waves-rolling-in ") && name.ends_with(".mp4"),
            "{name}"
        );

        let remote = row.remote_id.clone().expect("remote id kept");
        assert!(!remote.is_empty());
        if dialect == Dialect::Reseller {
            assert!(remote.len() > 200, "long ids are kept whole");
        }
        assert_eq!(
            (
                row.profile_id.as_str(),
                row.prompt.as_str(),
                row.model.as_str(),
                row.seconds.as_str(),
                row.size.as_str()
            ),
            (PROFILE, PROMPT, "veo3.1", "8", "16:9")
        );
        assert_eq!(row.reference_thumb.as_deref(), Some("/thumbs/a.jpg"));
        assert_eq!(row.progress, Some(100.0));
        assert_eq!(row.download_bytes, Some(SAMPLE_MP4.len() as i64));
        assert_eq!(
            (row.error_code.clone(), row.download_error_code.clone()),
            (None, None)
        );
        let submitted_at = row.submitted_at.expect("submitted_at");
        let completed_at = row.completed_at.expect("completed_at");
        assert!(row.created_at <= submitted_at && submitted_at <= completed_at);
        assert!(row.expires_at.expect("expires_at") > completed_at);
        assert_eq!(row.warning, None);

        assert_eq!(
            setup.statuses_seen(&row.id),
            [
                JobStatus::Submitting,
                JobStatus::Running,
                JobStatus::Completed,
                JobStatus::Downloaded
            ],
            "{dialect:?}"
        );
        let first_completed = setup
            .events
            .lock()
            .unwrap()
            .iter()
            .find(|r| r.status == JobStatus::Completed)
            .cloned()
            .unwrap();
        assert_eq!(
            first_completed.download_target, None,
            "completion is announced before the download starts"
        );
        assert_eq!(setup.sim.submit_count(), 1);
        assert_eq!(jobs.store().count().unwrap(), 1);
    }
}

// ---- What the saved video really is ----

#[tokio::test]
async fn a_saved_video_carries_its_real_size_length_and_sound() {
    let setup = Setup::new(Dialect::NewApi).await;
    let jobs = setup.start();
    let portrait = SubmitRequest {
        size: "9:16".into(),
        seconds: "4".into(),
        ..request()
    };
    let row = jobs.submit(PROFILE, portrait, None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    let video = row.video.expect("the saved file was read");
    assert_eq!(
        (
            video.width,
            video.height,
            video.duration_ms,
            video.has_audio
        ),
        (180, 320, 4000, true)
    );
    assert!(row.mismatches.is_empty(), "{:?}", row.mismatches);
}

#[tokio::test]
async fn a_landscape_video_for_a_portrait_request_is_saved_and_said_to_differ() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_landscape_only(true);
    let jobs = setup.start();
    let portrait = SubmitRequest {
        size: "9:16".into(),
        ..request()
    };
    let row = jobs.submit(PROFILE, portrait, None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert!(
        PathBuf::from(row.file_path.clone().unwrap()).is_file(),
        "the video is kept"
    );
    assert_eq!(row.video.map(|v| (v.width, v.height)), Some((320, 180)));
    let said: Vec<String> = row.mismatches.iter().map(|m| m.message()).collect();
    assert_eq!(
        said,
        vec!["You asked for 9:16 portrait; this gateway made 16:9 landscape."]
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_still_saved_with_its_facts_unknown() {
    let setup = Setup::new(Dialect::OpenAi).await;
    // A download that finished before the app closed: the file is there, but it is only
    // the first bytes of an MP4.
    let store = setup.store();
    let row = store
        .insert_submitting(
            &NewJob {
                profile_id: PROFILE.into(),
                prompt: PROMPT.into(),
                seconds: "8".into(),
                size: "16:9".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap();
    store
        .mark_running(&row.id, "r-1", "queued", None, 2)
        .unwrap();
    store
        .mark_completed(&row.id, "completed", None, 3, i64::MAX)
        .unwrap();
    let target = setup.videos().join("cut short.mp4");
    std::fs::create_dir_all(setup.videos()).unwrap();
    std::fs::write(&target, &SAMPLE_MP4[..64]).unwrap();
    store.set_download_target(&row.id, &target).unwrap();

    let jobs = setup.start();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(row.file_path.as_deref(), Some(&*target.to_string_lossy()));
    assert_eq!((row.video, row.video_checked), (None, true));
    assert!(row.mismatches.is_empty());
}

#[tokio::test]
async fn make_it_again_sends_the_same_request_once_as_a_new_job() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.set_landscape_only(true);
    let jobs = setup.start();
    let asked = portrait_with_a_field();
    let first = jobs.submit(PROFILE, asked, None).await.unwrap();
    wait_status(jobs.store(), &first.id, JobStatus::Downloaded).await;

    let again = jobs.make_again(&first.id).await.unwrap();
    assert_ne!(again.id, first.id);
    assert_eq!(again.status, JobStatus::Running);
    let sent = setup.sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent.len(), 2, "sent once more, once");
    for field in ["prompt", "model", "seconds", "size", "negative_prompt"] {
        assert_eq!(sent[1].field(field), sent[0].field(field), "{field}");
    }
    assert_eq!(sent[1].field("size"), Some("9:16"));

    let with_picture = jobs
        .submit(
            PROFILE,
            with_image(noise(2000)),
            Some("/thumbs/p.jpg".into()),
        )
        .await
        .unwrap();
    let e = jobs.make_again(&with_picture.id).await.unwrap_err();
    assert!(e.to_string().contains("Run again"), "{e}");
    assert_eq!(setup.sim.submit_count(), 3, "nothing sent for the refusal");
}

#[tokio::test]
async fn continuing_a_shot_sends_its_last_frame_with_its_settings_and_names_the_shot() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let asked = portrait_with_a_field();
    let shot = jobs.submit(PROFILE, asked, None).await.unwrap();
    let shot = wait_status(jobs.store(), &shot.id, JobStatus::Downloaded).await;

    let next = continuation(&shot, &setup.dir.path().join("pictures")).unwrap();
    assert_eq!(
        (next.shot.as_str(), next.prompt.as_str()),
        (shot.id.as_str(), PROMPT)
    );
    assert_eq!((next.seconds.as_str(), next.size.as_str()), ("6", "9:16"));
    assert_eq!(
        next.extra_fields,
        [("negative_prompt".to_string(), "fog".to_string())]
    );
    let facts = shot.video.expect("the saved video was read");
    let frame = image::open(&next.picture).expect("the last frame is a picture");
    assert_eq!(
        (frame.width(), frame.height()),
        (facts.width, facts.height),
        "the whole frame, not a thumbnail"
    );

    let input = JobInput {
        prompt: "The boat reaches the shore".into(),
        model: next.model,
        seconds: next.seconds,
        size: next.size,
        image: Some(ImageChoice {
            path: next.picture,
            ..Default::default()
        }),
        resolution: None,
        extra_fields: next.extra_fields,
        continues: Some(next.shot),
        ..Default::default()
    };
    let thumbs = setup.dir.path().join("thumbnails");
    let prepared = request::prepare(input, &Catalog::builtin(), &thumbs).unwrap();
    let second = jobs
        .submit_with_progress(PROFILE, prepared, None)
        .await
        .unwrap();
    assert_eq!(second.continues.as_deref(), Some(shot.id.as_str()));
    assert_eq!(second.continues_prompt.as_deref(), Some(PROMPT));
    let sent = setup.sim.requests_to("POST", "/v1/videos");
    assert_eq!(sent[1].field("size"), Some("9:16"));
    assert_eq!(sent[1].field("negative_prompt"), Some("fog"));
    let picture = &sent[1].files[0];
    let uploaded = image::load_from_memory(&picture.bytes).expect("a picture went out");
    assert_eq!(
        uploaded.height() * 9,
        uploaded.width() * 16,
        "portrait, as the shot"
    );

    // The shot removed, the new one still says it continues one.
    jobs.delete(&shot.id, Removal::HistoryOnly).await.unwrap();
    let second = jobs.store().require(&second.id).unwrap();
    assert_eq!(second.continues.as_deref(), Some(shot.id.as_str()));
    assert_eq!(second.continues_prompt, None);
}

// ---- The submission order ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_exists_before_the_post_arrives_and_the_id_before_the_event() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup
        .sim
        .inject(Route::Submit, Fault::Slow(Duration::from_millis(600)));
    // Every event is checked against the file through a second connection.
    let witness = setup.store();
    let broken = Arc::new(Mutex::new(Vec::<String>::new()));
    let (events, broken_in) = (setup.events.clone(), broken.clone());
    let sink: EventSink = Arc::new(move |e| {
        let stored = witness
            .get(&e.job.id)
            .unwrap()
            .expect("stored before the event");
        if stored.remote_id != e.job.remote_id || stored.status != e.job.status {
            broken_in
                .lock()
                .unwrap()
                .push(format!("{stored:?} vs {:?}", e.job));
        }
        events.lock().unwrap().push(e.job);
    });
    let slow_answers = ClientOptions {
        read_timeout: Duration::from_secs(5),
        ..fast()
    };
    let jobs = Arc::new(
        Jobs::start(
            setup.store(),
            client_for(setup.sim.base_url(), slow_answers),
            sink,
            job_options(&setup.videos()),
        )
        .unwrap(),
    );
    let sending = tokio::spawn({
        let jobs = jobs.clone();
        async move { jobs.submit(PROFILE, request(), None).await }
    });
    wait_until("the POST to arrive", || setup.sim.submit_count() == 1).await;

    let in_flight = setup.store().list(&ListQuery::default()).unwrap().jobs;
    assert_eq!(in_flight.len(), 1, "the row is written before the POST");
    assert_eq!(in_flight[0].status, JobStatus::Submitting);
    assert_eq!(in_flight[0].remote_id, None);

    let row = sending.await.unwrap().unwrap();
    assert_eq!(row.status, JobStatus::Running);
    let running_event = setup
        .events
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.status == JobStatus::Running)
        .cloned()
        .expect("a running event");
    assert_eq!(running_event.remote_id, row.remote_id);
    assert!(row.remote_id.is_some());
    wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(*broken.lock().unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn an_html_502_on_submit_fails_the_row_in_plain_words_after_one_post() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.inject(Route::Submit, Fault::HtmlBadGateway);
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    assert_eq!(row.status, JobStatus::Failed);
    assert_eq!(row.error_code.as_deref(), Some("gateway_error"));
    let message = row.error_text().clone().unwrap();
    assert!(message.contains("502 Bad Gateway"), "{message}");
    assert!(
        !message.contains('<') && !message.contains("nginx"),
        "{message}"
    );
    // Give the poller rounds to (wrongly) do anything more.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.sim.submit_count(), 1, "a POST is never retried");
    assert_eq!(poll_count(&setup.sim), 0);
    assert_eq!(
        jobs.store().get(&row.id).unwrap().unwrap().status,
        JobStatus::Failed
    );
}

// ---- Details ----

#[tokio::test]
async fn a_refused_job_keeps_the_request_and_the_gateways_own_answer_without_the_key() {
    let setup = Setup::new(Dialect::NewApi).await;
    // 401, with the key echoed back in the body.
    setup.sim.inject(Route::Submit, Fault::Unauthorized);
    let jobs = setup.start();
    let req = SubmitRequest {
        extra_fields: vec![("negative_prompt".into(), "no rain".into())],
        ..with_image(vec![1; 3000])
    };
    let row = jobs.submit(PROFILE, req, None).await.unwrap();
    assert_eq!(row.status, JobStatus::Failed);

    let details = jobs.store().exchanges(&row.id).unwrap();
    assert_eq!(details.len(), 1, "one request, one entry");
    let submit = &details[0];
    assert_eq!(
        (submit.action.as_str(), submit.method.as_str()),
        ("submit", "POST")
    );
    assert!(submit.url.ends_with("/v1/videos"), "{}", submit.url);
    assert_eq!(submit.status, Some(401));
    for line in [
        format!("prompt: {PROMPT}"),
        "model: veo3.1".into(),
        "seconds: 8".into(),
        "negative_prompt: no rain".into(),
        "input_reference: reference.jpg (image/jpeg, 3 KB)".into(),
    ] {
        assert!(
            submit.request_body.contains(&line),
            "{line} in {}",
            submit.request_body
        );
    }
    assert!(
        submit.response_body.contains("[your key]"),
        "the gateway's words are kept, the echoed key hidden: {}",
        submit.response_body
    );
    let everything = serde_json::to_string(&details).unwrap();
    assert!(!everything.contains(KEY), "{everything}");
}

#[tokio::test]
async fn a_finished_job_keeps_its_submit_and_only_its_latest_polls() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_job_duration(Duration::from_millis(1200));
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert!(
        poll_count(&setup.sim) > veo_desk_core::jobs::store::KEPT_EXCHANGES,
        "enough polls to need trimming"
    );

    let details = jobs.store().exchanges(&row.id).unwrap();
    assert_eq!(details[0].action, "submit", "the submit is always kept");
    assert_eq!(details[0].status, Some(200));
    assert!(details[0].response_body.contains("queued"));
    let polls: Vec<_> = details.iter().filter(|x| x.action == "poll").collect();
    assert_eq!(polls.len(), veo_desk_core::jobs::store::KEPT_EXCHANGES);
    assert!(
        polls.last().unwrap().response_body.contains("completed"),
        "the newest poll is there"
    );
    assert!(polls.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");

    jobs.delete(&row.id, Removal::HistoryOnly).await.unwrap();
    assert!(
        jobs.store().exchanges(&row.id).unwrap().is_empty(),
        "removed with the job"
    );
}

#[tokio::test]
async fn a_lost_submit_answer_leaves_an_uncertain_row_that_says_what_to_do() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.inject(Route::Submit, Fault::DropAfter(10));
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    assert_eq!(row.status, JobStatus::Uncertain);
    assert_eq!(row.error_code.as_deref(), Some("submit_uncertain"));
    assert!(
        row.error_text()
            .as_deref()
            .unwrap()
            .contains("check the gateway's task list"),
        "{row:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.sim.submit_count(), 1);
}

#[tokio::test]
async fn an_unknown_profile_sends_nothing_and_writes_nothing() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let e = jobs.submit("nobody", request(), None).await.unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(setup.sim.submit_count(), 0);
    assert_eq!(jobs.store().count().unwrap(), 0);
}

// ---- Faults while polling and downloading ----

#[tokio::test]
async fn server_errors_proxy_pages_and_dropped_answers_mid_poll_still_end_saved() {
    for dialect in DIALECTS {
        let setup = Setup::new(dialect).await;
        setup.sim.set_job_duration(Duration::from_millis(600));
        // More failures in a row than the client retries: the poller itself carries on.
        for _ in 0..5 {
            setup.sim.inject(Route::Poll, Fault::ServerError);
        }
        setup.sim.inject(Route::Poll, Fault::HtmlBadGateway);
        setup.sim.inject(Route::Poll, Fault::DropAfter(5));
        let jobs = setup.start();
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
        assert_eq!(std::fs::read(row.file_path.unwrap()).unwrap(), SAMPLE_MP4);
        assert_eq!(row.error_code, None, "the passing problem is cleared");
        let noted = setup.events.lock().unwrap().iter().any(|r| {
            r.status == JobStatus::Running && r.error_code.as_deref() == Some("gateway_error")
        });
        assert!(noted, "{dialect:?}: the card was told about the trouble");
        assert_eq!(setup.sim.submit_count(), 1);
    }
}

#[tokio::test]
async fn a_rate_limited_poll_waits_as_the_gateway_asks_then_finishes() {
    let setup = Setup::new(Dialect::NewApi).await;
    for _ in 0..4 {
        setup.sim.inject(
            Route::Poll,
            Fault::RateLimited {
                retry_after_secs: 1,
            },
        );
    }
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(std::fs::read(row.file_path.unwrap()).unwrap(), SAMPLE_MP4);
    let polls: Vec<_> = setup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && !r.path.ends_with("/content"))
        .collect();
    // Every poll after a 429 came at least Retry-After later (the client's own retries
    // and, after them, the poller's next round).
    for pair in polls.windows(2).take(4) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(950),
            "polled again after {gap:?}"
        );
    }
    let noted = setup.events.lock().unwrap().iter().any(|r| {
        r.error_code.as_deref() == Some("rate_limited")
            && r.error_text()
                .as_deref()
                .unwrap_or("")
                .contains("请稍后再试")
    });
    assert!(noted, "the rate limit was shown in the gateway's words");
}

#[tokio::test]
async fn status_requests_in_flight_never_exceed_the_cap() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_job_duration(Duration::from_secs(30));
    // The first three polls hang for a while: with a cap of one, each of them must be
    // answered before the next request leaves, whichever job it is for.
    for _ in 0..3 {
        setup
            .sim
            .inject(Route::Poll, Fault::Slow(Duration::from_millis(300)));
    }
    let jobs = Jobs::start(
        setup.store(),
        client_for(setup.sim.base_url(), fast()),
        setup.sink(),
        JobsOptions {
            max_concurrent_polls: 1,
            ..job_options(&setup.videos())
        },
    )
    .unwrap();
    for _ in 0..3 {
        jobs.submit(PROFILE, request(), None).await.unwrap();
    }
    wait_until("four polls", || poll_count(&setup.sim) >= 4).await;
    let polls: Vec<_> = setup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    for pair in polls.windows(2).take(3) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(280),
            "two polls in flight: {gap:?} apart"
        );
    }
}

#[tokio::test]
async fn a_dropped_download_resumes_to_an_identical_file() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.inject(Route::Content, Fault::DropAfter(3000));
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(std::fs::read(row.file_path.unwrap()).unwrap(), SAMPLE_MP4);
    let content: Vec<_> = setup
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content"))
        .collect();
    assert_eq!(content.len(), 2);
    assert_eq!(content[1].header("range"), Some("bytes=3000-"));
    assert_eq!(setup.saved_files().len(), 1);
}

#[tokio::test]
async fn a_failed_download_keeps_the_job_completed_and_can_be_retried() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.inject(Route::Content, Fault::JsonInsteadOfVideo);
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let failed = wait_for(jobs.store(), &row.id, |r| r.download_error_code.is_some()).await;
    assert_eq!(failed.status, JobStatus::Completed);
    assert_eq!(failed.download_error_code.as_deref(), Some("not_a_video"));
    assert!(failed
        .download_error_text()
        .as_deref()
        .unwrap()
        .contains("the upstream file could not be fetched"));
    assert!(setup.saved_files().is_empty());

    let retried = jobs.retry_download(&row.id).unwrap();
    assert_eq!(retried.download_error_code, None);
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(std::fs::read(row.file_path.unwrap()).unwrap(), SAMPLE_MP4);
    assert_eq!(setup.sim.submit_count(), 1);
    assert_eq!(
        jobs.retry_download(&row.id).unwrap_err().code(),
        "invalid_input",
        "a saved video is not downloaded twice"
    );
}

#[tokio::test]
async fn an_expired_job_is_marked_expired_with_nothing_saved() {
    for dialect in DIALECTS {
        let setup = Setup::new(dialect).await;
        setup.sim.next_outcome(Outcome::Expire);
        let jobs = setup.start();
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_status(jobs.store(), &row.id, JobStatus::Expired).await;
        assert_eq!(row.error_code.as_deref(), Some("job_expired"));
        assert!(row.error_text().unwrap().contains("no longer keeps"));
        assert!(setup.saved_files().is_empty());
    }
}

#[tokio::test]
async fn a_job_the_gateway_forgot_fails_with_a_human_message() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.set_job_duration(Duration::from_secs(30));
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    setup.sim.inject(Route::Poll, Fault::TaskNotExist);
    let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
    assert_eq!(row.error_code.as_deref(), Some("job_not_found"));
    assert!(row
        .error_text()
        .unwrap()
        .contains("expired or been deleted"));
}

#[tokio::test]
async fn the_safety_filter_shows_as_a_failure_the_user_understands() {
    for dialect in DIALECTS {
        let setup = Setup::new(dialect).await;
        setup.sim.next_outcome(Outcome::SafetyBlock(
            "Unable to generate videos that depict children.".into(),
        ));
        let jobs = setup.start();
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
        assert_eq!(
            row.error_code.as_deref(),
            Some("content_blocked"),
            "{dialect:?}"
        );
        let message = row.error_text().unwrap();
        assert!(
            message.contains("safety filter") && message.contains("the prompt's wording"),
            "{dialect:?}: {message}"
        );
        assert!(setup.saved_files().is_empty());
    }
}

/// What LiteLLM answers to every poll of a video Veo's filter blocked: a 500 whose
/// message quotes Google's verdict as Python text.
fn litellm_blocked_poll() -> Fault {
    let message = "litellm.APIConnectionError: 1 validation error for GeminiLongRunningOperationResponse\nresponse.generateVideoResponse.generatedSamples\n  Field required [type=missing, input_value={'raiMediaFilteredCount': 1, 'raiMediaFilteredReasons': [\"Unable to generate videos of a public figure.\"]}, input_type=dict]";
    Fault::PlainText {
        status: 500,
        text: serde_json::json!({"error": {"message": message, "type": null, "param": null, "code": "500"}})
            .to_string(),
    }
}

#[tokio::test]
async fn a_blocked_video_behind_a_server_error_ends_at_the_first_answer() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_job_duration(Duration::from_secs(60));
    for _ in 0..50 {
        setup.sim.inject(Route::Poll, litellm_blocked_poll());
    }
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
    assert_eq!(row.error_code.as_deref(), Some("content_blocked"));
    let message = row.error_text().unwrap();
    assert!(
        message.contains("\"Unable to generate videos of a public figure.\"")
            && message.contains("Edit and try again"),
        "{message}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        poll_count(&setup.sim),
        1,
        "not asked again, not retried as a passing failure"
    );
}

fn impatient(setup: &Setup, patience: Patience) -> Jobs {
    Jobs::start(
        setup.store(),
        client_for(setup.sim.base_url(), fast()),
        setup.sink(),
        JobsOptions {
            patience,
            ..job_options(&setup.videos())
        },
    )
    .unwrap()
}

#[tokio::test]
async fn the_same_failure_at_every_check_ends_the_job_and_check_again_finishes_it() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.set_job_duration(Duration::from_millis(100));
    // Every check, and the client's retries of it, meet the same 500.
    for _ in 0..40 {
        setup.sim.inject(Route::Poll, Fault::ServerError);
    }
    let jobs = impatient(
        &setup,
        Patience {
            same_failure_for: Duration::ZERO,
            same_failure_polls: 3,
            ..Patience::default()
        },
    );
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
    assert_eq!(row.error_code.as_deref(), Some("gateway_kept_failing"));
    let message = row.error_text().clone().unwrap();
    assert!(
        message.contains("stopped asking") && message.contains("Check again"),
        "{message}"
    );
    let asked = poll_count(&setup.sim);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        poll_count(&setup.sim),
        asked,
        "no more checks once it ended"
    );

    // The gateway recovers: Check again follows the job to its video.
    setup.sim.clear_faults();
    let resumed = jobs.check_again(&row.id).unwrap();
    assert_eq!(
        (resumed.status, resumed.error_code),
        (JobStatus::Running, None)
    );
    wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    assert!(
        jobs.check_again(&row.id).is_err(),
        "only a job that checking gave up on"
    );
}

#[tokio::test]
async fn a_job_running_past_the_limit_stops_being_checked_until_asked_again() {
    let setup = Setup::new(Dialect::Reseller).await;
    setup.sim.set_job_duration(Duration::from_secs(3600));
    let jobs = impatient(
        &setup,
        Patience {
            running_limit: Duration::from_secs(3600),
            ..Patience::default()
        },
    );
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    wait_until("a few checks", || poll_count(&setup.sim) >= 2).await;
    // The user lowers the limit in the settings while the job runs.
    jobs.set_running_limit(Duration::from_millis(200));
    let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
    assert_eq!(row.error_code.as_deref(), Some("stopped_checking"));
    assert!(row.error_text().unwrap().contains("stopped checking it"));
    let asked = poll_count(&setup.sim);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(poll_count(&setup.sim), asked);

    // Check again gives it a whole new limit, counted from the press.
    jobs.set_running_limit(Duration::from_secs(3600));
    jobs.check_again(&row.id).unwrap();
    wait_until("checking resumed", || poll_count(&setup.sim) > asked).await;
    let again = jobs.store().get(&row.id).unwrap().unwrap();
    assert_eq!(again.status, JobStatus::Running);
}

#[tokio::test]
async fn an_ordinary_failure_keeps_the_gateways_reason() {
    let setup = Setup::new(Dialect::Reseller).await;
    setup
        .sim
        .next_outcome(Outcome::Fail("upstream quota exhausted".into()));
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Failed).await;
    assert_eq!(row.error_code.as_deref(), Some("job_failed"));
    assert!(row
        .error_text()
        .unwrap()
        .contains("upstream quota exhausted"));
}

#[tokio::test]
async fn a_job_without_progress_for_too_long_is_flagged_once() {
    let setup = Setup::new(Dialect::Reseller).await;
    // The reseller says NOT_START for the first fifth, then "50%" until the end.
    setup.sim.set_job_duration(Duration::from_secs(60));
    let jobs = Jobs::start(
        setup.store(),
        client_for(setup.sim.base_url(), fast()),
        setup.sink(),
        JobsOptions {
            slow_after: Duration::from_millis(300),
            ..job_options(&setup.videos())
        },
    )
    .unwrap();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_for(jobs.store(), &row.id, |r| r.warning.is_some()).await;
    assert_eq!(row.status, JobStatus::Running);
    assert_eq!(row.warning, Some(JobWarning::TakingUnusuallyLong));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let flagged = setup
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.warning == Some(JobWarning::TakingUnusuallyLong))
        .count();
    assert_eq!(flagged, 1, "warned once, not at every poll");
}

#[tokio::test]
async fn a_rejected_key_while_polling_is_shown_but_the_key_never_reaches_the_history() {
    let setup = Setup::new(Dialect::OpenAi).await;
    // This gateway echoes the key in its refusal.
    setup.sim.inject(Route::Poll, Fault::Unauthorized);
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    let shown = setup
        .events
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.error_code.as_deref() == Some("key_rejected"))
        .cloned()
        .expect("the rejection reached the card");
    assert!(shown.error_text().unwrap().contains("[your key]"));
    assert_eq!(row.error_code, None);
    drop(jobs);
    for file in files_in(setup.db().parent().unwrap()) {
        if file.is_dir() {
            continue; // owners/: empty lock files
        }
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(KEY), "the key is in {}", file.display());
    }
}

// ---- History ----

#[tokio::test]
async fn removing_a_job_deletes_it_on_gateways_that_can_and_keeps_the_video() {
    for (dialect, expected) in [
        (Dialect::OpenAi, GatewayDeletion::Deleted),
        (Dialect::NewApi, GatewayDeletion::NotSupported),
    ] {
        let setup = Setup::new(dialect).await;
        let jobs = setup.start();
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
        assert_eq!(
            jobs.delete(&row.id, Removal::Everywhere).await.unwrap(),
            expected
        );
        assert!(jobs.store().get(&row.id).unwrap().is_none());
        assert_eq!(setup.saved_files().len(), 1, "the user's copy stays");
        let deletes = setup
            .sim
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count();
        assert_eq!(deletes, 1, "{dialect:?}");
    }
}

fn deletes(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count()
}

/// A paid video whose download failed is not destroyed on the gateway by a plain
/// "remove": only when the user says so in as many words.
#[tokio::test]
async fn removing_a_finished_video_that_was_never_saved_keeps_it_on_the_gateway() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let mut unsaved = Vec::new();
    for _ in 0..3 {
        setup.sim.inject(Route::Content, Fault::JsonInsteadOfVideo);
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_for(jobs.store(), &row.id, |r| r.download_error_code.is_some()).await;
        assert_eq!(row.status, JobStatus::Completed);
        unsaved.push(row);
    }

    let everywhere = jobs.delete(&unsaved[0].id, Removal::Everywhere).await;
    assert_eq!(everywhere.unwrap(), GatewayDeletion::KeptUnsaved);
    let history_only = jobs.delete(&unsaved[1].id, Removal::HistoryOnly).await;
    assert_eq!(history_only.unwrap(), GatewayDeletion::NotAsked);
    assert_eq!(deletes(&setup.sim), 0, "nothing deleted on the gateway");
    assert!(jobs.store().get(&unsaved[0].id).unwrap().is_none());
    let client = GatewayClient::new(setup.sim.base_url(), KEY, fast()).unwrap();
    let kept = client
        .status(unsaved[0].remote_id.as_deref().unwrap())
        .await;
    assert!(kept.is_ok(), "still on the gateway: {kept:?}");

    let discarded = jobs.delete(&unsaved[2].id, Removal::DiscardUnsaved).await;
    assert_eq!(discarded.unwrap(), GatewayDeletion::Deleted);
    assert_eq!(deletes(&setup.sim), 1, "deleted once the user chose it");
}

#[tokio::test]
async fn history_pages_and_searches_newest_first() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    for prompt in ["paper boat at dusk", "a fox in snow", "Paper lanterns"] {
        let req = SubmitRequest {
            prompt: prompt.into(),
            ..request()
        };
        jobs.submit(PROFILE, req, None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let first = jobs
        .store()
        .list(&ListQuery {
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    let prompts: Vec<_> = first.jobs.iter().map(|j| j.prompt.as_str()).collect();
    assert_eq!(prompts, ["Paper lanterns", "a fox in snow"]);
    let rest = jobs
        .store()
        .list(&ListQuery {
            after: first.next.clone(),
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rest.jobs.len(), 1);
    assert!(rest.next.is_none());
    let paper = jobs
        .store()
        .list(&ListQuery {
            text: Some("paper".into()),
            statuses: vec![
                JobStatus::Running,
                JobStatus::Completed,
                JobStatus::Downloaded,
            ],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(paper.jobs.len(), 2);
}

#[tokio::test]
async fn history_pages_through_one_status_and_one_word_without_gaps_or_repeats() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let store = setup.store();
    let rows: Vec<(NewJob, JobStatus, i64)> = (0..120)
        .map(|i| {
            let prompt = match i % 3 {
                0 => format!("harbour at night #{i}"),
                _ => format!("mountain lake #{i}"),
            };
            let status = match i % 2 {
                0 => JobStatus::Downloaded,
                _ => JobStatus::Failed,
            };
            let job = NewJob {
                profile_id: PROFILE.into(),
                prompt,
                model: "veo3.1".into(),
                seconds: "8".into(),
                size: "16:9".into(),
                reference_thumb: None,
                extra_fields: Vec::new(),
                continues: None,
            };
            (job, status, 1_000 + i)
        })
        .collect();
    store.import(&rows).unwrap();
    let query = |after| ListQuery {
        text: Some("HARBOUR".into()),
        statuses: vec![JobStatus::Downloaded],
        after,
        limit: 7,
    };
    let mut seen: Vec<String> = Vec::new();
    let mut page = store.list(&query(None)).unwrap();
    loop {
        seen.extend(page.jobs.iter().map(|j| j.prompt.clone()));
        assert!(page
            .jobs
            .iter()
            .all(|j| j.status == JobStatus::Downloaded && j.prompt.starts_with("harbour")));
        match page.next.clone() {
            Some(next) => page = store.list(&query(Some(next))).unwrap(),
            None => break,
        }
    }
    // i % 6 == 0 among 0..120: 20 jobs, newest (highest i) first.
    let expected: Vec<String> = (0..120)
        .rev()
        .filter(|i| i % 6 == 0)
        .map(|i| format!("harbour at night #{i}"))
        .collect();
    assert_eq!(seen, expected);
}

// ---- Where videos are saved ----

#[tokio::test]
async fn a_new_download_folder_takes_the_next_video_and_saved_ones_stay() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let first = jobs.submit(PROFILE, request(), None).await.unwrap();
    let first = wait_status(jobs.store(), &first.id, JobStatus::Downloaded).await;

    let chosen = setup.dir.path().join("Chosen folder");
    jobs.set_video_dir(chosen.clone());
    assert_eq!(jobs.video_dir(), chosen);
    let second = jobs.submit(PROFILE, request(), None).await.unwrap();
    let second = wait_status(jobs.store(), &second.id, JobStatus::Downloaded).await;

    let first_path = PathBuf::from(first.file_path.unwrap());
    let second_path = PathBuf::from(second.file_path.unwrap());
    assert_eq!(
        setup.saved_files(),
        vec![first_path.clone()],
        "the old one stays"
    );
    assert_eq!(files_in(&chosen), vec![second_path.clone()]);
    assert_eq!(std::fs::read(&second_path).unwrap(), SAMPLE_MP4);
}

#[tokio::test]
async fn save_as_copies_the_video_and_leaves_the_original_in_the_history() {
    let setup = Setup::new(Dialect::NewApi).await;
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    let elsewhere = setup.dir.path().join("Desktop");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("holiday.mp4"), b"an older file").unwrap();

    let typed = save_copy(&row, &elsewhere.join("lighthouse")).unwrap();
    assert_eq!(
        typed,
        elsewhere.join("lighthouse.mp4"),
        "the extension is added"
    );
    assert_eq!(std::fs::read(&typed).unwrap(), SAMPLE_MP4);
    let replaced = save_copy(&row, &elsewhere.join("holiday.mp4")).unwrap();
    assert_eq!(
        std::fs::read(&replaced).unwrap(),
        SAMPLE_MP4,
        "replaced whole"
    );
    assert_eq!(files_in(&elsewhere).len(), 2, "no temp files left");

    let original = PathBuf::from(row.file_path.clone().unwrap());
    assert_eq!(std::fs::read(&original).unwrap(), SAMPLE_MP4);
    let stored = jobs.store().require(&row.id).unwrap();
    assert_eq!(
        stored.file_path, row.file_path,
        "the history keeps the original"
    );

    std::fs::remove_file(&original).unwrap();
    let gone = save_copy(&row, &elsewhere.join("again.mp4")).unwrap_err();
    assert_eq!(gone.code(), "invalid_input");
    assert!(gone.to_string().contains("is gone"), "{gone}");
}

#[tokio::test]
async fn a_video_not_saved_yet_cannot_be_copied() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let store = setup.store();
    let row = store
        .insert_submitting(
            &NewJob {
                profile_id: PROFILE.into(),
                prompt: PROMPT.into(),
                ..Default::default()
            },
            1,
        )
        .unwrap();
    let err = save_copy(&row, &setup.dir.path().join("x.mp4")).unwrap_err();
    assert!(err.to_string().contains("not saved yet"), "{err}");
}

// ---- What the gateway says about expiry ----

#[tokio::test]
async fn the_gateways_own_expiry_is_kept_and_without_one_a_day_is_assumed() {
    const HOUR_MS: i64 = 3_600_000;
    // The OpenAI dialect names `expires_at` (an hour after creation); NewApi does not.
    for (dialect, lifetime) in [(Dialect::OpenAi, HOUR_MS), (Dialect::NewApi, 24 * HOUR_MS)] {
        let setup = Setup::new(dialect).await;
        let jobs = setup.start();
        let row = jobs.submit(PROFILE, request(), None).await.unwrap();
        let row = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
        let expires = row.expires_at.expect("an expiry");
        let from = match dialect {
            Dialect::OpenAi => row.submitted_at.unwrap(),
            _ => row.completed_at.unwrap(),
        };
        // Whole seconds on the wire: allow their rounding, not a different lifetime.
        let off = (expires - (from + lifetime)).abs();
        assert!(off < 5_000, "{dialect:?}: expiry off by {off} ms");
    }
}

// ---- Upload progress ----

#[tokio::test]
async fn the_upload_reports_growing_progress_up_to_the_whole_image_and_posts_once() {
    let setup = Setup::new(Dialect::OpenAi).await;
    // A slower uplink: the simulator reads each piece of the body, then pauses.
    setup.sim.set_upload_rate(Some(30_000_000));
    let jobs = setup.start_with(ClientOptions {
        read_timeout: Duration::from_secs(20),
        ..fast()
    });
    let image = noise(3_000_000);
    let req = with_image(image.clone());
    let seen = Arc::new(Mutex::new(Vec::<(u64, u64)>::new()));
    let into = seen.clone();
    let watch = UploadWatch::new(move |sent, total| into.lock().unwrap().push((sent, total)));
    let row = jobs
        .submit_with_progress(PROFILE, req.into(), Some(watch))
        .await
        .unwrap();
    assert_eq!(row.status, JobStatus::Running);

    let seen = seen.lock().unwrap().clone();
    let total = image.len() as u64;
    assert!(seen.iter().all(|&(_, t)| t == total), "total is the image");
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(total, total)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "never goes back");
    let between = seen.iter().filter(|&&(s, _)| s > 0 && s < total).count();
    assert!(between >= 10, "progress in steps, not a jump: {between}");

    let posts = setup.sim.requests_to("POST", "/v1/videos");
    assert_eq!(posts.len(), 1, "sent once");
    assert_eq!(posts[0].files[0].bytes, image, "the image arrived whole");
}

/// A `w`×`h` PNG of one colour in `dir`, as a user's picture.
fn picture(dir: &Path, name: &str, w: u32, h: u32, shade: u8) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(w, h, image::Rgb([shade, 90, 200 - shade]))
        .save(&path)
        .unwrap();
    path
}

fn chosen(path: PathBuf, fit: &str) -> ImageChoice {
    ImageChoice {
        path,
        fit: Some(fit.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_first_and_last_frame_go_as_two_parts_of_the_frames_variant_with_progress_over_both() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let dir = setup.dir.path();
    let input = JobInput {
        prompt: PROMPT.into(),
        model: "veo3.1".into(),
        seconds: "4".into(),
        size: "16:9".into(),
        image: Some(chosen(picture(dir, "dawn.png", 1600, 900, 10), "crop")),
        last_frame: Some(chosen(picture(dir, "dusk.png", 900, 900, 150), "crop")),
        ..Default::default()
    };
    let prepared = request::prepare(input, &Catalog::builtin(), &dir.join("thumbs")).unwrap();
    let seen = Arc::new(Mutex::new(Vec::<(u64, u64)>::new()));
    let into = seen.clone();
    let watch = UploadWatch::new(move |sent, total| into.lock().unwrap().push((sent, total)));
    let row = jobs
        .submit_with_progress(PROFILE, prepared, Some(watch))
        .await
        .unwrap();
    assert_eq!(row.status, JobStatus::Running);
    assert_eq!(
        row.model, "veo3.1-frames",
        "the history keeps what went out"
    );
    assert!(
        row.reference_thumb.is_some(),
        "the card shows the first frame"
    );

    let post = &setup.sim.requests_to("POST", "/v1/videos")[0];
    assert_eq!(post.field("model"), Some("veo3.1-frames"));
    let parts: Vec<&str> = post.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(parts, ["input_reference", "input_reference"]);
    let shade = |i: usize| {
        image::load_from_memory(&post.files[i].bytes)
            .unwrap()
            .to_rgb8()[(0, 0)][0]
    };
    assert!(
        shade(0) < 40 && shade(1) > 120,
        "first frame first, then the last"
    );
    let last = image::load_from_memory(&post.files[1].bytes).unwrap();
    assert_eq!(
        last.width() * 9,
        last.height() * 16,
        "the last frame fitted to 16:9 too"
    );
    let total: u64 = post.files.iter().map(|f| f.bytes.len() as u64).sum();
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().all(|&(_, t)| t == total),
        "progress counts both pictures"
    );
    assert_eq!(seen.last(), Some(&(total, total)));

    let details = jobs.store().exchanges(&row.id).unwrap();
    let sent_form = &details[0].request_body;
    assert_eq!(
        sent_form.matches("input_reference: ").count(),
        2,
        "{sent_form}"
    );
}

#[tokio::test]
async fn ingredients_go_as_they_are_in_the_field_a_users_model_names_and_rules_come_first() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let dir = setup.dir.path();
    let catalog = Catalog::builtin()
        .with_user_models(
            r#"[{"name":"veo-r","seconds":[8],"sizes":["16:9","9:16"],
            "inputs":{"reference_images":{"field":"images[]","max":3,"seconds":[8]}}}]"#,
        )
        .unwrap();
    let tall = picture(dir, "hero.png", 300, 600, 40);
    let input = JobInput {
        prompt: PROMPT.into(),
        model: "veo-r".into(),
        seconds: "8".into(),
        size: "16:9".into(),
        reference_images: vec![chosen(tall.clone(), "none"), chosen(tall.clone(), "none")],
        ..Default::default()
    };
    let mixed = JobInput {
        image: Some(chosen(tall.clone(), "crop")),
        ..input.clone()
    };
    let Err(e) = request::prepare(mixed, &catalog, &dir.join("thumbs")) else {
        panic!("ingredients with a first frame were accepted");
    };
    assert!(e.to_string().contains("cannot be combined"), "{e}");
    assert_eq!(setup.sim.submit_count(), 0);

    let prepared = request::prepare(input, &catalog, &dir.join("thumbs")).unwrap();
    let row = jobs
        .submit_with_progress(PROFILE, prepared, None)
        .await
        .unwrap();
    assert_eq!(
        row.model, "veo-r",
        "no variant declared: the model as chosen"
    );
    let post = &setup.sim.requests_to("POST", "/v1/videos")[0];
    let parts: Vec<&str> = post.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(parts, ["images[]", "images[]"]);
    let sent = image::load_from_memory(&post.files[0].bytes).unwrap();
    assert_eq!(
        (sent.width(), sent.height()),
        (300, 600),
        "not cropped to the aspect"
    );
}

#[tokio::test]
async fn stopping_an_upload_midway_creates_nothing_and_says_so() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_upload_rate(Some(2_000_000));
    let jobs = setup.start_with(ClientOptions {
        read_timeout: Duration::from_secs(30),
        ..fast()
    });
    let image = noise(8_000_000);
    let total = image.len() as u64;
    let req = with_image(image);
    let sent = Arc::new(Mutex::new(0u64));
    let into = sent.clone();
    let watch = UploadWatch::new(move |s, _| *into.lock().unwrap() = s);

    let stopper = async {
        while *sent.lock().unwrap() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let at = *sent.lock().unwrap();
        (at, watch.stop())
    };
    let (row, (stopped_at, stopped)) = tokio::join!(
        jobs.submit_with_progress(PROFILE, req.into(), Some(watch.clone())),
        stopper
    );
    assert!(
        stopped_at < total,
        "stopped midway: {stopped_at} of {total}"
    );
    assert!(stopped, "a midway upload can be stopped");
    let row = row.unwrap();
    assert_eq!(row.status, JobStatus::Cancelled);
    assert!(
        row.error_text().unwrap().contains("no video was made"),
        "the card says nothing was made"
    );
    assert_eq!(
        setup.sim.submit_count(),
        0,
        "the gateway never got a whole request"
    );
    assert_eq!(
        jobs.store().get(&row.id).unwrap().unwrap().status,
        JobStatus::Cancelled,
        "the history keeps it as cancelled"
    );
}

#[tokio::test]
async fn an_upload_that_has_gone_out_whole_cannot_be_stopped() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let req = with_image(vec![7; 200_000]);
    let watch = UploadWatch::new(|_, _| {});
    let row = jobs
        .submit_with_progress(PROFILE, req.into(), Some(watch.clone()))
        .await
        .unwrap();
    assert_eq!(row.status, JobStatus::Running);
    assert!(!watch.stop(), "too late once the gateway has the request");
    assert_eq!(setup.sim.submit_count(), 1);
}

// ---- Restart ----

#[tokio::test]
async fn a_restart_resumes_unfinished_jobs_and_flags_interrupted_submissions() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup.sim.set_job_duration(Duration::from_millis(1500));
    let first = setup.start();
    let a = first.submit(PROFILE, request(), None).await.unwrap();
    let b = first.submit(PROFILE, request(), None).await.unwrap();
    // A crash mid-POST leaves this behind.
    let interrupted = first
        .store()
        .insert_submitting(
            &NewJob {
                profile_id: PROFILE.into(),
                prompt: "lost in flight".into(),
                ..Default::default()
            },
            1,
        )
        .unwrap();
    let probe = setup.store();
    let crashed = first.store().owner_id().to_string();
    drop(first);
    // Dropped, its tasks end a moment later; a real crash ends them at once.
    wait_until("the first run has ended", || {
        !probe.owner_is_alive(&crashed)
    })
    .await;
    let polls_before = poll_count(&setup.sim);

    let second = setup.start();
    let uncertain = second.store().get(&interrupted.id).unwrap().unwrap();
    assert_eq!(uncertain.status, JobStatus::Uncertain);
    assert!(uncertain
        .error_text()
        .unwrap()
        .contains("Check the gateway's task list"));
    for id in [&a.id, &b.id] {
        let row = wait_status(second.store(), id, JobStatus::Downloaded).await;
        assert_eq!(std::fs::read(row.file_path.unwrap()).unwrap(), SAMPLE_MP4);
    }
    assert!(poll_count(&setup.sim) > polls_before, "polling resumed");
    assert_eq!(setup.sim.submit_count(), 2, "nothing sent twice");
    assert_eq!(second.store().count().unwrap(), 3, "nothing duplicated");
    assert_eq!(setup.saved_files().len(), 2);
}

// ---- Crash survival: a real process, killed with SIGKILL ----

const CHILD_DB: &str = "VEO_JOBS_CHILD_DB";
const CHILD_BASE: &str = "VEO_JOBS_CHILD_BASE";
const CHILD_VIDEOS: &str = "VEO_JOBS_CHILD_VIDEOS";
const CHILD_SUBMIT: &str = "VEO_JOBS_CHILD_SUBMIT";
/// Wait long for answers, so a slow submit is still in flight when it is killed.
const CHILD_PATIENT: &str = "VEO_JOBS_CHILD_PATIENT";

/// The app in miniature, run as a child process by the crash test: opens the history,
/// submits once if asked, and exits when nothing is left to do.
#[tokio::test]
#[ignore = "run by crash_at_each_stage_loses_nothing_and_duplicates_nothing as a child"]
async fn job_runner_child() {
    let (Ok(db), Ok(base), Ok(videos)) = (
        std::env::var(CHILD_DB),
        std::env::var(CHILD_BASE),
        std::env::var(CHILD_VIDEOS),
    ) else {
        return;
    };
    let store = JobStore::open_at(Path::new(&db)).unwrap();
    let client = match std::env::var(CHILD_PATIENT) {
        Ok(_) => ClientOptions {
            read_timeout: Duration::from_secs(30),
            ..fast()
        },
        Err(_) => fast(),
    };
    let jobs = Jobs::start(
        store,
        client_for(&base, client),
        Arc::new(|_| {}),
        job_options(Path::new(&videos)),
    )
    .unwrap();
    if std::env::var(CHILD_SUBMIT).is_ok() {
        jobs.submit(PROFILE, request(), None).await.unwrap();
    }
    while !jobs.store().unfinished().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn spawn_runner(setup: &Setup, submit: bool) -> std::process::Child {
    runner_command(setup, submit)
        .spawn()
        .expect("the runner starts")
}

fn runner_command(setup: &Setup, submit: bool) -> std::process::Command {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["job_runner_child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_DB, setup.db())
        .env(CHILD_BASE, setup.sim.base_url())
        .env(CHILD_VIDEOS, setup.videos())
        .stdout(std::process::Stdio::null());
    if submit {
        cmd.env(CHILD_SUBMIT, "1");
    }
    cmd
}

/// SIGKILL, the way a crash or a force-quit ends the app.
fn kill(mut child: std::process::Child) {
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
}

async fn run_to_the_end(mut runner: std::process::Child) {
    let deadline = tokio::time::Instant::now() + GIVE_UP;
    let status = loop {
        if let Some(status) = runner.try_wait().unwrap() {
            break status;
        }
        assert!(tokio::time::Instant::now() < deadline, "the runner hangs");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success());
}

fn only_row(setup: &Setup) -> Option<JobRow> {
    let rows = setup.store().list(&ListQuery::default()).ok()?.jobs;
    assert!(rows.len() <= 1, "a duplicated row: {rows:#?}");
    rows.into_iter().next()
}

fn part_file_has_bytes(setup: &Setup) -> bool {
    setup.saved_files().iter().any(|p| {
        p.to_string_lossy().ends_with(".part")
            && std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_at_each_stage_loses_nothing_and_duplicates_nothing() {
    let setup = Setup::new(Dialect::OpenAi).await;
    setup.sim.set_job_duration(Duration::from_secs(2));
    // The first download crawls, so the second run is killed in the middle of it.
    setup.sim.inject(
        Route::Content,
        Fault::Trickle {
            chunk: 256,
            pause: Duration::from_millis(100),
        },
    );

    // 1. Killed while polling.
    let runner = spawn_runner(&setup, true);
    wait_until("a few polls", || poll_count(&setup.sim) >= 3).await;
    kill(runner);
    let row = only_row(&setup).expect("the job survived the kill");
    assert_eq!(row.status, JobStatus::Running);
    assert!(row.remote_id.is_some());

    // 2. Killed in the middle of the download.
    let runner = spawn_runner(&setup, false);
    wait_until("half a download", || part_file_has_bytes(&setup)).await;
    kill(runner);
    let row = only_row(&setup).unwrap();
    assert_eq!(row.status, JobStatus::Completed);
    assert_eq!(row.file_path, None);

    // 3. Runs to the end.
    run_to_the_end(spawn_runner(&setup, false)).await;
    let row = only_row(&setup).unwrap();
    assert_eq!(row.status, JobStatus::Downloaded);
    let path = PathBuf::from(row.file_path.unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), SAMPLE_MP4);
    assert_eq!(
        setup.saved_files(),
        vec![path],
        "no temp or duplicate files"
    );
    assert_eq!(setup.sim.submit_count(), 1, "the POST was never repeated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_during_the_post_shows_as_may_have_been_created_and_is_not_resent() {
    let setup = Setup::new(Dialect::NewApi).await;
    setup
        .sim
        .inject(Route::Submit, Fault::Slow(Duration::from_secs(20)));
    let runner = runner_command(&setup, true)
        .env(CHILD_PATIENT, "1")
        .spawn()
        .unwrap();
    wait_until("the POST to arrive", || setup.sim.submit_count() == 1).await;
    kill(runner);
    let row = only_row(&setup).expect("the row was written before the POST");
    assert_eq!(row.status, JobStatus::Submitting);

    run_to_the_end(spawn_runner(&setup, false)).await;
    let row = only_row(&setup).unwrap();
    assert_eq!(row.status, JobStatus::Uncertain);
    assert_eq!(row.error_code.as_deref(), Some("submit_uncertain"));
    assert!(row
        .error_text()
        .unwrap()
        .contains("may have created the video"));
    assert_eq!(setup.sim.submit_count(), 1, "the POST is not sent again");
}

// ---- One history, two processes (the app and the CLI) ----

/// Each `JobStore` opening stands for one process: it owns the rows it queued or sent.
#[tokio::test]
async fn starting_beside_a_running_process_leaves_its_waiting_and_sending_jobs_alone() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let cli = setup.store();
    let job = |prompt: &str| NewJob {
        profile_id: PROFILE.into(),
        prompt: prompt.into(),
        ..Default::default()
    };
    let waiting = cli.insert_waiting(&job("third in the batch"), 1).unwrap();
    let sending = cli.insert_submitting(&job("on its way"), 2).unwrap();

    let app = setup.start();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let still = |id: &str| app.store().get(id).unwrap().unwrap().status;
    assert_eq!(still(&waiting.id), JobStatus::Waiting);
    assert_eq!(still(&sending.id), JobStatus::Submitting);
    drop(app);

    // The CLI is gone (a crash leaves its rows as they were): now they are recovered.
    drop(cli);
    let app = setup.start();
    let status = |id: &str| app.store().get(id).unwrap().unwrap().status;
    assert_eq!(status(&waiting.id), JobStatus::Cancelled);
    assert_eq!(status(&sending.id), JobStatus::Uncertain);
    assert_eq!(setup.sim.submit_count(), 0, "nothing is ever sent again");
}

/// The app and the CLI both follow one job: one of them downloads it, the other sees
/// it saved. Repeated by `scripts/race` to show it never flakes.
#[tokio::test]
async fn two_processes_following_one_job_save_one_intact_video() {
    let setup = Setup::new(Dialect::OpenAi).await;
    // Long enough for both to be asking when it finishes.
    setup.sim.set_job_duration(Duration::from_millis(1500));
    let cli = setup.start();
    let row = cli.submit(PROFILE, request(), None).await.unwrap();
    // The app opens while the CLI waits: it follows every unfinished job it finds.
    let app = setup.start();
    let done_here = wait_status(cli.store(), &row.id, JobStatus::Downloaded).await;
    let done_there = wait_status(app.store(), &row.id, JobStatus::Downloaded).await;
    assert_eq!(done_here.file_path, done_there.file_path);
    assert_eq!(done_here.download_error_code, None);
    // Let the other one look once more: it must not start a second download.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.saved_files().len(), 1, "{:?}", setup.saved_files());
    let file = PathBuf::from(done_here.file_path.unwrap());
    assert_eq!(std::fs::read(&file).unwrap(), SAMPLE_MP4);
    let content = format!("/v1/videos/{}/content", done_here.remote_id.unwrap());
    assert_eq!(setup.sim.requests_to("GET", &content).len(), 1);
    assert_eq!(setup.sim.submit_count(), 1);
}

#[tokio::test]
async fn a_job_never_moves_back_when_a_slower_process_reports_an_older_state() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let saved = wait_status(jobs.store(), &row.id, JobStatus::Downloaded).await;
    let late = setup.store();
    let now = veo_desk_core::jobs::store::now_ms();
    let after = late
        .mark_completed(&row.id, "completed", None, now, now + 1000)
        .unwrap();
    assert_eq!(after, saved, "still saved, with its file");
    let failed = late
        .mark_failed(
            &row.id,
            "gateway_error",
            &Problem::new(veo_desk_core::jobs::texts::JOB_FAILED),
            now,
        )
        .unwrap();
    assert_eq!(failed.status, JobStatus::Downloaded);
}

// ---- Other real endings ----

/// A retired model, LiteLLM's "every deployment is cooling down" and a finished job
/// whose video the gateway does not have: each ends with its own code and words.
#[tokio::test]
async fn a_retired_model_a_cooling_gateway_and_a_finished_job_without_video_are_each_explained() {
    let setup = Setup::new(Dialect::OpenAi).await;
    let jobs = setup.start();
    let json_error = |status: u16, message: &str| Fault::PlainText {
        status,
        text: serde_json::json!({"error": {"message": message, "type": "invalid_request_error"}})
            .to_string(),
    };

    setup.sim.inject(
        Route::Submit,
        json_error(
            404,
            "The model veo-3.0-generate-preview is no longer available. Use veo-3.1.",
        ),
    );
    let retired = jobs.submit(PROFILE, request(), None).await.unwrap();
    assert_eq!(retired.error_code.as_deref(), Some("model_unavailable"));
    let told = retired.error_text().unwrap();
    assert!(
        told.starts_with(
            "The gateway does not offer this model, or no longer does (404 Not Found)."
        ),
        "{told}"
    );
    assert!(
        told.contains("“The model veo-3.0-generate-preview is no longer available."),
        "{told}"
    );

    setup.sim.inject(
        Route::Submit,
        json_error(429, "No deployments available for selected model, Try again in 60 seconds. Passed model=veo3.1. pre-call-checks=False, cooldown_list=[('a1', {'status_code': '429'})]"),
    );
    let resting = jobs.submit(PROFILE, request(), None).await.unwrap();
    assert_eq!(resting.status, JobStatus::Failed);
    assert_eq!(resting.error_code.as_deref(), Some("rate_limited"));
    assert!(
        resting.error_text().unwrap().contains("is resting"),
        "{resting:?}"
    );

    setup
        .sim
        .inject(Route::Content, json_error(404, "video not found"));
    let row = jobs.submit(PROFILE, request(), None).await.unwrap();
    let unsaved = wait_for(jobs.store(), &row.id, |r| r.download_error_code.is_some()).await;
    assert_eq!(unsaved.status, JobStatus::Completed);
    assert_eq!(unsaved.download_error_code.as_deref(), Some("no_video"));
    let told = unsaved.download_error_text().unwrap();
    assert!(
        told.contains("finished, but it has no video for it"),
        "{told}"
    );
    assert_eq!(setup.sim.submit_count(), 3, "no request is sent twice");
}
