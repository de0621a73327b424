//! What a user asks for, checked and turned into the request that is sent: the same
//! checks and the same image preparation for the app's form, its batch and the
//! command line.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::gateway::{Catalog, InputWay, ModelSpec, Pictures, ReferenceImage, SubmitRequest};
use crate::images::{self, Focus, PrepareOptions};
use crate::problem::Problem;

/// One video as typed: prompt, model, length, aspect, optional picture and fields.
#[derive(Debug, Clone, Default)]
pub struct JobInput {
    pub prompt: String,
    pub model: String,
    pub seconds: String,
    pub size: String,
    /// The first frame.
    pub image: Option<ImageChoice>,
    /// The frame the video ends on, where the model takes one (after a first frame).
    pub last_frame: Option<ImageChoice>,
    /// Pictures of a character or thing to keep ("ingredients"), where the model takes them.
    pub reference_images: Vec<ImageChoice>,
    /// `720p` or `1080p`; empty or `None`: the gateway's default.
    pub resolution: Option<String>,
    /// Extra form fields the gateway may forward to the model.
    pub extra_fields: Vec<(String, String)>,
    /// The job whose last frame is the picture ("Continue this shot").
    pub continues: Option<String>,
}

/// A reference picture and how it is fitted to the aspect (`crop` unless told).
#[derive(Debug, Clone, Default)]
pub struct ImageChoice {
    pub path: PathBuf,
    /// `crop`, `pad` or `none`.
    pub fit: Option<String>,
    pub focus: Focus,
}

/// A checked request, the card's thumbnail of its picture and the shot it continues.
pub struct Prepared {
    pub request: SubmitRequest,
    pub reference_thumb: Option<String>,
    pub continues: Option<String>,
}

impl From<SubmitRequest> for Prepared {
    fn from(request: SubmitRequest) -> Prepared {
        Prepared {
            request,
            reference_thumb: None,
            continues: None,
        }
    }
}

/// Checks the input against the model catalog and prepares the picture exactly as
/// it will be uploaded. `thumb_cache` holds the card thumbnails.
pub fn prepare(input: JobInput, catalog: &Catalog, thumb_cache: &Path) -> Result<Prepared> {
    let prompt = input.prompt.trim().to_string();
    if prompt.is_empty() {
        return Err(Error::invalid_input(Problem::new(
            super::texts::PROMPT_MISSING,
        )));
    }
    // A shot continued from the history may name the variant its pictures went under.
    let model = catalog.form_model(&input.model).to_string();
    let input = JobInput { model, ..input };
    catalog.validate(&input.model, &input.seconds, &input.size)?;
    crate::settings::check_extra_fields(&input.extra_fields)?;
    let (resolution, extra_fields) =
        take_resolution(input.resolution.clone(), input.extra_fields.clone());
    if let Some(resolution) = &resolution {
        catalog.validate_resolution(&input.model, &input.seconds, resolution)?;
    }
    let pictures = Pictures {
        first_frame: input.image.is_some(),
        last_frame: input.last_frame.is_some(),
        reference_images: input.reference_images.len(),
    };
    catalog.validate_pictures(&input.model, &input.seconds, pictures)?;
    let spec = catalog.get(input.model.trim());
    let sent = SentPictures::of(&input, spec, thumb_cache)?;
    Ok(Prepared {
        request: SubmitRequest {
            prompt,
            model: sent.model.unwrap_or_else(|| input.model.trim().to_string()),
            seconds: input.seconds.trim().to_string(),
            size: input.size.trim().to_string(),
            input_reference: sent.first_frame,
            more_images: sent.more,
            resolution,
            extra_fields: extra_fields
                .into_iter()
                .map(|(key, value)| (key.trim().to_string(), value))
                .collect(),
        },
        reference_thumb: sent.thumb,
        continues: input.continues.filter(|id| !id.trim().is_empty()),
    })
}

/// The pictures as they go out, in the fields (and under the model variant) the
/// catalog names; the card's thumbnail is the first of them.
struct SentPictures {
    first_frame: Option<ReferenceImage>,
    more: Vec<(String, ReferenceImage)>,
    model: Option<String>,
    thumb: Option<String>,
}

impl SentPictures {
    /// `validate_pictures` has passed: each picture given has its way.
    fn of(input: &JobInput, spec: Option<&ModelSpec>, cache: &Path) -> Result<SentPictures> {
        let mut sent = SentPictures {
            first_frame: None,
            more: Vec::new(),
            model: None,
            thumb: None,
        };
        if let Some(choice) = &input.image {
            sent.first_frame = Some(sent.prepare(choice, &input.size, cache)?);
        }
        let inputs = spec.map(|s| &s.inputs);
        if let (Some(choice), Some(way)) = (
            &input.last_frame,
            inputs.and_then(|i| i.last_frame.as_ref()),
        ) {
            sent.add(choice, way, &input.size, cache)?;
        }
        if let Some(way) = inputs.and_then(|i| i.reference_images.as_ref()) {
            for choice in &input.reference_images {
                sent.add(choice, &way.way, &input.size, cache)?;
            }
        }
        Ok(sent)
    }

    fn add(
        &mut self,
        choice: &ImageChoice,
        way: &InputWay,
        size: &str,
        cache: &Path,
    ) -> Result<()> {
        let image = self.prepare(choice, size, cache)?;
        self.more.push((way.field.clone(), image));
        if way.model.is_some() {
            self.model.clone_from(&way.model);
        }
        Ok(())
    }

    /// The picture as it will be sent; the first one also becomes the card's thumbnail.
    fn prepare(
        &mut self,
        choice: &ImageChoice,
        size: &str,
        cache: &Path,
    ) -> Result<ReferenceImage> {
        let image = upload_image(choice, size)?;
        if self.thumb.is_none() {
            let thumb = images::thumbnail(&choice.path, cache)?.to_preview();
            self.thumb = Some(thumb.data_url);
        }
        Ok(image)
    }
}

/// The resolution asked for, also when it came as an Advanced `resolution` field: it
/// travels in the gateway's style (inside the pixel size for some), never as typed.
fn take_resolution(
    chosen: Option<String>,
    extra: Vec<(String, String)>,
) -> (Option<String>, Vec<(String, String)>) {
    let (typed, rest): (Vec<_>, Vec<_>) = extra
        .into_iter()
        .partition(|(key, _)| key.trim() == "resolution");
    let resolution = chosen
        .into_iter()
        .chain(typed.into_iter().map(|(_, value)| value))
        .map(|r| r.trim().to_ascii_lowercase())
        .find(|r| !r.is_empty());
    (resolution, rest)
}

/// The picture as it will be sent.
fn upload_image(choice: &ImageChoice, size: &str) -> Result<ReferenceImage> {
    let options = PrepareOptions {
        aspect: size.trim().parse()?,
        fit: choice
            .fit
            .as_deref()
            .map(str::parse)
            .transpose()?
            .unwrap_or_default(),
        focus: choice.focus,
    };
    let prepared = images::prepare_reference(&choice.path, &options)?;
    Ok(ReferenceImage {
        bytes: prepared.bytes,
        file_name: prepared.file_name,
        mime: prepared.mime.to_string(),
    })
}
