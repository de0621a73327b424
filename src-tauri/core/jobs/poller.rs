//! One task follows every unfinished job: it reads them from the store, asks the gateway
//! about each when its turn comes (the gateway's polling policy, a cap on requests in
//! flight), stores what changed, tells the app, and starts the download on completion.
//!
//! The store is the schedule's source of truth: a job submitted, retried or deleted is
//! picked up (or dropped) at the next round, and a restarted app resumes them all.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::downloader;
use super::store::{now_ms, JobRow, JobStatus};
use super::{texts, Ctx};
use crate::gateway::{ErrorKind, GatewayError, JobState, VideoJob};
use crate::problem::Problem;

/// How long the poller sleeps when no job is due (it is woken for new work anyway).
const IDLE: Duration = Duration::from_secs(30);

pub(crate) struct PollerHandle {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl PollerHandle {
    pub fn spawn(runtime: &tokio::runtime::Handle, ctx: Arc<Ctx>) -> PollerHandle {
        let wake = Arc::new(Notify::new());
        let task = runtime.spawn(run(ctx, wake.clone()));
        PollerHandle { wake, task }
    }

    /// Look at the store again now (a job was submitted or a download retried).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

impl Drop for PollerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a finished piece of work asks of the schedule.
#[derive(Debug)]
pub(crate) enum Next {
    /// Poll again after the policy's delay (or the server's, when it named one).
    Poll(Option<Duration>),
    /// Checking failed; poll again after `wait`, unless the same failure has gone on
    /// for too long (see `Patience`).
    Failing {
        code: String,
        problem: Problem,
        wait: Option<Duration>,
    },
    /// Nothing more to do unless the store says otherwise.
    Done,
}

#[derive(Debug)]
struct Turn {
    due: Instant,
    polls: u32,
    /// The failure every check has met lately, if any.
    failing: Option<Streak>,
}

/// The same failure, check after check.
#[derive(Debug)]
struct Streak {
    code: String,
    since: Instant,
    count: u32,
}

/// Codes of jobs whose checking stopped while the gateway may still be making them:
/// the card offers *Check again*.
pub(crate) const KEPT_FAILING: &str = "gateway_kept_failing";
pub(crate) const STOPPED_CHECKING: &str = "stopped_checking";

pub(crate) fn gave_up(code: &str) -> bool {
    code == KEPT_FAILING || code == STOPPED_CHECKING
}

struct Schedule {
    turns: HashMap<String, Turn>,
    busy: HashSet<String>,
    work: JoinSet<Next>,
    /// Which job each piece of work is for, to free it even when the work panicked.
    tasks: HashMap<tokio::task::Id, String>,
    polls: Arc<Semaphore>,
    downloads: Arc<Semaphore>,
}

async fn run(ctx: Arc<Ctx>, wake: Arc<Notify>) {
    let mut s = Schedule {
        turns: HashMap::new(),
        busy: HashSet::new(),
        work: JoinSet::new(),
        tasks: HashMap::new(),
        polls: Arc::new(Semaphore::new(ctx.options.max_concurrent_polls.max(1))),
        downloads: Arc::new(Semaphore::new(ctx.options.max_concurrent_downloads.max(1))),
    };
    // The store is read when a turn comes or the poller is woken, not after every
    // answer: with many jobs, most answers come while no other job is due yet.
    let mut read = true;
    let mut next_due = Instant::now();
    loop {
        if read {
            next_due = match start_due_work(&ctx, &mut s) {
                true => next_turn(&s),
                // Unreadable history: wait instead of spinning on jobs that look due.
                false => Instant::now() + ctx.options.problem_retry,
            };
        }
        tokio::select! {
            _ = wake.notified() => read = true,
            Some(done) = s.work.join_next_with_id(), if !s.work.is_empty() => {
                finish(&ctx, &mut s, done);
                next_due = next_due.min(next_turn(&s));
                read = next_due <= Instant::now();
            }
            _ = tokio::time::sleep_until(next_due) => read = true,
        }
    }
}

/// When the next job that is not being worked on is due.
fn next_turn(s: &Schedule) -> Instant {
    s.turns
        .iter()
        .filter(|(id, _)| !s.busy.contains(*id))
        .map(|(_, t)| t.due)
        .min()
        .unwrap_or_else(|| Instant::now() + IDLE)
}

/// Starts every job whose turn has come; `false` when the history could not be read.
fn start_due_work(ctx: &Arc<Ctx>, s: &mut Schedule) -> bool {
    let Some(mut rows) = stored(ctx.store.unfinished()) else {
        return false;
    };
    rows.retain(|row| ctx.follows(&row.id));
    let live: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    s.turns.retain(|id, _| live.contains(id.as_str()));
    let now = Instant::now();
    for row in rows {
        if s.busy.contains(&row.id) {
            continue;
        }
        let turn = s.turns.entry(row.id.clone()).or_insert(Turn {
            due: now,
            polls: 0,
            failing: None,
        });
        if turn.due > now {
            continue;
        }
        s.busy.insert(row.id.clone());
        let (ctx, polls, downloads) = (ctx.clone(), s.polls.clone(), s.downloads.clone());
        let id = row.id.clone();
        let task = s.work.spawn(async move {
            match row.status {
                JobStatus::Running => poll_job(&ctx, &polls, &downloads, row).await,
                _ => downloader::resume(&ctx, &downloads, row).await,
            }
        });
        s.tasks.insert(task.id(), id);
    }
    true
}

fn finish(
    ctx: &Ctx,
    s: &mut Schedule,
    done: Result<(tokio::task::Id, Next), tokio::task::JoinError>,
) {
    let (task, next) = match done {
        Ok((task, next)) => (task, next),
        // A panicked piece of work: its job comes round again later.
        Err(e) => (e.id(), Next::Done),
    };
    let Some(id) = s.tasks.remove(&task) else {
        return;
    };
    s.busy.remove(&id);
    let Some(turn) = s.turns.get_mut(&id) else {
        return;
    };
    let wait = match next {
        Next::Poll(hint) => {
            turn.failing = None;
            ctx.options.poll.delay(turn.polls, hint)
        }
        Next::Failing {
            code,
            problem,
            wait,
        } => {
            if out_of_patience(ctx, turn, code) {
                s.turns.remove(&id);
                kept_failing(ctx, &id, problem);
                return;
            }
            ctx.options.poll.delay(turn.polls, wait)
        }
        // Still unfinished after "done" means storing failed: try again later.
        Next::Done => ctx.options.problem_retry,
    };
    turn.polls = turn.polls.saturating_add(1);
    turn.due = Instant::now() + wait;
}

/// Counts one more failed check; true when the same failure has lasted long enough,
/// and often enough, to stop asking.
fn out_of_patience(ctx: &Ctx, turn: &mut Turn, code: String) -> bool {
    let streak = match turn.failing.take() {
        Some(mut streak) if streak.code == code => {
            streak.count = streak.count.saturating_add(1);
            streak
        }
        _ => Streak {
            code,
            since: Instant::now(),
            count: 1,
        },
    };
    let patience = ctx.options.patience;
    let done = streak.count >= patience.same_failure_polls
        && streak.since.elapsed() >= patience.same_failure_for;
    turn.failing = Some(streak);
    done
}

fn kept_failing(ctx: &Ctx, id: &str, failure: Problem) {
    let ended = Problem::new(texts::KEPT_FAILING)
        .with_problem("duration", minutes(ctx.options.patience.same_failure_for))
        .with_problem("problem", failure);
    ended_id(ctx, id, KEPT_FAILING, &ended);
}

fn minutes(d: Duration) -> Problem {
    match d.as_secs().div_ceil(60) {
        1 => Problem::new(texts::A_MINUTE),
        n => Problem::new(texts::MINUTES).with("n", n),
    }
}

/// One status request for a running job, and what follows from the answer.
async fn poll_job(ctx: &Ctx, polls: &Semaphore, downloads: &Semaphore, row: JobRow) -> Next {
    let Some(remote_id) = row.remote_id.clone() else {
        return Next::Done;
    };
    let client = match (ctx.client_for)(&row.profile_id) {
        Ok(client) => ctx.recorded(&client, &row.id),
        Err(e) => {
            note(ctx, &row.id, e.code(), &e.problem());
            return Next::Poll(Some(ctx.options.problem_retry));
        }
    };
    let answer = {
        let Ok(_permit) = polls.acquire().await else {
            return Next::Done;
        };
        client.status(&remote_id).await
    };
    match answer {
        Ok(job) => match job.state {
            JobState::Running => still_running(ctx, &row, &job),
            JobState::Completed => {
                let Some(row) = ctx.announce(ctx.store.mark_completed(
                    &row.id,
                    &job.raw_status,
                    job.result_url.as_deref(),
                    now_ms(),
                    expiry(ctx, &job),
                )) else {
                    return Next::Done;
                };
                downloader::download(ctx, downloads, &client, row, &job).await
            }
            JobState::Failed => ended(ctx, &row, failed_code(&job), &failure(&job)),
            JobState::Expired => ended_expired(ctx, &row),
        },
        Err(e) => poll_failed(ctx, &row, &e),
    }
}

/// The gateway's own expiry when it names one, else the assumed retention from now.
fn expiry(ctx: &Ctx, job: &VideoJob) -> i64 {
    match job.expires_at {
        Some(seconds) => seconds.saturating_mul(1000),
        None => now_ms() + ctx.options.retention.as_millis() as i64,
    }
}

fn still_running(ctx: &Ctx, row: &JobRow, job: &VideoJob) -> Next {
    let now = now_ms();
    if past_running_limit(ctx, row, now) {
        let stopped = Problem::new(texts::STOPPED_CHECKING)
            .with_problem("duration", minutes(ctx.running_limit()));
        return ended(ctx, row, STOPPED_CHECKING, &stopped);
    }
    match stored(
        ctx.store
            .record_progress(&row.id, &job.raw_status, job.progress, now),
    ) {
        Some(Some(changed)) => ctx.emit(changed),
        // No news: after a long silence, warn once.
        Some(None) if stalled(ctx, row, now) => {
            ctx.announce_if_changed(ctx.store.flag_slow(&row.id));
        }
        _ => {}
    }
    Next::Poll(None)
}

/// Running for longer than the user's limit, counted from the submit or from the
/// last *Check again*.
fn past_running_limit(ctx: &Ctx, row: &JobRow, now: i64) -> bool {
    let resumed = ctx
        .resumed
        .lock()
        .ok()
        .and_then(|r| r.get(&row.id).copied());
    let since = row
        .submitted_at
        .unwrap_or(row.created_at)
        .max(resumed.unwrap_or(0));
    now.saturating_sub(since) > ctx.running_limit().as_millis() as i64
}

fn stalled(ctx: &Ctx, row: &JobRow, now: i64) -> bool {
    let since = row
        .progress_at
        .or(row.submitted_at)
        .unwrap_or(row.created_at);
    now.saturating_sub(since) > ctx.options.slow_after.as_millis() as i64
}

fn poll_failed(ctx: &Ctx, row: &JobRow, e: &GatewayError) -> Next {
    match e.kind {
        ErrorKind::JobNotFound => {
            let gone = Problem::new(texts::JOB_GONE).with_problem("problem", e.problem.clone());
            ended(ctx, row, e.code(), &gone)
        }
        ErrorKind::JobExpired => ended_expired(ctx, row),
        // LiteLLM answers every poll of a filtered video with an error quoting the filter.
        ErrorKind::ContentBlocked => ended(ctx, row, e.code(), &e.problem),
        kind => {
            note(ctx, &row.id, e.code(), &e.problem);
            Next::Failing {
                code: e.code().to_string(),
                problem: e.problem.clone(),
                // The client already retried a passing failure, and a rate limit names
                // its own wait. A rejected key or an unreadable answer: ask less often.
                wait: match kind.is_transient() {
                    true => e.retry_after,
                    false => Some(ctx.options.problem_retry),
                },
            }
        }
    }
}

fn ended(ctx: &Ctx, row: &JobRow, code: &str, problem: &Problem) -> Next {
    ended_id(ctx, &row.id, code, problem);
    Next::Done
}

fn ended_id(ctx: &Ctx, id: &str, code: &str, problem: &Problem) {
    crate::logs::warn(format!("job {id} ended: {code}: {problem}"));
    ctx.announce(ctx.store.mark_failed(id, code, problem, now_ms()));
}

fn ended_expired(ctx: &Ctx, row: &JobRow) -> Next {
    let expired = Problem::new(texts::EXPIRED_AT_GATEWAY);
    ctx.announce(
        ctx.store
            .mark_expired(&row.id, "job_expired", &expired, now_ms()),
    );
    Next::Done
}

fn failed_code(job: &VideoJob) -> &'static str {
    if job.blocked_by_safety {
        ErrorKind::ContentBlocked.code()
    } else {
        ErrorKind::JobFailed.code()
    }
}

/// The failure as the gateway described it, or that it failed without saying why.
fn failure(job: &VideoJob) -> Problem {
    job.problem
        .clone()
        .unwrap_or_else(|| Problem::new(texts::JOB_FAILED))
}

fn note(ctx: &Ctx, id: &str, code: &str, problem: &Problem) {
    crate::logs::warn(format!("job {id}: checking it failed: {code}: {problem}"));
    ctx.announce_if_changed(ctx.store.note_problem(id, code, problem));
}

/// A store write that failed is reported and skipped: the next round tries again.
pub(crate) fn stored<T>(result: crate::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            eprintln!("Veo Desk jobs: {e}");
            None
        }
    }
}
