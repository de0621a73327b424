//! What the running app holds: its folders, the gateway profiles, the keys and,
//! once asked for, the built-in demo gateway. Plain Rust; the Tauri side manages
//! one `Arc<AppState>`.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::gateway::{ClientOptions, GatewayClient, StyleSink};
use crate::keychain::{KeyStore, Keys};
use crate::paths::AppDirs;
use crate::profiles::{Profile, Profiles};
use crate::simulator::{Dialect, Simulator};

/// The demo gateway accepts any key; this one is never stored anywhere.
const DEMO_KEY: &str = "sk-demo";

pub struct AppState {
    pub dirs: AppDirs,
    pub keys: Keys,
    profiles: Mutex<Profiles>,
    demo: tokio::sync::Mutex<Option<Simulator>>,
    /// Where the demo gateway listens once started, for callers that cannot wait.
    demo_url: Mutex<Option<String>>,
}

impl AppState {
    pub fn open(dirs: AppDirs, keychain: Box<dyn KeyStore>) -> Result<AppState> {
        let profiles = Profiles::open(&dirs)?;
        Ok(AppState {
            dirs,
            keys: Keys::new(keychain),
            profiles: Mutex::new(profiles),
            demo: tokio::sync::Mutex::new(None),
            demo_url: Mutex::new(None),
        })
    }

    /// The saved profiles as they are on disk now: the command-line tool may have
    /// added one while the app runs.
    pub fn profiles(&self) -> Result<MutexGuard<'_, Profiles>> {
        let mut profiles = self
            .profiles
            .lock()
            .map_err(|_| Error::internal("the profile list was poisoned"))?;
        profiles.refresh();
        Ok(profiles)
    }

    /// A client for a saved profile, with its stored key; starts the demo gateway
    /// when the profile is the demo.
    pub async fn client_for(&self, profile: &Profile) -> Result<GatewayClient> {
        if profile.demo {
            self.demo_gateway().await?;
        }
        self.client_for_id(&profile.id)
    }

    /// The same, for callers that cannot wait (the job poller). The demo gateway
    /// must be running already.
    pub fn client_for_id(&self, profile_id: &str) -> Result<GatewayClient> {
        let profile = self.profiles()?.get(profile_id)?.clone();
        if profile.demo {
            let base = self.lock_demo_url()?.clone().ok_or_else(|| {
                Error::invalid_input("The demo gateway is not running. Choose the demo again.")
            })?;
            return Ok(GatewayClient::new(
                &base,
                DEMO_KEY,
                ClientOptions::default(),
            )?);
        }
        let (key, _) = self.keys.get(&profile.id)?.ok_or_else(|| {
            Error::invalid_input(format!(
                "No API key is saved for \"{}\". Choose Edit gateway and paste your key.",
                profile.name
            ))
        })?;
        let client = GatewayClient::with_network(
            &profile.base_url,
            key.expose(),
            ClientOptions::default(),
            &profile.network,
        )?;
        Ok(client.with_request_style(
            profile.request_style,
            profile.detected_style.clone(),
            self.style_sink(&profile.id),
        ))
    }

    /// Where a client keeps what its gateway showed: the profile, on disk, so the app
    /// and the command-line tool both use it from then on.
    fn style_sink(&self, profile_id: &str) -> StyleSink {
        let dirs = self.dirs.clone();
        let id = profile_id.to_string();
        Arc::new(move |detected| {
            let saved = Profiles::open(&dirs).and_then(|mut p| p.remember_style(&id, detected));
            match saved {
                Ok(()) => {
                    crate::logs::info(format!("gateway {id}: request style from {}", detected.by))
                }
                Err(e) => crate::logs::warn(format!(
                    "gateway {id}: the learned request style could not be kept: {e}"
                )),
            }
        })
    }

    /// The address of the built-in demo gateway, started on first use (127.0.0.1 only).
    pub async fn demo_gateway(&self) -> Result<String> {
        let mut demo = self.demo.lock().await;
        if let Some(running) = demo.as_ref() {
            return Ok(running.base_url().to_string());
        }
        let started = Simulator::start(Dialect::OpenAi)
            .await
            .map_err(|e| Error::io("start the demo gateway", e))?;
        let base = started.base_url().to_string();
        *demo = Some(started);
        *self.lock_demo_url()? = Some(base.clone());
        Ok(base)
    }

    /// Whether a demo profile exists, so the app starts the demo gateway for its jobs.
    pub fn has_demo_profile(&self) -> bool {
        self.profiles()
            .map(|p| p.list().iter().any(|profile| profile.demo))
            .unwrap_or(false)
    }

    fn lock_demo_url(&self) -> Result<MutexGuard<'_, Option<String>>> {
        self.demo_url
            .lock()
            .map_err(|_| Error::internal("the demo gateway address was poisoned"))
    }
}
