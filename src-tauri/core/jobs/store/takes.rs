//! The take kept among those compared side by side (*Compare takes*, *Keep*).

use std::collections::BTreeSet;

use rusqlite::{params, OptionalExtension};

use super::{db, JobRow, JobStore};
use crate::error::Result;

impl JobStore {
    /// Marks `chosen` kept and every other of `takes` not, in one transaction, so a
    /// comparison ends with one kept take; `None` keeps none of them. Only a saved
    /// video can be kept: otherwise nothing changes. Returns the rows whose mark changed.
    pub fn keep_take(&self, chosen: Option<&str>, takes: &[String]) -> Result<Vec<JobRow>> {
        let ids: BTreeSet<&str> = takes.iter().map(String::as_str).chain(chosen).collect();
        let mut changed = Vec::new();
        {
            let mut conn = self.lock()?;
            let tx = conn.transaction().map_err(db)?;
            if let Some(id) = chosen {
                let saved: Option<bool> = tx
                    .query_row(
                        "SELECT status = 'downloaded' FROM jobs WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db)?;
                if saved != Some(true) {
                    return Ok(Vec::new());
                }
            }
            for id in ids {
                let kept = chosen == Some(id);
                let n = tx
                    .execute(
                        "UPDATE jobs SET kept = ?2 WHERE id = ?1 AND kept != ?2",
                        params![id, kept],
                    )
                    .map_err(db)?;
                if n > 0 {
                    changed.push(id.to_string());
                }
            }
            tx.commit().map_err(db)?;
        }
        changed
            .iter()
            .filter_map(|id| self.get(id).transpose())
            .collect()
    }
}
