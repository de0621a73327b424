//! The story: its shots in the order the film plays them. One per history. A shot is
//! a saved video added from its card, or a prompt still to make (its plan), which may
//! start from the last frame of the shot before. A shot added from its card drops out
//! when its job is removed; a planned shot whose job is removed is simply to make again.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{db, JobRow, JobStatus, JobStore};
use crate::error::{Error, Result};
use crate::problem::Problem;

/// One shot of the story, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StoryShot {
    pub id: String,
    /// The shot's video job, once there is one.
    pub job: Option<JobRow>,
    /// What to make, for a shot planned in the story; `None` for one added from its card.
    pub plan: Option<ShotPlan>,
    /// Made from the last frame of the shot before, with that shot's settings.
    pub continues_previous: bool,
    /// *Make the missing shots* asked for it, and it has not been sent yet.
    pub making: bool,
    /// Why it could not be made when its turn came.
    pub problem: Option<Problem>,
}

/// A shot still to make: the form's prompt and settings when it was planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ShotPlan {
    pub prompt: String,
    pub model: String,
    pub seconds: String,
    pub size: String,
    /// The Advanced fields, the resolution among them.
    #[serde(default)]
    pub extra_fields: Vec<(String, String)>,
    /// A picture of its own (a shot that continues the one before uses its last frame).
    #[serde(default)]
    pub picture: Option<PlannedPicture>,
    /// The frame it ends on, after `picture`.
    #[serde(default)]
    pub last_frame: Option<PlannedPicture>,
    /// Pictures of a character or thing to keep (instead of `picture`).
    #[serde(default)]
    pub reference_images: Vec<PlannedPicture>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlannedPicture {
    /// The story's own copy, so a trimmed paste folder cannot take it away.
    pub path: std::path::PathBuf,
    pub fit: Option<String>,
    pub focus_x: Option<f64>,
    pub focus_y: Option<f64>,
}

impl StoryShot {
    /// A planned shot with no job that could still become its video: to make (again).
    pub fn is_missing(&self) -> bool {
        self.plan.is_some() && self.job.as_ref().is_none_or(|job| job.status.is_lost())
    }
}

impl JobStatus {
    /// Ended without a video and not possibly made on the gateway: making it again
    /// cannot make a second one. (`Uncertain` may have been made, so it is not lost.)
    pub fn is_lost(self) -> bool {
        matches!(
            self,
            JobStatus::Failed | JobStatus::Expired | JobStatus::Cancelled | JobStatus::Draft
        )
    }

    /// Over without a video: lost, or perhaps made on the gateway (`Uncertain`).
    pub fn ended_without_video(self) -> bool {
        self.is_lost() || self == JobStatus::Uncertain
    }
}

#[cfg(test)]
impl ShotPlan {
    /// An 8 s 16:9 Veo shot with no picture.
    pub(crate) fn example(prompt: &str) -> ShotPlan {
        ShotPlan {
            prompt: prompt.into(),
            model: "veo3.1".into(),
            seconds: "8".into(),
            size: "16:9".into(),
            extra_fields: Vec::new(),
            picture: None,
            last_frame: None,
            reference_images: Vec::new(),
        }
    }
}

/// A stored shot before its job is looked up.
struct Stored {
    id: String,
    job_id: Option<String>,
    plan: Option<String>,
    continues_previous: bool,
    making: bool,
    problem: Option<String>,
}

impl JobStore {
    /// The story's shots, in order.
    pub fn story(&self) -> Result<Vec<StoryShot>> {
        let stored = self.stored_shots()?;
        let mut shots = Vec::with_capacity(stored.len());
        for shot in stored {
            let job = match &shot.job_id {
                Some(id) => self.get(id)?,
                None => None,
            };
            let plan = shot.plan.and_then(|json| serde_json::from_str(&json).ok());
            if job.is_none() && plan.is_none() {
                continue; // added from its card, and removed from the history since
            }
            shots.push(StoryShot {
                id: shot.id,
                job,
                plan,
                continues_previous: shot.continues_previous,
                making: shot.making,
                problem: shot
                    .problem
                    .and_then(|json| serde_json::from_str(&json).ok()),
            });
        }
        Ok(shots)
    }

    fn stored_shots(&self) -> Result<Vec<Stored>> {
        let conn = self.lock()?;
        let mut statement = conn
            .prepare_cached(
                "SELECT id, job_id, plan, continues_previous, making IS NOT NULL, problem
                 FROM story_shots ORDER BY position",
            )
            .map_err(db)?;
        let rows = statement
            .query_map([], |r| {
                Ok(Stored {
                    id: r.get(0)?,
                    job_id: r.get(1)?,
                    plan: r.get(2)?,
                    continues_previous: r.get(3)?,
                    making: r.get(4)?,
                    problem: r.get(5)?,
                })
            })
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db);
        rows
    }

    /// Puts the story's shots in the order of `ids`; shots not named are taken out.
    pub fn set_story(&self, ids: &[String]) -> Result<Vec<StoryShot>> {
        {
            let mut conn = self.lock()?;
            let tx = conn.transaction().map_err(db)?;
            // Out of the way first: positions are unique only among the kept.
            tx.execute("UPDATE story_shots SET position = -1 - position", [])
                .map_err(db)?;
            for (position, id) in ids.iter().enumerate() {
                tx.execute(
                    "UPDATE story_shots SET position = ?1 WHERE id = ?2",
                    params![position as i64, id],
                )
                .map_err(db)?;
            }
            tx.execute("DELETE FROM story_shots WHERE position < 0", [])
                .map_err(db)?;
            tx.commit().map_err(db)?;
        }
        self.story()
    }

    /// Adds a job from the history at the end, unless the story already has it.
    pub fn add_to_story(&self, job_id: &str) -> Result<Vec<StoryShot>> {
        self.lock()?
            .execute(
                "INSERT INTO story_shots (id, position, job_id)
                 SELECT id, (SELECT coalesce(max(position), -1) + 1 FROM story_shots), id
                 FROM jobs WHERE id = ?1
                   AND NOT EXISTS (SELECT 1 FROM story_shots WHERE job_id = ?1)",
                params![job_id],
            )
            .map_err(db)?;
        self.story()
    }

    /// Adds a shot still to make at the end.
    pub fn plan_shot(&self, plan: &ShotPlan, continues_previous: bool) -> Result<Vec<StoryShot>> {
        let id = format!("plan-{}", uuid::Uuid::new_v4().simple());
        let plan = serde_json::to_string(plan).map_err(|e| Error::internal(e.to_string()))?;
        self.lock()?
            .execute(
                "INSERT INTO story_shots (id, position, plan, continues_previous)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM story_shots), ?2, ?3)",
                params![id, plan, continues_previous],
            )
            .map_err(db)?;
        self.story()
    }

    /// Whether a planned shot starts from the last frame of the shot before.
    pub fn set_continues_previous(&self, id: &str, continues: bool) -> Result<Vec<StoryShot>> {
        self.lock()?
            .execute(
                "UPDATE story_shots SET continues_previous = ?2 WHERE id = ?1 AND plan IS NOT NULL",
                params![id, continues],
            )
            .map_err(db)?;
        self.story()
    }

    /// *Make the missing shots*: each planned shot without a video (or whose video
    /// failed) is to be made on `profile_id` when its turn comes. Returns how many.
    pub fn make_missing(&self, profile_id: &str) -> Result<usize> {
        let missing: Vec<String> = self
            .story()?
            .into_iter()
            .filter(StoryShot::is_missing)
            .map(|shot| shot.id)
            .collect();
        let conn = self.lock()?;
        for id in &missing {
            conn.execute(
                "UPDATE story_shots SET job_id = NULL, making = ?2, problem = NULL WHERE id = ?1",
                params![id, profile_id],
            )
            .map_err(db)?;
        }
        Ok(missing.len())
    }

    /// Takes a shot's turn: it will not be made twice, even by a second maker. Returns
    /// the gateway to make it on, or `None` when it is not (or no longer) to be made.
    pub fn claim_shot(&self, id: &str) -> Result<Option<String>> {
        let mut conn = self.lock()?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let profile: Option<String> = tx
            .query_row(
                "SELECT making FROM story_shots WHERE id = ?1 AND making IS NOT NULL",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        tx.execute(
            "UPDATE story_shots SET making = NULL WHERE id = ?1",
            params![id],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(profile)
    }

    /// The job made for a shot, or why none could be.
    pub fn settle_shot(&self, id: &str, made: std::result::Result<&str, &Problem>) -> Result<()> {
        let (job_id, problem) = match made {
            Ok(job) => (Some(job), None),
            Err(problem) => (
                None,
                Some(serde_json::to_string(problem).map_err(|e| Error::internal(e.to_string()))?),
            ),
        };
        self.lock()?
            .execute(
                "UPDATE story_shots SET job_id = ?2, problem = ?3, making = NULL WHERE id = ?1",
                params![id, job_id, problem],
            )
            .map_err(db)?;
        Ok(())
    }
}
