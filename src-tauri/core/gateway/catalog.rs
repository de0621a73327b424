//! Which models exist and what durations and sizes each accepts. Data, not code paths:
//! the built-in table below, plus models the user adds in a JSON file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::errors::{ErrorKind, GatewayError};
use super::texts;
use crate::problem::{Problem, Text};

/// The shape of a user's model file, shown when one cannot be read.
const USER_FILE_EXAMPLE: &str =
    r#"{"models": [{"name": "...", "seconds": [8], "sizes": ["16:9"]}]}"#;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelSpec {
    /// The name sent as `model`.
    pub name: String,
    /// Accepted durations in seconds; the first is the default.
    pub seconds: Vec<u32>,
    /// Accepted `size` values (`16:9` or `1280x720`); the first is the default.
    pub sizes: Vec<String>,
    /// Resolutions the form offers (`720p`, `1080p`); none: the gateway decides.
    #[serde(default)]
    pub resolutions: Vec<String>,
    /// Lengths at which a resolution above the first is made (Veo: 1080p only at 8 s);
    /// empty: at every length.
    #[serde(default)]
    pub high_resolution_seconds: Vec<u32>,
    /// Pictures the model takes beyond the first frame, and how the gateway wants them.
    #[serde(default)]
    pub inputs: ModelInputs,
}

/// The form offers a last frame and reference images only where a model declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ModelInputs {
    #[serde(default)]
    pub last_frame: Option<InputWay>,
    /// Pictures of a character or thing to keep in the video ("ingredients").
    #[serde(default)]
    pub reference_images: Option<ReferenceImagesWay>,
}

/// How one kind of picture travels: in a form field of its own (`last_image`, `images[]`),
/// as a repeated `input_reference` file part, and perhaps under a model variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InputWay {
    /// The multipart field of the file; `input_reference` repeats the first frame's part.
    #[serde(default = "first_frame_field")]
    pub field: String,
    /// The model name sent instead when such a picture is given (`veo3.1-frames`).
    #[serde(default)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReferenceImagesWay {
    #[serde(flatten)]
    pub way: InputWay,
    /// At most this many (Veo: 3).
    pub max: u32,
    /// Lengths at which they are taken (Veo: 8 s); empty: at every length.
    #[serde(default)]
    pub seconds: Vec<u32>,
}

/// The seed's one picture field.
pub const FIRST_FRAME_FIELD: &str = "input_reference";

fn first_frame_field() -> String {
    FIRST_FRAME_FIELD.into()
}

/// How many of each picture a request carries, for [`Catalog::validate_pictures`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Pictures {
    pub first_frame: bool,
    pub last_frame: bool,
    pub reference_images: usize,
}

impl ModelSpec {
    fn new(name: &str, seconds: &[u32], sizes: &[&str]) -> ModelSpec {
        ModelSpec {
            name: name.into(),
            seconds: seconds.to_vec(),
            sizes: sizes.iter().map(|s| s.to_string()).collect(),
            resolutions: Vec::new(),
            high_resolution_seconds: Vec::new(),
            inputs: ModelInputs::default(),
        }
    }

    /// Veo makes 720p at any length and 1080p at 8 s. A first and last frame, or up to
    /// three reference images (at 8 s), go as repeated `input_reference` parts under
    /// the model variants resellers name `…-frames` and `…-components`.
    fn veo(name: &str, seconds: &[u32], sizes: &[&str]) -> ModelSpec {
        let variant = |suffix: &str| InputWay {
            field: first_frame_field(),
            model: Some(format!("{name}-{suffix}")),
        };
        ModelSpec {
            resolutions: vec!["720p".into(), "1080p".into()],
            high_resolution_seconds: vec![8],
            inputs: ModelInputs {
                last_frame: Some(variant("frames")),
                reference_images: Some(ReferenceImagesWay {
                    way: variant("components"),
                    max: 3,
                    seconds: vec![8],
                }),
            },
            ..ModelSpec::new(name, seconds, sizes)
        }
    }

    pub fn default_seconds(&self) -> Option<u32> {
        self.seconds.first().copied()
    }

    pub fn default_size(&self) -> Option<&str> {
        self.sizes.first().map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    models: Vec<ModelSpec>,
}

/// A user's model file: `{"models": [...]}` or just the list.
#[derive(Deserialize)]
#[serde(untagged)]
enum UserFile {
    Wrapped { models: Vec<ModelSpec> },
    List(Vec<ModelSpec>),
}

impl Catalog {
    /// Veo 3.1 first (the seed's models), then Sora-style models that take pixel sizes.
    pub fn builtin() -> Catalog {
        const VEO_SECONDS: &[u32] = &[8, 4, 6];
        const VEO_SIZES: &[&str] = &["16:9", "9:16"];
        const SORA_SECONDS: &[u32] = &[4, 8, 12];
        Catalog {
            models: vec![
                ModelSpec::veo("veo3.1", VEO_SECONDS, VEO_SIZES),
                ModelSpec::veo("veo3.1-pro", VEO_SECONDS, VEO_SIZES),
                ModelSpec::new("sora-2", SORA_SECONDS, &["1280x720", "720x1280"]),
                ModelSpec::new(
                    "sora-2-pro",
                    SORA_SECONDS,
                    &["1280x720", "720x1280", "1792x1024", "1024x1792"],
                ),
            ],
        }
    }

    /// Adds the models in a user's JSON text; a model with a built-in name replaces it.
    pub fn with_user_models(mut self, json: &str) -> Result<Catalog, GatewayError> {
        let file: UserFile = serde_json::from_str(json).map_err(|e| {
            invalid(
                Problem::new(texts::MODEL_LIST_UNREADABLE)
                    .with("cause", e)
                    .with("example", USER_FILE_EXAMPLE),
            )
        })?;
        let added = match file {
            UserFile::Wrapped { models } | UserFile::List(models) => models,
        };
        for model in added {
            check_user_model(&model)?;
            self.models.retain(|m| m.name != model.name);
            self.models.push(model);
        }
        Ok(self)
    }

    /// Built-in models plus those in `path`; a missing file simply adds nothing.
    pub fn load(path: &Path) -> Result<Catalog, GatewayError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Catalog::builtin().with_user_models(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Catalog::builtin()),
            Err(e) => Err(GatewayError::new(
                ErrorKind::LocalFile,
                Problem::new(texts::MODEL_LIST_READ_FAILED)
                    .with("path", path.display())
                    .with("cause", e),
            )),
        }
    }

    pub fn models(&self) -> &[ModelSpec] {
        &self.models
    }

    pub fn get(&self, name: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The model the form offers for a name the history recorded: a variant sent for a
    /// last frame or reference images (`veo3.1-frames`) stands for its model (`veo3.1`).
    pub fn form_model<'a>(&'a self, sent: &'a str) -> &'a str {
        let sent = sent.trim();
        if self.get(sent).is_some() {
            return sent;
        }
        let variant_of = |m: &&ModelSpec| {
            let inputs = &m.inputs;
            let mut ways =
                (inputs.last_frame.iter()).chain(inputs.reference_images.iter().map(|r| &r.way));
            ways.any(|w| w.model.as_deref() == Some(sent))
        };
        self.models
            .iter()
            .find(variant_of)
            .map_or(sent, |m| m.name.as_str())
    }

    /// Checks a request before it costs money, with a hint naming what would work.
    pub fn validate(&self, model: &str, seconds: &str, size: &str) -> Result<(), GatewayError> {
        let spec = self.get(model.trim()).ok_or_else(|| {
            let names: Vec<&str> = self.models.iter().map(|m| m.name.as_str()).collect();
            let texts = (texts::UNKNOWN_MODEL, texts::UNKNOWN_MODEL_OF_SEVERAL);
            invalid(choices(texts, &names).with("model", model))
        })?;
        let secs: Option<u32> = seconds.trim().parse().ok();
        if !secs.is_some_and(|s| spec.seconds.contains(&s)) {
            let mut options = spec.seconds.clone();
            options.sort_unstable();
            let options = numbers(&options);
            let texts = (texts::SECONDS, texts::SECONDS_OF_SEVERAL);
            return Err(invalid(choices(texts, &options).with("model", &spec.name)));
        }
        if !spec.sizes.iter().any(|s| s == size.trim()) {
            let texts = (texts::SIZES, texts::SIZES_OF_SEVERAL);
            return Err(invalid(
                choices(texts, &spec.sizes).with("model", &spec.name),
            ));
        }
        Ok(())
    }

    /// Checks a chosen resolution (after `validate`): one the model offers, and a high
    /// one only at the lengths that allow it.
    pub fn validate_resolution(
        &self,
        model: &str,
        seconds: &str,
        resolution: &str,
    ) -> Result<(), GatewayError> {
        let Some(spec) = self.get(model.trim()) else {
            return Ok(());
        };
        let wanted = resolution.trim();
        if !spec.resolutions.iter().any(|r| r == wanted) {
            let problem = match spec.resolutions.is_empty() {
                true => Problem::new(texts::NO_RESOLUTION),
                false => choices(
                    (texts::RESOLUTIONS, texts::RESOLUTIONS_OF_SEVERAL),
                    &spec.resolutions,
                ),
            };
            return Err(invalid(problem.with("model", &spec.name)));
        }
        let high = spec.resolutions.first().map(String::as_str) != Some(wanted);
        if high && !made_at(&spec.high_resolution_seconds, seconds) {
            let texts = (
                texts::HIGH_RESOLUTION_SECONDS,
                texts::HIGH_RESOLUTION_SECONDS_OF_SEVERAL,
            );
            let problem = choices(texts, &numbers(&spec.high_resolution_seconds))
                .with("model", &spec.name)
                .with("resolution", wanted)
                .with("low", &spec.resolutions[0]);
            return Err(invalid(problem));
        }
        Ok(())
    }
}

impl Catalog {
    /// Veo's rules for pictures, before anything is sent: a last frame needs a first
    /// frame; reference images stand alone, at most `max`, only at their lengths; and
    /// only what the model declares.
    pub fn validate_pictures(
        &self,
        model: &str,
        seconds: &str,
        pictures: Pictures,
    ) -> Result<(), GatewayError> {
        let Some(spec) = self.get(model.trim()) else {
            return Ok(());
        };
        let inputs = &spec.inputs;
        let refuse = |text: Text| Err(invalid(Problem::new(text).with("model", &spec.name)));
        if pictures.last_frame {
            if inputs.last_frame.is_none() {
                return refuse(texts::NO_LAST_FRAME);
            }
            if !pictures.first_frame {
                return refuse(texts::LAST_FRAME_NEEDS_FIRST);
            }
        }
        if pictures.reference_images == 0 {
            return Ok(());
        }
        let Some(way) = &inputs.reference_images else {
            return refuse(texts::NO_REFERENCE_IMAGES);
        };
        if pictures.first_frame || pictures.last_frame {
            return refuse(texts::REFERENCE_IMAGES_ALONE);
        }
        if pictures.reference_images > way.max as usize {
            let problem = Problem::new(texts::TOO_MANY_REFERENCE_IMAGES)
                .with("model", &spec.name)
                .with("max", way.max);
            return Err(invalid(problem));
        }
        if !made_at(&way.seconds, seconds) {
            let texts = (
                texts::REFERENCE_IMAGES_SECONDS,
                texts::REFERENCE_IMAGES_SECONDS_OF_SEVERAL,
            );
            let problem = choices(texts, &numbers(&way.seconds)).with("model", &spec.name);
            return Err(invalid(problem));
        }
        Ok(())
    }
}

/// Whether a length restriction (empty: every length) allows `seconds`.
fn made_at(lengths: &[u32], seconds: &str) -> bool {
    let secs: Option<u32> = seconds.trim().parse().ok();
    lengths.is_empty() || secs.is_some_and(|s| lengths.contains(&s))
}

fn numbers(values: &[u32]) -> Vec<String> {
    values.iter().map(u32::to_string).collect()
}

fn check_user_model(model: &ModelSpec) -> Result<(), GatewayError> {
    if model.name.trim().is_empty() {
        return Err(invalid(Problem::new(texts::MODEL_WITHOUT_NAME)));
    }
    if model.seconds.is_empty() || model.sizes.is_empty() {
        let problem = Problem::new(texts::MODEL_WITHOUT_CHOICES).with("model", &model.name);
        return Err(invalid(problem));
    }
    Ok(())
}

/// The first text for one choice (`choices`: "8"); the second for several, the last
/// apart (`choices`: "4, 6", `last`: "8") so each language says "or" its own way.
fn choices<S: AsRef<str>>((one, several): (Text, Text), items: &[S]) -> Problem {
    let joined = |items: &[S]| {
        let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        items.join(", ")
    };
    match items {
        [rest @ .., last] if !rest.is_empty() => Problem::new(several)
            .with("choices", joined(rest))
            .with("last", last.as_ref()),
        _ => Problem::new(one).with("choices", joined(items)),
    }
}

fn invalid(problem: Problem) -> GatewayError {
    GatewayError::new(ErrorKind::InvalidInput, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn veo_defaults_and_hints() {
        let c = Catalog::builtin();
        assert_eq!(c.models()[0].name, "veo3.1");
        assert_eq!(c.get("veo3.1").unwrap().default_seconds(), Some(8));
        assert_eq!(c.get("veo3.1-pro").unwrap().default_size(), Some("16:9"));
        assert!(c.validate("veo3.1", "6", "9:16").is_ok());
        assert_eq!(
            c.validate("veo3.1", "5", "16:9").unwrap_err().message(),
            "veo3.1 makes 4, 6 or 8 second videos."
        );
        assert_eq!(
            c.validate("veo3.1", "8", "1:1").unwrap_err().message(),
            "veo3.1 makes videos of size 16:9 or 9:16."
        );
    }

    #[test]
    fn veo_makes_1080p_only_at_8_seconds() {
        let c = Catalog::builtin();
        assert!(c.validate_resolution("veo3.1", "8", "1080p").is_ok());
        assert!(c.validate_resolution("veo3.1-pro", "4", "720p").is_ok());
        assert_eq!(
            c.validate_resolution("veo3.1", "6", "1080p")
                .unwrap_err()
                .message(),
            "veo3.1 makes 1080p videos only at 8 seconds. Choose 8 seconds or 720p."
        );
        assert!(c.validate_resolution("veo3.1", "8", "4k").is_err());
        assert!(c.validate_resolution("sora-2", "8", "1080p").is_err());
    }

    #[test]
    fn sora_models_take_pixel_sizes() {
        let c = Catalog::builtin();
        assert!(c.validate("sora-2", "12", "720x1280").is_ok());
        assert_eq!(
            c.validate("sora-2", "6", "1280x720").unwrap_err().message(),
            "sora-2 makes 4, 8 or 12 second videos."
        );
        assert!(c.validate("sora-2-pro", "4", "16:9").is_err());
    }

    #[test]
    fn unknown_model_lists_the_choices() {
        let e = Catalog::builtin()
            .validate("veo9", "8", "16:9")
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(
            e.message()
                .contains("veo3.1, veo3.1-pro, sora-2 or sora-2-pro"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn user_models_are_added_and_override_builtins() {
        let c = Catalog::builtin()
            .with_user_models(
                r#"{"models":[{"name":"kling-v2","seconds":[5,10],"sizes":["1:1"]},
                {"name":"veo3.1","seconds":[8],"sizes":["16:9"]}]}"#,
            )
            .unwrap();
        assert!(c.validate("kling-v2", "10", "1:1").is_ok());
        assert_eq!(
            c.validate("veo3.1", "4", "16:9").unwrap_err().message(),
            "veo3.1 makes 8 second videos."
        );
        let bare = Catalog::builtin()
            .with_user_models(r#"[{"name":"m","seconds":[3],"sizes":["4:3"]}]"#)
            .unwrap();
        assert!(bare.get("m").is_some());
    }

    #[test]
    fn broken_user_files_say_what_is_wrong() {
        assert!(Catalog::builtin()
            .with_user_models("{")
            .unwrap_err()
            .message()
            .contains("could not be read"));
        let e = Catalog::builtin()
            .with_user_models(r#"[{"name":"m","seconds":[],"sizes":["1:1"]}]"#)
            .unwrap_err();
        assert!(e.message().contains("at least one duration"));
    }

    #[test]
    fn choices_come_apart_so_each_language_says_or_its_own_way() {
        let several = Catalog::builtin()
            .validate("veo3.1", "5", "16:9")
            .unwrap_err()
            .problem;
        assert_eq!(several.text, texts::SECONDS_OF_SEVERAL.key);
        assert_eq!(several.param("choices"), Some("4, 6"));
        assert_eq!(several.param("last"), Some("8"));
        assert_eq!(
            crate::i18n::word(&several, "zh-CN"),
            "veo3.1 只能生成 4, 6 或 8 秒的视频。"
        );
        let one = Catalog::builtin()
            .with_user_models(r#"[{"name":"m","seconds":[3],"sizes":["4:3"]}]"#)
            .unwrap()
            .validate("m", "3", "1:1")
            .unwrap_err()
            .problem;
        assert_eq!(one.text, texts::SIZES.key);
        assert_eq!(one.english(), "m makes videos of size 4:3.");
    }

    #[test]
    fn an_unreadable_model_list_shows_the_shape_it_should_have() {
        let e = Catalog::builtin().with_user_models("{").unwrap_err();
        assert_eq!(e.problem.text, texts::MODEL_LIST_UNREADABLE.key);
        assert!(
            e.message().ends_with(
                r#"Expected {"models": [{"name": "...", "seconds": [8], "sizes": ["16:9"]}]}"#
            ),
            "{}",
            e.message()
        );
    }

    const FIRST_AND_LAST: Pictures = Pictures {
        first_frame: true,
        last_frame: true,
        reference_images: 0,
    };

    fn ingredients(n: usize) -> Pictures {
        Pictures {
            reference_images: n,
            ..Pictures::default()
        }
    }

    #[test]
    fn veo_takes_a_last_frame_after_a_first_and_up_to_three_ingredients_at_8_seconds() {
        let c = Catalog::builtin();
        let refused = |pictures, seconds| {
            let e = c
                .validate_pictures("veo3.1", seconds, pictures)
                .unwrap_err();
            (e.problem.text.clone(), e.message())
        };
        assert!(c.validate_pictures("veo3.1", "4", FIRST_AND_LAST).is_ok());
        assert!(c
            .validate_pictures("veo3.1-pro", "8", ingredients(3))
            .is_ok());
        let last_alone = Pictures {
            last_frame: true,
            ..Pictures::default()
        };
        assert_eq!(
            refused(last_alone, "8").0,
            texts::LAST_FRAME_NEEDS_FIRST.key
        );
        let mixed = Pictures {
            first_frame: true,
            reference_images: 1,
            ..Pictures::default()
        };
        assert_eq!(refused(mixed, "8").0, texts::REFERENCE_IMAGES_ALONE.key);
        assert_eq!(
            refused(ingredients(4), "8").1,
            "veo3.1 takes at most 3 reference images. Remove one."
        );
        assert_eq!(
            refused(ingredients(1), "6").1,
            "veo3.1 uses reference images only in 8 second videos. Choose 8 seconds."
        );
    }

    #[test]
    fn a_model_that_declares_no_extra_pictures_refuses_them() {
        let c = Catalog::builtin();
        assert!(c
            .validate_pictures("sora-2", "8", Pictures::default())
            .is_ok());
        let e = c
            .validate_pictures("sora-2", "8", FIRST_AND_LAST)
            .unwrap_err();
        assert_eq!(e.problem.text, texts::NO_LAST_FRAME.key);
        let e = c
            .validate_pictures("sora-2", "8", ingredients(1))
            .unwrap_err();
        assert_eq!(e.problem.text, texts::NO_REFERENCE_IMAGES.key);
    }

    #[test]
    fn a_users_model_names_its_own_fields_and_variants_map_back_to_their_model() {
        let c = Catalog::builtin()
            .with_user_models(
                r#"[{"name":"veo-r","seconds":[8],"sizes":["16:9"],
                "inputs":{"last_frame":{"field":"last_image"},
                          "reference_images":{"field":"images[]","max":2}}}]"#,
            )
            .unwrap();
        let inputs = &c.get("veo-r").unwrap().inputs;
        let last = inputs.last_frame.as_ref().unwrap();
        assert_eq!(
            (last.field.as_str(), last.model.as_ref()),
            ("last_image", None)
        );
        let refs = inputs.reference_images.as_ref().unwrap();
        assert_eq!((refs.way.field.as_str(), refs.max), ("images[]", 2));
        assert!(refs.seconds.is_empty(), "at every length");
        let way = r#"[{"name":"m","seconds":[8],"sizes":["16:9"],"inputs":{"last_frame":{}}}]"#;
        let c2 = Catalog::builtin().with_user_models(way).unwrap();
        let last = c2.get("m").unwrap().inputs.last_frame.clone().unwrap();
        assert_eq!(
            last.field, FIRST_FRAME_FIELD,
            "a repeated input_reference part"
        );

        assert_eq!(c.form_model("veo3.1-frames"), "veo3.1");
        assert_eq!(c.form_model("veo3.1-pro-components"), "veo3.1-pro");
        assert_eq!(c.form_model("veo-r"), "veo-r");
        assert_eq!(c.form_model("kling"), "kling", "unknown names stay");
    }

    #[test]
    fn a_missing_model_file_means_builtins_only() {
        let c = Catalog::load(Path::new("/nonexistent/models.json")).unwrap();
        assert_eq!(c, Catalog::builtin());
    }
}
