use super::*;
use crate::jobs::store::{JobStore, NewJob};
use crate::problem::Param;

fn job(status: JobStatus) -> JobRow {
    let dir = tempfile::tempdir().unwrap();
    let store = JobStore::open_at(&dir.path().join("h.sqlite3")).unwrap();
    let mut row = store.insert_submitting(&NewJob::default(), 1).unwrap();
    row.status = status;
    row
}

/// A planned shot asked for, continuing the one before or not.
fn asked(id: &str, continues_previous: bool) -> StoryShot {
    StoryShot {
        id: id.into(),
        job: None,
        plan: Some(ShotPlan::example(id)),
        continues_previous,
        making: true,
        problem: None,
    }
}

fn made(id: &str, status: JobStatus) -> StoryShot {
    StoryShot {
        id: id.into(),
        job: Some(job(status)),
        plan: None,
        continues_previous: false,
        making: false,
        problem: None,
    }
}

/// The shots whose turn has come, as `make:ID` (after a video or not) or `stuck:ID`.
fn named(shots: &[StoryShot]) -> Vec<String> {
    turns(shots)
        .into_iter()
        .map(|turn| match turn {
            Turn::Make {
                shot, after: None, ..
            } => format!("make:{shot}"),
            Turn::Make {
                shot,
                after: Some(_),
                ..
            } => format!("make:{shot} from the shot before"),
            Turn::Stuck { shot, .. } => format!("stuck:{shot}"),
        })
        .collect()
}

#[test]
fn shots_that_stand_alone_are_all_made_at_once() {
    let shots = [asked("a", false), asked("b", false), asked("c", true)];
    assert_eq!(named(&shots), ["make:a", "make:b"], "c waits for b's video");
}

#[test]
fn a_continuing_shot_starts_once_the_shot_before_is_saved() {
    let running = [made("a", JobStatus::Running), asked("b", true)];
    assert!(named(&running).is_empty());
    let saved = [made("a", JobStatus::Downloaded), asked("b", true)];
    assert_eq!(named(&saved), ["make:b from the shot before"]);
}

#[test]
fn a_chain_is_made_one_shot_after_another() {
    let shots = [asked("a", false), asked("b", true), asked("c", true)];
    assert_eq!(named(&shots), ["make:a"]);
}

#[test]
fn a_shot_that_continues_a_failed_one_is_stuck_with_its_numbers() {
    for status in [
        JobStatus::Failed,
        JobStatus::Cancelled,
        JobStatus::Uncertain,
    ] {
        let shots = [made("a", status), asked("b", true)];
        assert_eq!(named(&shots), ["stuck:b"], "{status:?}");
    }
    let Turn::Stuck { problem, .. } = &turns(&[made("a", JobStatus::Failed), asked("b", true)])[0]
    else {
        unreachable!()
    };
    assert_eq!(problem.text, texts::STORY_PREVIOUS_NOT_MADE.key);
    assert_eq!(problem.params["shot"], Param::Plain("2".into()));
    assert_eq!(problem.params["previous"], Param::Plain("1".into()));
}

#[test]
fn a_shot_whose_previous_is_only_planned_is_stuck_unless_that_one_is_asked_for() {
    let mut planned = asked("a", false);
    planned.making = false;
    assert_eq!(named(&[planned.clone(), asked("b", true)]), ["stuck:b"]);
    planned.making = true;
    assert_eq!(named(&[planned, asked("b", true)]), ["make:a"]);
}

#[test]
fn the_first_shot_never_waits_for_a_shot_before_it() {
    assert_eq!(named(&[asked("a", true)]), ["make:a"]);
}

#[test]
fn shots_not_asked_for_are_left_alone() {
    let mut planned = asked("a", false);
    planned.making = false;
    assert!(named(&[planned, made("b", JobStatus::Downloaded)]).is_empty());
}
