//! The batch queue: several prompts (or variations of one) as separate jobs, a few
//! on the gateway at a time; pause, resume, cancel. Rows reach the UI as `job-changed`.

use std::sync::Arc;

use serde::Deserialize;
use tauri::State;

use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::jobs::request::JobInput;
use crate::jobs::{JobRow, Jobs, QueueStatus};
use crate::problem::Problem;
use crate::state::AppState;
use crate::texts;

#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct BatchRequest {
    /// One prompt per line; blank lines are skipped.
    prompts: String,
    /// Each prompt this many times (1 = once).
    variations: u32,
    model: String,
    seconds: String,
    size: String,
    /// The form's Advanced fields, sent with every job of the batch.
    #[serde(default)]
    extra: Vec<(String, String)>,
}

/// Queues every prompt of the batch as a waiting job; they are sent as slots free.
#[tauri::command]
pub async fn enqueue_batch(
    state: State<'_, Arc<AppState>>,
    jobs: State<'_, Jobs>,
    request: BatchRequest,
) -> Result<Vec<JobRow>> {
    let prompts = batch_prompts(&request.prompts, request.variations)?;
    let profile = super::jobs::active_profile(&state)?;
    let mut batch = Vec::with_capacity(prompts.len());
    for prompt in prompts {
        let input = JobInput {
            prompt,
            model: request.model.clone(),
            seconds: request.seconds.clone(),
            size: request.size.clone(),
            extra_fields: request.extra.clone(),
            ..Default::default()
        };
        batch.push(super::jobs::prepare(&state, input).await?);
    }
    Desk::new(&state, &jobs).enqueue(&profile, batch).await
}

#[tauri::command]
pub fn queue_status(jobs: State<'_, Jobs>) -> Result<QueueStatus> {
    jobs.queue_status()
}

#[tauri::command]
pub fn pause_queue(jobs: State<'_, Jobs>, paused: bool) -> Result<QueueStatus> {
    jobs.pause_queue(paused)
}

#[tauri::command]
pub fn set_queue_limit(jobs: State<'_, Jobs>, limit: usize) -> Result<QueueStatus> {
    jobs.set_queue_limit(limit)
}

/// Cancels the jobs still waiting; those already sent go on.
#[tauri::command]
pub fn cancel_queue(jobs: State<'_, Jobs>) -> Result<Vec<JobRow>> {
    jobs.cancel_waiting(None)
}

/// The prompts to queue: each non-blank line, `variations` times.
fn batch_prompts(text: &str, variations: u32) -> Result<Vec<String>> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(Error::invalid_input(Problem::new(texts::BATCH_EMPTY)));
    }
    let copies = variations.max(1) as usize;
    crate::jobs::check_batch_size(lines.len().saturating_mul(copies))?;
    Ok(lines
        .iter()
        .flat_map(|line| std::iter::repeat_n(line.to_string(), copies))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_a_prompt_repeated_for_variations() {
        assert_eq!(
            batch_prompts("a boat\n\n  a fox  \n", 2).unwrap(),
            ["a boat", "a boat", "a fox", "a fox"]
        );
        assert_eq!(batch_prompts("x", 0).unwrap(), ["x"]);
        assert!(batch_prompts(" \n", 3).is_err());
        assert!(batch_prompts("a\nb", 26)
            .unwrap_err()
            .to_string()
            .contains("at most 50"));
    }
}
