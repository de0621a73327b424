//! What the running app holds: its folders, the gateway profiles and the keys.
//! Plain Rust; the Tauri side manages one `Arc<AppState>`.

use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::keychain::{KeyStore, Keys};
use crate::paths::AppDirs;
use crate::profiles::Profiles;

pub struct AppState {
    pub dirs: AppDirs,
    pub keys: Keys,
    profiles: Mutex<Profiles>,
}

impl AppState {
    pub fn open(dirs: AppDirs, keychain: Box<dyn KeyStore>) -> Result<AppState> {
        let profiles = Profiles::open(&dirs)?;
        Ok(AppState {
            dirs,
            keys: Keys::new(keychain),
            profiles: Mutex::new(profiles),
        })
    }

    pub fn profiles(&self) -> Result<MutexGuard<'_, Profiles>> {
        self.profiles
            .lock()
            .map_err(|_| Error::internal("the profile list was poisoned"))
    }
}
