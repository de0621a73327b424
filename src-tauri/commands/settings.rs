//! The form's memory and the window's preferences: presets, last used settings,
//! prices, language, theme and the video folder; the model catalog and the UI strings.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, State};

use super::{blocking, pick};
use crate::error::{Error, Result};
use crate::gateway::{Catalog, ModelSpec};
use crate::i18n;
use crate::jobs::{self, Jobs};
use crate::settings::{check_video_dir, FormSettings, Settings, SettingsStore, Theme};
use crate::state::AppState;

const CHOOSE_FOLDER_TITLE: &str = "Choose where Veo Desk saves your videos";

pub type SettingsState = Mutex<SettingsStore>;

/// The settings plus what the window needs to apply them on start.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SettingsView {
    #[serde(flatten)]
    settings: Settings,
    system_language: Option<&'static str>,
}

/// Built-in models plus those in `models.json` in the config folder. The form offers
/// exactly these and `submit_job` checks against the same list.
pub fn catalog(state: &AppState) -> Result<Catalog> {
    state.catalog()
}

fn with_store<T>(
    store: &SettingsState,
    work: impl FnOnce(&mut SettingsStore) -> Result<T>,
) -> Result<T> {
    let mut store = store
        .lock()
        .map_err(|_| Error::internal("the settings were poisoned"))?;
    work(&mut store)
}

fn view(settings: &Settings) -> SettingsView {
    SettingsView {
        settings: settings.clone(),
        system_language: i18n::system_language(),
    }
}

#[tauri::command]
pub fn get_settings(store: State<'_, SettingsState>) -> Result<SettingsView> {
    with_store(&store, |s| Ok(view(s.get())))
}

/// The models the form offers. A broken `models.json` still leaves the built-in
/// models usable, with the reason shown in the form.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CatalogView {
    models: Vec<ModelSpec>,
    problem: Option<String>,
}

#[tauri::command]
pub fn model_catalog(state: State<'_, Arc<AppState>>) -> CatalogView {
    match catalog(&state) {
        Ok(c) => CatalogView {
            models: c.models().to_vec(),
            problem: None,
        },
        Err(e) => CatalogView {
            models: Catalog::builtin().models().to_vec(),
            problem: Some(e.to_string()),
        },
    }
}

#[tauri::command]
pub fn ui_strings(language: String) -> Result<&'static str> {
    i18n::strings(&language)
}

#[tauri::command]
pub fn remember_form(store: State<'_, SettingsState>, form: FormSettings) -> Result<SettingsView> {
    with_store(&store, |s| s.remember_form(form).map(view))
}

#[tauri::command]
pub fn save_preset(
    store: State<'_, SettingsState>,
    name: String,
    form: FormSettings,
) -> Result<SettingsView> {
    with_store(&store, |s| s.save_preset(&name, form).map(view))
}

#[tauri::command]
pub fn delete_preset(store: State<'_, SettingsState>, name: String) -> Result<SettingsView> {
    with_store(&store, |s| s.delete_preset(&name).map(view))
}

#[tauri::command]
pub fn set_appearance(
    store: State<'_, SettingsState>,
    language: Option<String>,
    theme: Theme,
) -> Result<SettingsView> {
    with_store(&store, |s| s.set_appearance(language, theme).map(view))
}

#[tauri::command]
pub fn set_prices(
    store: State<'_, SettingsState>,
    prices: BTreeMap<String, f64>,
    currency: String,
) -> Result<SettingsView> {
    with_store(&store, |s| s.set_prices(prices, currency).map(view))
}

/// How long a job may run before checking stops; applies to running jobs at once.
#[tauri::command]
pub fn set_stop_checking(
    store: State<'_, SettingsState>,
    jobs: State<'_, Jobs>,
    minutes: Option<u32>,
) -> Result<SettingsView> {
    let view = with_store(&store, |s| s.set_stop_checking_after(minutes).map(view))?;
    jobs.set_running_limit(
        view.settings
            .running_limit()
            .unwrap_or(jobs::Patience::default().running_limit),
    );
    Ok(view)
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct VideoFolder {
    /// Where the next video is saved.
    path: PathBuf,
    is_default: bool,
}

#[tauri::command]
pub fn video_folder(state: State<'_, Arc<AppState>>, jobs: State<'_, Jobs>) -> VideoFolder {
    describe_folder(&state, jobs.video_dir())
}

/// Asks for a folder; videos downloaded from now on are saved there. `None` when the
/// user cancelled.
#[tauri::command]
pub async fn choose_video_folder(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
    store: State<'_, SettingsState>,
    jobs: State<'_, Jobs>,
) -> Result<Option<VideoFolder>> {
    let start = jobs.video_dir();
    let picked = blocking(move || Ok(pick::folder(&app, CHOOSE_FOLDER_TITLE, &start))).await?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let dir = blocking(move || check_video_dir(&picked)).await?;
    with_store(&store, |s| s.set_video_dir(dir.clone()).map(|_| ()))?;
    jobs.set_video_dir(dir.clone());
    Ok(Some(describe_folder(&state, dir)))
}

fn describe_folder(state: &AppState, path: PathBuf) -> VideoFolder {
    VideoFolder {
        is_default: path == jobs::default_video_dir(&state.dirs),
        path,
    }
}
