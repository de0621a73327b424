//! The batch queue: jobs stored as `waiting` and sent one by one when a slot frees, so
//! that at most `limit` of them are on the gateway at once. Pausing stops new sends,
//! cancelling takes waiting jobs out (they were never sent, so nothing is billed), and a
//! job that fails simply frees its slot for the next one.
//!
//! The queue itself is memory only: the request (with its image) lives here until its
//! turn. Rows left `waiting` by a closed app are cancelled at the next start.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, Notify};
use tokio::task::JoinHandle;

use super::poller::stored;
use super::store::{now_ms, JobRow, JobStatus};
use super::submit;
use super::texts;
use super::Ctx;
use crate::error::{Error, Result};
use crate::gateway::SubmitRequest;
use crate::problem::Problem;

/// The queue as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QueueStatus {
    /// Stored, not sent yet.
    pub waiting: usize,
    /// Sent and not finished on the gateway.
    pub active: usize,
    pub limit: usize,
    pub paused: bool,
}

struct Waiting {
    id: String,
    profile_id: String,
    request: SubmitRequest,
}

struct State {
    waiting: VecDeque<Waiting>,
    /// Jobs of this queue holding a slot.
    active: HashSet<String>,
    limit: usize,
    paused: bool,
}

pub(crate) struct Queue {
    state: Mutex<State>,
    changed: Notify,
}

impl Queue {
    pub fn new(limit: usize) -> Queue {
        Queue {
            state: Mutex::new(State {
                waiting: VecDeque::new(),
                active: HashSet::new(),
                limit: limit.max(1),
                paused: false,
            }),
            changed: Notify::new(),
        }
    }

    /// Stores each request as a waiting job, in order, and queues it.
    pub fn enqueue(
        &self,
        ctx: &Ctx,
        profile_id: &str,
        requests: Vec<(SubmitRequest, Option<String>)>,
    ) -> Result<Vec<JobRow>> {
        check_batch_size(requests.len())?;
        let mut rows = Vec::with_capacity(requests.len());
        // One millisecond apart at least: the history lists newest first, and rows made
        // in the same millisecond would come out in the order of their random ids.
        let mut at = now_ms();
        for (request, thumb) in requests {
            let new = submit::new_job(profile_id, &request, thumb);
            at = at.max(now_ms());
            let row = ctx.store.insert_waiting(&new, at)?;
            at += 1;
            ctx.follow(&row.id);
            ctx.emit(row.clone());
            self.lock()?.waiting.push_back(Waiting {
                id: row.id.clone(),
                profile_id: profile_id.to_string(),
                request,
            });
            rows.push(row);
        }
        self.changed.notify_one();
        Ok(rows)
    }

    pub fn status(&self) -> Result<QueueStatus> {
        let state = self.lock()?;
        Ok(QueueStatus {
            waiting: state.waiting.len(),
            active: state.active.len(),
            limit: state.limit,
            paused: state.paused,
        })
    }

    pub fn set_paused(&self, paused: bool) -> Result<QueueStatus> {
        self.lock()?.paused = paused;
        self.changed.notify_one();
        self.status()
    }

    /// Takes effect as slots free; jobs already sent keep running.
    pub fn set_limit(&self, limit: usize) -> Result<QueueStatus> {
        if limit == 0 {
            return Err(Error::invalid_input(Problem::new(
                texts::LIMIT_AT_LEAST_ONE,
            )));
        }
        self.lock()?.limit = limit;
        self.changed.notify_one();
        self.status()
    }

    /// Cancels every waiting job (`only` = just that one). Jobs already sent go on.
    pub fn cancel(&self, ctx: &Ctx, only: Option<&str>) -> Result<Vec<JobRow>> {
        let taken: Vec<Waiting> = {
            let mut state = self.lock()?;
            let (taken, kept): (Vec<Waiting>, Vec<Waiting>) = std::mem::take(&mut state.waiting)
                .into_iter()
                .partition(|w| only.is_none_or(|id| w.id == id));
            state.waiting = kept.into();
            taken
        };
        let mut rows = Vec::new();
        for item in taken {
            if let Some(row) =
                ctx.store
                    .cancel_waiting(&item.id, &Problem::new(texts::CANCELLED), now_ms())?
            {
                ctx.emit(row.clone());
                rows.push(row);
            }
        }
        self.changed.notify_one();
        Ok(rows)
    }

    /// Jobs whose turn has come, now holding a slot.
    fn take_startable(&self) -> Vec<Waiting> {
        let Ok(mut state) = self.lock() else {
            return Vec::new();
        };
        let mut ready = Vec::new();
        while !state.paused && state.active.len() < state.limit {
            let Some(item) = state.waiting.pop_front() else {
                break;
            };
            state.active.insert(item.id.clone());
            ready.push(item);
        }
        ready
    }

    /// Frees the slot of a job that left the gateway (finished, failed, never sent).
    fn release(&self, id: &str) {
        if let Ok(mut state) = self.lock() {
            if state.active.remove(id) {
                self.changed.notify_one();
            }
        }
    }

    /// After missed events: ask the history which active jobs are still on the gateway.
    fn resync(&self, ctx: &Ctx) {
        let active: Vec<String> = match self.lock() {
            Ok(state) => state.active.iter().cloned().collect(),
            Err(_) => return,
        };
        for id in active {
            if let Some(Some(row)) = stored(ctx.store.get(&id)) {
                if !row.is_on_gateway() {
                    self.release(&id);
                }
            }
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state
            .lock()
            .map_err(|_| Error::internal("the batch queue was poisoned"))
    }
}

/// Sends waiting jobs as slots free. `changes` must be subscribed before the first
/// job is queued, so no finish is missed.
/// The most jobs one batch may queue, in the window and on the command line: a slip
/// of the paste should not bill hundreds.
pub const MAX_BATCH: usize = 50;

pub fn check_batch_size(count: usize) -> Result<()> {
    if count <= MAX_BATCH {
        return Ok(());
    }
    Err(Error::invalid_input(
        Problem::new(crate::texts::BATCH_TOO_LARGE)
            .with("count", count)
            .with("max", MAX_BATCH),
    ))
}

pub(crate) fn spawn(
    runtime: &tokio::runtime::Handle,
    ctx: Arc<Ctx>,
    queue: Arc<Queue>,
    wake_poller: Arc<Notify>,
    mut changes: broadcast::Receiver<JobRow>,
) -> JoinHandle<()> {
    runtime.spawn(async move {
        loop {
            for item in queue.take_startable() {
                tokio::spawn(send(ctx.clone(), queue.clone(), wake_poller.clone(), item));
            }
            tokio::select! {
                _ = queue.changed.notified() => {}
                change = changes.recv() => match change {
                    // A stale `waiting` event must not free the slot its job just took.
                    Ok(row) if !row.is_on_gateway() && row.status != JobStatus::Waiting => {
                        queue.release(&row.id)
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => queue.resync(&ctx),
                    Err(RecvError::Closed) => return,
                },
            }
        }
    })
}

async fn send(ctx: Arc<Ctx>, queue: Arc<Queue>, wake_poller: Arc<Notify>, item: Waiting) {
    let sent = submit::submit_waiting(&ctx, &item.id, &item.profile_id, &item.request).await;
    match stored(sent) {
        Some(Some(row)) if row.is_on_gateway() => wake_poller.notify_one(),
        // Refused, cancelled meanwhile, or not recorded: the slot is free again.
        _ => queue.release(&item.id),
    }
}
