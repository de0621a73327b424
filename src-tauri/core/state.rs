//! What the running app holds: its folders, the gateway profiles, the keys and,
//! once asked for, the built-in demo gateway. Plain Rust; the Tauri side manages
//! one `Arc<AppState>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::gateway::{ClientOptions, GatewayClient, Network, StyleSink};
use crate::keychain::{KeyStore, Keys};
use crate::paths::AppDirs;
use crate::problem::Problem;
use crate::profiles::{Profile, Profiles};
use crate::secret::ApiKey;
use crate::simulator::Simulator;
use crate::texts;

pub struct AppState {
    pub dirs: AppDirs,
    pub keys: Keys,
    profiles: Mutex<Profiles>,
    demo: tokio::sync::Mutex<Option<Simulator>>,
    /// Where the demo gateway listens once started and the key it takes, for callers
    /// that cannot wait.
    demo_access: Mutex<Option<DemoAccess>>,
    /// One client per profile, kept between checks: building one sets up TLS (the
    /// system's root certificates) and opens new connections; a kept one reuses both.
    clients: Mutex<HashMap<String, KeptClient>>,
}

/// How often a kept client's key is read from the keychain again, for a key another
/// process (the command line) changed there. Changes made in this process take
/// effect at once.
const KEY_RECHECK: Duration = Duration::from_secs(60);

/// A profile's client and what it was built from.
struct KeptClient {
    profile: Profile,
    access: Access,
    /// `Keys::changes` when the key was read.
    keys_seen: u64,
    read_at: Instant,
    client: GatewayClient,
}

/// Where a client goes and what it carries there.
#[derive(PartialEq)]
struct Access {
    base_url: String,
    key: ApiKey,
    network: Network,
}

/// The running demo gateway's address and its key: a random token made for this run,
/// kept in memory only (the demo profile's key), so no other program or web page on
/// this computer can use the gateway.
#[derive(Clone)]
struct DemoAccess {
    base_url: String,
    key: ApiKey,
}

impl AppState {
    /// The models the user can choose: built in plus those in `models.json` in the
    /// config folder. The window's form, its checks and the CLI all use this list.
    pub fn catalog(&self) -> Result<crate::gateway::Catalog> {
        Ok(crate::gateway::Catalog::load(
            &self.dirs.config.join("models.json"),
        )?)
    }

    pub fn open(dirs: AppDirs, keychain: Box<dyn KeyStore>) -> Result<AppState> {
        dirs.create_private()?;
        let mut profiles = Profiles::open(&dirs)?;
        let keys = Keys::new(keychain);
        move_proxy_passwords(&mut profiles, &keys);
        Ok(AppState {
            dirs,
            keys,
            profiles: Mutex::new(profiles),
            demo: tokio::sync::Mutex::new(None),
            demo_access: Mutex::new(None),
            clients: Mutex::new(HashMap::new()),
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
    /// must be running already. The profile is read each time, so an edit takes effect
    /// at the next request; the client itself is kept while nothing it was built from
    /// changed (see [`KEY_RECHECK`]).
    pub fn client_for_id(&self, profile_id: &str) -> Result<GatewayClient> {
        let profile = self.profiles()?.get(profile_id)?.clone();
        let keys_seen = self.keys.changes();
        if let Some(client) = self.kept_client(&profile, keys_seen, None)? {
            return Ok(client);
        }
        let access = self.access(&profile)?;
        if let Some(client) = self.kept_client(&profile, keys_seen, Some(&access))? {
            return Ok(client);
        }
        let client = self.build_client(&profile, &access)?;
        self.lock_clients()?.insert(
            profile.id.clone(),
            KeptClient {
                profile,
                access,
                keys_seen,
                read_at: Instant::now(),
                client: client.clone(),
            },
        );
        Ok(client)
    }

    /// The kept client of `profile`, when it is still the one to use: without
    /// `access`, only while its key was read lately and no key changed since; with
    /// `access` just read, when it is the same (the key is then counted as read now).
    fn kept_client(
        &self,
        profile: &Profile,
        keys_seen: u64,
        access: Option<&Access>,
    ) -> Result<Option<GatewayClient>> {
        let mut clients = self.lock_clients()?;
        let Some(kept) = clients.get_mut(&profile.id) else {
            return Ok(None);
        };
        if kept.profile != *profile {
            return Ok(None);
        }
        match access {
            None if kept.keys_seen == keys_seen && kept.read_at.elapsed() < KEY_RECHECK => {}
            Some(access) if kept.access == *access => {
                kept.keys_seen = keys_seen;
                kept.read_at = Instant::now();
            }
            _ => return Ok(None),
        }
        Ok(Some(kept.client.clone()))
    }

    /// The address, key and network a profile's client needs.
    fn access(&self, profile: &Profile) -> Result<Access> {
        if profile.demo {
            let demo = self
                .lock_demo_access()?
                .clone()
                .ok_or_else(|| Error::invalid_input(Problem::new(texts::DEMO_NOT_RUNNING)))?;
            return Ok(Access {
                base_url: demo.base_url,
                key: demo.key,
                network: Network::default(),
            });
        }
        let (key, _) = self.keys.get(&profile.id)?.ok_or_else(|| {
            Error::invalid_input(Problem::new(texts::KEY_NOT_SAVED).with("name", &profile.name))
        })?;
        Ok(Access {
            base_url: profile.base_url.clone(),
            key,
            network: self.network_for(profile)?,
        })
    }

    fn build_client(&self, profile: &Profile, access: &Access) -> Result<GatewayClient> {
        let client = GatewayClient::with_network(
            &access.base_url,
            access.key.expose(),
            ClientOptions::default(),
            &access.network,
        )?;
        if profile.demo {
            return Ok(client);
        }
        Ok(client.with_request_style(
            profile.request_style,
            profile.detected_style.clone(),
            self.style_sink(&profile.id),
        ))
    }

    fn lock_clients(&self) -> Result<MutexGuard<'_, HashMap<String, KeptClient>>> {
        self.clients
            .lock()
            .map_err(|_| Error::internal("the gateway clients were poisoned"))
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

    /// The profile's proxy with its password from the keychain, if it has one.
    pub fn network_for(&self, profile: &Profile) -> Result<Network> {
        if !profile.network.proxy_has_user() {
            return Ok(profile.network.clone());
        }
        let password = self.keys.proxy_password(&profile.id)?;
        Ok(profile.network.with_password(password.as_ref()))
    }

    /// The address of the built-in demo gateway, started on first use (127.0.0.1 only).
    pub async fn demo_gateway(&self) -> Result<String> {
        let mut demo = self.demo.lock().await;
        if let Some(running) = demo.as_ref() {
            return Ok(running.base_url().to_string());
        }
        let key = demo_token()?;
        let started = Simulator::start_demo(key.expose())
            .await
            .map_err(|e| Error::io(texts::ACTION_START_DEMO, e))?;
        let base_url = started.base_url().to_string();
        *demo = Some(started);
        *self.lock_demo_access()? = Some(DemoAccess {
            base_url: base_url.clone(),
            key,
        });
        Ok(base_url)
    }

    /// Whether a demo profile exists, so the app starts the demo gateway for its jobs.
    pub fn has_demo_profile(&self) -> bool {
        self.profiles()
            .map(|p| p.list().iter().any(|profile| profile.demo))
            .unwrap_or(false)
    }

    fn lock_demo_access(&self) -> Result<MutexGuard<'_, Option<DemoAccess>>> {
        self.demo_access
            .lock()
            .map_err(|_| Error::internal("the demo gateway address was poisoned"))
    }
}

/// Earlier versions kept proxy passwords in `profiles.json`: they move into the
/// keychain (for this session only when none is usable, as keys do) and the file is
/// written again without them.
fn move_proxy_passwords(profiles: &mut Profiles, keys: &Keys) {
    let found = profiles.passwords_in_file();
    if found.is_empty() {
        return;
    }
    for (id, password) in &found {
        if let Err(e) = keys.save_proxy_password(id, password, false) {
            crate::logs::warn(format!(
                "A proxy password is kept for this session only: {e}"
            ));
            let _ = keys.save_proxy_password(id, password, true);
        }
    }
    if let Err(e) = profiles.drop_passwords() {
        crate::logs::warn(format!("The gateway settings could not be rewritten: {e}"));
    }
}

/// 244 random bits from the system's generator (two v4 UUIDs), shaped like a key.
fn demo_token() -> Result<ApiKey> {
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    ApiKey::new(&format!("sk-demo-{}{}", a.simple(), b.simple()))
        .ok_or_else(|| Error::internal("the demo gateway's key could not be made"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::ErrorKind;
    use crate::keychain::SessionKeys;

    /// The poller asks for a client before every check: it gets the kept one, and a
    /// key saved meanwhile is used from the next request on.
    #[tokio::test]
    async fn a_profile_keeps_its_client_until_its_key_changes() {
        let sim = Simulator::start(crate::simulator::Dialect::OpenAi)
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let state =
            AppState::open(AppDirs::under(dir.path()), Box::new(SessionKeys::default())).unwrap();
        let profile = state
            .profiles()
            .unwrap()
            .for_address(sim.base_url())
            .unwrap();
        let save = |key: &str| {
            let key = ApiKey::new(key).unwrap();
            state.keys.save(&profile.id, &key, false).unwrap();
        };
        let last_key = || {
            let requests = sim.requests();
            let last = requests.last().expect("a request");
            last.header("authorization").unwrap().to_string()
        };

        save("sk-first-key-1111");
        for _ in 0..2 {
            let client = state.client_for_id(&profile.id).unwrap();
            client.check_connection().await.unwrap();
            assert_eq!(last_key(), "Bearer sk-first-key-1111");
        }
        save("sk-second-key-2222");
        let client = state.client_for_id(&profile.id).unwrap();
        client.check_connection().await.unwrap();
        assert_eq!(last_key(), "Bearer sk-second-key-2222");
    }

    #[tokio::test]
    async fn the_demo_gateway_answers_only_the_key_made_for_this_run() {
        let dir = tempfile::tempdir().unwrap();
        let state =
            AppState::open(AppDirs::under(dir.path()), Box::new(SessionKeys::default())).unwrap();
        let demo = state.profiles().unwrap().use_demo().unwrap();
        let base = state.demo_gateway().await.unwrap();
        let app = state.client_for(&demo).await.unwrap();
        app.check_connection()
            .await
            .expect("the app's own key works");

        for guess in ["sk-demo", "sk-anything"] {
            let other = GatewayClient::new(&base, guess, ClientOptions::default()).unwrap();
            let refused = other.check_connection().await.unwrap_err();
            assert_eq!(refused.kind, ErrorKind::KeyRejected, "{guess}");
        }
    }
}
