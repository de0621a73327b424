//! The submission order that never loses a job:
//! 1. the row is written (`submitting`) before the POST leaves;
//! 2. the remote id is stored the moment the answer arrives, before anyone hears of it;
//! 3. a refusal marks the row failed with the gateway's words; a lost answer marks it
//!    uncertain ("may have been created"). The POST is never retried.

use super::request::Prepared;
use super::store::{now_ms, JobRow, NewJob};
use super::{texts, Ctx};
use crate::error::{Error, Result};
use crate::gateway::{ErrorKind, GatewayClient, GatewayError, SubmitRequest, UploadWatch};
use crate::problem::Problem;

pub(crate) async fn submit(
    ctx: &Ctx,
    profile_id: &str,
    prepared: Prepared,
    upload: Option<UploadWatch>,
) -> Result<JobRow> {
    // Nothing is sent without a client, so a missing key needs no row.
    let client = (ctx.client_for)(profile_id)?;
    let Prepared {
        request,
        reference_thumb,
        continues,
    } = prepared;
    let new = NewJob {
        continues,
        ..new_job(profile_id, &request, reference_thumb)
    };
    let row = ctx.store.insert_submitting(&new, now_ms())?;
    ctx.follow(&row.id);
    ctx.emit(row.clone());
    send(ctx, &row.id, &client, &request, upload).await
}

/// What the history keeps of a request.
pub(crate) fn new_job(
    profile_id: &str,
    request: &SubmitRequest,
    reference_thumb: Option<String>,
) -> NewJob {
    NewJob {
        profile_id: profile_id.to_string(),
        prompt: request.prompt.clone(),
        model: request.model.clone(),
        seconds: request.seconds.clone(),
        size: request.size.clone(),
        reference_thumb,
        // The resolution travels on its own; it is kept among the fields so that
        // "Make it again" asks for the same.
        extra_fields: request
            .extra_fields
            .iter()
            .cloned()
            .chain(
                request
                    .resolution
                    .clone()
                    .map(|r| (RESOLUTION.to_string(), r)),
            )
            .collect(),
        continues: None,
    }
}

/// The stored field that holds the request's resolution.
pub(crate) const RESOLUTION: &str = "resolution";

/// Sends a batch job whose turn came. `None` when it was cancelled meanwhile: then
/// nothing is sent. A missing key fails the row (it exists already) instead of the call.
pub(crate) async fn submit_waiting(
    ctx: &Ctx,
    id: &str,
    profile_id: &str,
    request: &SubmitRequest,
) -> Result<Option<JobRow>> {
    let Some(row) = ctx.store.start_submitting(id, now_ms())? else {
        return Ok(None);
    };
    ctx.emit(row);
    let row = match (ctx.client_for)(profile_id) {
        Ok(client) => send(ctx, id, &client, request, None).await?,
        Err(e) => {
            let row = ctx
                .store
                .mark_failed(id, e.code(), &e.problem(), now_ms())?;
            ctx.emit(row.clone());
            row
        }
    };
    Ok(Some(row))
}

/// The POST for a row already `submitting`, and the answer recorded on it.
async fn send(
    ctx: &Ctx,
    id: &str,
    client: &GatewayClient,
    request: &SubmitRequest,
    upload: Option<UploadWatch>,
) -> Result<JobRow> {
    crate::logs::info(format!(
        "job {id}: sending {} {}s {} to {}",
        request.model,
        request.seconds,
        request.size,
        client.base_url().host()
    ));
    let stopped = |w: &Option<UploadWatch>| w.as_ref().is_some_and(UploadWatch::was_stopped);
    let client = ctx.recorded(client, id);
    let row = match client.submit_with_progress(request, upload.clone()).await {
        Ok(job) => ctx
            .store
            .mark_running(id, &job.id, &job.raw_status, job.progress, now_ms())
            .map_err(|e| lost_remote_id(e, &job.id))?,
        Err(_) if stopped(&upload) => {
            crate::logs::info(format!("job {id}: upload stopped by the user"));
            let stopped = Problem::new(texts::UPLOAD_STOPPED);
            ctx.store.mark_cancelled(id, &stopped, now_ms())?
        }
        Err(e) => record_refusal(ctx, id, &e)?,
    };
    ctx.emit(row.clone());
    Ok(row)
}

/// Rows still `submitting` at start: the app died mid-POST.
pub(crate) fn recover_interrupted(ctx: &Ctx) -> Result<Vec<JobRow>> {
    ctx.store
        .mark_interrupted_submissions(&Problem::new(texts::INTERRUPTED), now_ms())
}

/// Rows still `waiting` at start: their queue closed with the app.
pub(crate) fn recover_waiting(ctx: &Ctx) -> Result<Vec<JobRow>> {
    ctx.store
        .cancel_orphaned_waiting(&Problem::new(texts::NOT_SENT), now_ms())
}

fn record_refusal(ctx: &Ctx, id: &str, e: &GatewayError) -> Result<JobRow> {
    crate::logs::warn(format!(
        "job {id}: not accepted: {}: {}",
        e.code(),
        e.message()
    ));
    if may_have_created_a_job(e) {
        ctx.store.mark_uncertain(id, e.code(), &e.problem, now_ms())
    } else {
        ctx.store.mark_failed(id, e.code(), &e.problem, now_ms())
    }
}

/// The request left, but its answer was lost or unreadable.
fn may_have_created_a_job(e: &GatewayError) -> bool {
    matches!(e.kind, ErrorKind::SubmitUncertain | ErrorKind::BadResponse)
}

/// The gateway took the job but the history could not keep its id: give the user the id
/// so the video can still be found on the gateway.
fn lost_remote_id(e: Error, remote_id: &str) -> Error {
    Error::Store(
        Problem::new(texts::ID_NOT_RECORDED)
            .with_problem("problem", e.problem())
            .with("remote_id", remote_id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_unreadable_answers_may_have_made_a_job_but_refusals_did_not() {
        let e = |kind| GatewayError::new(kind, Problem::new(texts::JOB_FAILED));
        assert!(may_have_created_a_job(&e(ErrorKind::SubmitUncertain)));
        assert!(may_have_created_a_job(&e(ErrorKind::BadResponse)));
        assert!(!may_have_created_a_job(&e(ErrorKind::ServerError)));
        assert!(!may_have_created_a_job(&e(ErrorKind::KeyRejected)));
        assert!(!may_have_created_a_job(&e(ErrorKind::Unreachable)));
    }
}
