//! Each job's requests and answers, for its "Details".

use rusqlite::params;

use super::{db, JobStore};
use crate::error::{Error, Result};
use crate::gateway::exchange::Exchange;

/// A job keeps its submit and this many of its latest other exchanges: polls add up.
pub const KEPT_EXCHANGES: usize = 12;

impl JobStore {
    /// Adds one request and answer to the job's details, dropping its oldest polls.
    pub fn add_exchange(&self, job_id: &str, exchange: &Exchange) -> Result<()> {
        let json = serde_json::to_string(exchange).map_err(Error::store)?;
        let mut conn = self.lock()?;
        let tx = conn.transaction().map_err(db)?;
        tx.prepare_cached("INSERT INTO exchanges (job_id, action, exchange) VALUES (?1, ?2, ?3)")
            .and_then(|mut insert| insert.execute(params![job_id, exchange.action, json]))
            .map_err(db)?;
        // Only the polls past the kept number go, oldest first (the index walks them).
        tx.prepare_cached(
            "DELETE FROM exchanges WHERE seq IN
               (SELECT seq FROM exchanges WHERE job_id = ?1 AND action != 'submit'
                ORDER BY seq DESC LIMIT -1 OFFSET ?2)",
        )
        .and_then(|mut trim| trim.execute(params![job_id, KEPT_EXCHANGES as i64]))
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    /// The job's requests and answers, oldest first. Unreadable entries are skipped.
    pub fn exchanges(&self, job_id: &str) -> Result<Vec<Exchange>> {
        let conn = self.lock()?;
        let mut stmt = conn
            .prepare_cached("SELECT exchange FROM exchanges WHERE job_id = ?1 ORDER BY seq")
            .map_err(db)?;
        let texts = stmt
            .query_map(params![job_id], |r| r.get::<_, String>(0))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(db)?;
        Ok(texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect())
    }
}
