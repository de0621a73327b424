//! *Make the missing shots*: each planned shot of the story is made when its turn
//! comes. One that stands alone goes at once; one that continues the shot before waits
//! until that shot's video is saved, then starts from its last frame with its settings,
//! so the two join into one film. The turns are read from the history each time, so
//! a restart picks them up where they were.

use std::path::{Path, PathBuf};

use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::images::Focus;
use crate::jobs::continuation::continuation;
use crate::jobs::request::{ImageChoice, JobInput};
use crate::jobs::{JobRow, JobStatus, PlannedPicture, ShotPlan, StoryShot};
use crate::paths::{at, create_private_dir, io_error};
use crate::problem::Problem;
use crate::texts;

/// What a shot asked for needs now.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    /// Make it: from its plan alone, or continuing `after`'s saved video.
    Make {
        shot: String,
        plan: Box<ShotPlan>,
        after: Option<Box<JobRow>>,
    },
    /// It continues a shot that ended without a video: it cannot be made as planned.
    Stuck { shot: String, problem: Problem },
}

/// The turns that have come, in story order. Shots still waiting for the shot before
/// have none yet.
pub fn turns(shots: &[StoryShot]) -> Vec<Turn> {
    let mut turns = Vec::new();
    for (i, shot) in shots.iter().enumerate() {
        let Some(plan) = shot.plan.clone().filter(|_| shot.making) else {
            continue;
        };
        let make = |after| Turn::Make {
            shot: shot.id.clone(),
            plan: Box::new(plan.clone()),
            after,
        };
        let previous = i.checked_sub(1).map(|p| &shots[p]);
        match previous.filter(|_| shot.continues_previous) {
            None => turns.push(make(None)),
            Some(before) => match &before.job {
                Some(job) if job.status == JobStatus::Downloaded => {
                    turns.push(make(Some(Box::new(job.clone()))))
                }
                // Being made (or about to be, or made again): wait for it.
                _ if before.making => {}
                Some(job) if !job.status.ended_without_video() => {}
                _ => turns.push(Turn::Stuck {
                    shot: shot.id.clone(),
                    problem: Problem::new(texts::STORY_PREVIOUS_NOT_MADE)
                        .with("shot", i + 1)
                        .with("previous", i),
                }),
            },
        }
    }
    turns
}

impl Desk<'_> {
    /// Makes every shot whose turn has come; returns how many were sent. Called when
    /// the user asks, when a story shot's video is saved or fails, and at start.
    pub async fn make_story_turns(&self) -> Result<usize> {
        let store = self.jobs().store();
        let mut sent = 0;
        for turn in turns(&store.story()?) {
            match turn {
                Turn::Stuck { shot, problem } => store.settle_shot(&shot, Err(&problem))?,
                Turn::Make { shot, plan, after } => {
                    // Claimed first: a second call meanwhile finds it taken.
                    let Some(profile_id) = store.claim_shot(&shot)? else {
                        continue;
                    };
                    match self.make_shot(&profile_id, *plan, after).await {
                        Ok(job) => {
                            store.settle_shot(&shot, Ok(&job.id))?;
                            sent += 1;
                        }
                        Err(e) => store.settle_shot(&shot, Err(&e.problem()))?,
                    }
                }
            }
        }
        Ok(sent)
    }

    async fn make_shot(
        &self,
        profile_id: &str,
        plan: ShotPlan,
        after: Option<Box<JobRow>>,
    ) -> Result<JobRow> {
        let profile = self
            .state()
            .profiles()?
            .get(profile_id)
            .cloned()
            .map_err(|_| Error::invalid_input(Problem::new(texts::STORY_GATEWAY_GONE)))?;
        let pictures = self.state().dirs.form_pictures();
        let prepared = self
            .prepare_off_thread(move || shot_input(plan, after.as_deref(), &pictures))
            .await?;
        self.submit(&profile, prepared, None).await
    }
}

/// The job a planned shot sends: its own prompt, and either its own settings and
/// picture or, continuing `after`, that shot's settings and last frame.
fn shot_input(plan: ShotPlan, after: Option<&JobRow>, pictures: &Path) -> Result<JobInput> {
    let Some(after) = after else {
        return Ok(plan.input());
    };
    let next = continuation(after, pictures)?;
    Ok(JobInput {
        prompt: plan.prompt,
        model: next.model,
        seconds: next.seconds,
        size: next.size,
        image: Some(ImageChoice {
            path: next.picture,
            fit: None,
            focus: Focus::default(),
        }),
        last_frame: None,
        reference_images: Vec::new(),
        resolution: None,
        extra_fields: next.extra_fields,
        continues: Some(next.shot),
    })
}

impl ShotPlan {
    /// The job as planned, with its own picture.
    pub fn input(&self) -> JobInput {
        JobInput {
            prompt: self.prompt.clone(),
            model: self.model.clone(),
            seconds: self.seconds.clone(),
            size: self.size.clone(),
            image: self.picture.as_ref().map(PlannedPicture::choice),
            last_frame: self.last_frame.as_ref().map(PlannedPicture::choice),
            reference_images: self
                .reference_images
                .iter()
                .map(PlannedPicture::choice)
                .collect(),
            // The form's resolution comes among the Advanced fields.
            resolution: None,
            extra_fields: self.extra_fields.clone(),
            continues: None,
        }
    }

    /// The plan with its pictures copied into `dir`: the form's pictures (a paste, a
    /// frame) are trimmed, and the user's own file may be moved before the shot is made.
    pub fn keep_pictures(mut self, dir: &Path) -> Result<ShotPlan> {
        let mut pictures = (self.picture.iter_mut())
            .chain(self.last_frame.iter_mut())
            .chain(self.reference_images.iter_mut())
            .peekable();
        if pictures.peek().is_some() {
            create_private_dir(dir).map_err(|e| io_error(at(texts::COULD_NOT_CREATE, dir), e))?;
        }
        for picture in pictures {
            picture.path = keep_copy(&picture.path, dir)?;
        }
        Ok(self)
    }
}

impl PlannedPicture {
    fn choice(&self) -> ImageChoice {
        ImageChoice {
            path: self.path.clone(),
            fit: self.fit.clone(),
            focus: Focus::new(self.focus_x, self.focus_y),
        }
    }
}

/// A copy of `path` under a fresh name in `dir`.
fn keep_copy(path: &Path, dir: &Path) -> Result<PathBuf> {
    let extension = path.extension().unwrap_or_default().to_string_lossy();
    let kept = dir.join(format!("{}.{extension}", uuid::Uuid::new_v4().simple()));
    std::fs::copy(path, &kept).map_err(|e| io_error(at(texts::COULD_NOT_READ_FILE, path), e))?;
    Ok(kept)
}

#[cfg(test)]
mod tests;
