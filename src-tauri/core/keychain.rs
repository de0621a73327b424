//! Where API keys and proxy passwords live: the OS keychain, or (when none is usable
//! and the user agrees) memory for this session only. Never a file.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::secret::{ApiKey, Secret};
use crate::texts;

/// The keychain "service" every Veo Desk entry is filed under.
pub const SERVICE: &str = "com.veodesk.desktop";

/// Secrets by account: a profile's key under its id, its proxy password under
/// `<id>:proxy`.
pub trait KeyStore: Send + Sync {
    fn save(&self, account: &str, secret: &Secret) -> Result<()>;
    fn load(&self, account: &str) -> Result<Option<Secret>>;
    /// Removing a secret that is not there is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

/// The platform keychain (Secret Service on Linux).
pub struct OsKeychain {
    service: String,
}

impl OsKeychain {
    pub fn new() -> Self {
        Self::with_service(SERVICE)
    }

    /// A separate service name, so tests never touch the app's own entries.
    pub fn with_service(service: &str) -> Self {
        OsKeychain {
            service: service.to_string(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(unusable)
    }
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyStore for OsKeychain {
    fn save(&self, account: &str, secret: &Secret) -> Result<()> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(unusable)
    }

    fn load(&self, account: &str) -> Result<Option<Secret>> {
        match self.entry(account)?.get_password() {
            Ok(stored) => Ok(Some(Secret::new(stored))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unusable(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unusable(e)),
        }
    }
}

/// Secrets held in memory until the app quits, for machines without a usable keychain.
#[derive(Default)]
pub struct SessionKeys {
    keys: Mutex<HashMap<String, Secret>>,
}

impl KeyStore for SessionKeys {
    fn save(&self, account: &str, secret: &Secret) -> Result<()> {
        self.lock()?.insert(account.to_string(), secret.clone());
        Ok(())
    }

    fn load(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.lock()?.get(account).cloned())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.lock()?.remove(account);
        Ok(())
    }
}

impl SessionKeys {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Secret>>> {
        self.keys
            .lock()
            .map_err(|_| Error::internal("the session key store was poisoned"))
    }
}

/// Environment variable with a key for the command line (scripts, CI). It is used for
/// the one gateway the command names with `--base-url` and for no other: a key meant
/// for one gateway must never reach another. The app never reads it.
pub const KEY_ENV: &str = "VEO_DESK_API_KEY";

/// Where a profile's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keychain,
    Session,
    Environment,
}

/// What the UI may know about a key: never the key, at most its last four characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct KeyStatus {
    pub saved: bool,
    pub last4: Option<String>,
    pub source: Option<KeySource>,
    /// Why the keychain could not be asked, if it could not.
    pub problem: Option<crate::problem::Problem>,
}

/// All the places a key can be, in the order they are asked: the command line's
/// `VEO_DESK_API_KEY` (for the one profile it was given for), keys kept for this
/// session, the keychain. Proxy passwords live beside the keys, in the same places.
pub struct Keys {
    keychain: Box<dyn KeyStore>,
    session: SessionKeys,
    from_env: Mutex<Option<(String, ApiKey)>>,
    /// Counts every change made through these keys, so what was built from a key can
    /// tell it is out of date without asking the keychain again.
    changes: AtomicU64,
}

impl Keys {
    pub fn new(keychain: Box<dyn KeyStore>) -> Keys {
        Keys {
            keychain,
            session: SessionKeys::default(),
            from_env: Mutex::new(None),
            changes: AtomicU64::new(0),
        }
    }

    /// Makes `VEO_DESK_API_KEY`, when set, the key of `profile_id` and of no other
    /// profile. For the command line's `--base-url` only. `false` when it is not set.
    pub fn use_env_key_for(&self, profile_id: &str) -> Result<bool> {
        let Some(text) = std::env::var_os(KEY_ENV) else {
            return Ok(false);
        };
        let key = ApiKey::parse(&text.to_string_lossy()).map_err(|problem| {
            Error::invalid_input(
                Problem::new(texts::KEY_ENV_UNUSABLE)
                    .with("variable", KEY_ENV)
                    .with_text("problem", problem.text()),
            )
        })?;
        *self.lock_env()? = Some((profile_id.to_string(), key));
        self.changed();
        Ok(true)
    }

    /// Whether `VEO_DESK_API_KEY` was given for this profile.
    pub fn env_key_is_for(&self, profile_id: &str) -> bool {
        self.env_key(profile_id).ok().flatten().is_some()
    }

    fn env_key(&self, profile_id: &str) -> Result<Option<ApiKey>> {
        Ok(match &*self.lock_env()? {
            Some((id, key)) if id == profile_id => Some(key.clone()),
            _ => None,
        })
    }

    fn lock_env(&self) -> Result<std::sync::MutexGuard<'_, Option<(String, ApiKey)>>> {
        self.from_env
            .lock()
            .map_err(|_| Error::internal("the command line's key was poisoned"))
    }

    /// Saves to the keychain, or only in memory when the user chose that.
    pub fn save(&self, profile_id: &str, key: &ApiKey, session_only: bool) -> Result<()> {
        self.store(profile_id, &Secret::new(key.expose()), session_only)
    }

    pub fn get(&self, profile_id: &str) -> Result<Option<(ApiKey, KeySource)>> {
        if let Some(key) = self.env_key(profile_id)? {
            return Ok(Some((key, KeySource::Environment)));
        }
        let Some((stored, source)) = self.find(profile_id)? else {
            return Ok(None);
        };
        // A key saved before keys were checked may hold characters that cannot be
        // sent: ask for it again rather than fail every request.
        let key =
            ApiKey::new(stored.expose()).ok_or(Error::Keychain(KeychainProblem::Unreadable))?;
        Ok(Some((key, source)))
    }

    /// Saves a profile's proxy password beside its key.
    pub fn save_proxy_password(
        &self,
        profile_id: &str,
        password: &Secret,
        session_only: bool,
    ) -> Result<()> {
        self.store(&proxy_account(profile_id), password, session_only)
    }

    pub fn proxy_password(&self, profile_id: &str) -> Result<Option<Secret>> {
        Ok(self
            .find(&proxy_account(profile_id))?
            .map(|(password, _)| password))
    }

    pub fn forget_proxy_password(&self, profile_id: &str) -> Result<()> {
        self.remove(&proxy_account(profile_id))
    }

    /// How many keys and passwords were saved or forgotten through these keys so far
    /// (not by another process: that only the keychain knows).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    fn changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    fn store(&self, account: &str, secret: &Secret, session_only: bool) -> Result<()> {
        let saved = self.save_to(account, secret, session_only);
        // Counted afterwards, and even when saving failed part-way.
        self.changed();
        saved
    }

    fn save_to(&self, account: &str, secret: &Secret, session_only: bool) -> Result<()> {
        if session_only {
            return self.session.save(account, secret);
        }
        self.keychain.save(account, secret)?;
        // A secret saved for good replaces one kept for the session.
        self.session.delete(account)
    }

    fn find(&self, account: &str) -> Result<Option<(Secret, KeySource)>> {
        if let Some(secret) = self.session.load(account)? {
            return Ok(Some((secret, KeySource::Session)));
        }
        Ok(self
            .keychain
            .load(account)?
            .map(|secret| (secret, KeySource::Keychain)))
    }

    fn remove(&self, account: &str) -> Result<()> {
        let removed = self
            .session
            .delete(account)
            .and_then(|()| self.keychain.delete(account));
        self.changed();
        removed
    }

    pub fn status(&self, profile_id: &str) -> KeyStatus {
        match self.get(profile_id) {
            Ok(Some((key, source))) => KeyStatus {
                saved: true,
                last4: Some(key.last4()),
                source: Some(source),
                problem: None,
            },
            Ok(None) => KeyStatus {
                saved: false,
                last4: None,
                source: None,
                problem: None,
            },
            Err(e) => KeyStatus {
                saved: false,
                last4: None,
                source: None,
                problem: Some(e.problem()),
            },
        }
    }

    /// Forgets the key and the proxy password everywhere they were stored.
    pub fn forget(&self, profile_id: &str) -> Result<()> {
        self.remove(profile_id)?;
        self.forget_proxy_password(profile_id)
    }
}

/// The proxy password's own account: `ApiKey` refuses what passwords may hold.
fn proxy_account(profile_id: &str) -> String {
    format!("{profile_id}:proxy")
}

/// Maps a keyring failure to a plain message. The keyring's own text is never
/// shown: some of its errors carry the stored bytes.
fn unusable(e: keyring::Error) -> Error {
    use keyring::Error as K;
    let why = match &e {
        K::NoStorageAccess(inner) | K::PlatformFailure(inner) => {
            describe_platform(&inner.to_string())
        }
        K::BadEncoding(_) => KeychainProblem::Unreadable,
        K::TooLong(..) | K::Invalid(..) | K::Ambiguous(_) | K::NoEntry => {
            KeychainProblem::Unreadable
        }
        _ => KeychainProblem::Missing,
    };
    Error::Keychain(why)
}

fn describe_platform(detail: &str) -> KeychainProblem {
    // Secret Service says "IsLocked" / "Object is locked"; "blocked" must not count.
    let locked = detail
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("locked") || word.eq_ignore_ascii_case("islocked"));
    if locked {
        KeychainProblem::Locked
    } else {
        KeychainProblem::Missing
    }
}

/// Why the keychain could not be used, in words a user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainProblem {
    /// No session bus, no Secret Service, or no keychain at all.
    Missing,
    /// The keychain exists but is locked.
    Locked,
    /// The keychain answered with something that is not a key Veo Desk saved.
    Unreadable,
}

impl KeychainProblem {
    pub fn problem(self) -> crate::problem::Problem {
        use crate::texts;
        crate::problem::Problem::new(match self {
            KeychainProblem::Missing => texts::KEYCHAIN_UNAVAILABLE,
            KeychainProblem::Locked => texts::KEYCHAIN_LOCKED,
            KeychainProblem::Unreadable => texts::KEYCHAIN_UNREADABLE,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            KeychainProblem::Missing => "keychain_unavailable",
            KeychainProblem::Locked => "keychain_locked",
            KeychainProblem::Unreadable => "keychain_unreadable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_keys_save_replace_and_delete() {
        let store = SessionKeys::default();
        let first = Secret::new("sk-first");
        let second = Secret::new("sk-second");
        store.save("profile-1", &first).unwrap();
        store.save("profile-1", &second).unwrap();
        assert_eq!(store.load("profile-1").unwrap(), Some(second));
        store.delete("profile-1").unwrap();
        assert_eq!(store.load("profile-1").unwrap(), None);
        store.delete("profile-1").unwrap();
    }

    /// A keychain that is never usable, like a machine without a Secret Service.
    struct NoKeychain;

    impl KeyStore for NoKeychain {
        fn save(&self, _: &str, _: &Secret) -> Result<()> {
            Err(Error::Keychain(KeychainProblem::Missing))
        }
        fn load(&self, _: &str) -> Result<Option<Secret>> {
            Err(Error::Keychain(KeychainProblem::Missing))
        }
        fn delete(&self, _: &str) -> Result<()> {
            Err(Error::Keychain(KeychainProblem::Missing))
        }
    }

    #[test]
    fn without_a_keychain_saving_fails_plainly_and_a_session_key_works() {
        let keys = Keys::new(Box::new(NoKeychain));
        let key = ApiKey::new("sk-session-only-7777").unwrap();
        let e = keys.save("p1", &key, false).unwrap_err();
        assert_eq!(e.code(), "keychain_unavailable");

        keys.save("p1", &key, true).unwrap();
        let status = keys.status("p1");
        assert!(status.saved);
        assert_eq!(status.last4.as_deref(), Some("7777"));
        assert_eq!(status.source, Some(KeySource::Session));
    }

    #[test]
    fn the_environment_key_belongs_to_the_one_profile_it_was_given_for() {
        // Only this test sets the variable in the unit tests.
        std::env::set_var(KEY_ENV, "sk-from-the-environment-5555");
        let keys = Keys::new(Box::new(SessionKeys::default()));
        let own = ApiKey::new("sk-own-key-6666").unwrap();
        keys.save("saved", &own, false).unwrap();
        assert_eq!(keys.get("saved").unwrap().unwrap().0, own, "not bound yet");
        assert_eq!(keys.get("other").unwrap(), None);

        assert!(keys.use_env_key_for("given").unwrap());
        let (key, source) = keys.get("given").unwrap().unwrap();
        assert_eq!(
            (key.expose(), source),
            ("sk-from-the-environment-5555", KeySource::Environment)
        );
        assert_eq!(keys.get("saved").unwrap().unwrap().0, own);
        assert_eq!(keys.get("other").unwrap(), None);

        std::env::set_var(KEY_ENV, "sk-with a-space");
        let e = keys.use_env_key_for("given").unwrap_err();
        std::env::remove_var(KEY_ENV);
        assert_eq!(
            e.to_string(),
            "VEO_DESK_API_KEY cannot be used. The API key cannot contain spaces. Paste it again."
        );
        let zh = crate::i18n::word(&e.problem(), "zh-CN");
        assert!(
            zh.contains("VEO_DESK_API_KEY") && zh.contains("空格"),
            "{zh}"
        );
    }

    #[test]
    fn a_proxy_password_lives_beside_the_key_and_goes_with_it() {
        let keychain = std::sync::Arc::new(SessionKeys::default());
        let keys = Keys::new(Box::new(SharedStore(keychain.clone())));
        keys.save("p1", &ApiKey::new("sk-key-1234").unwrap(), false)
            .unwrap();
        let password = Secret::new("pass word with spaces");
        keys.save_proxy_password("p1", &password, false).unwrap();
        assert_eq!(keys.proxy_password("p1").unwrap(), Some(password.clone()));
        assert_eq!(keychain.load("p1:proxy").unwrap(), Some(password));
        assert_eq!(keys.get("p1").unwrap().unwrap().0.expose(), "sk-key-1234");
        keys.forget("p1").unwrap();
        assert_eq!(keys.proxy_password("p1").unwrap(), None);
        assert_eq!(keys.get("p1").unwrap(), None);
    }

    #[test]
    fn a_key_that_cannot_be_sent_reads_as_unreadable_not_as_missing() {
        let keychain = SessionKeys::default();
        keychain
            .save("p1", &Secret::new("sk-abc\u{200B}def"))
            .unwrap();
        let keys = Keys::new(Box::new(keychain));
        assert_eq!(keys.get("p1").unwrap_err().code(), "keychain_unreadable");
    }

    /// A keychain the test can look into.
    struct SharedStore(std::sync::Arc<SessionKeys>);

    impl KeyStore for SharedStore {
        fn save(&self, account: &str, secret: &Secret) -> Result<()> {
            self.0.save(account, secret)
        }
        fn load(&self, account: &str) -> Result<Option<Secret>> {
            self.0.load(account)
        }
        fn delete(&self, account: &str) -> Result<()> {
            self.0.delete(account)
        }
    }

    #[test]
    fn key_status_never_contains_the_key() {
        let keys = Keys::new(Box::new(SessionKeys::default()));
        keys.save("p1", &ApiKey::new("sk-very-secret-1234").unwrap(), false)
            .unwrap();
        let json = serde_json::to_string(&keys.status("p1")).unwrap();
        assert!(!json.contains("very-secret"), "{json}");
        assert!(json.contains("1234"));
    }

    #[test]
    fn a_missing_session_bus_reads_as_no_keychain() {
        let e = unusable(keyring::Error::PlatformFailure(
            "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11".into(),
        ));
        assert_eq!(e.code(), "keychain_unavailable");
        assert!(e.to_string().starts_with("No keychain is available"));
    }

    #[test]
    fn a_locked_keychain_says_so() {
        let e = unusable(keyring::Error::NoStorageAccess("Object is locked".into()));
        assert_eq!(e.code(), "keychain_locked");
    }

    #[test]
    fn unreadable_entries_never_echo_their_bytes() {
        let e = unusable(keyring::Error::BadEncoding(b"sk-leaky\xff".to_vec()));
        assert!(!e.to_string().contains("sk-leaky"));
        assert!(!format!("{e:?}").contains("sk-leaky"));
    }
}
