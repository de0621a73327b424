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
}

impl ModelSpec {
    fn new(name: &str, seconds: &[u32], sizes: &[&str]) -> ModelSpec {
        ModelSpec {
            name: name.into(),
            seconds: seconds.to_vec(),
            sizes: sizes.iter().map(|s| s.to_string()).collect(),
            resolutions: Vec::new(),
            high_resolution_seconds: Vec::new(),
        }
    }

    /// Veo makes 720p at any length and 1080p at 8 s.
    fn veo(name: &str, seconds: &[u32], sizes: &[&str]) -> ModelSpec {
        ModelSpec {
            resolutions: vec!["720p".into(), "1080p".into()],
            high_resolution_seconds: vec![8],
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
            let options: Vec<String> = options.iter().map(u32::to_string).collect();
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
        let secs: Option<u32> = seconds.trim().parse().ok();
        let allowed = spec.high_resolution_seconds.is_empty()
            || secs.is_some_and(|s| spec.high_resolution_seconds.contains(&s));
        if high && !allowed {
            let lengths: Vec<String> = spec
                .high_resolution_seconds
                .iter()
                .map(u32::to_string)
                .collect();
            let texts = (
                texts::HIGH_RESOLUTION_SECONDS,
                texts::HIGH_RESOLUTION_SECONDS_OF_SEVERAL,
            );
            let problem = choices(texts, &lengths)
                .with("model", &spec.name)
                .with("resolution", wanted)
                .with("low", &spec.resolutions[0]);
            return Err(invalid(problem));
        }
        Ok(())
    }
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

    #[test]
    fn a_missing_model_file_means_builtins_only() {
        let c = Catalog::load(Path::new("/nonexistent/models.json")).unwrap();
        assert_eq!(c, Catalog::builtin());
    }
}
