//! Where a job is, and the groups the history shows it under.

use serde::Serialize;

/// Where a job is, from the user's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Written, not sent (reserved for the form's drafts).
    Draft,
    /// In a batch queue, waiting for a free slot; never sent, so safe to cancel.
    Waiting,
    /// The POST is on its way; the row exists so a crash cannot lose the job.
    Submitting,
    /// The gateway accepted the job; the poller follows it.
    Running,
    /// Finished on the gateway; the video is not (yet) on disk.
    Completed,
    /// The video is saved locally.
    Downloaded,
    Failed,
    /// The request may or may not have created a job: the answer was lost.
    Uncertain,
    /// The gateway no longer has the result.
    Expired,
    /// Taken out of a batch queue before it was sent: nothing reached the gateway.
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 10] = [
        JobStatus::Draft,
        JobStatus::Waiting,
        JobStatus::Submitting,
        JobStatus::Running,
        JobStatus::Completed,
        JobStatus::Downloaded,
        JobStatus::Failed,
        JobStatus::Uncertain,
        JobStatus::Expired,
        JobStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Draft => "draft",
            JobStatus::Submitting => "submitting",
            JobStatus::Running => "running",
            JobStatus::Completed => "completed",
            JobStatus::Downloaded => "downloaded",
            JobStatus::Failed => "failed",
            JobStatus::Uncertain => "uncertain",
            JobStatus::Expired => "expired",
            JobStatus::Waiting => "waiting",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// The history filter a job in this status shows under: `active` ("In progress",
    /// batch jobs waiting their turn too), `saved`, `problem`. Defined here once; the
    /// window gets it with each row and filters by its name.
    pub fn group(self) -> Option<&'static str> {
        match self {
            JobStatus::Waiting
            | JobStatus::Submitting
            | JobStatus::Running
            | JobStatus::Completed => Some("active"),
            JobStatus::Downloaded => Some("saved"),
            JobStatus::Failed | JobStatus::Uncertain | JobStatus::Expired => Some("problem"),
            JobStatus::Draft | JobStatus::Cancelled => None,
        }
    }

    /// The statuses of the group named `name` (empty for an unknown name).
    pub fn in_group(name: &str) -> Vec<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .filter(|s| s.group() == Some(name))
            .collect()
    }

    pub(super) fn parse(text: &str) -> JobStatus {
        JobStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            // A status written by a newer version: show it as needing attention.
            .unwrap_or(JobStatus::Uncertain)
    }
}

/// Something the user should know about a job that is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum JobWarning {
    /// Running far longer than usual without any progress.
    TakingUnusuallyLong,
    /// Past the time the gateway keeps results, and the video is not saved.
    ExpiredWithoutFile,
}
