//! The story: saved shots in the order the film plays them. One per history; a shot
//! removed from the history drops out of it.

use rusqlite::params;

use super::row::{read_row, COLUMNS};
use super::{db, now_ms, JobRow, JobStore};
use crate::error::Result;

impl JobStore {
    /// The story's shots, in order.
    pub fn story(&self) -> Result<Vec<JobRow>> {
        let now = now_ms();
        let conn = self.lock()?;
        let mut statement = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM story_shots JOIN jobs ON jobs.id = story_shots.job_id
                 ORDER BY story_shots.position"
            ))
            .map_err(db)?;
        let rows = statement
            .query_map([], |r| read_row(r, now))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db);
        rows
    }

    /// Makes the story exactly `ids`, in this order (a job not in the history is left out).
    pub fn set_story(&self, ids: &[String]) -> Result<Vec<JobRow>> {
        {
            let mut conn = self.lock()?;
            let tx = conn.transaction().map_err(db)?;
            tx.execute("DELETE FROM story_shots", []).map_err(db)?;
            for (position, id) in ids.iter().enumerate() {
                tx.execute(
                    "INSERT INTO story_shots (position, job_id)
                     SELECT ?1, id FROM jobs WHERE id = ?2",
                    params![position as i64, id],
                )
                .map_err(db)?;
            }
            tx.commit().map_err(db)?;
        }
        self.story()
    }
}
