//! The form's memory and the window's preferences: presets, last used settings,
//! prices, language and theme; the model catalog and the UI strings.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::State;

use crate::error::{Error, Result};
use crate::gateway::{Catalog, ModelSpec};
use crate::i18n;
use crate::settings::{FormSettings, Settings, SettingsStore, Theme};
use crate::state::AppState;

pub type SettingsState = Mutex<SettingsStore>;

/// The settings plus what the window needs to apply them on start.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    #[serde(flatten)]
    settings: Settings,
    system_language: Option<&'static str>,
}

/// Built-in models plus those in `models.json` in the config folder. The form offers
/// exactly these and `submit_job` checks against the same list.
pub fn catalog(state: &AppState) -> Result<Catalog> {
    Ok(Catalog::load(&state.dirs.config.join("models.json"))?)
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
#[derive(Debug, Serialize)]
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
