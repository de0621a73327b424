//! What the form and the window remember in `settings.json` (app config folder):
//! the last used form settings, named presets, the user's price table, language,
//! theme and where videos are saved. Written atomically, like `profiles.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths::{at, write_atomic, AppDirs};
use crate::problem::{self, Problem};
use crate::texts;

const FILE_NAME: &str = "settings.json";
const NAME_MAX: usize = 60;
const KEY_MAX: usize = 64;
const VALUE_MAX: usize = 2000;
/// Fields the form itself sends; an extra field may not replace them.
const CORE_FIELDS: [&str; 5] = ["prompt", "model", "seconds", "size", "input_reference"];

/// The form's settings, without the prompt. `extra` are the Advanced fields,
/// forwarded as form fields to gateways that accept them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FormSettings {
    pub model: String,
    pub seconds: String,
    pub size: String,
    #[serde(default)]
    pub extra: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Preset {
    pub name: String,
    pub form: FormSettings,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Settings {
    /// `en` or `zh-CN`; `None` follows the system.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub last_form: Option<FormSettings>,
    /// Sorted by name.
    #[serde(default)]
    pub presets: Vec<Preset>,
    /// Price of one second of video, per model; a model without a price gets no estimate.
    #[serde(default)]
    pub prices: BTreeMap<String, f64>,
    #[serde(default)]
    pub currency: String,
    /// Where new videos are saved; `None` means the default folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_dir: Option<PathBuf>,
    /// Minutes a job may run before Veo Desk stops checking it; `None`: the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_checking_after_minutes: Option<u32>,
}

impl Settings {
    /// The folder new videos go to: the chosen one, else `default`.
    pub fn video_dir_or(&self, default: PathBuf) -> PathBuf {
        self.video_dir.clone().unwrap_or(default)
    }

    /// How long a job may run before checking stops, when the user chose it.
    pub fn running_limit(&self) -> Option<std::time::Duration> {
        self.stop_checking_after_minutes
            .map(|m| std::time::Duration::from_secs(u64::from(m) * 60))
    }
}

/// The choices for [`Settings::stop_checking_after_minutes`]: Veo's slowest usual job
/// is a few minutes, and a gateway's queue may hold one for hours.
pub const STOP_CHECKING_MINUTES: std::ops::RangeInclusive<u32> = 10..=1440;

pub struct SettingsStore {
    path: PathBuf,
    settings: Settings,
}

impl SettingsStore {
    /// Reads the settings; a missing file means defaults, a damaged one is set aside.
    pub fn open(dirs: &AppDirs) -> Result<SettingsStore> {
        let path = dirs.config.join(FILE_NAME);
        let settings = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                let _ = std::fs::rename(&path, path.with_extension("json.damaged"));
                Settings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => return Err(Error::io(texts::ACTION_READ_SETTINGS, e)),
        };
        Ok(SettingsStore { path, settings })
    }

    pub fn get(&self) -> &Settings {
        &self.settings
    }

    pub fn remember_form(&mut self, form: FormSettings) -> Result<&Settings> {
        check_form(&form)?;
        self.change(|s| s.last_form = Some(form))
    }

    /// Saves under `name`; an existing preset of that name is replaced.
    pub fn save_preset(&mut self, name: &str, form: FormSettings) -> Result<&Settings> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::invalid_input(Problem::new(
                texts::PRESET_NAME_MISSING,
            )));
        }
        if name.chars().count() > NAME_MAX {
            return Err(Error::invalid_input(
                Problem::new(texts::PRESET_NAME_TOO_LONG).with("max", NAME_MAX),
            ));
        }
        check_form(&form)?;
        self.change(|s| {
            s.presets.retain(|p| p.name != name);
            s.presets.push(Preset { name, form });
            s.presets.sort_by(|a, b| a.name.cmp(&b.name));
        })
    }

    pub fn delete_preset(&mut self, name: &str) -> Result<&Settings> {
        self.change(|s| s.presets.retain(|p| p.name != name))
    }

    pub fn set_appearance(&mut self, language: Option<String>, theme: Theme) -> Result<&Settings> {
        let language = language.filter(|l| !l.is_empty());
        if let Some(lang) = &language {
            if !crate::i18n::LANGUAGES.contains(&lang.as_str()) {
                return Err(Error::invalid_input(
                    Problem::new(problem::texts::UNKNOWN_LANGUAGE).with("language", lang),
                ));
            }
        }
        self.change(|s| {
            s.language = language;
            s.theme = theme;
        })
    }

    /// Replaces the price table; empty or zero prices are dropped (no estimate).
    pub fn set_prices(
        &mut self,
        prices: BTreeMap<String, f64>,
        currency: String,
    ) -> Result<&Settings> {
        if let Some((model, _)) = prices.iter().find(|(_, p)| !p.is_finite() || **p < 0.0) {
            return Err(Error::invalid_input(
                Problem::new(texts::PRICE_INVALID).with("model", model),
            ));
        }
        let prices = prices.into_iter().filter(|(_, p)| *p > 0.0).collect();
        let currency = currency.trim().chars().take(8).collect();
        self.change(|s| {
            s.prices = prices;
            s.currency = currency;
        })
    }

    /// `None` goes back to the default limit.
    pub fn set_stop_checking_after(&mut self, minutes: Option<u32>) -> Result<&Settings> {
        if let Some(m) = minutes.filter(|m| !STOP_CHECKING_MINUTES.contains(m)) {
            return Err(Error::invalid_input(
                Problem::new(texts::STOP_CHECKING_RANGE)
                    .with("min", STOP_CHECKING_MINUTES.start())
                    .with("max", STOP_CHECKING_MINUTES.end())
                    .with("minutes", m),
            ));
        }
        self.change(|s| s.stop_checking_after_minutes = minutes)
    }

    /// New videos go to `dir` (checked with [`check_video_dir`] first).
    pub fn set_video_dir(&mut self, dir: PathBuf) -> Result<&Settings> {
        self.change(|s| s.video_dir = Some(dir))
    }

    /// Applies a change and writes the whole file; on a failed write nothing changes.
    fn change(&mut self, edit: impl FnOnce(&mut Settings)) -> Result<&Settings> {
        let mut next = self.settings.clone();
        edit(&mut next);
        let bytes = serde_json::to_vec_pretty(&next)
            .map_err(|e| Error::internal(format!("settings could not be written: {e}")))?;
        write_atomic(&self.path, &bytes)?;
        self.settings = next;
        Ok(&self.settings)
    }
}

/// Checks the Advanced fields before they are stored or sent.
pub fn check_extra_fields(extra: &[(String, String)]) -> Result<()> {
    for (key, value) in extra {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::invalid_input(Problem::new(
                texts::EXTRA_FIELD_UNNAMED,
            )));
        }
        if CORE_FIELDS.contains(&key) {
            return Err(Error::invalid_input(
                Problem::new(texts::EXTRA_FIELD_CORE).with("field", key),
            ));
        }
        if key.len() > KEY_MAX || value.len() > VALUE_MAX {
            let shown: String = key.chars().take(KEY_MAX).collect();
            return Err(Error::invalid_input(
                Problem::new(texts::EXTRA_FIELD_TOO_LONG).with("field", shown),
            ));
        }
    }
    Ok(())
}

fn check_form(form: &FormSettings) -> Result<()> {
    check_extra_fields(&form.extra)
}

/// Checks that videos can be saved in `dir` (creating it if needed) before it is
/// chosen, so a bad choice is refused now rather than at the next download.
pub fn check_video_dir(dir: &Path) -> Result<PathBuf> {
    if !dir.is_absolute() {
        return Err(Error::invalid_input(Problem::new(
            texts::VIDEO_DIR_NOT_ABSOLUTE,
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::invalid_input(at(texts::VIDEO_DIR_IS_FILE, dir)));
    }
    std::fs::create_dir_all(dir).map_err(|e| cannot_write(dir, e))?;
    // Creating (and dropping) a file is the only portable test of "can write here".
    tempfile::Builder::new()
        .prefix(".veo-desk-check")
        .tempfile_in(dir)
        .map_err(|e| cannot_write(dir, e))?;
    Ok(dir.to_path_buf())
}

fn cannot_write(dir: &Path, e: std::io::Error) -> Error {
    Error::invalid_input(at(texts::VIDEO_DIR_NOT_WRITABLE, dir).with("cause", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(model: &str, seconds: &str) -> FormSettings {
        FormSettings {
            model: model.into(),
            seconds: seconds.into(),
            size: "9:16".into(),
            extra: vec![("negative_prompt".into(), "blurry".into())],
        }
    }

    #[test]
    fn presets_and_last_form_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(dir.path());
        let mut store = SettingsStore::open(&dirs).unwrap();
        store
            .save_preset(" Portrait ", form("veo3.1", "4"))
            .unwrap();
        store
            .save_preset("Cinema", form("veo3.1-pro", "8"))
            .unwrap();
        store.save_preset("Portrait", form("veo3.1", "6")).unwrap();
        store.remember_form(form("veo3.1-pro", "6")).unwrap();

        let again = SettingsStore::open(&dirs).unwrap();
        let names: Vec<&str> = again
            .get()
            .presets
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["Cinema", "Portrait"], "sorted, same name replaced");
        assert_eq!(again.get().presets[1].form.seconds, "6");
        assert_eq!(again.get().last_form, Some(form("veo3.1-pro", "6")));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason_and_nothing_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(dir.path());
        let mut store = SettingsStore::open(&dirs).unwrap();
        let e = store.save_preset("  ", form("veo3.1", "4")).unwrap_err();
        assert!(e.to_string().contains("name"), "{e}");
        let mut sneaky = form("veo3.1", "4");
        sneaky.extra.push(("model".into(), "other".into()));
        let e = store.remember_form(sneaky).unwrap_err();
        assert!(
            e.to_string().contains("\"model\" is set by the form"),
            "{e}"
        );
        let e = store
            .set_appearance(Some("fr".into()), Theme::Dark)
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(!dirs.config.join(FILE_NAME).exists());
    }

    #[test]
    fn zero_prices_mean_no_estimate_and_negative_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SettingsStore::open(&AppDirs::under(dir.path())).unwrap();
        let prices = BTreeMap::from([("veo3.1".to_string(), 0.15), ("sora-2".to_string(), 0.0)]);
        let s = store.set_prices(prices, " ¥ ".into()).unwrap();
        assert_eq!(s.prices.len(), 1);
        assert_eq!(s.currency, "¥");
        let bad = BTreeMap::from([("veo3.1".to_string(), -1.0)]);
        assert!(store.set_prices(bad, String::new()).is_err());
        assert_eq!(store.get().prices["veo3.1"], 0.15);
    }

    #[test]
    fn a_damaged_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(dir.path());
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::write(dirs.config.join(FILE_NAME), b"{not json").unwrap();
        let store = SettingsStore::open(&dirs).unwrap();
        assert_eq!(store.get(), &Settings::default());
        assert!(dirs.config.join("settings.json.damaged").exists());
    }

    #[test]
    fn a_chosen_video_folder_survives_a_restart_and_defaults_apply_without_one() {
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        let default = root.path().join("Videos/Veo Desk");
        let mut store = SettingsStore::open(&dirs).unwrap();
        assert_eq!(store.get().video_dir_or(default.clone()), default);
        let chosen = root.path().join("Clips");
        store.set_video_dir(chosen.clone()).unwrap();
        let again = SettingsStore::open(&dirs).unwrap();
        assert_eq!(again.get().video_dir_or(default), chosen);
    }

    #[test]
    fn folders_that_cannot_hold_videos_are_refused_with_a_reason() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("notes.txt");
        std::fs::write(&file, b"x").unwrap();
        assert!(check_video_dir(&file)
            .unwrap_err()
            .to_string()
            .contains("is a file"));
        assert!(check_video_dir(Path::new("relative/dir")).is_err());
        let fresh = root.path().join("new/folder");
        assert_eq!(check_video_dir(&fresh).unwrap(), fresh);
        assert!(fresh.is_dir());
        assert_eq!(
            std::fs::read_dir(&fresh).unwrap().count(),
            0,
            "no check file left"
        );
    }
}
