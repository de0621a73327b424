//! What the gateway form does with what was typed: saves a profile (its key and
//! proxy password into the keychain or for this session), tests a connection before
//! saving, and shows saved profiles without their secrets. `commands/profiles.rs`
//! runs this off the IPC thread.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gateway::network::PasswordChange;
use crate::gateway::{BaseUrl, ClientOptions, GatewayClient, RequestStyle};
use crate::keychain::KeyStatus;
use crate::problem::Problem;
use crate::profiles::{Profile, ProfileDraft};
use crate::secret::{ApiKey, KeyProblem};
use crate::state::AppState;
use crate::texts;

/// A profile as the UI sees it: never the key, only whether one is saved.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub default_model: String,
    pub active: bool,
    pub demo: bool,
    pub warning: Option<crate::problem::Problem>,
    pub key: KeyStatus,
    pub proxy: Option<String>,
    pub ca_file: Option<String>,
    pub request_style: RequestStyle,
    /// What the automatic choice uses now, in plain words; `None` until the gateway
    /// has answered a video request.
    pub detected_style: Option<DetectedView>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct DetectedView {
    pub pixels: bool,
    pub metadata: bool,
    pub by: String,
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
        proxy: shown_proxy(state, profile),
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

/// The proxy as the form shows it: `***` where a password is saved, or may be (a
/// keychain that cannot be asked now), so that saving the form back keeps it.
pub fn shown_proxy(state: &AppState, profile: &Profile) -> Option<String> {
    let saved = profile.network.proxy_has_user()
        && !matches!(state.keys.proxy_password(&profile.id), Ok(None));
    profile.network.proxy_shown(saved)
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

/// Adds (no `id`) or edits a profile. A typed key and proxy password are stored
/// first, in the keychain or for this session only; an empty key keeps the saved one,
/// and so does a proxy password shown as `***`.
pub fn save(
    state: &AppState,
    id: Option<&str>,
    draft: &ProfileDraft,
    api_key: Option<&str>,
    session_only: bool,
) -> Result<()> {
    let typed = draft.network.validated()?;
    let (profile, saved) = {
        let profiles = state.profiles()?;
        (profiles.prepare(draft, id)?, saved_profile(&profiles, id)?)
    };
    let change = typed.password_change(saved.as_ref().map(|p| &p.network))?;
    match (typed_key(api_key)?, &saved) {
        (Some(key), _) => state.keys.save(&profile.id, &key, session_only)?,
        (None, None) => return Err(key_problem(KeyProblem::Empty)),
        (None, Some(saved)) => same_server(saved, &draft.base_url)?,
    }
    let had_user = saved.is_some_and(|p| p.network.proxy_has_user());
    save_password(state, &profile.id, change, session_only, had_user)?;
    state.profiles()?.put(profile)
}

fn saved_profile(
    profiles: &crate::profiles::Profiles,
    id: Option<&str>,
) -> Result<Option<Profile>> {
    id.map(|id| profiles.get(id).cloned()).transpose()
}

fn save_password(
    state: &AppState,
    profile_id: &str,
    change: PasswordChange,
    session_only: bool,
    had_user: bool,
) -> Result<()> {
    match change {
        PasswordChange::Keep => Ok(()),
        PasswordChange::Set(password) => {
            state
                .keys
                .save_proxy_password(profile_id, &password, session_only)
        }
        PasswordChange::Remove if had_user => {
            // A password left in a keychain that cannot be asked now is never used:
            // it is only looked up for a proxy with a user.
            if let Err(e) = state.keys.forget_proxy_password(profile_id) {
                crate::logs::warn(format!("An old proxy password could not be removed: {e}"));
            }
            Ok(())
        }
        PasswordChange::Remove => Ok(()),
    }
}

/// The key typed in the form, if any; an empty field means "keep the saved one".
fn typed_key(field: Option<&str>) -> Result<Option<ApiKey>> {
    match field.map(ApiKey::parse) {
        None | Some(Err(KeyProblem::Empty)) => Ok(None),
        Some(Ok(key)) => Ok(Some(key)),
        Some(Err(problem)) => Err(key_problem(problem)),
    }
}

/// A saved key is only ever sent to the server (scheme, host and port) it was saved
/// for: a changed address may belong to someone else.
fn same_server(saved: &Profile, typed_url: &str) -> Result<()> {
    let typed = BaseUrl::parse(typed_url)?;
    let old = reqwest::Url::parse(&saved.base_url)
        .map_err(|_| Error::invalid_input(Problem::new(texts::SAVED_ADDRESS_UNREADABLE)))?;
    if typed.same_origin(&old) {
        return Ok(());
    }
    Err(Error::invalid_input(
        Problem::new(texts::OTHER_SERVER).with("host", typed.host()),
    ))
}

fn key_problem(problem: KeyProblem) -> Error {
    Error::invalid_input(problem.problem())
}

#[derive(Debug, Serialize, ts_rs::TS)]
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
    let paste = || Error::invalid_input(Problem::new(texts::KEY_NEEDED_TO_TEST));
    let saved = saved_profile(&*state.profiles()?, id)?;
    let key = match (typed_key(api_key)?, &saved) {
        (Some(key), _) => key,
        (None, Some(saved)) => {
            same_server(saved, &draft.base_url)?;
            state
                .keys
                .get(&saved.id)?
                .map(|(key, _)| key)
                .ok_or_else(paste)?
        }
        (None, None) => return Err(paste()),
    };
    let typed = draft.network.validated()?;
    let password = match typed.password_change(saved.as_ref().map(|p| &p.network))? {
        PasswordChange::Keep => match &saved {
            Some(profile) => state.keys.proxy_password(&profile.id)?,
            None => None,
        },
        PasswordChange::Set(password) => Some(password),
        PasswordChange::Remove => None,
    };
    let network = typed.without_password().0.with_password(password.as_ref());
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
