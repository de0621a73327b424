//! A local stand-in for Google's Gemini API video endpoints, the upstream that gateways
//! such as LiteLLM call: `POST /v1beta/models/{m}:predictLongRunning`, then
//! `GET /v1beta/{operation}` until `done`, then the sample's file with
//! `x-goog-api-key`. It records what Veo was asked, so tests can check a request
//! reached the model as the user meant it.

use std::time::Instant;

use base64::Engine;
use hyper::Method;
use serde_json::{json, Value};

use super::jobs::{unix_now, Job, Outcome, Phase};
use super::State;

/// One `predictLongRunning` request as Veo would receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct VeoRequest {
    /// The model in the URL (`veo-3.1-generate-preview`), or the gateway's model name.
    pub model: String,
    /// The `x-goog-api-key` it came with (tells gateway deployments apart).
    pub api_key: Option<String>,
    /// `{"instances": [{"prompt", "image"?}], "parameters": {...}}`
    pub body: Value,
}

impl VeoRequest {
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.body.get("parameters")?.get(name)
    }

    pub fn prompt(&self) -> Option<&str> {
        self.body.pointer("/instances/0/prompt")?.as_str()
    }

    /// `instances[0].image` decoded: (MIME type, bytes).
    pub fn image(&self) -> Option<(String, Vec<u8>)> {
        let image = self.body.pointer("/instances/0/image")?;
        let mime = image.get("mimeType")?.as_str()?.to_string();
        let data = image.get("bytesBase64Encoded")?.as_str()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .ok()?;
        Some((mime, bytes))
    }
}

/// What a Gemini route answers: status and JSON, or the video.
pub(crate) enum Answer {
    Json(u16, Value),
    /// The job's clip.
    Video(Job),
}

/// Routes one request. `key` is the `x-goog-api-key` header; every route needs one.
pub(crate) fn handle(
    st: &mut State,
    method: &Method,
    path: &str,
    key: Option<&str>,
    body: &[u8],
) -> Answer {
    let Some(key) = key.filter(|k| !k.trim().is_empty()) else {
        return google_error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    };
    let rest = path.trim_start_matches('/');
    let Some(rest) = rest.strip_prefix("v1beta/") else {
        return not_found(path);
    };
    match (method.as_str(), rest) {
        ("POST", r) if r.starts_with("models/") && r.ends_with(":predictLongRunning") => {
            let model = &r["models/".len()..r.len() - ":predictLongRunning".len()];
            predict(st, model, key, body)
        }
        ("GET", r) if r.starts_with("files/") && r.ends_with(":download") => {
            let id = &r["files/".len()..r.len() - ":download".len()];
            download(st, id)
        }
        ("GET", r) if r.contains("/operations/") => operation(st, r),
        _ => not_found(path),
    }
}

fn predict(st: &mut State, model: &str, key: &str, body: &[u8]) -> Answer {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    };
    let asked = VeoRequest {
        model: model.to_string(),
        api_key: Some(key.to_string()),
        body: request,
    };
    let Some(prompt) = asked.prompt().map(str::to_string) else {
        return google_error(400, "INVALID_ARGUMENT", "instances[0].prompt is required.");
    };
    let seconds = asked
        .parameter("durationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(8);
    let aspect = asked
        .parameter("aspectRatio")
        .and_then(Value::as_str)
        .unwrap_or("16:9")
        .to_string();
    st.veo_requests.push(asked);
    st.seq += 1;
    let id = format!("{}{:012x}", st.seq, fastrand::u64(..) >> 16);
    st.jobs.push(Job {
        id: id.clone(),
        model: model.to_string(),
        prompt,
        seconds: seconds.to_string(),
        size: aspect,
        created: unix_now(),
        started: Instant::now(),
        outcome: st.outcomes.pop_front().unwrap_or(Outcome::Complete),
        deleted: false,
    });
    Answer::Json(200, json!({"name": operation_name(model, &id)}))
}

fn operation_name(model: &str, id: &str) -> String {
    format!("models/{model}/operations/{id}")
}

/// `models/{m}/operations/{id}`: running, or done with the sample's file, an error or
/// the safety filter's reasons.
fn operation(st: &State, rest: &str) -> Answer {
    let id = rest.rsplit('/').next().unwrap_or_default();
    let Some(job) = st.jobs.iter().find(|j| j.id == id) else {
        return google_error(404, "NOT_FOUND", &format!("Operation {rest} not found."));
    };
    let name = operation_name(&job.model, &job.id);
    if job.phase(Instant::now(), st.job_duration) != Phase::Done {
        return Answer::Json(200, json!({"name": name, "done": false}));
    }
    let kind = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
    let answer = match &job.outcome {
        Outcome::Complete | Outcome::Expire => {
            let uri = format!("{}/v1beta/files/{}:download?alt=media", st.base_url, job.id);
            json!({"name": name, "done": true, "response": {"@type": kind,
                "generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]}}})
        }
        Outcome::Fail(m) => {
            json!({"name": name, "done": true, "error": {"code": 13, "message": m}})
        }
        Outcome::SafetyBlock(m) => json!({"name": name, "done": true, "response": {"@type": kind,
            "generateVideoResponse": {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": [m]}}}),
    };
    Answer::Json(200, answer)
}

fn download(st: &State, id: &str) -> Answer {
    match st.jobs.iter().find(|j| j.id == id) {
        Some(job) if job.outcome == Outcome::Complete => Answer::Video(job.clone()),
        _ => google_error(404, "NOT_FOUND", "File not found."),
    }
}

fn not_found(path: &str) -> Answer {
    google_error(404, "NOT_FOUND", &format!("{path} is not a known method."))
}

fn google_error(code: u16, status: &str, message: &str) -> Answer {
    Answer::Json(
        code,
        json!({"error": {"code": code, "message": message, "status": status}}),
    )
}

/// What a new-api-like gateway asks Veo for a multipart submit: `size` read only as
/// `WxH` (taller than wide: 9:16; long side from 1920: 1080p, from 3840: 4k; anything
/// else: 16:9 720p), `seconds` as `durationSeconds`, then the `metadata` JSON object
/// copied over Veo's parameters as it is.
pub(crate) fn new_api_upstream(
    model: &str,
    fields: &[(String, String)],
    image: Option<&super::FilePart>,
) -> VeoRequest {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let (aspect, resolution) = field("size")
        .and_then(|s| pixels(&s))
        .map(|(w, h)| {
            let long = w.max(h);
            let resolution = match long {
                l if l >= 3840 => "4k",
                l if l >= 1920 => "1080p",
                _ => "720p",
            };
            (if h > w { "9:16" } else { "16:9" }, resolution)
        })
        .unwrap_or(("16:9", "720p"));
    let mut parameters = json!({"aspectRatio": aspect, "resolution": resolution});
    if let Some(seconds) = field("seconds").and_then(|s| s.parse::<i64>().ok()) {
        parameters["durationSeconds"] = json!(seconds);
    }
    let metadata = field("metadata").and_then(|m| serde_json::from_str::<Value>(&m).ok());
    if let Some(Value::Object(extra)) = metadata {
        for (key, value) in extra {
            parameters[key] = value;
        }
    }
    let mut instance = json!({"prompt": field("prompt").unwrap_or_default()});
    if let Some(image) = image {
        instance["image"] = json!({
            "bytesBase64Encoded": base64::engine::general_purpose::STANDARD.encode(&image.bytes),
            "mimeType": image.content_type.clone().unwrap_or_else(|| "image/jpeg".into()),
        });
    }
    VeoRequest {
        model: model.to_string(),
        api_key: None,
        body: json!({"instances": [instance], "parameters": parameters}),
    }
}

fn pixels(size: &str) -> Option<(u32, u32)> {
    let (w, h) = size.split_once(['x', 'X', '*'])?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn new_api_reads_sizes_only_as_pixels() {
        let ratio = new_api_upstream(
            "veo3.1",
            &fields(&[("size", "9:16"), ("seconds", "6")]),
            None,
        );
        assert_eq!(ratio.parameter("aspectRatio"), Some(&json!("16:9")));
        assert_eq!(ratio.parameter("durationSeconds"), Some(&json!(6)));
        let portrait = new_api_upstream("veo3.1", &fields(&[("size", "1080x1920")]), None);
        assert_eq!(portrait.parameter("aspectRatio"), Some(&json!("9:16")));
        assert_eq!(portrait.parameter("resolution"), Some(&json!("1080p")));
    }

    #[test]
    fn new_api_copies_metadata_into_the_parameters() {
        let asked = new_api_upstream(
            "veo3.1",
            &fields(&[
                ("size", "1280x720"),
                ("metadata", r#"{"negativePrompt":"blur","seed":7}"#),
            ]),
            None,
        );
        assert_eq!(asked.parameter("negativePrompt"), Some(&json!("blur")));
        assert_eq!(asked.parameter("seed"), Some(&json!(7)));
    }
}
