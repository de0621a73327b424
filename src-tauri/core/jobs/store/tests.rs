use super::queries::{list_sql, page_size, UNFINISHED};
use super::row::COLUMNS;
use super::schema::MIGRATIONS;
use super::*;
use crate::jobs::texts;
use crate::media::{Mismatch, VideoFacts};
use crate::problem::{self, Problem};

fn problem() -> Problem {
    Problem::new(texts::JOB_FAILED)
}

fn store() -> (tempfile::TempDir, JobStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
    (dir, store)
}

fn new_job(prompt: &str) -> NewJob {
    NewJob {
        profile_id: "p1".into(),
        prompt: prompt.into(),
        model: "veo3.1".into(),
        seconds: "8".into(),
        size: "16:9".into(),
        reference_thumb: None,
        extra_fields: Vec::new(),
        continues: None,
    }
}

fn plan(s: &JobStore, sql: &str, values: Vec<rusqlite::types::Value>) -> String {
    let conn = s.lock().unwrap();
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let details = stmt
        .query_map(rusqlite::params_from_iter(values), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    details.join(" | ")
}

#[test]
fn pages_and_the_resume_read_indexes_instead_of_sorting_the_table() {
    let (_d, s) = store();
    let after = Some(Cursor {
        created_at: 5,
        id: "x".into(),
    });
    for query in [
        ListQuery::default(),
        ListQuery {
            after,
            text: Some("boat".into()),
            ..Default::default()
        },
    ] {
        let (sql, values) = list_sql(&query);
        let plan = plan(&s, &sql, values);
        assert!(plan.contains("jobs_newest"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
    let unfinished = format!("SELECT {COLUMNS} FROM jobs WHERE {UNFINISHED}");
    let plan = plan(&s, &unfinished, vec![]);
    assert!(plan.contains("jobs_by_status"), "{plan}");
    assert!(!plan.contains("SCAN jobs"), "{plan}");
}

#[test]
fn a_batch_job_waiting_its_turn_shows_under_in_progress() {
    let (_d, s) = store();
    let waiting = s.insert_waiting(&new_job("third in line"), 1).unwrap();
    assert_eq!(waiting.group, Some("active"));
    let active = ListQuery {
        statuses: JobStatus::in_group("active"),
        ..Default::default()
    };
    let shown: Vec<_> = s
        .list(&active)
        .unwrap()
        .jobs
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(shown, vec![waiting.id]);
    assert!(JobStatus::in_group("nonsense").is_empty());
    for status in JobStatus::ALL {
        if let Some(group) = status.group() {
            assert!(JobStatus::in_group(group).contains(&status));
        }
    }
}

#[test]
fn page_sizes_are_bounded() {
    let size = |limit| {
        page_size(&ListQuery {
            limit,
            ..Default::default()
        })
    };
    assert_eq!((size(0), size(20), size(u32::MAX)), (50, 20, 500));
}

#[test]
fn a_new_row_is_submitting_and_reads_back() {
    let (_d, s) = store();
    let row = s.insert_submitting(&new_job("a boat"), 1000).unwrap();
    assert_eq!(row.status, JobStatus::Submitting);
    assert_eq!(s.get(&row.id).unwrap().unwrap(), row);
    assert_eq!(row.remote_id, None);
}

#[test]
fn reopening_keeps_rows_and_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let id = JobStore::open_at(&path)
        .unwrap()
        .insert_submitting(&new_job("x"), 1)
        .unwrap()
        .id;
    let again = JobStore::open_at(&path).unwrap();
    assert!(again.get(&id).unwrap().is_some());
    let v: i64 = again
        .lock()
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, MIGRATIONS.len() as i64);
}

#[test]
fn a_history_from_before_details_is_upgraded_and_keeps_its_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    {
        // The history as the first release wrote it: only migration 1.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute(
            "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status, created_at)
             VALUES ('old', 'p1', 'from last year', 'veo3.1', '8', '16:9', 'downloaded', 1)",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let s = JobStore::open_at(&path).unwrap();
    assert_eq!(s.get("old").unwrap().unwrap().prompt, "from last year");
    assert!(s.exchanges("old").unwrap().is_empty());
    let url = reqwest::Url::parse("https://gw.example/v1/videos/r1").unwrap();
    let poll = crate::gateway::exchange::Outgoing::new("poll", "GET", &url, String::new())
        .failed(&problem());
    s.add_exchange("old", &poll).unwrap();
    assert_eq!(s.exchanges("old").unwrap(), vec![poll]);
}

#[test]
fn a_history_from_before_video_checks_is_upgraded_and_keeps_its_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(MIGRATIONS[1]).unwrap();
        conn.execute(
            "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status, created_at, file_path)
             VALUES ('old', 'p1', 'saved last year', 'veo3.1', '8', '9:16', 'downloaded', 1, '/v/old.mp4')",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
    }
    let row = JobStore::open_at(&path)
        .unwrap()
        .get("old")
        .unwrap()
        .unwrap();
    assert_eq!(row.prompt, "saved last year");
    assert_eq!((row.video, row.video_checked), (None, false));
    assert!(row.mismatches.is_empty() && row.extra_fields.is_empty());
}

#[test]
fn sentences_stored_before_problems_were_data_become_texts_or_are_kept_as_noted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        for step in &MIGRATIONS[..3] {
            conn.execute_batch(step).unwrap();
        }
        let insert = "INSERT INTO jobs (id, profile_id, prompt, model, seconds, size, status,
                created_at, error_code, error_message, download_error_code, download_error_message)
             VALUES (?1, 'p1', 'x', 'veo3.1', '8', '16:9', ?2, 1, ?3, ?4, ?5, ?6)";
        let rows: [[Option<&str>; 6]; 3] = [
            [
                Some("queued"),
                Some("cancelled"),
                Some("cancelled"),
                Some("Cancelled before it was sent. Nothing reached the gateway."),
                None,
                None,
            ],
            [
                Some("blocked"),
                Some("failed"),
                Some("content_blocked"),
                Some("The video was blocked by Veo's safety filter."),
                None,
                None,
            ],
            [
                Some("unsaved"),
                Some("completed"),
                None,
                None,
                Some("io"),
                Some("Disk full."),
            ],
        ];
        for row in rows {
            conn.execute(insert, rusqlite::params_from_iter(row))
                .unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
    }
    let s = JobStore::open_at(&path).unwrap();
    let error = |id: &str| s.get(id).unwrap().unwrap().error.unwrap();
    assert_eq!(error("queued"), Problem::new(texts::CANCELLED));
    let earlier = |code: &str, noted: &str| {
        Problem::new(problem::texts::EARLIER)
            .with("code", code)
            .with("noted", noted)
    };
    assert_eq!(
        error("blocked"),
        earlier(
            "content_blocked",
            "The video was blocked by Veo's safety filter."
        )
    );
    let unsaved = s.get("unsaved").unwrap().unwrap();
    assert_eq!(unsaved.download_error, Some(earlier("io", "Disk full.")));
    assert_eq!(unsaved.error, None);
    assert!(crate::i18n::word(&error("queued"), "zh-CN").contains("已在发送前取消"));
}

#[test]
fn a_problem_is_stored_whole_with_the_gateways_words() {
    let (_d, s) = store();
    let row = s.insert_submitting(&new_job("x"), 1).unwrap();
    let said = Problem::new(texts::JOB_FAILED).said(Some("quota <b>exceeded</b>"));
    let failed = s.mark_failed(&row.id, "job_failed", &said, 2).unwrap();
    assert_eq!(failed.error, Some(said));
    assert_eq!(failed.error_code.as_deref(), Some("job_failed"));
}

#[test]
fn a_saved_video_keeps_what_its_file_is_and_how_that_differs_from_the_request() {
    let (dir, s) = store();
    let portrait = NewJob {
        size: "9:16".into(),
        extra_fields: vec![("negative_prompt".into(), "rain".into())],
        ..new_job("a lighthouse")
    };
    let a = s.insert_submitting(&portrait, 1).unwrap();
    assert_eq!(a.extra_fields, portrait.extra_fields);
    s.mark_running(&a.id, "r-a", "queued", None, 2).unwrap();
    s.mark_completed(&a.id, "completed", None, 3, 4).unwrap();
    let landscape = VideoFacts {
        width: 1280,
        height: 720,
        duration_ms: 8000,
        has_audio: true,
    };
    let row = s
        .mark_downloaded(&a.id, Path::new("/v/a.mp4"), 10, Some(&landscape))
        .unwrap();
    assert_eq!((row.video, row.video_checked), (Some(landscape), true));
    assert_eq!(
        row.mismatches
            .iter()
            .map(Mismatch::code)
            .collect::<Vec<_>>(),
        vec!["aspect_mismatch"]
    );
    let again = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
    assert_eq!(again.get(&a.id).unwrap().unwrap(), row);

    let b = s.insert_submitting(&new_job("unreadable"), 2).unwrap();
    s.mark_running(&b.id, "r-b", "queued", None, 2).unwrap();
    s.mark_completed(&b.id, "completed", None, 3, 4).unwrap();
    let row = s
        .mark_downloaded(&b.id, Path::new("/v/b.mp4"), 10, None)
        .unwrap();
    assert_eq!((row.video, row.video_checked), (None, true));
    assert!(row.mismatches.is_empty());
}

#[test]
fn a_history_from_a_newer_version_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let e = JobStore::open_at(&path).err().unwrap();
    assert_eq!(e.code(), "history_unavailable");
    assert!(e.to_string().contains("newer version"), "{e}");
}

#[test]
fn pages_are_newest_first_and_do_not_overlap() {
    let (_d, s) = store();
    let rows: Vec<_> = (0..7)
        .map(|i| {
            (
                new_job(&format!("clip {i}")),
                JobStatus::Downloaded,
                100 + i / 2,
            )
        })
        .collect();
    s.import(&rows).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .list(&ListQuery {
                after: after.clone(),
                limit: 3,
                ..Default::default()
            })
            .unwrap();
        seen.extend(page.jobs.iter().map(|j| (j.created_at, j.id.clone())));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, ties by id, no repeats");
}

#[test]
fn filters_by_status_and_prompt_text_literally() {
    let (_d, s) = store();
    s.import(&[
        (new_job("Paper boat drifting"), JobStatus::Downloaded, 1),
        (new_job("a paper plane"), JobStatus::Failed, 2),
        (new_job("100% orange"), JobStatus::Downloaded, 3),
        (new_job("1000 oranges"), JobStatus::Downloaded, 4),
    ])
    .unwrap();
    let find = |text: &str, statuses: Vec<JobStatus>| {
        s.list(&ListQuery {
            text: Some(text.into()),
            statuses,
            ..Default::default()
        })
        .unwrap()
        .jobs
        .into_iter()
        .map(|j| j.prompt)
        .collect::<Vec<_>>()
    };
    assert_eq!(find("PAPER", vec![]).len(), 2);
    assert_eq!(
        find("paper", vec![JobStatus::Failed]),
        vec!["a paper plane"]
    );
    assert_eq!(find("100%", vec![]), vec!["100% orange"]);
}

#[test]
fn unfinished_means_running_or_waiting_for_download() {
    let (_d, s) = store();
    let a = s.insert_submitting(&new_job("a"), 1).unwrap();
    let b = s.insert_submitting(&new_job("b"), 2).unwrap();
    let c = s.insert_submitting(&new_job("c"), 3).unwrap();
    s.mark_running(&a.id, "r-a", "queued", None, 5).unwrap();
    s.mark_running(&b.id, "r-b", "queued", None, 5).unwrap();
    s.mark_completed(&b.id, "completed", None, 6, 7).unwrap();
    s.mark_failed(&c.id, "gateway_error", &problem(), 6)
        .unwrap();
    let ids: Vec<_> = s.unfinished().unwrap().into_iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![a.id.clone(), b.id.clone()]);
    s.record_download_error(&b.id, "io", &problem()).unwrap();
    assert_eq!(s.unfinished().unwrap().len(), 1);
}

#[test]
fn recent_waits_are_this_gateways_finished_jobs_of_the_same_kind() {
    let (_d, s) = store();
    let finish = |job: NewJob, sent: i64, done: i64| {
        let row = s.insert_submitting(&job, sent).unwrap();
        s.mark_running(&row.id, "r", "queued", None, sent).unwrap();
        s.mark_completed(&row.id, "completed", None, done, done + 1)
            .unwrap();
    };
    finish(new_job("a"), 1_000, 61_000);
    finish(new_job("b"), 2_000, 182_000);
    finish(
        NewJob {
            seconds: "4".into(),
            ..new_job("short")
        },
        0,
        10_000,
    );
    finish(
        NewJob {
            profile_id: "p2".into(),
            ..new_job("elsewhere")
        },
        0,
        999_000,
    );
    let running = s.insert_submitting(&new_job("still going"), 5).unwrap();
    s.mark_running(&running.id, "r2", "queued", None, 5)
        .unwrap();

    assert_eq!(
        s.recent_waits("p1", "veo3.1", "8", 20).unwrap(),
        vec![180_000, 60_000],
        "newest first; other lengths, gateways and unfinished jobs left out"
    );
    assert_eq!(
        s.recent_waits("p1", "veo3.1", "8", 1).unwrap(),
        vec![180_000]
    );
}

#[test]
fn a_waiting_job_is_either_sent_or_cancelled_never_both() {
    let (_d, s) = store();
    let a = s.insert_waiting(&new_job("a"), 1).unwrap();
    let b = s.insert_waiting(&new_job("b"), 2).unwrap();
    assert_eq!(a.status, JobStatus::Waiting);
    assert!(!a.is_on_gateway() && !a.is_settled());
    let sent = s.start_submitting(&a.id, 3).unwrap().unwrap();
    assert!(sent.is_on_gateway());
    assert!(s.cancel_waiting(&a.id, &problem(), 4).unwrap().is_none());
    let gone = s.cancel_waiting(&b.id, &problem(), 4).unwrap().unwrap();
    assert_eq!(
        (gone.status, gone.is_settled()),
        (JobStatus::Cancelled, true)
    );
    assert!(s.start_submitting(&b.id, 5).unwrap().is_none());
    assert!(
        s.unfinished().unwrap().is_empty(),
        "waiting rows are not polled"
    );
}

#[test]
fn jobs_are_found_by_their_gateway_id_too() {
    let (_d, s) = store();
    let a = s.insert_submitting(&new_job("a"), 1).unwrap();
    s.mark_running(&a.id, "task-77", "queued", None, 2).unwrap();
    assert_eq!(s.find("task-77").unwrap().unwrap().id, a.id);
    assert_eq!(s.find(&a.id).unwrap().unwrap().id, a.id);
    assert!(s.find("nope").unwrap().is_none());
}

#[test]
fn unchanged_progress_is_not_reported_twice() {
    let (_d, s) = store();
    let a = s.insert_submitting(&new_job("a"), 1).unwrap();
    s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
    assert!(s
        .record_progress(&a.id, "queued", None, 3)
        .unwrap()
        .is_none());
    let row = s
        .record_progress(&a.id, "in_progress", Some(40.0), 4)
        .unwrap()
        .unwrap();
    assert_eq!((row.progress, row.progress_at), (Some(40.0), Some(4)));
}

#[test]
fn a_completed_job_past_expiry_without_file_warns() {
    let (_d, s) = store();
    let a = s.insert_submitting(&new_job("a"), 1).unwrap();
    s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
    let row = s.mark_completed(&a.id, "completed", None, 3, 4).unwrap();
    assert_eq!(row.warning, Some(JobWarning::ExpiredWithoutFile));
    let row = s
        .mark_downloaded(&a.id, Path::new("/v/a.mp4"), 10, None)
        .unwrap();
    assert_eq!(row.warning, None);
}

#[test]
fn the_slow_flag_is_set_once_and_cleared_by_progress() {
    let (_d, s) = store();
    let a = s.insert_submitting(&new_job("a"), 1).unwrap();
    s.mark_running(&a.id, "r", "queued", None, 2).unwrap();
    let row = s.flag_slow(&a.id).unwrap().unwrap();
    assert_eq!(row.warning, Some(JobWarning::TakingUnusuallyLong));
    assert!(s.flag_slow(&a.id).unwrap().is_none());
    let row = s
        .record_progress(&a.id, "in_progress", Some(5.0), 9)
        .unwrap()
        .unwrap();
    assert_eq!(row.warning, None);
}

fn story_prompts(shots: &[StoryShot]) -> Vec<String> {
    shots
        .iter()
        .map(|shot| match (&shot.job, &shot.plan) {
            (Some(job), _) => job.prompt.clone(),
            (None, Some(plan)) => format!("plan {}", plan.prompt),
            (None, None) => unreachable!("a shot is a job or a plan"),
        })
        .collect()
}

#[test]
fn the_story_keeps_its_order_across_a_restart_and_drops_a_removed_shot() {
    let (dir, s) = store();
    let [a, b, c] = ["a", "b", "c"].map(|p| s.insert_submitting(&new_job(p), 1).unwrap().id);
    for id in [&c, &a, &"not-in-history".to_string(), &b, &a] {
        s.add_to_story(id).unwrap();
    }
    assert_eq!(
        story_prompts(&s.story().unwrap()),
        ["c", "a", "b"],
        "once each"
    );
    let planned = s.plan_shot(&ShotPlan::example("d"), true).unwrap();
    let ids: Vec<String> = planned.iter().map(|shot| shot.id.clone()).collect();
    let reordered = s
        .set_story(&[
            ids[3].clone(),
            ids[0].clone(),
            ids[1].clone(),
            ids[2].clone(),
        ])
        .unwrap();
    assert_eq!(story_prompts(&reordered), ["plan d", "c", "a", "b"]);
    assert!(reordered[0].continues_previous);

    s.delete(&a).unwrap();
    assert_eq!(story_prompts(&s.story().unwrap()), ["plan d", "c", "b"]);
    drop(s);
    let reopened = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
    assert_eq!(
        story_prompts(&reopened.story().unwrap()),
        ["plan d", "c", "b"]
    );
    assert!(reopened.set_story(&[]).unwrap().is_empty());
}

#[test]
fn a_planned_shot_is_made_once_and_made_again_only_when_its_video_failed() {
    let (_dir, s) = store();
    let shot = s
        .plan_shot(&ShotPlan::example("a kite"), false)
        .unwrap()
        .remove(0);
    assert!(shot.is_missing() && !shot.making);
    assert_eq!(s.make_missing("gateway").unwrap(), 1);
    assert!(s.story().unwrap()[0].making);
    assert_eq!(s.claim_shot(&shot.id).unwrap().as_deref(), Some("gateway"));
    assert_eq!(s.claim_shot(&shot.id).unwrap(), None, "claimed once");

    let job = s.insert_submitting(&new_job("a kite"), 1).unwrap();
    s.settle_shot(&shot.id, Ok(&job.id)).unwrap();
    let made = s.story().unwrap().remove(0);
    assert_eq!(
        made.job.as_ref().map(|j| j.id.as_str()),
        Some(job.id.as_str())
    );
    assert_eq!(
        s.make_missing("gateway").unwrap(),
        0,
        "its video is on its way"
    );

    s.mark_failed(&job.id, "failed", &problem(), 2).unwrap();
    assert_eq!(
        s.make_missing("gateway").unwrap(),
        1,
        "a failed video is made again"
    );
    let again = s.story().unwrap().remove(0);
    assert!(again.making && again.job.is_none());
    assert_eq!(again.plan.unwrap().prompt, "a kite", "the plan stays");
}

#[test]
fn a_shot_that_could_not_be_made_says_why() {
    let (_dir, s) = store();
    let shot = s
        .plan_shot(&ShotPlan::example("a kite"), true)
        .unwrap()
        .remove(0);
    let problem = Problem::new(crate::texts::STORY_GATEWAY_GONE);
    s.settle_shot(&shot.id, Err(&problem)).unwrap();
    let stuck = s.story().unwrap().remove(0);
    assert_eq!(stuck.problem, Some(problem));
    assert!(stuck.is_missing() && !stuck.making);
}

#[test]
fn a_story_stored_before_planned_shots_keeps_its_shots() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let (a, b) = {
        let s = JobStore::open_at(&path).unwrap();
        let ids = ["a", "b"].map(|p| s.insert_submitting(&new_job(p), 1).unwrap().id);
        (ids[0].clone(), ids[1].clone())
    };
    // The history as migration 7 left it: the story's job ids by position, and no
    // column of a later migration.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "ALTER TABLE jobs DROP COLUMN kept;
         DROP TABLE story_shots;
         CREATE TABLE story_shots (position INTEGER PRIMARY KEY, job_id TEXT NOT NULL);
         INSERT INTO story_shots VALUES (0, '{b}'), (1, '{a}');
         PRAGMA user_version = 7;"
    ))
    .unwrap();
    drop(conn);
    let s = JobStore::open_at(&path).unwrap();
    assert_eq!(story_prompts(&s.story().unwrap()), ["b", "a"]);
}

#[test]
fn a_continued_shot_is_read_with_its_prompt_until_it_is_removed() {
    let (_dir, s) = store();
    let shot = s.insert_submitting(&new_job("a paper boat"), 1).unwrap();
    let next = NewJob {
        continues: Some(shot.id.clone()),
        ..new_job("the harbour")
    };
    let next = s.insert_submitting(&next, 2).unwrap();
    assert_eq!(next.continues.as_deref(), Some(shot.id.as_str()));
    assert_eq!(next.continues_prompt.as_deref(), Some("a paper boat"));
    s.delete(&shot.id).unwrap();
    let next = s.require(&next.id).unwrap();
    assert_eq!(next.continues_prompt, None);
}

fn saved(s: &JobStore, prompt: &str) -> String {
    let id = s.insert_submitting(&new_job(prompt), 1).unwrap().id;
    s.mark_running(&id, &format!("r-{prompt}"), "queued", None, 2)
        .unwrap();
    s.mark_completed(&id, "completed", None, 3, 4).unwrap();
    s.mark_downloaded(&id, Path::new("/v/take.mp4"), 10, None)
        .unwrap();
    id
}

#[test]
fn one_take_of_a_comparison_is_kept_and_only_a_saved_one() {
    let (dir, s) = store();
    let [a, b, c] = ["a", "b", "c"].map(|p| saved(&s, p));
    let takes = vec![a.clone(), b.clone(), c.clone()];
    let changed = s.keep_take(Some(&b), &takes).unwrap();
    assert_eq!(changed.iter().map(|r| &r.id).collect::<Vec<_>>(), [&b]);

    // Keeping another take of the same comparison moves the mark.
    let changed = s.keep_take(Some(&c), &takes).unwrap();
    let mut moved: Vec<_> = changed.iter().map(|r| (r.id.clone(), r.kept)).collect();
    moved.sort();
    let mut expected = vec![(b.clone(), false), (c.clone(), true)];
    expected.sort();
    assert_eq!(moved, expected);
    let again = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
    let kept: Vec<bool> = takes
        .iter()
        .map(|id| again.require(id).unwrap().kept)
        .collect();
    assert_eq!(kept, [false, false, true], "kept across a restart");

    let running = s.insert_submitting(&new_job("still making"), 1).unwrap();
    assert!(s.keep_take(Some(&running.id), &takes).unwrap().is_empty());
    assert!(!s.require(&running.id).unwrap().kept);
    assert!(
        s.require(&c).unwrap().kept,
        "a refused keep changes nothing"
    );
    s.keep_take(None, &takes).unwrap();
    assert!(takes.iter().all(|id| !s.require(id).unwrap().kept));
}
