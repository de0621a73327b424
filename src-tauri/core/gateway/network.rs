//! How a profile reaches its gateway: an optional proxy and an optional extra
//! certificate authority. Without a proxy here, `HTTPS_PROXY` / `ALL_PROXY` /
//! `NO_PROXY` (and the system's proxy settings) apply, as reqwest reads them.
//!
//! A proxy typed without a scheme is `http://` everywhere (checked, stored, shown):
//! read as it was typed, `me:pw@proxy:3128` would be an address of scheme `me` whose
//! password no one would know to hide. The password itself is kept in the keychain
//! beside the key; a saved profile holds the proxy without it.

use std::path::Path;

use reqwest::{Certificate, ClientBuilder, NoProxy, Proxy, Url};
use serde::{Deserialize, Serialize};

use super::errors::{ErrorKind, GatewayError};
use super::texts;
use crate::problem::Problem;
use crate::secret::Secret;

/// How a saved proxy password is shown, and what the form sends back to keep it.
const MASK: &str = "***";

/// What the proxy typed in the form means for its saved password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    /// The form sent the saved password back as `***`, for the same proxy.
    Keep,
    Set(Secret),
    Remove,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Network {
    /// `http://host:port`, a user allowed; replaces the environment's proxy. Its
    /// password is here only on the way to the keychain or into a client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// A PEM file with the certificate authority of a gateway (or proxy) that uses its own.
    /// Trusted in addition to the system's authorities.
    // Gateway files written before every field was snake_case name it `caFile`.
    #[serde(default, alias = "caFile", skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

impl Network {
    /// What the user typed, trimmed and checked: empty fields mean "not set". The
    /// proxy comes back as a full address (`http://` added when no scheme was typed).
    pub fn validated(&self) -> Result<Network, GatewayError> {
        let proxy = match filled(&self.proxy) {
            Some(text) => Some(proxy_url(&text)?.to_string()),
            None => None,
        };
        let ca_file = filled(&self.ca_file);
        if let Some(path) = &ca_file {
            read_ca(Path::new(path))?;
        }
        Ok(Network { proxy, ca_file })
    }

    /// The proxy without its password, and the password: the profile keeps the
    /// one, the keychain the other.
    pub fn without_password(&self) -> (Network, Option<Secret>) {
        let Some(mut url) = self.proxy_address() else {
            return (self.clone(), None);
        };
        let password = url
            .password()
            .map(percent_decoded)
            .filter(|p| !p.is_empty())
            .map(Secret::new);
        let _ = url.set_password(None);
        let kept = Network {
            proxy: Some(url.to_string()),
            ca_file: self.ca_file.clone(),
        };
        (kept, password)
    }

    /// The proxy with `password` put back, for the client that goes through it.
    pub fn with_password(&self, password: Option<&Secret>) -> Network {
        let (Some(password), Some(mut url)) = (password, self.proxy_address()) else {
            return self.clone();
        };
        if url.set_password(Some(password.expose())).is_err() {
            return self.clone();
        }
        Network {
            proxy: Some(url.to_string()),
            ca_file: self.ca_file.clone(),
        }
    }

    /// Whether the proxy names a user: only then can it have a saved password.
    pub fn proxy_has_user(&self) -> bool {
        self.proxy_address()
            .is_some_and(|url| !url.username().is_empty())
    }

    /// The proxy for showing or exporting: any password replaced by `***`.
    pub fn proxy_for_display(&self) -> Option<String> {
        self.proxy_shown(false)
    }

    /// The same, with `***` also where a saved password goes with the proxy's user.
    pub fn proxy_shown(&self, password_saved: bool) -> Option<String> {
        filled(&self.proxy)?;
        let Some(mut url) = self.proxy_address() else {
            return Some("(not a valid address)".into());
        };
        if url.password().is_some() || (password_saved && !url.username().is_empty()) {
            let _ = url.set_password(Some(MASK));
        }
        Some(url.to_string())
    }

    /// What this proxy, as the form sent it, means for the password saved with the
    /// `saved` one. The form shows a saved password as `***`: sent back for the same
    /// proxy that means "keep it"; for another proxy it is not that proxy's to use.
    pub fn password_change(&self, saved: Option<&Network>) -> Result<PasswordChange, GatewayError> {
        let Some(typed) = self.proxy_address() else {
            return Ok(PasswordChange::Remove);
        };
        let Some(password) = typed.password().map(percent_decoded) else {
            return Ok(PasswordChange::Remove);
        };
        if password != MASK {
            return Ok(PasswordChange::Set(Secret::new(password)));
        }
        let old = saved.and_then(Network::proxy_address);
        if old.is_some_and(|old| same_proxy(&typed, &old)) {
            return Ok(PasswordChange::Keep);
        }
        Err(invalid(Problem::new(texts::PROXY_PASSWORD_AGAIN)))
    }

    /// The proxy as an address, `http://` when typed without a scheme; any scheme,
    /// so an unsupported one can still be shown with its password hidden.
    fn proxy_address(&self) -> Option<Url> {
        let text = filled(&self.proxy)?;
        Url::parse(&with_scheme(&text)).ok()
    }

    /// The proxy requests to `url` go through (password hidden), for error messages.
    /// Mirrors the environment variables reqwest reads; `NO_PROXY` by exact host or `*`.
    pub(crate) fn proxy_for(&self, url: &Url) -> Option<String> {
        if self.proxy.is_some() {
            return self.proxy_for_display();
        }
        let names: &[&str] = if url.scheme() == "https" {
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        } else {
            &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        };
        let from_env = names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))?;
        let host = url.host_str().unwrap_or_default();
        let bypassed = ["NO_PROXY", "no_proxy"].iter().any(|n| {
            std::env::var(n).is_ok_and(|list| {
                list.split(',')
                    .map(|h| h.trim().trim_start_matches('.'))
                    .any(|h| h == "*" || h == host || host.ends_with(&format!(".{h}")))
            })
        });
        let shown = Network {
            proxy: Some(from_env),
            ca_file: None,
        };
        (!bypassed).then(|| shown.proxy_for_display()).flatten()
    }

    /// Adds the proxy and the certificate authority to a client being built.
    pub(crate) fn apply(&self, mut builder: ClientBuilder) -> Result<ClientBuilder, GatewayError> {
        if let Some(proxy) = filled(&self.proxy) {
            let url = proxy_url(&proxy)?;
            let proxy = Proxy::all(url)
                .map_err(|e| invalid(Problem::new(texts::PROXY_UNUSABLE).with("cause", e)))?
                .no_proxy(NoProxy::from_env());
            builder = builder.proxy(proxy);
        }
        if let Some(path) = filled(&self.ca_file) {
            builder = builder.tls_certs_merge(read_ca(Path::new(&path))?);
        }
        Ok(builder)
    }
}

fn filled(field: &Option<String>) -> Option<String> {
    field
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn invalid(problem: Problem) -> GatewayError {
    GatewayError::new(ErrorKind::InvalidInput, problem)
}

fn with_scheme(text: &str) -> String {
    if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    }
}

/// Same scheme, host, port and user: the proxy a saved password belongs to.
fn same_proxy(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.username() == b.username()
}

/// A URL's password as typed: addresses keep it percent-encoded.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Only HTTP(S) proxies: that is what reqwest speaks here without extra code.
fn proxy_url(text: &str) -> Result<Url, GatewayError> {
    // The text is not repeated: it may hold a password.
    let url = Url::parse(&with_scheme(text))
        .map_err(|_| invalid(Problem::new(texts::PROXY_NOT_AN_ADDRESS)))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(Problem::new(texts::PROXY_NOT_HTTP)));
    }
    Ok(url)
}

/// Reads the certificates of a PEM file, or says plainly why it cannot be used.
fn read_ca(path: &Path) -> Result<Vec<Certificate>, GatewayError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        invalid(
            Problem::new(texts::CA_UNREADABLE)
                .with("path", &shown)
                .with("cause", e),
        )
    })?;
    let not_pem = || invalid(Problem::new(texts::CA_NOT_PEM).with("path", &shown));
    let certs = Certificate::from_pem_bundle(&bytes).map_err(|_| not_pem())?;
    if certs.is_empty() {
        return Err(not_pem());
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_not_set() {
        let typed = Network {
            proxy: Some("  ".into()),
            ca_file: Some(String::new()),
        };
        assert_eq!(typed.validated().unwrap(), Network::default());
    }

    #[test]
    fn a_proxy_without_scheme_is_taken_as_http_and_socks_is_refused() {
        let typed = Network {
            proxy: Some("proxy.local:3128".into()),
            ca_file: None,
        };
        assert!(typed.validated().is_ok());
        let socks = Network {
            proxy: Some("socks5://127.0.0.1:1080".into()),
            ca_file: None,
        };
        let e = socks.validated().unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.message().contains("SOCKS"), "{}", e.message());
    }

    fn proxy(text: &str) -> Network {
        Network {
            proxy: Some(text.into()),
            ca_file: None,
        }
    }

    #[test]
    fn a_shown_password_saved_back_keeps_the_real_one_but_a_new_one_replaces_it() {
        let (saved, password) = proxy("http://me:hunter2@proxy.local:3128").without_password();
        assert_eq!(password, Some(Secret::new("hunter2")));
        let shown = saved.proxy_shown(true).unwrap();
        assert_eq!(shown, "http://me:***@proxy.local:3128/");
        let change = |typed: &str| {
            proxy(typed)
                .validated()
                .unwrap()
                .password_change(Some(&saved))
        };
        assert_eq!(change(&shown), Ok(PasswordChange::Keep));
        assert_eq!(change("me:***@proxy.local:3128"), Ok(PasswordChange::Keep));
        assert_eq!(
            change("http://me:newpass@proxy.local:3128"),
            Ok(PasswordChange::Set(Secret::new("newpass")))
        );
        assert_eq!(
            change("http://me@proxy.local:3128"),
            Ok(PasswordChange::Remove)
        );
        // Stars sent to another proxy are not the saved password's to fill.
        let e = change("http://me:***@other.local:3128").unwrap_err();
        assert!(
            e.message().contains("Type the proxy password again"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn a_proxy_password_is_hidden_when_shown_whether_or_not_a_scheme_was_typed() {
        for typed in [
            "http://me:hunter2@proxy.local:3128",
            "me:hunter2@proxy.local:3128",
        ] {
            let shown = proxy(typed).proxy_for_display().unwrap();
            assert!(!shown.contains("hunter2"), "{shown}");
            assert_eq!(shown, "http://me:***@proxy.local:3128/");
            let stored = proxy(typed).validated().unwrap().without_password().0;
            assert_eq!(stored.proxy.as_deref(), Some("http://me@proxy.local:3128/"));
        }
    }

    #[test]
    fn a_password_goes_back_in_as_it_was_typed() {
        let typed = proxy("me:p%40ss%20word@proxy.local:3128")
            .validated()
            .unwrap();
        let (stored, password) = typed.without_password();
        assert_eq!(password.as_ref().map(Secret::expose), Some("p@ss word"));
        assert_eq!(stored.with_password(password.as_ref()), typed);
    }

    #[test]
    fn a_proxy_that_cannot_be_read_is_not_repeated_in_the_error() {
        let e = proxy("me:hunter2@proxy.local:port")
            .validated()
            .unwrap_err();
        assert!(!e.message().contains("hunter2"), "{}", e.message());
    }

    #[test]
    fn a_missing_or_wrong_ca_file_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "just some notes").unwrap();
        for (path, words) in [
            (&missing, "could not be read"),
            (&text, "not a certificate"),
        ] {
            let n = Network {
                proxy: None,
                ca_file: Some(path.display().to_string()),
            };
            let e = n.validated().unwrap_err();
            assert_eq!(e.code(), "invalid_input");
            assert!(e.message().contains(words), "{}", e.message());
        }
    }
}
