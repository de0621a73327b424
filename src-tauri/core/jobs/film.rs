//! Export film: the story's saved videos joined into one MP4 without re-encoding
//! (`media::stitch`), or first how they group into runs that can be joined.

use std::path::{Path, PathBuf};

use super::store::{JobRow, JobStatus, StoryShot};
use crate::error::{Error, Result};
use crate::media::{self, Run, StitchReport};
use crate::playback::playable_file;
use crate::problem::Problem;
use crate::texts;

/// The story's videos, in order; a shot still to make (or being made) is named.
pub fn saved_shots(story: &[StoryShot]) -> Result<Vec<JobRow>> {
    story
        .iter()
        .enumerate()
        .map(|(i, shot)| match &shot.job {
            Some(job) if job.status == JobStatus::Downloaded => Ok(job.clone()),
            _ => Err(Error::invalid_input(
                Problem::new(texts::STORY_SHOT_NOT_MADE).with("shot", i + 1),
            )),
        })
        .collect()
}

/// How the shots group into runs that join as they are; one run when all do.
pub fn plan(shots: &[JobRow]) -> Result<Vec<Run>> {
    let files = files(shots)?;
    media::plan(&paths(&files))
}

/// Joins the shots, in order, into the film at `out`.
pub fn export(shots: &[JobRow], out: &Path) -> Result<StitchReport> {
    let files = files(shots)?;
    media::stitch(&paths(&files), out)
}

/// Each shot's saved video; a shot whose file is gone says so.
fn files(shots: &[JobRow]) -> Result<Vec<PathBuf>> {
    shots.iter().map(playable_file).collect()
}

fn paths(files: &[PathBuf]) -> Vec<&Path> {
    files.iter().map(PathBuf::as_path).collect()
}
