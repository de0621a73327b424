//! How fast a 10 000-job history opens and shows its first page of 50.
//! Not a test: it prints the figure. `cargo bench --bench history` (add `--profile dev`
//! for a quick figure without a release build).

use std::time::{Duration, Instant};

use veo_desk_core::jobs::{JobStatus, JobStore, ListQuery, NewJob};

const JOBS: usize = 10_000;
const RUNS: usize = 7;

fn main() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join("history.sqlite3");
    fill(&path);
    let mut open_and_page = Vec::new();
    let mut search = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let store = JobStore::open_at(&path).expect("the history opens");
        let page = store.list(&ListQuery::default()).expect("the first page");
        open_and_page.push(start.elapsed());
        assert_eq!(page.jobs.len(), 50);

        let start = Instant::now();
        let found = store
            .list(&ListQuery {
                text: Some("harbour".into()),
                statuses: vec![JobStatus::Downloaded],
                ..Default::default()
            })
            .expect("a search");
        search.push(start.elapsed());
        assert!(!found.jobs.is_empty());
    }
    println!(
        "{JOBS} jobs: open + first page of 50: median {:?} (min {:?}, max {:?}) over {RUNS} fresh opens (OS file cache warm)",
        median(&mut open_and_page),
        open_and_page[0],
        open_and_page[RUNS - 1]
    );
    println!(
        "{JOBS} jobs: prompt search + status filter, first page: median {:?}",
        median(&mut search)
    );
}

fn fill(path: &std::path::Path) {
    let store = JobStore::open_at(path).expect("a new history");
    let words = [
        "paper boat",
        "harbour at night",
        "fox in snow",
        "city rain",
        "lanterns",
    ];
    let statuses = [JobStatus::Downloaded, JobStatus::Failed, JobStatus::Expired];
    let rows: Vec<_> = (0..JOBS)
        .map(|i| {
            let job = NewJob {
                profile_id: "profile-1".into(),
                prompt: format!("{} number {i}, cinematic, slow dolly shot", words[i % 5]),
                model: "veo3.1".into(),
                seconds: "8".into(),
                size: "16:9".into(),
                ..Default::default()
            };
            (job, statuses[i % 3], 1_700_000_000_000 + i as i64 * 60_000)
        })
        .collect();
    store.import(&rows).expect("10 000 rows");
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
