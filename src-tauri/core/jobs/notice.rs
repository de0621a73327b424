//! Desktop notifications: which change of a job is worth telling a user who is not
//! looking at the window. Decided here, without Tauri, so it can be tested; the app
//! only shows what this returns.

use std::collections::HashSet;
use std::sync::Mutex;

use super::store::{JobRow, JobStatus};
use super::texts::{NOTICE_EXPIRED, NOTICE_FAILED, NOTICE_NOT_SAVED, NOTICE_READY};
use crate::i18n;
use crate::problem::{Problem, Text};
use crate::text;
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
    /// `focused` is asked only for news (asking the window costs a round trip). The
    /// notice is worded in `language`, the window's.
    pub fn consider(
        &self,
        row: &JobRow,
        language: &str,
        focused: impl FnOnce() -> bool,
    ) -> Option<Notice> {
        let (outcome, title) = outcome(row)?;
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        if !told.insert((row.id.clone(), outcome)) || focused() {
            return None;
        }
        Some(Notice {
            title: i18n::word(&Problem::new(title), language),
            body: body(row, language),
        })
    }
}

/// Ends worth a notification. Progress, sending, and "may have been created" (only
/// ever seen at start-up or right after pressing Generate) are not.
fn outcome(row: &JobRow) -> Option<(&'static str, Text)> {
    match row.status {
        JobStatus::Downloaded => Some(("ready", NOTICE_READY)),
        JobStatus::Failed => Some(("failed", NOTICE_FAILED)),
        JobStatus::Expired => Some(("expired", NOTICE_EXPIRED)),
        JobStatus::Completed if row.download_error_code.is_some() => {
            Some(("not_saved", NOTICE_NOT_SAVED))
        }
        _ => None,
    }
}

fn body(row: &JobRow, language: &str) -> String {
    let mut prompt: String = row.prompt.chars().take(PROMPT_CHARS).collect();
    if row.prompt.chars().count() > PROMPT_CHARS {
        prompt.push('…');
    }
    let detail = match row.status {
        JobStatus::Failed | JobStatus::Expired => row.error.as_ref(),
        JobStatus::Completed => row.download_error.as_ref(),
        _ => None,
    };
    let detail = detail.map(|problem| i18n::word(problem, language));
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
        assert_eq!(
            n.consider(&running, "en", || false),
            None,
            "progress is not news"
        );
        let done = JobRow {
            status: JobStatus::Downloaded,
            ..running
        };
        let notice = n.consider(&done, "en", || false).expect("told");
        assert_eq!(notice.title, "Your video is ready");
        assert!(notice.body.contains("A red kite"));
        assert_eq!(n.consider(&done, "en", || false), None, "told once");
    }

    #[test]
    fn nothing_is_shown_while_the_user_is_looking_and_that_outcome_stays_told() {
        let n = Notifier::default();
        let done = row(JobStatus::Downloaded);
        assert_eq!(n.consider(&done, "en", || true), None);
        assert_eq!(n.consider(&done, "en", || false), None);
    }

    #[test]
    fn failures_say_why_and_a_failed_download_is_its_own_outcome() {
        let n = Notifier::default();
        let mut failed = row(JobStatus::Failed);
        failed.error = Some(Problem::new(crate::jobs::texts::JOB_FAILED).said(Some("quota")));
        let notice = n.consider(&failed, "en", || false).unwrap();
        assert_eq!(notice.title, "A video could not be made");
        assert!(
            notice
                .body
                .ends_with("The gateway reported that the job failed. The gateway said: “quota”"),
            "{}",
            notice.body
        );

        let mut unsaved = row(JobStatus::Completed);
        assert_eq!(
            n.consider(&unsaved, "en", || false),
            None,
            "still downloading"
        );
        unsaved.download_error_code = Some("disk_full".into());
        unsaved.download_error = Some(Problem::new(crate::jobs::texts::JOB_FAILED));
        assert_eq!(
            n.consider(&unsaved, "en", || false).unwrap().title,
            "A video is finished but could not be saved"
        );
        let saved = JobRow {
            status: JobStatus::Downloaded,
            ..unsaved
        };
        assert_eq!(
            n.consider(&saved, "en", || false).unwrap().title,
            "Your video is ready"
        );
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn a_gateways_markup_shows_as_text_in_the_notification() {
        let mut failed = row(JobStatus::Failed);
        failed.prompt = "Fish & <i>chips</i>".into();
        failed.error = Some(
            Problem::new(crate::jobs::texts::JOB_FAILED)
                .said(Some("<a href=\"https://evil.example\">Top up here</a>")),
        );
        let notice = Notifier::default()
            .consider(&failed, "en", || false)
            .unwrap();
        assert_eq!(
            notice.body,
            "“Fish &amp; &lt;i&gt;chips&lt;/i&gt;”: The gateway reported that the job failed. The gateway said: “&lt;a href=\"https://evil.example\"&gt;Top up here&lt;/a&gt;”"
        );
    }

    #[test]
    fn a_notice_speaks_the_windows_language() {
        let mut failed = row(JobStatus::Failed);
        failed.error = Some(Problem::new(crate::jobs::texts::JOB_FAILED).said(Some("quota")));
        let notice = Notifier::default()
            .consider(&failed, "zh-CN", || false)
            .unwrap();
        assert_eq!(notice.title, "有个视频没能生成");
        assert!(
            notice.body.contains("网关报告这个任务失败了。"),
            "{}",
            notice.body
        );
        assert!(notice.body.contains("“quota”"), "{}", notice.body);
    }

    #[test]
    fn long_prompts_are_shortened() {
        let mut r = row(JobStatus::Downloaded);
        r.prompt = "x".repeat(300);
        let notice = Notifier::default().consider(&r, "en", || false).unwrap();
        assert_eq!(notice.body.chars().count(), PROMPT_CHARS + 3);
    }
}
