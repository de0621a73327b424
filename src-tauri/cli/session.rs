//! The app's core, opened for one command: folders, profiles and keys (`AppState`),
//! the history, and a `Jobs` that looks after this command's jobs only (the app may
//! be running and following the others).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;
use veo_desk_core::gateway::GatewayClient;
use veo_desk_core::jobs::{self, ClientFor, JobRow, JobStore, Jobs, JobsOptions};
use veo_desk_core::keychain::{OsKeychain, KEY_ENV};
use veo_desk_core::paths::AppDirs;
use veo_desk_core::problem::Problem;
use veo_desk_core::profiles::Profile;
use veo_desk_core::settings::SettingsStore;
use veo_desk_core::state::AppState;
use veo_desk_core::{texts, Error, Result};

use crate::report::Progress;
use crate::GatewayArgs;

pub struct Session {
    pub state: Arc<AppState>,
    pub store: JobStore,
}

impl Session {
    pub fn open() -> Result<Session> {
        let dirs = AppDirs::for_user()?;
        let store = JobStore::open(&dirs)?;
        // The keychain is not asked for the gateway VEO_DESK_API_KEY is given for.
        let state = AppState::open(dirs, Box::new(OsKeychain::new()))?;
        Ok(Session {
            state: Arc::new(state),
            store,
        })
    }

    /// The gateway named by `--profile` or `--base-url`, else the app's active one.
    /// `VEO_DESK_API_KEY` becomes the key of the `--base-url` gateway, and only of it.
    pub fn profile(&self, args: &GatewayArgs) -> Result<Profile> {
        let profile = {
            let mut profiles = self.state.profiles()?;
            match (&args.profile, &args.base_url) {
                (Some(name), _) => profiles.find(name)?.clone(),
                (None, Some(url)) => profiles.for_address(url)?,
                (None, None) => profiles
                    .active()
                    .cloned()
                    .ok_or_else(|| Error::invalid_input(Problem::new(texts::CLI_NO_GATEWAY)))?,
            }
        };
        if profile.demo {
            return Err(Error::invalid_input(Problem::new(
                texts::CLI_DEMO_IN_WINDOW_ONLY,
            )));
        }
        if args.base_url.is_some() {
            self.state.keys.use_env_key_for(&profile.id)?;
        }
        Ok(profile)
    }

    /// For commands on a job from the history: `VEO_DESK_API_KEY` is the key of the
    /// saved gateway `--base-url` names, so it reaches that job's gateway only when
    /// the job was made there.
    pub fn key_for_address(&self, args: &GatewayArgs) -> Result<()> {
        let Some(url) = &args.base_url else {
            return Ok(());
        };
        let found = self
            .state
            .profiles()?
            .by_address(url)?
            .map(|p| p.id.clone());
        if let Some(id) = found {
            self.state.keys.use_env_key_for(&id)?;
        }
        Ok(())
    }

    /// A client for a profile: checks the key before anything is stored.
    pub fn client(&self, profile_id: &str) -> Result<GatewayClient> {
        self.state.client_for_id(profile_id).inspect_err(|_| {
            if std::env::var_os(KEY_ENV).is_some() && !self.state.keys.env_key_is_for(profile_id) {
                eprintln!("{KEY_ENV} is used only for the gateway given with --base-url, so it was not sent to this one.");
            }
        })
    }

    /// Starts the job machinery for this command's jobs, saving videos into `out`
    /// (default: the app's download folder, as chosen in its settings). Checking a
    /// job stops after the time the user chose in the app, too.
    pub fn jobs(&self, out: Option<PathBuf>, batch_limit: usize) -> Result<Jobs> {
        let settings = SettingsStore::open(&self.state.dirs)?.get().clone();
        // Stored as given, a relative folder would mean another place to the app.
        let out = out.map(|dir| std::path::absolute(&dir).unwrap_or(dir));
        let video_dir = out
            .or(settings.video_dir.clone())
            .unwrap_or_else(|| jobs::default_video_dir(&self.state.dirs));
        let state = Arc::clone(&self.state);
        let client_for: ClientFor = Arc::new(move |profile_id| state.client_for_id(profile_id));
        let options = JobsOptions {
            follow_all: false,
            batch_limit,
            ..JobsOptions::new(video_dir)
        };
        let jobs = Jobs::start(self.store.clone(), client_for, Arc::new(|_| {}), options)?;
        if let Some(limit) = settings.running_limit() {
            jobs.set_running_limit(limit);
        }
        Ok(jobs)
    }
}

/// How long `wait_settled` listens before it reads the history itself.
const REREAD_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

fn reread(
    store: &JobStore,
    ids: &[String],
    rows: &mut HashMap<String, JobRow>,
    progress: &mut Progress,
) -> Result<()> {
    for id in ids {
        let row = store.require(id)?;
        progress.show(&row);
        rows.insert(id.clone(), row);
    }
    Ok(())
}

/// Follows `ids` until each is settled (saved, or ended without a video), showing
/// progress. `changes` must be subscribed before the jobs were submitted.
pub async fn wait_settled(
    store: &JobStore,
    mut changes: tokio::sync::broadcast::Receiver<JobRow>,
    ids: &[String],
    progress: &mut Progress,
) -> Result<Vec<JobRow>> {
    let mut rows: HashMap<String, JobRow> = HashMap::new();
    for id in ids {
        rows.insert(id.clone(), store.require(id)?);
    }
    loop {
        if rows.values().all(JobRow::is_settled) {
            break;
        }
        // The app may be working on the same jobs: what it stores counts too, so the
        // history is read again whenever this process has had nothing to say a while.
        let Ok(change) = tokio::time::timeout(REREAD_EVERY, changes.recv()).await else {
            reread(store, ids, &mut rows, progress)?;
            continue;
        };
        match change {
            Ok(row) if rows.contains_key(&row.id) => {
                progress.show(&row);
                rows.insert(row.id.clone(), row);
            }
            Ok(_) => {}
            // Missed some changes: the history has the latest word.
            Err(RecvError::Lagged(_)) => reread(store, ids, &mut rows, progress)?,
            Err(RecvError::Closed) => {
                return Err(Error::internal("the job machinery stopped"));
            }
        }
    }
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}
