//! Looking jobs up and listing them, newest first, a page at a time.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::row::{read_row, COLUMNS};
use super::{db, now_ms, JobRow, JobStatus, JobStore};
use crate::error::{Error, Result};
use crate::jobs::texts;
use crate::problem::Problem;

/// Position in the newest-first list: the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Cursor {
    pub created_at: i64,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<JobStatus>,
    /// Prompt contains this text (case-insensitive for ASCII).
    pub text: Option<String>,
    /// Rows after this one (the previous page's `next`).
    pub after: Option<Cursor>,
    /// Page size; 0 means 50.
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Page {
    pub jobs: Vec<JobRow>,
    /// Pass back as `ListQuery::after` for the next page; `None` at the end.
    pub next: Option<Cursor>,
}

/// Rows the poller must still act on: follow on the gateway, or download.
pub(super) const UNFINISHED: &str =
    "status = 'running' OR (status = 'completed' AND download_error_code IS NULL)";

impl JobStore {
    pub fn get(&self, id: &str) -> Result<Option<JobRow>> {
        let now = now_ms();
        let conn = self.lock()?;
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"))
            .map_err(db)?;
        stmt.query_row(params![id], |r| read_row(r, now))
            .optional()
            .map_err(db)
    }

    /// Like `get`, for a job that must exist.
    pub fn require(&self, id: &str) -> Result<JobRow> {
        self.get(id)?
            .ok_or_else(|| Error::invalid_input(Problem::new(texts::NOT_IN_HISTORY)))
    }

    /// A job by its history id, or by the id the gateway gave it.
    pub fn find(&self, id: &str) -> Result<Option<JobRow>> {
        if let Some(row) = self.get(id)? {
            return Ok(Some(row));
        }
        let now = now_ms();
        self.lock()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE remote_id = ?1 ORDER BY created_at DESC LIMIT 1"),
                params![id],
                |r| read_row(r, now),
            )
            .optional()
            .map_err(db)
    }

    /// Newest first, filtered, one page at a time (keyset: no OFFSET scans).
    pub fn list(&self, query: &ListQuery) -> Result<Page> {
        let limit = page_size(query);
        let (sql, values) = list_sql(query);
        let mut jobs = self.query(&sql, rusqlite::params_from_iter(values))?;
        let next = match jobs.len() > limit {
            true => {
                jobs.truncate(limit);
                jobs.last().map(|j| Cursor {
                    created_at: j.created_at,
                    id: j.id.clone(),
                })
            }
            false => None,
        };
        Ok(Page { jobs, next })
    }

    /// Jobs to follow on the gateway or to download, oldest first.
    pub fn unfinished(&self) -> Result<Vec<JobRow>> {
        self.query(
            &format!("SELECT {COLUMNS} FROM jobs WHERE {UNFINISHED} ORDER BY created_at, id"),
            [],
        )
    }

    /// How long (ms, submitted to completed) the latest `limit` finished jobs of this
    /// model and length took on this gateway, newest first.
    pub fn recent_waits(
        &self,
        profile_id: &str,
        model: &str,
        seconds: &str,
        limit: usize,
    ) -> Result<Vec<i64>> {
        let conn = self.lock()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT completed_at - submitted_at FROM jobs
                 WHERE profile_id = ?1 AND model = ?2 AND seconds = ?3
                   AND completed_at IS NOT NULL AND submitted_at IS NOT NULL
                 ORDER BY completed_at DESC LIMIT ?4",
            )
            .map_err(db)?;
        let waits = stmt
            .query_map(params![profile_id, model, seconds, limit as i64], |r| {
                r.get(0)
            })
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(db)?;
        Ok(waits)
    }

    pub fn count(&self) -> Result<u64> {
        let n: i64 = self
            .lock()?
            .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get(0))
            .map_err(db)?;
        Ok(n.max(0) as u64)
    }

    fn query(&self, sql: &str, values: impl rusqlite::Params) -> Result<Vec<JobRow>> {
        let now = now_ms();
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(sql).map_err(db)?;
        let rows = stmt
            .query_map(values, |r| read_row(r, now))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<JobRow>>>()
            .map_err(db)?;
        Ok(rows)
    }
}

/// 50 by default; at most 500 rows at once.
pub(super) fn page_size(query: &ListQuery) -> usize {
    match query.limit {
        0 => 50,
        n => n.min(500) as usize,
    }
}

/// The page query: one more row than the page, to know whether another page follows.
pub(super) fn list_sql(query: &ListQuery) -> (String, Vec<rusqlite::types::Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(", ");
        clauses.push(format!("status IN ({marks})"));
        values.extend(query.statuses.iter().map(|s| s.as_str().to_string().into()));
    }
    let text = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(text) = text {
        clauses.push("prompt LIKE ? ESCAPE '\\'".into());
        values.push(format!("%{}%", escape_like(text)).into());
    }
    if let Some(after) = &query.after {
        clauses.push("(created_at, id) < (?, ?)".into());
        values.push(after.created_at.into());
        values.push(after.id.clone().into());
    }
    let filter = match clauses.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", clauses.join(" AND ")),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs {filter} ORDER BY created_at DESC, id DESC LIMIT {}",
        page_size(query) + 1
    );
    (sql, values)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
