//! The video job as gateways actually send it, read leniently.
//!
//! Fields are looked up by hand in a `serde_json::Value` rather than derived, because the
//! same field arrives under different names and types depending on the gateway
//! (`id`/`task_id`, `created_at`/`created`, `progress` 50 / 0.5 / "50%").

use serde::Serialize;
use serde_json::Value;

use super::safety::{blocked_problem, mentions_block, reasons_in_json};
use super::texts;
use crate::problem::Problem;

/// Where a job is, as far as the app is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Completed,
    Failed,
    /// Finished, but the result is gone from the gateway.
    Expired,
}

impl JobState {
    /// Case-insensitive; any status we do not know means "still running".
    pub fn from_status(raw: &str) -> JobState {
        let s = raw.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match s.as_str() {
            "completed" | "complete" | "succeeded" | "success" | "successful" | "done"
            | "finished" => JobState::Completed,
            "failed" | "failure" | "fail" | "error" | "cancelled" | "canceled" => JobState::Failed,
            "expired" => JobState::Expired,
            _ => JobState::Running,
        }
    }

    pub fn is_terminal(self) -> bool {
        self != JobState::Running
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoJob {
    pub id: String,
    pub state: JobState,
    /// The status text exactly as the gateway sent it (for display and bug reports).
    pub raw_status: String,
    /// 0–100 when the gateway reports it (often not a real measurement).
    pub progress: Option<f32>,
    pub created_at: Option<i64>,
    /// When the gateway drops the result, Unix seconds, when it says.
    pub expires_at: Option<i64>,
    pub model: Option<String>,
    pub seconds: Option<String>,
    pub size: Option<String>,
    /// Direct link to the result some gateways add; may expire.
    pub result_url: Option<String>,
    /// Why the job failed, as data: our text, and the gateway's words when it gave any.
    pub problem: Option<Problem>,
    /// The failure came from the model's safety filter.
    pub blocked_by_safety: bool,
}

/// Why a body could not be read as a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    NotJson(String),
    NoId,
}

impl VideoJob {
    pub fn parse(body: &[u8]) -> Result<VideoJob, WireError> {
        let json: Value =
            serde_json::from_slice(body).map_err(|e| WireError::NotJson(e.to_string()))?;
        VideoJob::from_value(&json)
    }

    pub fn from_value(json: &Value) -> Result<VideoJob, WireError> {
        let obj = unwrap_envelope(json);
        let id = text(obj, &["id", "task_id", "video_id"]).ok_or(WireError::NoId)?;
        let raw_status = text(obj, &["status", "state"]).unwrap_or_default();
        let state = match JobState::from_status(&raw_status) {
            // "completed" beside a filter verdict or an error object: no video came of it.
            JobState::Completed if ended_without_video(obj) => JobState::Failed,
            state => state,
        };
        let (problem, blocked_by_safety) = match state {
            JobState::Failed => describe_failure(obj),
            _ => (None, false),
        };
        Ok(VideoJob {
            id,
            state,
            raw_status,
            progress: progress(obj.get("progress")),
            created_at: timestamp(obj, &["created_at", "created", "submit_time"]),
            expires_at: timestamp(obj, &["expires_at", "expire_at", "expired_at"]).map(to_seconds),
            model: text(obj, &["model"]),
            seconds: text(obj, &["seconds", "duration"]),
            size: text(obj, &["size", "aspect_ratio"]),
            result_url: result_url(obj),
            problem,
            blocked_by_safety,
        })
    }
}

/// Some gateways wrap the job: `{"code":"success","data":{...}}`.
fn unwrap_envelope(json: &Value) -> &Value {
    let has_job = ["id", "task_id", "status"]
        .iter()
        .any(|k| json.get(k).is_some());
    match json.get("data") {
        Some(inner @ Value::Object(_)) if !has_job => inner,
        _ => json,
    }
}

/// First non-empty string or number among `keys`, as text.
fn text(obj: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match obj.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn timestamp(obj: &Value, keys: &[&str]) -> Option<i64> {
    keys.iter().find_map(|k| match obj.get(*k)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Some gateways send milliseconds; anything past the year 5000 in seconds is taken as such.
fn to_seconds(t: i64) -> i64 {
    if t > 100_000_000_000 {
        t / 1000
    } else {
        t
    }
}

/// 50, 50.5, "50", "50%" → 50.0; clamped to 0–100.
fn progress(value: Option<&Value>) -> Option<f32> {
    let n = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse().ok()?,
        _ => return None,
    };
    n.is_finite().then(|| n.clamp(0.0, 100.0) as f32)
}

fn result_url(obj: &Value) -> Option<String> {
    let is_link = |s: &String| s.starts_with("http://") || s.starts_with("https://");
    text(obj, &["video_url", "url", "content_url"])
        .filter(is_link)
        .or_else(|| {
            obj.get("metadata")
                .and_then(|m| text(m, &["url", "video_url"]))
                .filter(is_link)
        })
}

/// Veo's `raiMediaFilteredReasons`, wherever the gateway put it.
fn safety_reasons(obj: &Value) -> Option<String> {
    // A list of reasons, wherever it is: Veo nests it in
    // `response.generateVideoResponse`. Some gateways flatten it to one string.
    if let Some(reasons) = reasons_in_json(obj) {
        return Some(reasons);
    }
    let places = [
        Some(obj),
        obj.get("metadata"),
        obj.get("response"),
        obj.get("error"),
        obj.get("data"),
    ];
    places.into_iter().flatten().find_map(|place| {
        match place
            .get("raiMediaFilteredReasons")
            .or_else(|| place.get("rai_media_filtered_reasons"))?
        {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    })
}

/// Why the job failed, and whether the safety filter caused it.
fn describe_failure(obj: &Value) -> (Option<Problem>, bool) {
    let said = raw_failure(obj);
    if let Some(reasons) = safety_reasons(obj) {
        return (Some(blocked_problem(&reasons)), true);
    }
    let code = obj
        .get("error")
        .and_then(|e| text(e, &["code", "type"]))
        .unwrap_or_default();
    match said {
        Some(r) if mentions_block(&r) || mentions_block(&code) => (Some(blocked_problem(&r)), true),
        Some(r) => (
            Some(Problem::new(texts::JOB_FAILED).said(Some(super::errors::shorten(&r)))),
            false,
        ),
        None => (Some(Problem::new(texts::JOB_FAILED_UNEXPLAINED)), false),
    }
}

fn raw_failure(obj: &Value) -> Option<String> {
    error_text(obj).or_else(|| text(obj, &["fail_reason", "failure_reason", "reason", "message"]))
}

/// What the `error` field says, when it says anything (`null` and `{}` say nothing).
fn error_text(obj: &Value) -> Option<String> {
    match obj.get("error") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(e @ Value::Object(_)) => text(e, &["message", "code"]),
        _ => None,
    }
}

fn ended_without_video(obj: &Value) -> bool {
    safety_reasons(obj).is_some() || error_text(obj).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(v: Value) -> VideoJob {
        VideoJob::from_value(&v).unwrap()
    }

    #[test]
    fn the_seed_reply_parses() {
        let j = job(
            json!({"id":"83319f9e","object":"video","model":"veo3.1","status":"queued","created_at":1764849835,"seconds":"6"}),
        );
        assert_eq!(
            (j.id.as_str(), j.state, j.created_at),
            ("83319f9e", JobState::Running, Some(1764849835))
        );
        assert_eq!(j.seconds.as_deref(), Some("6"));
    }

    #[test]
    fn statuses_map_case_insensitively_and_unknown_means_running() {
        let cases = [
            ("queued", JobState::Running),
            ("PENDING", JobState::Running),
            ("submitted", JobState::Running),
            ("IN_PROGRESS", JobState::Running),
            ("processing", JobState::Running),
            ("NOT_START", JobState::Running),
            ("unknown", JobState::Running),
            ("", JobState::Running),
            ("warming-up", JobState::Running),
            ("completed", JobState::Completed),
            ("SUCCESS", JobState::Completed),
            ("Succeeded", JobState::Completed),
            ("failed", JobState::Failed),
            ("FAILURE", JobState::Failed),
            ("error", JobState::Failed),
            ("cancelled", JobState::Failed),
            ("expired", JobState::Expired),
            ("EXPIRED", JobState::Expired),
        ];
        for (raw, want) in cases {
            assert_eq!(JobState::from_status(raw), want, "{raw}");
        }
    }

    #[test]
    fn raw_status_is_kept_for_display() {
        assert_eq!(
            job(json!({"id":"a","status":"warming-up"})).raw_status,
            "warming-up"
        );
    }

    #[test]
    fn progress_comes_in_many_shapes() {
        for (v, want) in [
            (json!(50), Some(50.0)),
            (json!(42.5), Some(42.5)),
            (json!("50%"), Some(50.0)),
            (json!(" 7 % "), Some(7.0)),
            (json!(150), Some(100.0)),
            (json!("soon"), None),
            (json!(null), None),
        ] {
            assert_eq!(progress(Some(&v)), want, "{v}");
        }
    }

    #[test]
    fn reseller_shape_with_task_id_created_and_numbers() {
        let j = job(
            json!({"task_id":"op-1","status":"SUCCESS","progress":"100%","created":1700000000,
            "seconds":8,"size":"16:9","video_url":"https://cdn.example/v.mp4","completed_at":1}),
        );
        assert_eq!(j.id, "op-1");
        assert_eq!(j.state, JobState::Completed);
        assert_eq!(j.created_at, Some(1700000000));
        assert_eq!(j.seconds.as_deref(), Some("8"));
        assert_eq!(j.result_url.as_deref(), Some("https://cdn.example/v.mp4"));
    }

    #[test]
    fn completed_at_alone_does_not_finish_a_job() {
        assert_eq!(
            job(json!({"id":"a","status":"in_progress","completed_at":1700000000})).state,
            JobState::Running
        );
    }

    #[test]
    fn result_links_are_found_in_metadata_and_ignored_when_not_links() {
        assert_eq!(
            job(json!({"id":"a","metadata":{"url":"https://x/y.mp4"}}))
                .result_url
                .as_deref(),
            Some("https://x/y.mp4")
        );
        assert_eq!(job(json!({"id":"a","url":"/relative"})).result_url, None);
        assert_eq!(
            job(json!({"id":"a","content_url":"http://h/c"}))
                .result_url
                .as_deref(),
            Some("http://h/c")
        );
    }

    #[test]
    fn wrapped_data_envelope_is_opened() {
        let j = job(
            json!({"code":"success","message":"","data":{"task_id":"t9","status":"IN_PROGRESS","progress":"50%"}}),
        );
        assert_eq!((j.id.as_str(), j.progress), ("t9", Some(50.0)));
    }

    #[test]
    fn failure_reason_is_read_from_error_or_fail_reason() {
        let a = job(
            json!({"id":"a","status":"failed","error":{"code":"x","message":"upstream quota exhausted"}}),
        );
        let said = a.problem.clone().unwrap();
        assert_eq!(said.text, texts::JOB_FAILED.key);
        assert_eq!(
            said.server_text.as_deref(),
            Some("upstream quota exhausted")
        );
        assert_eq!(
            a.problem.as_ref().map(Problem::english).as_deref(),
            Some("The gateway reported that the job failed. The gateway said: “upstream quota exhausted”")
        );
        let b = job(json!({"id":"a","status":"FAILURE","fail_reason":"bad prompt"}));
        assert_eq!(
            b.problem.clone().unwrap().server_text.as_deref(),
            Some("bad prompt")
        );
        assert!(!b.blocked_by_safety);
        let c = job(json!({"id":"a","status":"failed"}));
        assert_eq!(
            c.problem.clone().unwrap().text,
            texts::JOB_FAILED_UNEXPLAINED.key
        );
    }

    #[test]
    fn safety_filter_reasons_become_a_human_failure() {
        let j = job(json!({"task_id":"a","status":"FAILURE",
            "raiMediaFilteredReasons":["Unable to generate videos that depict children."]}));
        assert!(j.blocked_by_safety);
        assert_eq!(j.problem.clone().unwrap().text, texts::BLOCKED.key);
        let msg = j.problem.clone().unwrap().english();
        assert!(
            msg.contains("safety filter")
                && msg.contains("the prompt's wording")
                && msg.contains("children")
        );
        let k = job(
            json!({"id":"a","status":"failed","error":{"message":"raiMediaFilteredReasons: photorealistic child"}}),
        );
        assert!(k
            .problem
            .clone()
            .map(|p| p.english())
            .as_deref()
            .unwrap()
            .contains("filter (\"photorealistic child\")"));
        assert!(
            k.blocked_by_safety
                && k.problem
                    .clone()
                    .unwrap()
                    .english()
                    .contains("safety filter")
        );
        let m = job(
            json!({"id":"a","status":"failed","error":{"code":"moderation_blocked","message":"depicts a real person"}}),
        );
        assert!(
            m.blocked_by_safety
                && m.problem
                    .clone()
                    .unwrap()
                    .english()
                    .contains("depicts a real person")
        );
    }

    #[test]
    fn completed_with_a_filter_verdict_or_an_error_is_a_failure() {
        let blocked = job(json!({"id":"a","status":"completed",
            "response":{"generateVideoResponse":{"raiMediaFilteredCount":1,
                "raiMediaFilteredReasons":["Photo of a public figure."]}}}));
        assert_eq!(blocked.state, JobState::Failed);
        assert!(blocked.blocked_by_safety);
        assert!(blocked
            .problem
            .clone()
            .map(|p| p.english())
            .unwrap()
            .contains("\"Photo of a public figure.\""));
        let errored = job(json!({"id":"b","status":"completed",
            "error":{"code":"13","message":"Video generation failed."}}));
        assert_eq!(errored.state, JobState::Failed);
        assert!(!errored.blocked_by_safety);
        assert!(errored
            .problem
            .clone()
            .map(|p| p.english())
            .unwrap()
            .contains("Video generation failed."));
        for fine in [
            json!({"id":"c","status":"completed","error":null}),
            json!({"id":"c","status":"completed","error":{}}),
            json!({"id":"c","status":"completed","message":"success"}),
        ] {
            assert_eq!(job(fine).state, JobState::Completed);
        }
    }

    #[test]
    fn a_body_without_id_or_json_is_refused() {
        assert_eq!(
            VideoJob::parse(br#"{"status":"queued"}"#),
            Err(WireError::NoId)
        );
        assert!(matches!(
            VideoJob::parse(b"{\"id\": "),
            Err(WireError::NotJson(_))
        ));
    }

    #[test]
    fn expiry_is_read_in_seconds_whatever_unit_it_came_in() {
        let at = |v: Value| job(v).expires_at;
        assert_eq!(
            at(json!({"id":"a","expires_at":1764853435})),
            Some(1764853435)
        );
        assert_eq!(
            at(json!({"id":"a","expires_at":"1764853435"})),
            Some(1764853435)
        );
        assert_eq!(
            at(json!({"id":"a","expires_at":1764853435000_i64})),
            Some(1764853435)
        );
        assert_eq!(at(json!({"id":"a","expires_at":null})), None);
        assert_eq!(at(json!({"id":"a"})), None);
    }
}
