use std::sync::Arc;

use serde::Serialize;
use tauri::State;

use super::blocking;
use crate::error::{Error, Result};
use crate::gateway::{ClientOptions, GatewayClient, RequestStyle};
use crate::keychain::{KeyStatus, KeychainProblem};
use crate::profiles::{Profile, ProfileDraft};
use crate::secret::ApiKey;
use crate::state::AppState;

/// A profile as the UI sees it: never the key, only whether one is saved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    id: String,
    name: String,
    base_url: String,
    default_model: String,
    active: bool,
    demo: bool,
    warning: Option<&'static str>,
    key: KeyStatus,
    proxy: Option<String>,
    ca_file: Option<String>,
    request_style: RequestStyle,
    /// What the automatic choice uses now, in plain words; `None` until the gateway
    /// has answered a video request.
    detected_style: Option<DetectedView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DetectedView {
    pixels: bool,
    metadata: bool,
    by: String,
}

fn view(state: &AppState, profile: &Profile, active_id: Option<&str>) -> ProfileView {
    ProfileView {
        id: profile.id.clone(),
        name: profile.name.clone(),
        base_url: profile.base_url.clone(),
        default_model: profile.default_model.clone(),
        active: active_id == Some(profile.id.as_str()),
        demo: profile.demo,
        warning: profile.warning(),
        // The password never goes back to the window.
        proxy: profile.network.proxy_for_display(),
        ca_file: profile.network.ca_file.clone(),
        request_style: profile.request_style,
        detected_style: profile.detected_style.as_ref().map(|d| DetectedView {
            pixels: d.pixels,
            metadata: d.metadata,
            by: d.by.clone(),
        }),
        key: if profile.demo {
            KeyStatus::default()
        } else {
            state.keys.status(&profile.id)
        },
    }
}

fn all_views(state: &AppState) -> Result<Vec<ProfileView>> {
    let profiles = state.profiles()?;
    let active = profiles.active().map(|p| p.id.clone());
    Ok(profiles
        .list()
        .iter()
        .map(|p| view(state, p, active.as_deref()))
        .collect())
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, Arc<AppState>>) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || all_views(&state)).await
}

/// Adds (no `id`) or edits a profile. A typed key is stored first, in the
/// keychain or for this session only; an empty key keeps the saved one.
#[tauri::command]
pub async fn save_profile(
    state: State<'_, Arc<AppState>>,
    id: Option<String>,
    draft: ProfileDraft,
    api_key: Option<String>,
    session_only: bool,
) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || {
        let profile = state.profiles()?.prepare(&draft, id.as_deref())?;
        match typed_key(api_key.as_deref())? {
            Some(key) => state.keys.save(&profile.id, &key, session_only)?,
            None if id.is_none() => return Err(Error::invalid_input(
                "Paste your API key. The gateway's website shows it (it often starts with sk-).",
            )),
            None => {}
        }
        state.profiles()?.put(profile)?;
        all_views(&state)
    })
    .await
}

/// The key typed in the form, if any; an empty field means "keep the saved one".
fn typed_key(field: Option<&str>) -> Result<Option<ApiKey>> {
    match field.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(text) => ApiKey::new(text).map(Some).ok_or_else(|| {
            Error::invalid_input("The API key cannot contain spaces. Paste it again.")
        }),
    }
}

/// Deletes a profile and its key.
#[tauri::command]
pub async fn delete_profile(
    state: State<'_, Arc<AppState>>,
    id: String,
) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || {
        match state.keys.forget(&id) {
            // Without a keychain nothing of this profile can be stored in one.
            Ok(()) | Err(Error::Keychain(KeychainProblem::Missing)) => {}
            Err(e) => return Err(e),
        }
        state.profiles()?.remove(&id)?;
        all_views(&state)
    })
    .await
}

/// Switches to the built-in demo gateway (created on first use).
#[tauri::command]
pub async fn use_demo_gateway(state: State<'_, Arc<AppState>>) -> Result<Vec<ProfileView>> {
    state.demo_gateway().await?;
    let state = Arc::clone(&state);
    blocking(move || {
        state.profiles()?.use_demo()?;
        all_views(&state)
    })
    .await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    host: String,
    latency_ms: u64,
}

/// Checks an address and key before they are saved (or a saved profile when the key
/// field is left empty). Free: no video is requested.
#[tauri::command]
pub async fn test_connection(
    state: State<'_, Arc<AppState>>,
    id: Option<String>,
    draft: ProfileDraft,
    api_key: Option<String>,
) -> Result<ConnectionReport> {
    let key = match (typed_key(api_key.as_deref())?, id) {
        (Some(key), _) => key,
        (None, Some(id)) => {
            let state = Arc::clone(&state);
            blocking(move || state.keys.get(&id))
                .await?
                .map(|(key, _)| key)
                .ok_or_else(|| Error::invalid_input("Paste your API key to test the connection."))?
        }
        (None, None) => {
            return Err(Error::invalid_input(
                "Paste your API key to test the connection.",
            ))
        }
    };
    let network = draft.network.validated()?;
    let client = GatewayClient::with_network(
        &draft.base_url,
        key.expose(),
        ClientOptions::default(),
        &network,
    )?;
    let took = client.check_connection().await?;
    Ok(ConnectionReport {
        host: client.base_url().host(),
        latency_ms: took.as_millis().try_into().unwrap_or(u64::MAX),
    })
}

#[tauri::command]
pub async fn set_active_profile(
    state: State<'_, Arc<AppState>>,
    id: String,
) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || {
        state.profiles()?.set_active(&id)?;
        all_views(&state)
    })
    .await
}
