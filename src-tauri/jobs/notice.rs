//! Desktop notifications: which change of a job is worth telling a user who is not
//! looking at the window. Decided here, without Tauri, so it can be tested; the app
//! only shows what this returns.

use std::collections::HashSet;
use std::sync::Mutex;

use super::store::{JobRow, JobStatus};
use crate::text;

/// The user-facing texts, in one place.
const VIDEO_READY: &str = "Your video is ready";
const VIDEO_FAILED: &str = "A video could not be made";
const VIDEO_EXPIRED: &str = "A video expired before it was saved";
const NOT_SAVED: &str = "A video is finished but could not be saved";
/// How much of the prompt the notification repeats.
const PROMPT_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Remembers what was already said, so each outcome of a job is told once.
#[derive(Default)]
pub struct Notifier {
    told: Mutex<HashSet<(String, &'static str)>>,
}

impl Notifier {
    /// The notice for this stored change, when the window is not focused and the
    /// outcome is new. An outcome seen while the window had focus counts as told.
    /// `focused` is asked only for news (asking the window costs a round trip).
    pub fn consider(&self, row: &JobRow, focused: impl FnOnce() -> bool) -> Option<Notice> {
        let (outcome, title) = outcome(row)?;
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        if !told.insert((row.id.clone(), outcome)) || focused() {
            return None;
        }
        Some(Notice {
            title: title.to_string(),
            body: body(row),
        })
    }
}

/// Ends worth a notification. Progress, sending, and "may have been created" (only
/// ever seen at start-up or right after pressing Generate) are not.
fn outcome(row: &JobRow) -> Option<(&'static str, &'static str)> {
    match row.status {
        JobStatus::Downloaded => Some(("ready", VIDEO_READY)),
        JobStatus::Failed => Some(("failed", VIDEO_FAILED)),
        JobStatus::Expired => Some(("expired", VIDEO_EXPIRED)),
        JobStatus::Completed if row.download_error_code.is_some() => Some(("not_saved", NOT_SAVED)),
        _ => None,
    }
}

fn body(row: &JobRow) -> String {
    let mut prompt: String = row.prompt.chars().take(PROMPT_CHARS).collect();
    if row.prompt.chars().count() > PROMPT_CHARS {
        prompt.push('…');
    }
    let detail = match row.status {
        JobStatus::Failed | JobStatus::Expired => row.error_message.as_deref(),
        JobStatus::Completed => row.download_error_message.as_deref(),
        _ => None,
    };
    let body = match detail {
        Some(detail) => format!("“{prompt}”: {detail}"),
        None => format!("“{prompt}”"),
    };
    as_plain_text(&body)
}

/// The freedesktop notification servers (GNOME, KDE) read the body as markup, so a
/// gateway's `<a href>` would become a link there; macOS and Windows show plain text.
fn as_plain_text(body: &str) -> String {
    if cfg!(all(unix, not(target_os = "macos"))) {
        text::notification_safe(body)
    } else {
        text::terminal_safe(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::store::{JobStore, NewJob};

    fn row(status: JobStatus) -> JobRow {
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
        let job = NewJob {
            profile_id: "p".into(),
            prompt: "A red kite over green hills".into(),
            ..Default::default()
        };
        let mut row = store.insert_submitting(&job, 1).unwrap();
        row.status = status;
        row
    }

    #[test]
    fn a_finished_video_is_told_once_and_only_when_the_window_is_not_focused() {
        let n = Notifier::default();
        let running = row(JobStatus::Running);
        assert_eq!(n.consider(&running, || false), None, "progress is not news");
        let done = JobRow {
            status: JobStatus::Downloaded,
            ..running
        };
        let notice = n.consider(&done, || false).expect("told");
        assert_eq!(notice.title, VIDEO_READY);
        assert!(notice.body.contains("A red kite"));
        assert_eq!(n.consider(&done, || false), None, "told once");
    }

    #[test]
    fn nothing_is_shown_while_the_user_is_looking_and_that_outcome_stays_told() {
        let n = Notifier::default();
        let done = row(JobStatus::Downloaded);
        assert_eq!(n.consider(&done, || true), None);
        assert_eq!(n.consider(&done, || false), None);
    }

    #[test]
    fn failures_say_why_and_a_failed_download_is_its_own_outcome() {
        let n = Notifier::default();
        let mut failed = row(JobStatus::Failed);
        failed.error_message = Some("Blocked by the safety filter.".into());
        let notice = n.consider(&failed, || false).unwrap();
        assert_eq!(notice.title, VIDEO_FAILED);
        assert!(notice.body.ends_with("Blocked by the safety filter."));

        let mut unsaved = row(JobStatus::Completed);
        assert_eq!(n.consider(&unsaved, || false), None, "still downloading");
        unsaved.download_error_code = Some("disk_full".into());
        unsaved.download_error_message = Some("The disk is full.".into());
        assert_eq!(n.consider(&unsaved, || false).unwrap().title, NOT_SAVED);
        let saved = JobRow {
            status: JobStatus::Downloaded,
            ..unsaved
        };
        assert_eq!(n.consider(&saved, || false).unwrap().title, VIDEO_READY);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn a_gateways_markup_shows_as_text_in_the_notification() {
        let mut failed = row(JobStatus::Failed);
        failed.prompt = "Fish & <i>chips</i>".into();
        failed.error_message = Some("<a href=\"https://evil.example\">Top up here</a>".into());
        let notice = Notifier::default().consider(&failed, || false).unwrap();
        assert_eq!(
            notice.body,
            "“Fish &amp; &lt;i&gt;chips&lt;/i&gt;”: &lt;a href=\"https://evil.example\"&gt;Top up here&lt;/a&gt;"
        );
    }

    #[test]
    fn long_prompts_are_shortened() {
        let mut r = row(JobStatus::Downloaded);
        r.prompt = "x".repeat(300);
        let notice = Notifier::default().consider(&r, || false).unwrap();
        assert_eq!(notice.body.chars().count(), PROMPT_CHARS + 3);
    }
}
