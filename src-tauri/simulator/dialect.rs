//! How each kind of gateway words the same facts (contract section 3).

use serde_json::{json, Value};

use super::jobs::{Job, Outcome, Phase};

/// The three families of gateways the simulator imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// OpenAI's Videos API as documented.
    OpenAi,
    /// A new-api-like gateway: `id` and `task_id`, `completed_at` filled early, the link in
    /// `metadata.url`, `task_not_exist` as HTTP 400, "Task is not completed yet".
    NewApi,
    /// An older reseller: submit answers only `{"task_id", "status": ""}`; upper-case
    /// upstream statuses, `"50%"` progress, `created`, numbers for seconds, `video_url`
    /// links, flat `{code,message,data}` errors, very long ids, no `/content` endpoint.
    Reseller,
}

impl Dialect {
    pub fn job_id(self, seq: u64) -> String {
        let noise = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        match self {
            Dialect::OpenAi => format!("video_{noise}"),
            Dialect::NewApi => format!("task_{seq}{noise}"),
            // An encoded upstream operation name: hundreds of characters.
            Dialect::Reseller => format!(
                "veo3.1:models-veo-3.1-generate-preview-operations-{seq}-{}",
                noise.repeat(8)
            ),
        }
    }

    /// The body answering a successful submit.
    pub fn submitted(self, job: &Job) -> Value {
        match self {
            Dialect::Reseller => json!({"task_id": job.id, "status": ""}),
            Dialect::NewApi => {
                json!({"id": job.id, "task_id": job.id, "object": "video", "model": job.model,
                "status": "queued", "progress": 0, "created_at": job.created, "seconds": job.seconds})
            }
            Dialect::OpenAi => self.job(job, Phase::Queued, ""),
        }
    }

    /// The job as a poll answer. `file_url` is where the simulator serves the raw file.
    pub fn job(self, job: &Job, phase: Phase, file_url: &str) -> Value {
        match self {
            Dialect::OpenAi => openai_job(job, phase),
            Dialect::NewApi => new_api_job(job, phase, file_url),
            Dialect::Reseller => reseller_job(job, phase, file_url),
        }
    }

    /// An error body in this dialect's shape.
    pub fn error(self, code: &str, message: &str) -> Value {
        match self {
            Dialect::OpenAi => {
                json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": code}})
            }
            Dialect::NewApi => {
                json!({"error": {"message": message, "type": "new_api_error", "code": code}})
            }
            Dialect::Reseller => json!({"code": code, "message": message, "data": null}),
        }
    }

    /// Status and body for "no such job".
    pub fn not_found(self, id: &str) -> (u16, Value) {
        match self {
            Dialect::OpenAi => (
                404,
                self.error(
                    "video_not_found",
                    &format!("Video with id '{id}' not found."),
                ),
            ),
            Dialect::NewApi | Dialect::Reseller => (
                400,
                json!({"code": "task_not_exist", "message": "task_not_exist", "data": null}),
            ),
        }
    }

    /// Status and body for content requested before the job finished.
    pub fn not_ready(self) -> (u16, Value) {
        match self {
            Dialect::OpenAi => (
                400,
                self.error(
                    "video_not_ready",
                    "Video is not ready yet, poll until its status is completed.",
                ),
            ),
            Dialect::NewApi => (
                400,
                self.error("task_not_completed", "Task is not completed yet"),
            ),
            Dialect::Reseller => (
                400,
                self.error(
                    "task_not_completed",
                    "任务未完成 (task is not completed yet)",
                ),
            ),
        }
    }
}

/// Status and progress as the OpenAI spec names them (new-api passes them through).
fn spec_status(job: &Job, phase: Phase) -> (&'static str, u8) {
    match phase {
        Phase::Queued => ("queued", 0),
        Phase::Running(p) => ("in_progress", p),
        Phase::Done => match &job.outcome {
            Outcome::Complete => ("completed", 100),
            Outcome::Expire => ("expired", 100),
            Outcome::Fail(_) | Outcome::SafetyBlock(_) => ("failed", 100),
        },
    }
}

fn openai_job(job: &Job, phase: Phase) -> Value {
    let mut v = json!({"id": job.id, "object": "video", "model": job.model, "created_at": job.created,
        "seconds": job.seconds, "size": job.size, "prompt": job.prompt});
    let (status, progress) = spec_status(job, phase);
    v["status"] = json!(status);
    v["progress"] = json!(progress);
    if phase == Phase::Done {
        v["completed_at"] = json!(job.created + 10);
        v["expires_at"] = json!(job.created + 3600);
        match &job.outcome {
            Outcome::Fail(m) => v["error"] = json!({"code": "generation_failed", "message": m}),
            Outcome::SafetyBlock(m) => {
                v["error"] = json!({"code": "moderation_blocked", "message": m})
            }
            _ => {}
        }
    }
    v
}

fn new_api_job(job: &Job, phase: Phase, file_url: &str) -> Value {
    let mut v = json!({"id": job.id, "task_id": job.id, "object": "video", "model": job.model,
        "created_at": job.created, "seconds": job.seconds, "size": job.size,
        // Quirk: filled while the job is still running.
        "completed_at": job.created + 1});
    let (status, progress) = spec_status(job, phase);
    v["status"] = json!(status);
    v["progress"] = json!(progress);
    if phase == Phase::Done {
        match &job.outcome {
            Outcome::Complete => v["metadata"] = json!({"url": file_url}),
            Outcome::Fail(m) => v["error"] = json!({"code": "task_failed", "message": m}),
            Outcome::SafetyBlock(m) => {
                v["error"] = json!({"code": "task_failed", "message": format!("raiMediaFilteredReasons: {m}")})
            }
            Outcome::Expire => {}
        }
    }
    v
}

fn reseller_job(job: &Job, phase: Phase, file_url: &str) -> Value {
    // Progress is not real: "50%" until the end.
    let (status, progress) = match phase {
        Phase::Queued => ("NOT_START", "0%"),
        Phase::Running(_) => ("IN_PROGRESS", "50%"),
        Phase::Done => match &job.outcome {
            Outcome::Complete => ("SUCCESS", "100%"),
            Outcome::Expire => ("EXPIRED", "100%"),
            Outcome::Fail(_) | Outcome::SafetyBlock(_) => ("FAILURE", "100%"),
        },
    };
    let seconds: u64 = job.seconds.parse().unwrap_or(0);
    let mut v = json!({"task_id": job.id, "status": status, "progress": progress, "created": job.created,
        "seconds": seconds, "size": job.size, "fail_reason": ""});
    if phase == Phase::Done {
        match &job.outcome {
            Outcome::Complete => v["video_url"] = json!(file_url),
            Outcome::Fail(m) => v["fail_reason"] = json!(m),
            Outcome::SafetyBlock(m) => {
                v["fail_reason"] = json!("video generation was filtered");
                v["raiMediaFilteredReasons"] = json!([m]);
            }
            Outcome::Expire => {}
        }
    }
    v
}
