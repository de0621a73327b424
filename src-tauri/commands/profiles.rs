use std::sync::Arc;

use tauri::State;

use super::blocking;
use crate::error::{Error, Result};
use crate::keychain::KeychainProblem;
use crate::profile_form::{self, ConnectionReport, ProfileView};
use crate::profiles::ProfileDraft;
use crate::state::AppState;

#[tauri::command]
pub async fn list_profiles(state: State<'_, Arc<AppState>>) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || profile_form::views(&state)).await
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
        profile_form::save(
            &state,
            id.as_deref(),
            &draft,
            api_key.as_deref(),
            session_only,
        )?;
        profile_form::views(&state)
    })
    .await
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
        profile_form::views(&state)
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
        profile_form::views(&state)
    })
    .await
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
    let state = Arc::clone(&state);
    let client = blocking(move || {
        profile_form::connection_client(&state, id.as_deref(), &draft, api_key.as_deref())
    })
    .await?;
    profile_form::test_connection(&client).await
}

#[tauri::command]
pub async fn set_active_profile(
    state: State<'_, Arc<AppState>>,
    id: String,
) -> Result<Vec<ProfileView>> {
    let state = Arc::clone(&state);
    blocking(move || {
        state.profiles()?.set_active(&id)?;
        profile_form::views(&state)
    })
    .await
}
