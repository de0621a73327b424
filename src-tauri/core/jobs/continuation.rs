//! "Continue this shot": the next shot starts from a saved video's last frame, at full
//! size, with the same model, length, aspect and fields. Only `input_reference` carries
//! the frame, so it works on every gateway.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::store::JobRow;
use crate::error::Result;
use crate::paths::{at, create_private_dir, io_error};
use crate::playback::playable_file;
use crate::{media, texts};

/// What the form is filled with to continue a shot.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Continuation {
    /// The job continued; the new job keeps it (`JobRow::continues`).
    pub shot: String,
    /// Its prompt, for the form's note and as a start for the next.
    pub prompt: String,
    /// Its last frame as a PNG: the new shot's picture.
    pub picture: PathBuf,
    pub model: String,
    pub seconds: String,
    pub size: String,
    /// As stored with the shot (the resolution among them).
    pub extra_fields: Vec<(String, String)>,
}

/// Takes the last frame of `row`'s saved video into `pictures` (the form's picture
/// folder) and returns the settings the next shot starts with.
pub fn continuation(row: &JobRow, pictures: &Path) -> Result<Continuation> {
    let video = playable_file(row)?;
    let frame = media::last_frame(&video)?;
    create_private_dir(pictures).map_err(|e| io_error(at(texts::COULD_NOT_CREATE, pictures), e))?;
    let picture = pictures.join(format!("last-frame-{}.png", row.id));
    media::save_frame(&frame, &picture)?;
    Ok(Continuation {
        shot: row.id.clone(),
        prompt: row.prompt.clone(),
        picture,
        model: row.model.clone(),
        seconds: row.seconds.clone(),
        size: row.size.clone(),
        extra_fields: row.extra_fields.clone(),
    })
}
