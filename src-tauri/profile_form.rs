//! What the gateway form does with what was typed: saves a profile (its key into the
//! keychain or for this session), tests a connection before saving, and shows saved
//! profiles without their secrets. `commands/profiles.rs` runs this off the IPC thread.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gateway::{ClientOptions, GatewayClient};
use crate::keychain::KeyStatus;
use crate::profiles::{Profile, ProfileDraft};
use crate::secret::{ApiKey, KeyProblem};
use crate::state::AppState;

/// A profile as the UI sees it: never the key, only whether one is saved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub default_model: String,
    pub active: bool,
    pub demo: bool,
    pub warning: Option<&'static str>,
    pub key: KeyStatus,
    pub proxy: Option<String>,
    pub ca_file: Option<String>,
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
        key: if profile.demo {
            KeyStatus::default()
        } else {
            state.keys.status(&profile.id)
        },
    }
}

/// Every saved profile as the UI sees it.
pub fn views(state: &AppState) -> Result<Vec<ProfileView>> {
    let profiles = state.profiles()?;
    let active = profiles.active().map(|p| p.id.clone());
    Ok(profiles
        .list()
        .iter()
        .map(|p| view(state, p, active.as_deref()))
        .collect())
}

/// Adds (no `id`) or edits a profile. A typed key is stored first, in the keychain or
/// for this session only; an empty key keeps the saved one.
pub fn save(
    state: &AppState,
    id: Option<&str>,
    draft: &ProfileDraft,
    api_key: Option<&str>,
    session_only: bool,
) -> Result<()> {
    let profile = state.profiles()?.prepare(draft, id)?;
    match typed_key(api_key)? {
        Some(key) => state.keys.save(&profile.id, &key, session_only)?,
        None if id.is_none() => return Err(key_problem(KeyProblem::Empty)),
        None => {}
    }
    state.profiles()?.put(profile)
}

/// The key typed in the form, if any; an empty field means "keep the saved one".
fn typed_key(field: Option<&str>) -> Result<Option<ApiKey>> {
    match field.map(ApiKey::parse) {
        None | Some(Err(KeyProblem::Empty)) => Ok(None),
        Some(Ok(key)) => Ok(Some(key)),
        Some(Err(problem)) => Err(key_problem(problem)),
    }
}

fn key_problem(problem: KeyProblem) -> Error {
    Error::invalid_input(problem.message())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub host: String,
    pub latency_ms: u64,
}

/// The client "Test connection" uses: the typed key, or the saved one when the key
/// field is left empty on a saved profile. Asks the keychain, so it blocks.
pub fn connection_client(
    state: &AppState,
    id: Option<&str>,
    draft: &ProfileDraft,
    api_key: Option<&str>,
) -> Result<GatewayClient> {
    let paste = || Error::invalid_input("Paste your API key to test the connection.");
    let key = match (typed_key(api_key)?, id) {
        (Some(key), _) => key,
        (None, Some(id)) => state.keys.get(id)?.map(|(key, _)| key).ok_or_else(paste)?,
        (None, None) => return Err(paste()),
    };
    let network = draft.network.validated()?;
    Ok(GatewayClient::with_network(
        &draft.base_url,
        key.expose(),
        ClientOptions::default(),
        &network,
    )?)
}

/// One free request: no video is asked for.
pub async fn test_connection(client: &GatewayClient) -> Result<ConnectionReport> {
    let took = client.check_connection().await?;
    Ok(ConnectionReport {
        host: client.base_url().host(),
        latency_ms: took.as_millis().try_into().unwrap_or(u64::MAX),
    })
}
