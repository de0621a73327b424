//! The gateway client against the simulator: every dialect, every fault, asserting what
//! the user would see (the saved file, the message, how often a request was sent).

mod common;

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use common::fast;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use veo_desk_core::gateway::{
    ClientOptions, Detected, DownloadProgress, ExtrasStyle, GatewayClient, GatewayError, JobState,
    Limits, MinRate, ReferenceImage, RequestStyle, SizeStyle, SubmitRequest, VideoJob,
};
use veo_desk_core::simulator::{
    clip, Dialect, Endpoint, Fault, Outcome, RecordedRequest, Route, Shape, Simulator, SAMPLE_MP4,
};

const KEY: &str = "sk-test-5f1c9a0b7d";
const DIALECTS: [Dialect; 3] = [Dialect::OpenAi, Dialect::NewApi, Dialect::Reseller];

async fn start(dialect: Dialect) -> Simulator {
    let sim = Simulator::start(dialect).await.expect("simulator starts");
    sim.set_job_duration(Duration::from_millis(250));
    sim
}

fn client(sim: &Simulator) -> GatewayClient {
    GatewayClient::new(sim.base_url(), KEY, fast()).expect("valid client")
}

fn request() -> SubmitRequest {
    SubmitRequest {
        prompt: "A lighthouse at dawn, waves rolling in".into(),
        model: "veo3.1".into(),
        seconds: "8".into(),
        size: "16:9".into(),
        ..Default::default()
    }
}

fn dest(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("lighthouse.mp4")
}

/// Submit, wait, download: the whole user journey.
async fn make_video(
    client: &GatewayClient,
    dest: &Path,
) -> Result<(VideoJob, Vec<VideoJob>), GatewayError> {
    let submitted = client.submit(&request()).await?;
    let mut updates = Vec::new();
    let done = client
        .wait_until_done(&submitted.id, |j| updates.push(j.clone()))
        .await?;
    client.download(&done, dest, |_| {}).await?;
    Ok((done, updates))
}

fn polls(sim: &Simulator) -> Vec<RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| {
            r.method == "GET" && r.path.starts_with("/v1/videos/") && !r.path.ends_with("/content")
        })
        .collect()
}

fn assert_human(e: &GatewayError) {
    assert!(
        !e.message().contains('<') && !e.message().contains('>'),
        "markup in: {}",
        e.message()
    );
    assert!(!e.message().contains(KEY), "key in: {}", e.message());
    assert!(!format!("{e:?}").contains(KEY), "key in Debug: {e:?}");
}

fn folder_is_empty(dir: &tempfile::TempDir) -> bool {
    std::fs::read_dir(dir.path()).unwrap().next().is_none()
}

// ---- The happy path in every dialect ----

async fn happy_path(dialect: Dialect) {
    let sim = start(dialect).await;
    let dir = tempfile::tempdir().unwrap();
    let (job, updates) = make_video(&client(&sim), &dest(&dir)).await.unwrap();
    assert_eq!(job.state, JobState::Completed);
    assert!(
        updates.iter().any(|u| u.state == JobState::Running),
        "saw no running state"
    );
    assert_eq!(
        std::fs::read(dest(&dir)).unwrap(),
        SAMPLE_MP4,
        "the saved video differs"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file left behind"
    );
    assert_eq!(sim.submit_count(), 1);
}

#[tokio::test]
async fn openai_dialect_makes_a_byte_identical_video() {
    happy_path(Dialect::OpenAi).await;
}

#[tokio::test]
async fn new_api_dialect_makes_a_byte_identical_video() {
    happy_path(Dialect::NewApi).await;
}

#[tokio::test]
async fn reseller_dialect_makes_a_byte_identical_video_through_the_result_link() {
    happy_path(Dialect::Reseller).await;
    let sim = start(Dialect::Reseller).await;
    let dir = tempfile::tempdir().unwrap();
    let (job, updates) = make_video(&client(&sim), &dest(&dir)).await.unwrap();
    assert!(job.id.len() > 200, "reseller ids are long");
    assert_eq!(job.raw_status, "SUCCESS");
    assert!(updates.iter().any(|u| u.progress == Some(50.0)));
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.path.starts_with("/files/"))
            .count(),
        1,
        "fell back to video_url"
    );
}

#[tokio::test]
async fn new_api_completed_at_while_running_does_not_end_the_wait() {
    let sim = start(Dialect::NewApi).await;
    sim.set_job_duration(Duration::from_secs(30));
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    // Every new-api-like answer carries `completed_at`; only `status` may end the job.
    let first = c.status(&job.id).await.unwrap();
    assert_eq!(first.state, JobState::Running);
    assert_eq!(first.raw_status, "queued");
}

#[tokio::test]
async fn new_api_result_link_in_metadata_is_read() {
    let sim = start(Dialect::NewApi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    let link = done.result_url.expect("metadata.url is read");
    assert!(
        link.starts_with(sim.base_url()) && link.ends_with(".mp4"),
        "{link}"
    );
}

#[tokio::test]
async fn base_url_with_v1_and_slash_works_too() {
    let sim = start(Dialect::OpenAi).await;
    let c = GatewayClient::new(&format!("{}/v1/", sim.base_url()), KEY, fast()).unwrap();
    let job = c.submit(&request()).await.unwrap();
    assert_eq!(job.state, JobState::Running);
    assert_eq!(sim.submit_count(), 1);
}

// ---- What the gateway receives ----

#[tokio::test]
async fn the_form_image_and_key_arrive_as_sent() {
    let sim = start(Dialect::NewApi).await;
    let image: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let req = SubmitRequest {
        input_reference: Some(ReferenceImage {
            bytes: image.clone(),
            file_name: "start.png".into(),
            mime: "image/png".into(),
        }),
        extra_fields: vec![
            ("negative_prompt".into(), "blurry".into()),
            ("model".into(), "ignored".into()),
        ],
        ..request()
    };
    client(&sim).submit(&req).await.unwrap();
    let sent = &sim.requests_to("POST", "/v1/videos")[0];
    assert_eq!(
        sent.field("prompt"),
        Some("A lighthouse at dawn, waves rolling in")
    );
    assert_eq!(sent.field("model"), Some("veo3.1"));
    assert_eq!(sent.field("seconds"), Some("8"));
    assert_eq!(sent.field("size"), Some("16:9"));
    assert_eq!(sent.field("negative_prompt"), Some("blurry"));
    assert_eq!(
        sent.fields.iter().filter(|(k, _)| k == "model").count(),
        1,
        "extra fields cannot override core ones"
    );
    let file = &sent.files[0];
    assert_eq!(
        (file.name.as_str(), file.file_name.as_str()),
        ("input_reference", "start.png")
    );
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.bytes, image);
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(sent.header("user-agent").unwrap().starts_with("VeoDesk/"));
}

// ---- Submit faults: never retried ----

#[tokio::test]
async fn an_html_502_on_submit_is_sent_once_and_explained_without_markup() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.inject(Route::Submit, Fault::HtmlBadGateway);
        let e = client(&sim).submit(&request()).await.unwrap_err();
        assert_eq!(e.code(), "gateway_error");
        assert!(
            e.message().contains("The gateway answered 502 Bad Gateway"),
            "{}",
            e.message()
        );
        assert!(!e.message().contains("nginx"), "{}", e.message());
        assert_human(&e);
        assert_eq!(
            sim.submit_count(),
            1,
            "{dialect:?}: a POST must not be retried"
        );
    }
}

#[tokio::test]
async fn a_rejected_key_is_named_without_echoing_it() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.inject(Route::Submit, Fault::Unauthorized);
        let e = client(&sim).submit(&request()).await.unwrap_err();
        assert_eq!(e.code(), "key_rejected");
        assert!(
            e.message().contains("401 Unauthorized")
                && e.message().contains("Incorrect API key provided"),
            "{}",
            e.message()
        );
        assert_human(&e);
    }
}

#[tokio::test]
async fn a_forbidden_model_shows_the_gateways_chinese_text() {
    let sim = start(Dialect::NewApi).await;
    sim.inject(Route::Submit, Fault::Forbidden);
    let e = client(&sim).submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "key_rejected");
    assert!(
        e.message().contains("该令牌无权使用模型"),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn a_rate_limited_submit_is_reported_with_the_wait_not_retried() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.inject(
            Route::Submit,
            Fault::RateLimited {
                retry_after_secs: 30,
            },
        );
        let e = client(&sim).submit(&request()).await.unwrap_err();
        assert_eq!(e.code(), "rate_limited");
        assert!(
            e.message().contains("当前分组上游负载已饱和，请稍后再试"),
            "{dialect:?}: {}",
            e.message()
        );
        assert_eq!(e.retry_after, Some(Duration::from_secs(30)));
        assert_eq!(sim.submit_count(), 1);
    }
}

#[tokio::test]
async fn a_server_error_on_submit_quotes_the_gateway_once() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.inject(Route::Submit, Fault::ServerError);
        let e = client(&sim).submit(&request()).await.unwrap_err();
        assert_eq!(e.code(), "gateway_error");
        assert!(
            e.message().contains("500 Internal Server Error")
                && e.message().contains("upstream service unavailable"),
            "{}",
            e.message()
        );
        assert_eq!(sim.submit_count(), 1);
    }
}

#[tokio::test]
async fn a_submit_whose_answer_never_comes_may_have_made_a_job() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(Route::Submit, Fault::Slow(Duration::from_millis(1500)));
    let e = client(&sim).submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "submit_uncertain");
    assert!(
        e.message().contains("A job may have been created"),
        "{}",
        e.message()
    );
    assert_eq!(sim.submit_count(), 1);
}

#[tokio::test]
async fn a_submit_answer_cut_off_midway_may_have_made_a_job() {
    let sim = start(Dialect::NewApi).await;
    sim.inject(Route::Submit, Fault::DropAfter(10));
    let e = client(&sim).submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "submit_uncertain");
    assert!(
        e.message().contains("check the gateway's task list"),
        "{}",
        e.message()
    );
    assert_eq!(sim.submit_count(), 1);
}

#[tokio::test]
async fn a_poll_answer_cut_off_midway_is_retried() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        let c = client(&sim);
        let job = c.submit(&request()).await.unwrap();
        sim.inject(Route::Poll, Fault::DropAfter(10));
        sim.inject(Route::Poll, Fault::DropAfter(0));
        let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
        assert_eq!(done.state, JobState::Completed, "{dialect:?}");
        assert!(polls(&sim).len() >= 3);
    }
}

#[tokio::test]
async fn a_big_reference_image_gets_time_to_upload() {
    let sim = start(Dialect::OpenAi).await;
    // Answers later than the 400 ms idle limit, but a 320 KB image earns ~20 s more.
    sim.inject(Route::Submit, Fault::Slow(Duration::from_millis(1000)));
    let image = vec![7u8; 320 * 1024];
    let req = SubmitRequest {
        input_reference: Some(ReferenceImage {
            bytes: image.clone(),
            file_name: "big.jpg".into(),
            mime: "image/jpeg".into(),
        }),
        ..request()
    };
    let job = client(&sim).submit(&req).await.unwrap();
    assert_eq!(job.state, JobState::Running);
    assert_eq!(
        sim.requests_to("POST", "/v1/videos")[0].files[0].bytes,
        image
    );
}

#[tokio::test]
async fn malformed_json_on_submit_warns_that_a_job_may_exist() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(Route::Submit, Fault::MalformedJson);
    let e = client(&sim).submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "bad_response");
    assert!(
        e.message().contains("not valid JSON") && e.message().contains("may have been created"),
        "{}",
        e.message()
    );
    assert_eq!(sim.submit_count(), 1);
}

#[tokio::test]
async fn a_plain_text_refusal_is_quoted() {
    let sim = start(Dialect::Reseller).await;
    sim.inject(
        Route::Submit,
        Fault::PlainText {
            status: 400,
            text: "model veo3.1 is not available in your group".into(),
        },
    );
    let e = client(&sim).submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "request_rejected");
    assert_eq!(e.problem.text, "gateway.request_refused");
    assert_eq!(e.problem.param("status"), Some("400 Bad Request"));
    assert_eq!(
        e.problem.server_text.as_deref(),
        Some("model veo3.1 is not available in your group")
    );
    assert_eq!(e.message(), "The gateway refused the request (400 Bad Request). The gateway said: “model veo3.1 is not available in your group”");
}

#[tokio::test]
async fn the_gateway_refuses_a_form_without_a_prompt() {
    let sim = start(Dialect::OpenAi).await;
    let e = client(&sim)
        .submit(&SubmitRequest {
            prompt: String::new(),
            ..request()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "request_rejected");
    assert!(
        e.message().contains("prompt and model are required"),
        "{}",
        e.message()
    );
}

// ---- Transport failures ----

#[tokio::test]
async fn a_refused_connection_says_nothing_was_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = GatewayClient::new(&format!("http://127.0.0.1:{port}"), KEY, fast()).unwrap();
    let e = c.submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
    assert!(
        e.message().contains("refused the connection") && e.message().contains("Nothing was sent"),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn an_unknown_host_name_is_explained() {
    let c = GatewayClient::new("https://no-such-gateway.invalid", KEY, fast()).unwrap();
    let e = c.status("abc").await.unwrap_err();
    assert_eq!(e.code(), "gateway_unreachable");
    assert!(
        e.message().contains("no-such-gateway.invalid"),
        "{}",
        e.message()
    );
    assert_human(&e);
}

// ---- Poll faults: retried within bounds ----

#[tokio::test]
async fn a_rate_limited_poll_waits_as_told_then_finishes() {
    let sim = start(Dialect::NewApi).await;
    let dir = tempfile::tempdir().unwrap();
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    sim.inject(
        Route::Poll,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    c.download(&done, &dest(&dir), |_| {}).await.unwrap();
    let p = polls(&sim);
    assert!(
        p[1].at.duration_since(p[0].at) >= Duration::from_secs(1),
        "did not wait for Retry-After"
    );
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
}

#[tokio::test]
async fn server_errors_and_proxy_pages_while_polling_are_retried() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        let dir = tempfile::tempdir().unwrap();
        let c = client(&sim);
        let job = c.submit(&request()).await.unwrap();
        sim.inject(Route::Poll, Fault::ServerError);
        sim.inject(Route::Poll, Fault::HtmlBadGateway);
        sim.inject(
            Route::Poll,
            Fault::PlainText {
                status: 503,
                text: "Service Unavailable".into(),
            },
        );
        let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
        c.download(&done, &dest(&dir), |_| {}).await.unwrap();
        assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
        assert!(polls(&sim).len() >= 4);
    }
}

#[tokio::test]
async fn a_slow_poll_times_out_and_is_retried() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    sim.inject(Route::Poll, Fault::Slow(Duration::from_millis(1000)));
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    assert_eq!(done.state, JobState::Completed);
}

#[tokio::test]
async fn a_gateway_that_keeps_failing_is_given_up_on() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    for _ in 0..4 {
        sim.inject(Route::Poll, Fault::Slow(Duration::from_millis(700)));
    }
    let e = c.status(&job.id).await.unwrap_err();
    assert_eq!(e.code(), "gateway_timeout");
    assert!(e.message().contains("stopped answering"), "{}", e.message());
    assert_eq!(polls(&sim).len(), 4, "one try plus three retries");
}

#[tokio::test]
async fn malformed_json_while_polling_is_reported() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    sim.inject(Route::Poll, Fault::MalformedJson);
    let e = c.status(&job.id).await.unwrap_err();
    assert_eq!(e.code(), "bad_response");
    assert!(!e.message().contains("may have been created"));
}

#[tokio::test]
async fn an_unknown_job_is_reported_in_every_dialect() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        let e = client(&sim).status("job-that-never-was").await.unwrap_err();
        assert_eq!(e.code(), "job_not_found", "{dialect:?}");
        assert!(e.message().contains("expired"), "{}", e.message());
    }
}

#[tokio::test]
async fn a_job_forgotten_mid_wait_is_reported() {
    let sim = start(Dialect::Reseller).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    sim.inject(Route::Poll, Fault::TaskNotExist);
    let e = c.wait_until_done(&job.id, |_| {}).await.unwrap_err();
    assert_eq!(e.code(), "job_not_found");
}

#[tokio::test]
async fn the_poll_after_header_is_honoured() {
    let sim = start(Dialect::OpenAi).await;
    sim.set_poll_after(Some(Duration::from_millis(150)));
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    c.wait_until_done(&job.id, |_| {}).await.unwrap();
    let p = polls(&sim);
    assert!(p.len() >= 2);
    for pair in p.windows(2) {
        assert!(
            pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(150),
            "polled before the server's hint"
        );
    }
}

// ---- Jobs that end without a video ----

#[tokio::test]
async fn a_safety_block_is_explained_in_every_dialect() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.next_outcome(Outcome::SafetyBlock(
            "Unable to generate videos that depict children".into(),
        ));
        let dir = tempfile::tempdir().unwrap();
        let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
        assert_eq!(e.code(), "content_blocked", "{dialect:?}: {}", e.message());
        assert!(
            e.message().contains("safety filter") && e.message().contains("depict children"),
            "{}",
            e.message()
        );
        assert!(e.message().contains("the prompt's wording"));
        assert!(folder_is_empty(&dir));
    }
}

#[tokio::test]
async fn a_failed_job_names_the_reason() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.next_outcome(Outcome::Fail("upstream quota exhausted".into()));
        let dir = tempfile::tempdir().unwrap();
        let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
        assert_eq!(e.code(), "job_failed", "{dialect:?}");
        assert!(
            e.message().contains("upstream quota exhausted"),
            "{}",
            e.message()
        );
    }
}

#[tokio::test]
async fn an_expired_job_is_final() {
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.next_outcome(Outcome::Expire);
        let dir = tempfile::tempdir().unwrap();
        let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
        assert_eq!(e.code(), "job_expired", "{dialect:?}");
        assert!(e.message().contains("Make the video again"));
    }
}

// ---- Downloads ----

#[tokio::test]
async fn content_asked_for_too_early_is_not_ready() {
    // The reseller has no `/content`: a running job there has no link yet either.
    for dialect in DIALECTS {
        let sim = start(dialect).await;
        sim.set_job_duration(Duration::from_secs(30));
        let dir = tempfile::tempdir().unwrap();
        let c = client(&sim);
        let job = c.submit(&request()).await.unwrap();
        let e = c.download(&job, &dest(&dir), |_| {}).await.unwrap_err();
        assert_eq!(e.code(), "job_not_ready", "{dialect:?}: {}", e.message());
        assert!(folder_is_empty(&dir), "nothing may be saved");
    }
}

#[tokio::test]
async fn a_dropped_download_resumes_to_an_identical_file() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(Route::Content, Fault::DropAfter(3000));
    let dir = tempfile::tempdir().unwrap();
    let mut seen: Vec<DownloadProgress> = Vec::new();
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    let written = c
        .download(&done, &dest(&dir), |p| seen.push(p))
        .await
        .unwrap();
    assert_eq!(written, SAMPLE_MP4.len() as u64);
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    let content: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content"))
        .collect();
    assert_eq!(content.len(), 2);
    assert_eq!(content[1].header("range"), Some("bytes=3000-"));
    assert_eq!(
        seen.last().map(|p| (p.received, p.total)),
        Some((SAMPLE_MP4.len() as u64, Some(SAMPLE_MP4.len() as u64)))
    );
}

#[tokio::test]
async fn a_dropped_download_starts_over_when_range_is_ignored() {
    // OpenAI dialect: no result link to fall back on, so `/content` alone must get it right.
    let sim = start(Dialect::OpenAi).await;
    sim.set_range_support(false);
    sim.inject(Route::Content, Fault::DropAfter(3000));
    let dir = tempfile::tempdir().unwrap();
    make_video(&client(&sim), &dest(&dir)).await.unwrap();
    let content: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content"))
        .collect();
    assert_eq!(content.len(), 2);
    assert_eq!(
        content[1].header("range"),
        Some("bytes=3000-"),
        "the client tried to resume"
    );
    // The server answered the whole file: appending it would corrupt the video.
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn a_dropped_result_link_download_resumes_too() {
    let sim = start(Dialect::Reseller).await;
    sim.inject(Route::File, Fault::DropAfter(5000));
    let dir = tempfile::tempdir().unwrap();
    make_video(&client(&sim), &dest(&dir)).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    let files: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/files/"))
        .collect();
    assert_eq!(files[1].header("range"), Some("bytes=5000-"));
}

#[tokio::test]
async fn a_slow_but_steady_download_is_not_cut_off() {
    let sim = start(Dialect::OpenAi).await;
    // 8 pauses of 100 ms: longer in total than the 400 ms read timeout, never silent that long.
    sim.inject(
        Route::Content,
        Fault::Trickle {
            chunk: 1000,
            pause: Duration::from_millis(100),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    make_video(&client(&sim), &dest(&dir)).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.path.ends_with("/content"))
            .count(),
        1,
        "no restart needed"
    );
}

#[tokio::test]
async fn a_json_body_is_never_saved_as_a_video() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(Route::Content, Fault::JsonInsteadOfVideo);
    let dir = tempfile::tempdir().unwrap();
    let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "not_a_video");
    assert!(
        e.message()
            .contains("the upstream file could not be fetched")
            && e.message().contains("Nothing was saved"),
        "{}",
        e.message()
    );
    assert!(folder_is_empty(&dir));
}

#[tokio::test]
async fn a_web_page_is_never_saved_as_a_video() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(
        Route::Content,
        Fault::PlainText {
            status: 200,
            text: "<!DOCTYPE html><html><body>Login required</body></html>".into(),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "not_a_video");
    assert_human(&e);
    assert!(folder_is_empty(&dir));
}

#[tokio::test]
async fn no_content_endpoint_and_no_link_is_explained() {
    let sim = start(Dialect::OpenAi).await;
    sim.set_endpoint(Endpoint::Content, false);
    let dir = tempfile::tempdir().unwrap();
    let e = make_video(&client(&sim), &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "not_supported");
    assert!(
        e.message().contains("no download endpoint"),
        "{}",
        e.message()
    );
}

#[tokio::test]
async fn a_result_link_on_another_host_does_not_get_the_key() {
    let sim = start(Dialect::Reseller).await;
    // Same server, different origin: links point at 127.0.0.1, the client talks to localhost.
    let base = sim.base_url().replace("127.0.0.1", "localhost");
    let c = GatewayClient::new(&base, KEY, fast()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    make_video(&c, &dest(&dir)).await.unwrap();
    let file = sim
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/files/"))
        .unwrap();
    assert_eq!(file.header("authorization"), None);
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
}

// ---- Optional endpoints ----

#[tokio::test]
async fn list_and_delete_work_where_offered() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    let listed = c.list().await.unwrap();
    assert_eq!(
        listed.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        [job.id.as_str()]
    );
    c.delete(&job.id).await.unwrap();
    assert_eq!(c.status(&job.id).await.unwrap_err().code(), "job_not_found");
}

#[tokio::test]
async fn missing_list_and_delete_do_not_break_anything() {
    let sim = start(Dialect::NewApi).await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(c.list().await.unwrap_err().code(), "not_supported");
    let job = c.submit(&request()).await.unwrap();
    let e = c.delete(&job.id).await.unwrap_err();
    assert_eq!(e.code(), "not_supported");
    assert_eq!(e.status, Some(405));
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    c.download(&done, &dest(&dir), |_| {}).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
}

#[tokio::test]
async fn the_simulator_remixes_where_offered_and_404s_elsewhere() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    for (dialect, expected) in [(Dialect::OpenAi, 200), (Dialect::NewApi, 404)] {
        let sim = start(dialect).await;
        sim.set_job_duration(Duration::from_secs(30));
        let job = client(&sim).submit(&request()).await.unwrap();
        let url = format!("{}/v1/videos/{}/remix", sim.base_url(), job.id);
        let answer = http
            .post(url)
            .bearer_auth(KEY)
            .body(r#"{"prompt":"same, at dusk"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), expected, "{dialect:?}");
        if expected == 200 {
            let remixed = VideoJob::parse(&answer.bytes().await.unwrap()).unwrap();
            assert_ne!(remixed.id, job.id);
            assert_eq!(
                client(&sim).status(&remixed.id).await.unwrap().state,
                JobState::Running
            );
        }
    }
}

// ---- Redirects: the key stays with the gateway ----

/// What a request to the [`Cdn`] carried.
#[derive(Debug, Clone)]
struct CdnRequest {
    path: String,
    headers: Vec<(String, String)>,
}

/// A CDN on its own port, as gateways hand downloads to: `/hop/...` redirects within
/// itself to `/...`, `/video.mp4` is the video, `/job.json` a finished job. It keeps
/// the headers of every request it receives.
struct Cdn {
    base: String,
    seen: Arc<Mutex<Vec<CdnRequest>>>,
}

impl Cdn {
    async fn start(job_json: String) -> Cdn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, job) = (record.clone(), job_json.clone());
                let service = hyper::service::service_fn(move |req| {
                    let answer = cdn_answer(&record, &job, req);
                    async move { Ok::<_, Infallible>(answer) }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
                );
            }
        });
        Cdn { base, seen }
    }

    /// `{base}/hop/hop/{file}`: two redirects within the CDN before the file.
    fn two_hops_to(&self, file: &str) -> String {
        format!("{}/hop/hop/{file}", self.base)
    }

    fn seen(&self) -> Vec<CdnRequest> {
        self.seen.lock().unwrap().clone()
    }
}

fn cdn_answer(
    seen: &Mutex<Vec<CdnRequest>>,
    job_json: &str,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    seen.lock().unwrap().push(CdnRequest {
        path: path.clone(),
        headers,
    });
    let answer = |status: u16, body: Bytes| {
        let mut r = Response::new(Full::new(body));
        *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
        r
    };
    if let Some(rest) = path.strip_prefix("/hop") {
        let mut r = answer(302, Bytes::new());
        r.headers_mut().insert("location", rest.parse().unwrap());
        return r;
    }
    match path.as_str() {
        "/video.mp4" => answer(200, Bytes::from_static(SAMPLE_MP4)),
        "/job.json" => answer(200, Bytes::from(job_json.to_string())),
        _ => answer(404, Bytes::from_static(b"404 page not found")),
    }
}

fn assert_cdn_never_saw_the_key(cdn: &Cdn, at_least: usize) {
    let seen = cdn.seen();
    assert!(
        seen.len() >= at_least,
        "the CDN was asked {} times: {seen:?}",
        seen.len()
    );
    for request in &seen {
        for (name, value) in &request.headers {
            assert!(
                name != "authorization" && !value.contains(KEY),
                "the CDN got the key at {}: {name}: {value}",
                request.path
            );
        }
    }
}

#[tokio::test]
async fn a_download_redirected_to_a_cdn_that_redirects_again_never_hands_it_the_key() {
    let sim = start(Dialect::OpenAi).await;
    let cdn = Cdn::start(String::new()).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    sim.inject(
        Route::Content,
        Fault::Redirect {
            status: 302,
            location: cdn.two_hops_to("video.mp4"),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    c.download(&done, &dest(&dir), |_| {}).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    let paths: Vec<String> = cdn.seen().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/hop/hop/video.mp4", "/hop/video.mp4", "/video.mp4"]
    );
    assert_cdn_never_saw_the_key(&cdn, 3);
    let asked = &sim.requests_to("GET", &format!("/v1/videos/{}/content", job.id))[0];
    assert_eq!(
        asked.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn polls_and_other_keyed_requests_redirected_to_a_cdn_never_hand_it_the_key() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    let job = c.submit(&request()).await.unwrap();
    let finished = format!(r#"{{"id":"{}","status":"completed"}}"#, job.id);
    let cdn = Cdn::start(finished).await;
    let to_cdn = || Fault::Redirect {
        status: 307,
        location: cdn.two_hops_to("job.json"),
    };

    sim.inject(Route::Poll, to_cdn());
    let polled = c.status(&job.id).await.unwrap();
    assert_eq!(
        polled.state,
        JobState::Completed,
        "the CDN's answer was read"
    );
    sim.inject(Route::Poll, to_cdn());
    c.check_connection().await.unwrap();
    sim.inject(Route::List, to_cdn());
    c.list().await.unwrap();

    assert_cdn_never_saw_the_key(&cdn, 9);
}

// ---- Limits: what a gateway may send ----

#[tokio::test]
async fn an_endless_answer_is_cut_off_and_called_too_large_to_be_a_job() {
    let sim = start(Dialect::OpenAi).await;
    let c = client(&sim);
    sim.inject(Route::Submit, Fault::Endless);
    let e = c.submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "bad_response");
    assert!(
        e.message().contains("answer too large to be a job")
            && e.message().contains("may have been created"),
        "{}",
        e.message()
    );
    assert_eq!(sim.submit_count(), 1);

    let job = c.submit(&request()).await.unwrap();
    sim.inject(Route::Poll, Fault::Endless);
    let e = c.status(&job.id).await.unwrap_err();
    assert_eq!(e.code(), "bad_response");
    assert!(
        e.message().contains("answer too large to be a job"),
        "{}",
        e.message()
    );
    assert_eq!(
        c.status(&job.id).await.unwrap().id,
        job.id,
        "the next poll works"
    );
}

fn with_limits(limits: Limits) -> ClientOptions {
    ClientOptions { limits, ..fast() }
}

#[tokio::test]
async fn a_video_bigger_than_the_cap_is_stopped_and_nothing_is_saved() {
    let sim = start(Dialect::OpenAi).await;
    let capped = with_limits(Limits {
        max_video: 4000,
        ..Limits::default()
    });
    let c = GatewayClient::new(sim.base_url(), KEY, capped).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The sample announces 8 KB.
    let e = make_video(&c, &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "download_too_large");
    assert!(
        e.message().contains("more than 3.9 KB") && e.message().contains("Nothing was saved"),
        "{}",
        e.message()
    );
    assert!(folder_is_empty(&dir));

    // No length at all, and no end: stopped at the cap all the same.
    let capped = with_limits(Limits {
        max_video: 1024 * 1024,
        ..Limits::default()
    });
    let c = GatewayClient::new(sim.base_url(), KEY, capped).unwrap();
    sim.inject(Route::Content, Fault::Endless);
    let e = make_video(&c, &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "download_too_large", "{}", e.message());
    assert!(folder_is_empty(&dir));
}

/// 512 bytes per 300 ms: the steady trickle above (1000 bytes per 100 ms) passes.
fn with_a_rate_floor() -> ClientOptions {
    with_limits(Limits {
        min_rate: MinRate {
            bytes: 512,
            window: Duration::from_millis(300),
        },
        ..Limits::default()
    })
}

/// 16 bytes every 100 ms: it would take almost a minute, never falling silent.
fn crawl() -> Fault {
    Fault::Trickle {
        chunk: 16,
        pause: Duration::from_millis(100),
    }
}

fn content_requests(sim: &Simulator) -> Vec<RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content"))
        .collect()
}

#[tokio::test]
async fn a_crawling_download_is_stopped_and_resumed_like_a_lost_connection() {
    let sim = start(Dialect::OpenAi).await;
    sim.inject(Route::Content, crawl());
    let c = GatewayClient::new(sim.base_url(), KEY, with_a_rate_floor()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    make_video(&c, &dest(&dir)).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    let content = content_requests(&sim);
    assert_eq!(content.len(), 2, "one crawl, one resume");
    let resumed = content[1]
        .header("range")
        .expect("the second request resumes");
    assert_ne!(resumed, "bytes=0-", "{resumed}");
}

#[tokio::test]
async fn a_download_that_keeps_crawling_fails_as_too_slow() {
    let sim = start(Dialect::OpenAi).await;
    for _ in 0..4 {
        sim.inject(Route::Content, crawl());
    }
    let c = GatewayClient::new(sim.base_url(), KEY, with_a_rate_floor()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = make_video(&c, &dest(&dir)).await.unwrap_err();
    assert_eq!(e.code(), "download_too_slow");
    assert!(e.message().contains("too slow"), "{}", e.message());
    assert_eq!(
        content_requests(&sim).len(),
        4,
        "one try plus three retries"
    );
    assert!(folder_is_empty(&dir));
}

// ---- Absurd numbers from the gateway ----

#[tokio::test]
async fn absurd_wait_hints_are_capped_and_the_video_still_arrives() {
    let sim = start(Dialect::OpenAi).await;
    sim.set_job_duration(Duration::ZERO);
    let c = client(&sim);
    sim.inject(
        Route::Submit,
        Fault::RateLimited {
            retry_after_secs: u64::MAX,
        },
    );
    let e = c.submit(&request()).await.unwrap_err();
    assert_eq!(e.code(), "rate_limited");
    let wait = e.retry_after.expect("the wait is kept");
    assert!(wait <= Duration::from_secs(300), "{wait:?}");

    let job = c.submit(&request()).await.unwrap();
    for (name, value) in [
        ("openai-poll-after-ms", "1e300"),
        ("openai-poll-after-ms", "99999999999999999999999"),
        ("retry-after", "1e300"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ] {
        sim.inject(
            Route::Poll,
            Fault::WithHeader {
                name: name.into(),
                value: value.into(),
            },
        );
        let polled = c.status(&job.id).await.unwrap();
        assert_eq!(polled.state, JobState::Completed, "{name}: {value}");
    }
    let dir = tempfile::tempdir().unwrap();
    let done = c.wait_until_done(&job.id, |_| {}).await.unwrap();
    c.download(&done, &dest(&dir), |_| {}).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
}

// ---- The simulator as the demo gateway: only its own key, host and sizes ----

/// Sends `head` (a raw HTTP/1.1 request, as any program on this computer could) and
/// returns the answer's status code.
async fn raw_status(sim: &Simulator, head: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = sim.base_url().trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // A server that waits for a body it should have refused must fail the test, not hang it.
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the simulator answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).unwrap_or_default();
    status
        .parse()
        .unwrap_or_else(|_| panic!("no status in {answer:?}"))
}

fn port(sim: &Simulator) -> &str {
    sim.base_url().rsplit(':').next().unwrap()
}

#[tokio::test]
async fn the_simulator_refuses_requests_addressed_to_another_host() {
    let sim = start(Dialect::OpenAi).await;
    let port = port(&sim);
    let get = |host: &str| {
        format!("GET /v1/videos/nothing HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n")
    };
    // A web page whose name was made to point at 127.0.0.1 (DNS rebinding).
    assert_eq!(
        raw_status(&sim, &get(&format!("rebound.example:{port}"))).await,
        421
    );
    assert_eq!(
        raw_status(&sim, &get("127.0.0.1")).await,
        421,
        "another port"
    );
    let no_host = format!("GET /v1/videos/nothing HTTP/1.0\r\nAuthorization: Bearer {KEY}\r\n\r\n");
    assert_eq!(raw_status(&sim, &no_host).await, 421);
    assert!(sim.requests().is_empty(), "refused before anything is read");

    for ours in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        assert_eq!(
            raw_status(&sim, &get(&ours)).await,
            404,
            "{ours}: no such job"
        );
    }
}

/// A profile's client: the automatic request style, learning into `learned`.
fn profile_client(
    sim: &Simulator,
    setting: RequestStyle,
    learned: &std::sync::Arc<std::sync::Mutex<Vec<Detected>>>,
) -> GatewayClient {
    let learned = std::sync::Arc::clone(learned);
    client(sim).with_request_style(
        setting,
        None,
        std::sync::Arc::new(move |found: &Detected| learned.lock().unwrap().push(found.clone())),
    )
}

/// Every model × 4/6/8 s × 16:9/9:16, and 1080p at 8 s: (model, seconds, size, resolution).
fn every_combination() -> Vec<(&'static str, u32, &'static str, Option<&'static str>)> {
    let mut all = Vec::new();
    for model in ["veo3.1", "veo3.1-pro"] {
        for seconds in [4, 6, 8] {
            for size in ["16:9", "9:16"] {
                all.push((model, seconds, size, None));
            }
        }
        for size in ["16:9", "9:16"] {
            all.push((model, 8, size, Some("1080p")));
        }
    }
    all
}

#[tokio::test]
async fn through_a_new_api_like_gateway_every_combination_reaches_veo_as_asked() {
    let sim = start(Dialect::NewApi).await;
    let learned = Default::default();
    let client = profile_client(&sim, RequestStyle::default(), &learned);
    let dir = tempfile::tempdir().unwrap();
    println!("| model | length | aspect | resolution | Veo Desk sent | Veo was asked |");
    for (n, (model, seconds, size, resolution)) in every_combination().into_iter().enumerate() {
        let req = SubmitRequest {
            prompt: format!("A kite over dunes, take {n}"),
            model: model.into(),
            seconds: seconds.to_string(),
            size: size.into(),
            resolution: resolution.map(str::to_string),
            extra_fields: vec![("negative_prompt".into(), "blur".into())],
            ..Default::default()
        };
        let job = client.submit(&req).await.unwrap();
        let done = client.wait_until_done(&job.id, |_| {}).await.unwrap();
        let file = dir.path().join(format!("{n}.mp4"));
        client.download(&done, &file, |_| {}).await.unwrap();
        let made = clip(Shape::of_size(size), &seconds.to_string());
        assert_eq!(
            std::fs::read(&file).unwrap(),
            made,
            "the video made for {size}"
        );

        let sent = sim.requests_to("POST", "/v1/videos").pop().unwrap();
        let asked = sim.veo_requests().pop().unwrap();
        let got = |name: &str| asked.parameter(name).cloned().unwrap_or_default();
        println!(
            "| {model} | {seconds} s | {size} | {} | size={} metadata={} | aspectRatio={} durationSeconds={} resolution={} negativePrompt={} |",
            resolution.unwrap_or("-"),
            sent.field("size").unwrap_or_default(),
            sent.field("metadata").unwrap_or_default(),
            got("aspectRatio"),
            got("durationSeconds"),
            got("resolution"),
            got("negativePrompt"),
        );
        assert_eq!(sent.field("seconds"), Some(seconds.to_string().as_str()));
        assert_eq!(
            got("aspectRatio"),
            serde_json::json!(size),
            "{:#}",
            asked.body
        );
        assert_eq!(got("durationSeconds"), serde_json::json!(seconds));
        assert_eq!(
            got("resolution"),
            serde_json::json!(resolution.unwrap_or("720p"))
        );
        assert_eq!(got("negativePrompt"), serde_json::json!("blur"));
    }
    let learned = learned.lock().unwrap();
    assert_eq!(learned.len(), 1, "asked once, then known: {learned:?}");
    assert!(learned[0].pixels && learned[0].metadata, "{learned:?}");
}

#[tokio::test]
async fn a_gateway_that_names_nothing_gets_the_seeds_ratio_and_fields() {
    for dialect in [Dialect::OpenAi, Dialect::Reseller] {
        let sim = start(dialect).await;
        let learned = Default::default();
        let client = profile_client(&sim, RequestStyle::default(), &learned);
        let req = SubmitRequest {
            size: "9:16".into(),
            resolution: Some("1080p".into()),
            extra_fields: vec![("negative_prompt".into(), "blur".into())],
            ..request()
        };
        client.submit(&req).await.unwrap();
        let sent = sim.requests_to("POST", "/v1/videos").pop().unwrap();
        assert_eq!(sent.field("size"), Some("9:16"), "{dialect:?}");
        assert_eq!(sent.field("resolution"), Some("1080p"), "{dialect:?}");
        assert_eq!(sent.field("negative_prompt"), Some("blur"), "{dialect:?}");
        assert_eq!(sent.field("metadata"), None, "{dialect:?}");
        assert!(!learned.lock().unwrap()[0].pixels, "{dialect:?}");
    }
}

#[tokio::test]
async fn the_simulator_refuses_a_body_over_its_limit_with_413() {
    let sim = start(Dialect::OpenAi).await;
    let too_big = veo_desk_core::simulator::MAX_BODY_BYTES + 1;
    let post = format!(
        "POST /v1/videos HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {KEY}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {too_big}\r\nConnection: close\r\n\r\n",
        port(&sim)
    );
    assert_eq!(raw_status(&sim, &post).await, 413);
    assert_eq!(sim.submit_count(), 0);
}

#[tokio::test]
async fn the_demo_gateway_takes_only_its_own_key_and_keeps_no_requests() {
    let token = "sk-demo-3f9a1c7e5b2d4086";
    let sim = Simulator::start_demo(token).await.unwrap();
    sim.set_job_duration(Duration::from_millis(250));
    for wrong in ["sk-demo", KEY, "sk-demo-3f9a1c7e5b2d408"] {
        let guess = GatewayClient::new(sim.base_url(), wrong, fast()).unwrap();
        let refused = guess.submit(&request()).await.unwrap_err();
        assert_eq!(refused.status, Some(401), "{wrong}");
    }
    let anonymous = format!(
        "GET /v1/videos HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        port(&sim)
    );
    assert_eq!(raw_status(&sim, &anonymous).await, 401);

    let app = GatewayClient::new(sim.base_url(), token, fast()).unwrap();
    let with_image = SubmitRequest {
        input_reference: Some(ReferenceImage {
            bytes: vec![0xab; 2_000_000],
            file_name: "reference.jpg".into(),
            mime: "image/jpeg".into(),
        }),
        ..request()
    };
    let dir = tempfile::tempdir().unwrap();
    let job = app.submit(&with_image).await.unwrap();
    let done = app.wait_until_done(&job.id, |_| {}).await.unwrap();
    app.download(&done, &dest(&dir), |_| {}).await.unwrap();
    assert_eq!(std::fs::read(dest(&dir)).unwrap(), SAMPLE_MP4);
    assert!(
        sim.requests().is_empty(),
        "the demo keeps no request (and no picture) in memory"
    );
}

#[tokio::test]
async fn the_users_choice_of_pixels_is_sent_without_asking_the_gateway() {
    let sim = start(Dialect::OpenAi).await;
    let learned = Default::default();
    let pixels = RequestStyle {
        sizes: SizeStyle::Pixels,
        extras: ExtrasStyle::Fields,
    };
    let client = profile_client(&sim, pixels, &learned);
    let req = SubmitRequest {
        size: "9:16".into(),
        ..request()
    };
    client.submit(&req).await.unwrap();
    assert_eq!(sim.requests().len(), 1, "only the video request was sent");
    assert_eq!(sim.requests()[0].field("size"), Some("720x1280"));
    assert!(learned.lock().unwrap().is_empty());
}
