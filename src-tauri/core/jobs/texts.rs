//! The problem texts of the job room; their wordings are in
//! `ui/i18n/problems/jobs.<language>.json`.

crate::texts! {
    /// Taken out of the queue by the user.
    CANCELLED = "cancelled";
    /// Still waiting in a batch when the app closed.
    NOT_SENT = "not_sent";
    UPLOAD_STOPPED = "upload_stopped";
    /// The app closed in the middle of sending: a job may exist and be billed.
    INTERRUPTED = "interrupted";
    /// Finished, but the gateway had dropped the video before we asked for it.
    EXPIRED_AT_GATEWAY = "expired_at_gateway";
    /// Finished, but it expired while the download was still being tried.
    EXPIRED_BEFORE_SAVED = "expired_before_saved";
    /// The gateway says failed; its reason, if any, is the server's words.
    JOB_FAILED = "job_failed";
    /// The gateway no longer knows the job; `problem` is what it answered.
    JOB_GONE = "job_gone" [problem];
    /// The same failure on every check for `duration`; `problem` is that failure.
    KEPT_FAILING = "kept_failing" [duration, problem];
    /// Running past the user's limit.
    STOPPED_CHECKING = "stopped_checking" [duration];
    A_MINUTE = "duration.a_minute";
    MINUTES = "duration.minutes" [n];
    /// "Make it again" on a job made from a picture.
    PICTURE_NOT_KEPT = "picture_not_kept";
    ONLY_UNSAVED_DOWNLOADS = "only_unsaved_downloads";
    ONLY_STOPPED_CHECKS = "only_stopped_checks";
    /// *Keep* on a take that is not (or no longer) a saved video.
    ONLY_SAVED_TAKES = "only_saved_takes";
    LIMIT_AT_LEAST_ONE = "limit_at_least_one";
    PROMPT_MISSING = "prompt_missing";
    NOT_IN_HISTORY = "not_in_history";
    HISTORY_TOO_NEW = "history_too_new";
    /// The gateway took the job but the history could not keep its id.
    ID_NOT_RECORDED = "id_not_recorded" [problem, remote_id];
    /// Desktop notification titles.
    NOTICE_READY = "notice.ready";
    NOTICE_FAILED = "notice.failed";
    NOTICE_EXPIRED = "notice.expired";
    NOTICE_NOT_SAVED = "notice.not_saved";
}
