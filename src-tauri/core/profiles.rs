//! Gateway profiles: a name, a base URL and a default model, kept in
//! `profiles.json` in the app's config folder. Keys and proxy passwords are never
//! in this file; they live in the keychain under the profile's id.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gateway::url::BaseUrl;
use crate::gateway::{Detected, Network, RequestStyle};
use crate::paths::{write_atomic, AppDirs};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::texts;

const FILE_NAME: &str = "profiles.json";
pub const DEFAULT_MODEL: &str = "veo3.1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub name: String,
    /// Normalised API root, e.g. `https://api.example.com/v1`.
    pub base_url: String,
    pub default_model: String,
    /// The built-in demo gateway: its address is wherever it runs this time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// Proxy and extra certificate authority, when this gateway needs them.
    #[serde(default, flatten)]
    pub network: Network,
    /// How submits are worded (sizes as a ratio or as pixels, extras as fields or in
    /// `metadata`), as the user chose it; automatic by default.
    #[serde(default, skip_serializing_if = "RequestStyle::is_auto")]
    pub request_style: RequestStyle,
    /// What the gateway showed about its style, for the automatic choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_style: Option<Detected>,
}

/// The name the built-in demo gateway is listed under.
pub const DEMO_NAME: &str = "Demo (no real videos)";

impl Profile {
    /// Plain http to another machine sends the key unencrypted; the UI shows this.
    pub fn warning(&self) -> Option<crate::problem::Problem> {
        let url = reqwest::Url::parse(&self.base_url).ok()?;
        let local = matches!(
            url.host_str(),
            Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
        );
        (url.scheme() == "http" && !local)
            .then(|| crate::problem::Problem::new(crate::texts::PLAIN_HTTP))
    }
}

/// What the user typed in the profile form.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
pub struct ProfileDraft {
    #[serde(default)]
    pub name: String,
    pub base_url: String,
    #[serde(default)]
    pub default_model: String,
    #[serde(default, flatten)]
    pub network: Network,
    #[serde(default)]
    pub request_style: RequestStyle,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

pub struct Profiles {
    path: PathBuf,
    file: ProfilesFile,
}

impl Profiles {
    /// Reads the profiles; a missing file means none yet. A damaged file is set
    /// aside (never deleted) so the user can start again without losing it.
    pub fn open(dirs: &AppDirs) -> Result<Profiles> {
        let path = dirs.config.join(FILE_NAME);
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                let _ = std::fs::rename(&path, path.with_extension("json.damaged"));
                ProfilesFile::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ProfilesFile::default(),
            Err(e) => return Err(Error::io(texts::ACTION_READ_GATEWAYS, e)),
        };
        Ok(Profiles { path, file })
    }

    /// Re-reads the file, taking in what another process (the command-line tool)
    /// saved since, so the next save here cannot undo it. A file that is missing or
    /// unreadable now leaves what is in memory, to be written back on the next save.
    pub fn refresh(&mut self) {
        let on_disk = std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        if let Some(file) = on_disk {
            self.file = file;
        }
    }

    pub fn list(&self) -> &[Profile] {
        &self.file.profiles
    }

    pub fn active(&self) -> Option<&Profile> {
        let id = self.file.active.as_deref()?;
        self.get(id).ok()
    }

    pub fn get(&self, id: &str) -> Result<&Profile> {
        self.file
            .profiles
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(gone)
    }

    /// Checks what the user typed and turns it into a profile, without saving it:
    /// the key is stored first, so a failing keychain leaves nothing half-saved.
    /// `id` is the profile being edited, or `None` for a new one.
    /// A proxy password in the draft is left out: it goes to the keychain.
    pub fn prepare(&self, draft: &ProfileDraft, id: Option<&str>) -> Result<Profile> {
        let Some(id) = id else {
            return self.validate(draft, uuid::Uuid::new_v4().to_string());
        };
        let saved = self.get(id)?;
        let mut profile = self.validate(draft, id.to_string())?;
        // What the gateway showed stays true while the address does.
        if profile.base_url == saved.base_url {
            profile.detected_style = saved.detected_style.clone();
        }
        Ok(profile)
    }

    /// Proxy passwords an earlier version kept in this file, by profile id, to be
    /// moved into the keychain.
    pub fn passwords_in_file(&self) -> Vec<(String, Secret)> {
        self.file
            .profiles
            .iter()
            .filter_map(|p| Some((p.id.clone(), p.network.without_password().1?)))
            .collect()
    }

    /// Writes the file again with every proxy password left out (once they are
    /// kept elsewhere).
    pub fn drop_passwords(&mut self) -> Result<()> {
        for profile in &mut self.file.profiles {
            profile.network = profile.network.without_password().0;
        }
        self.save()
    }

    /// Keeps what a gateway showed about its request style, without touching the
    /// active choice. A profile removed meanwhile is left alone.
    pub fn remember_style(&mut self, id: &str, detected: &Detected) -> Result<()> {
        self.refresh();
        let Some(profile) = self.file.profiles.iter_mut().find(|p| p.id == id) else {
            return Ok(());
        };
        if profile.detected_style.as_ref() == Some(detected) {
            return Ok(());
        }
        profile.detected_style = Some(detected.clone());
        self.save()
    }

    /// Sends sizes the other way from now on (ratio ↔ pixels) for gateway `id`, without
    /// touching the active choice; returns the profile as saved.
    pub fn switch_sizes(&mut self, id: &str) -> Result<Profile> {
        self.refresh();
        let profile = self
            .file
            .profiles
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(gone)?;
        profile.request_style = profile
            .request_style
            .with_sizes_switched(profile.detected_style.as_ref());
        let saved = profile.clone();
        self.save()?;
        Ok(saved)
    }

    /// Saves a new or edited profile and makes it the active one.
    pub fn put(&mut self, profile: Profile) -> Result<()> {
        match self.file.profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(slot) => *slot = profile.clone(),
            None => self.file.profiles.push(profile.clone()),
        }
        self.file.active = Some(profile.id);
        self.save()
    }

    /// The demo gateway's profile, created on first use, made active.
    pub fn use_demo(&mut self) -> Result<Profile> {
        let profile = match self.file.profiles.iter().find(|p| p.demo) {
            Some(existing) => existing.clone(),
            None => Profile {
                id: uuid::Uuid::new_v4().to_string(),
                name: DEMO_NAME.to_string(),
                base_url: "http://127.0.0.1/v1".to_string(),
                default_model: DEFAULT_MODEL.to_string(),
                demo: true,
                network: Network::default(),
                request_style: RequestStyle::default(),
                detected_style: None,
            },
        };
        self.put(profile.clone())?;
        Ok(profile)
    }

    /// The profile for an address given on the command line: the saved one with that
    /// address, or a new one named after its host. A new one is made active only when
    /// none is, so the app's choice stays; jobs need a profile to be followed there.
    pub fn for_address(&mut self, base_url: &str) -> Result<Profile> {
        if let Some(profile) = self.by_address(base_url)? {
            return Ok(profile.clone());
        }
        let base = BaseUrl::parse(base_url).map_err(|e| Error::invalid_input(e.problem))?;
        let name = self.free_name(&base.host());
        let draft = ProfileDraft {
            name,
            base_url: base.as_str().to_string(),
            default_model: String::new(),
            network: Network::default(),
            request_style: RequestStyle::default(),
        };
        let profile = self.prepare(&draft, None)?;
        self.file.profiles.push(profile.clone());
        if self.active().is_none() {
            self.file.active = Some(profile.id.clone());
        }
        self.save()?;
        Ok(profile)
    }

    /// The saved (non-demo) profile with this address, as pasted.
    pub fn by_address(&self, base_url: &str) -> Result<Option<&Profile>> {
        let base = BaseUrl::parse(base_url).map_err(|e| Error::invalid_input(e.problem))?;
        Ok(self
            .file
            .profiles
            .iter()
            .find(|p| !p.demo && p.base_url == base.as_str()))
    }

    /// A profile by its name (any case) or id.
    pub fn find(&self, name_or_id: &str) -> Result<&Profile> {
        let wanted = name_or_id.trim();
        self.file
            .profiles
            .iter()
            .find(|p| p.id == wanted || p.name.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = self.file.profiles.iter().map(|p| p.name.as_str()).collect();
                Error::invalid_input(match names.is_empty() {
                    true => Problem::new(texts::PROFILE_NOT_FOUND).with("name", wanted),
                    false => Problem::new(texts::PROFILE_NOT_FOUND_AMONG)
                        .with("name", wanted)
                        .with("saved", names.join(", ")),
                })
            })
    }

    fn free_name(&self, wanted: &str) -> String {
        let taken = |name: &str| {
            self.file
                .profiles
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(name))
        };
        (1..)
            .map(|n| match n {
                1 => wanted.to_string(),
                n => format!("{wanted} ({n})"),
            })
            .find(|name| !taken(name))
            .unwrap_or_else(|| wanted.to_string())
    }

    /// `prepare` and `put` in one step, for callers with no key to store.
    pub fn add(&mut self, draft: &ProfileDraft) -> Result<Profile> {
        let profile = self.prepare(draft, None)?;
        self.put(profile.clone())?;
        Ok(profile)
    }

    /// Removes a profile; another one becomes active if this one was.
    pub fn remove(&mut self, id: &str) -> Result<Profile> {
        let index = self
            .file
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(gone)?;
        let removed = self.file.profiles.remove(index);
        if self.file.active.as_deref() == Some(id) {
            self.file.active = self.file.profiles.first().map(|p| p.id.clone());
        }
        self.save()?;
        Ok(removed)
    }

    pub fn set_active(&mut self, id: &str) -> Result<()> {
        self.get(id)?;
        self.file.active = Some(id.to_string());
        self.save()
    }

    fn validate(&self, draft: &ProfileDraft, id: String) -> Result<Profile> {
        let base = BaseUrl::parse(&draft.base_url).map_err(|e| Error::invalid_input(e.problem))?;
        let name = match draft.name.trim() {
            "" => base.host(),
            typed => typed.to_string(),
        };
        if self
            .file
            .profiles
            .iter()
            .any(|p| p.id != id && p.name.eq_ignore_ascii_case(&name))
        {
            return Err(Error::invalid_input(
                Problem::new(texts::PROFILE_NAME_TAKEN).with("name", &name),
            ));
        }
        let default_model = match draft.default_model.trim() {
            "" => DEFAULT_MODEL.to_string(),
            model => model.to_string(),
        };
        let (network, _password) = draft.network.validated()?.without_password();
        Ok(Profile {
            id,
            name,
            base_url: base.as_str().to_string(),
            default_model,
            demo: false,
            network,
            request_style: draft.request_style,
            detected_style: None,
        })
    }

    fn save(&self) -> Result<()> {
        let mut file = ProfilesFile {
            active: self.file.active.clone(),
            profiles: self.file.profiles.clone(),
        };
        // Whatever a caller put in a profile, no password reaches the disk.
        for profile in &mut file.profiles {
            if profile.network.without_password().1.is_some() {
                profile.network = profile.network.without_password().0;
            }
        }
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::internal(format!("profiles could not be written: {e}")))?;
        write_atomic(&self.path, &json)
    }
}

/// The profile asked for was removed (in another window, or by the command line).
fn gone() -> Error {
    Error::invalid_input(Problem::new(texts::PROFILE_GONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, url: &str) -> ProfileDraft {
        ProfileDraft {
            name: name.into(),
            base_url: url.into(),
            ..Default::default()
        }
    }

    fn fresh() -> (tempfile::TempDir, AppDirs) {
        let root = tempfile::tempdir().unwrap();
        let dirs = AppDirs::under(root.path());
        (root, dirs)
    }

    #[test]
    fn a_pasted_address_is_stored_as_the_api_root() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        for pasted in [
            "https://api.example.com",
            "https://api.example.com/",
            "https://api.example.com/v1",
        ] {
            let p = profiles.add(&draft(pasted, pasted)).unwrap();
            assert_eq!(p.base_url, "https://api.example.com/v1");
        }
    }

    /// Files written before every field was snake_case name the CA file `caFile`.
    #[test]
    fn a_gateway_file_with_the_old_ca_file_name_keeps_its_certificate_authority() {
        let old = r#"{"id": "p1", "name": "Office", "base_url": "https://gw.example/v1",
                      "default_model": "veo3.1", "caFile": "/etc/office-ca.pem"}"#;
        let profile: Profile = serde_json::from_str(old).unwrap();
        assert_eq!(
            profile.network.ca_file.as_deref(),
            Some("/etc/office-ca.pem")
        );
        let written = serde_json::to_value(&profile).unwrap();
        assert_eq!(written["ca_file"], "/etc/office-ca.pem");
        assert!(written.get("caFile").is_none());
        // The window sends the draft in the same casing.
        let typed = r#"{"name": "", "base_url": "https://gw.example", "ca_file": "/ca.pem",
                        "request_style": {"sizes": "pixels", "extras": "auto"}}"#;
        let draft: ProfileDraft = serde_json::from_str(typed).unwrap();
        assert_eq!(draft.network.ca_file.as_deref(), Some("/ca.pem"));
        assert_eq!(draft.request_style.sizes, crate::gateway::SizeStyle::Pixels);
    }

    #[test]
    fn profiles_survive_a_restart_and_the_newest_is_active() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        profiles
            .add(&draft("Work", "https://work.example.com"))
            .unwrap();
        let home = profiles
            .add(&draft("", "https://home.example.com"))
            .unwrap();
        assert_eq!(home.name, "home.example.com");

        let reopened = Profiles::open(&dirs).unwrap();
        assert_eq!(reopened.list().len(), 2);
        assert_eq!(reopened.active().unwrap().name, "home.example.com");
        assert_eq!(reopened.active().unwrap().default_model, "veo3.1");
    }

    #[test]
    fn removing_the_active_profile_activates_another() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let work = profiles
            .add(&draft("Work", "https://work.example.com"))
            .unwrap();
        let home = profiles
            .add(&draft("Home", "https://home.example.com"))
            .unwrap();
        profiles.remove(&home.id).unwrap();
        assert_eq!(profiles.active().unwrap().id, work.id);
    }

    #[test]
    fn bad_addresses_and_duplicate_names_are_explained() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let e = profiles.add(&draft("X", "api.example.com")).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("https://"), "{e}");
        profiles
            .add(&draft("Work", "https://a.example.com"))
            .unwrap();
        let e = profiles
            .add(&draft("work", "https://b.example.com"))
            .unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
    }

    #[test]
    fn plain_http_warns_unless_the_gateway_is_on_this_computer() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let remote = profiles
            .add(&draft("Remote", "http://gateway.example.com"))
            .unwrap();
        let local = profiles
            .add(&draft("Local", "http://127.0.0.1:3000"))
            .unwrap();
        let secure = profiles
            .add(&draft("Secure", "https://gateway.example.com"))
            .unwrap();
        assert!(remote.warning().unwrap().english().contains("unencrypted"));
        assert_eq!(local.warning(), None);
        assert_eq!(secure.warning(), None);
    }

    #[test]
    fn the_demo_gateway_is_created_once_and_made_active() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        profiles
            .add(&draft("Work", "https://work.example.com"))
            .unwrap();
        let demo = profiles.use_demo().unwrap();
        let again = profiles.use_demo().unwrap();
        assert_eq!(demo.id, again.id);
        assert_eq!(profiles.list().len(), 2);
        assert_eq!(profiles.active().unwrap().name, DEMO_NAME);
        assert!(Profiles::open(&dirs).unwrap().active().unwrap().demo);
    }

    #[test]
    fn an_address_from_the_command_line_reuses_its_profile_and_keeps_the_active_one() {
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let work = profiles
            .add(&draft("Work", "https://work.example.com"))
            .unwrap();
        assert_eq!(
            profiles
                .for_address("https://work.example.com/v1/")
                .unwrap()
                .id,
            work.id
        );
        let other = profiles.for_address("http://work.example.com").unwrap();
        assert_ne!(other.id, work.id);
        assert_eq!(other.name, "work.example.com");
        let reopened = Profiles::open(&dirs).unwrap();
        assert_eq!(reopened.list().len(), 2);
        assert_eq!(reopened.active().unwrap().id, work.id);
        assert_eq!(reopened.find("WORK").unwrap().id, work.id);
        assert!(reopened
            .find("Home")
            .unwrap_err()
            .to_string()
            .contains("Work"));
    }

    #[test]
    fn no_proxy_password_is_written_and_one_left_by_an_earlier_version_is_handed_over() {
        let (_root, dirs) = fresh();
        std::fs::create_dir_all(&dirs.config).unwrap();
        let old = r#"{"active":"p1","profiles":[{"id":"p1","name":"Office","base_url":"https://gw.example.com/v1","default_model":"veo3.1","proxy":"me:hunter2@proxy.local:3128"}]}"#;
        std::fs::write(dirs.config.join(FILE_NAME), old).unwrap();
        let mut profiles = Profiles::open(&dirs).unwrap();
        assert_eq!(
            profiles.passwords_in_file(),
            vec![("p1".to_string(), Secret::new("hunter2"))]
        );
        profiles.drop_passwords().unwrap();
        let text = std::fs::read_to_string(dirs.config.join(FILE_NAME)).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("http://me@proxy.local:3128/"), "{text}");

        let typed = ProfileDraft {
            network: Network {
                proxy: Some("http://me:s3cret-pw@proxy.local:3128".into()),
                ca_file: None,
            },
            ..draft("Home", "https://home.example.com")
        };
        profiles.add(&typed).unwrap();
        let text = std::fs::read_to_string(dirs.config.join(FILE_NAME)).unwrap();
        assert!(!text.contains("s3cret-pw"), "{text}");
        assert!(Profiles::open(&dirs)
            .unwrap()
            .passwords_in_file()
            .is_empty());
    }

    #[test]
    fn switching_sizes_is_kept_for_that_gateway_and_leaves_the_active_one() {
        use crate::gateway::SizeStyle;
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let proxy = profiles
            .add(&draft("Proxy", "http://127.0.0.1:4000"))
            .unwrap();
        let other = profiles
            .add(&draft("Other", "https://other.example.com"))
            .unwrap();
        let learned = Detected {
            pixels: true,
            metadata: false,
            by: "LiteLLM 1.110.2".into(),
        };
        profiles.remember_style(&proxy.id, &learned).unwrap();
        let switched = profiles.switch_sizes(&proxy.id).unwrap();
        assert_eq!(switched.request_style.sizes, SizeStyle::Ratio);
        let reopened = Profiles::open(&dirs).unwrap();
        assert_eq!(
            reopened.get(&proxy.id).unwrap().request_style.sizes,
            SizeStyle::Ratio
        );
        assert_eq!(reopened.active().unwrap().id, other.id);
        assert!(profiles.switch_sizes("gone").is_err());
    }

    #[test]
    fn a_learned_style_is_kept_until_the_address_changes() {
        use crate::gateway::SizeStyle;
        let (_root, dirs) = fresh();
        let mut profiles = Profiles::open(&dirs).unwrap();
        let proxy = profiles
            .add(&draft("Proxy", "http://127.0.0.1:4000"))
            .unwrap();
        let litellm = Detected {
            pixels: true,
            metadata: false,
            by: "LiteLLM 1.110.2".into(),
        };
        profiles.remember_style(&proxy.id, &litellm).unwrap();
        let reopened = Profiles::open(&dirs).unwrap();
        assert_eq!(
            reopened.get(&proxy.id).unwrap().detected_style,
            Some(litellm.clone())
        );

        let renamed = ProfileDraft {
            request_style: RequestStyle {
                sizes: SizeStyle::Pixels,
                ..Default::default()
            },
            ..draft("Proxy 2", "http://127.0.0.1:4000")
        };
        let edited = reopened.prepare(&renamed, Some(&proxy.id)).unwrap();
        assert_eq!(edited.detected_style, Some(litellm));
        assert_eq!(edited.request_style.sizes, SizeStyle::Pixels);
        let moved = reopened
            .prepare(&draft("Proxy", "http://127.0.0.1:4001"), Some(&proxy.id))
            .unwrap();
        assert_eq!(moved.detected_style, None);
    }

    #[test]
    fn a_damaged_file_is_set_aside_not_lost() {
        let (_root, dirs) = fresh();
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::write(dirs.config.join(FILE_NAME), b"{not json").unwrap();
        let profiles = Profiles::open(&dirs).unwrap();
        assert!(profiles.list().is_empty());
        let kept = std::fs::read(dirs.config.join("profiles.json.damaged")).unwrap();
        assert_eq!(kept, b"{not json");
    }
}
