//! How a profile reaches its gateway: an optional proxy and an optional extra
//! certificate authority. Without a proxy here, `HTTPS_PROXY` / `ALL_PROXY` /
//! `NO_PROXY` (and the system's proxy settings) apply, as reqwest reads them.

use std::path::Path;

use reqwest::{Certificate, ClientBuilder, NoProxy, Proxy, Url};
use serde::{Deserialize, Serialize};

use super::errors::{ErrorKind, GatewayError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// `http://host:port` (credentials allowed); replaces the environment's proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// A PEM file with the certificate authority of a gateway (or proxy) that uses its own.
    /// Trusted in addition to the system's authorities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

impl Network {
    /// What the user typed, trimmed and checked: empty fields mean "not set".
    pub fn validated(&self) -> Result<Network, GatewayError> {
        let proxy = filled(&self.proxy);
        let ca_file = filled(&self.ca_file);
        if let Some(proxy) = &proxy {
            proxy_url(proxy)?;
        }
        if let Some(path) = &ca_file {
            read_ca(Path::new(path))?;
        }
        Ok(Network { proxy, ca_file })
    }

    /// The proxy for showing or exporting: any password replaced by `***`.
    pub fn proxy_for_display(&self) -> Option<String> {
        let text = self.proxy.as_deref()?;
        let Ok(mut url) = Url::parse(text) else {
            return Some("(not a valid address)".into());
        };
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        Some(url.to_string())
    }

    /// The form shows the saved proxy with its password as `***`; saved back unchanged,
    /// that means "keep the password", not a new password of three stars.
    pub fn keeping_password_of(mut self, saved: &Network) -> Network {
        let parse = |text: Option<&str>| text.and_then(|t| Url::parse(t.trim()).ok());
        if let (Some(typed), Some(old)) =
            (parse(self.proxy.as_deref()), parse(saved.proxy.as_deref()))
        {
            let same_place = typed.scheme() == old.scheme()
                && typed.host_str() == old.host_str()
                && typed.port_or_known_default() == old.port_or_known_default()
                && typed.username() == old.username();
            if typed.password() == Some("***") && same_place {
                self.proxy = saved.proxy.clone();
            }
        }
        self
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
                .map_err(|e| invalid(format!("The proxy address cannot be used: {e}")))?
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

fn invalid(message: impl Into<String>) -> GatewayError {
    GatewayError::new(ErrorKind::InvalidInput, message)
}

/// Only HTTP(S) proxies: that is what reqwest speaks here without extra code.
fn proxy_url(text: &str) -> Result<Url, GatewayError> {
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| {
        invalid(format!(
            "\"{text}\" is not a proxy address. Use something like http://proxy.example.com:8080"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(
            "Use an HTTP proxy address such as http://proxy.example.com:8080 (SOCKS proxies are not supported).",
        ));
    }
    Ok(url)
}

/// Reads the certificates of a PEM file, or says plainly why it cannot be used.
fn read_ca(path: &Path) -> Result<Vec<Certificate>, GatewayError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        invalid(format!(
            "The certificate file {shown} could not be read ({e}). Choose the CA file again in Edit gateway."
        ))
    })?;
    let not_pem = || {
        invalid(format!(
            "{shown} is not a certificate file. Choose a PEM file (it starts with \"-----BEGIN CERTIFICATE-----\")."
        ))
    };
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
        assert!(e.message.contains("SOCKS"), "{}", e.message);
    }

    #[test]
    fn a_shown_password_saved_back_keeps_the_real_one_but_a_new_one_replaces_it() {
        let proxy = |p: &str| Network {
            proxy: Some(p.into()),
            ca_file: None,
        };
        let saved = proxy("http://me:hunter2@proxy.local:3128");
        let shown = saved.proxy_for_display().unwrap();
        assert_eq!(proxy(&shown).keeping_password_of(&saved), saved);
        let changed = proxy("http://me:newpass@proxy.local:3128");
        assert_eq!(changed.clone().keeping_password_of(&saved), changed);
        // Stars sent to another proxy are not the saved password's to fill.
        let elsewhere = proxy("http://me:***@other.local:3128");
        assert_eq!(elsewhere.clone().keeping_password_of(&saved), elsewhere);
    }

    #[test]
    fn a_proxy_password_is_hidden_when_shown() {
        let n = Network {
            proxy: Some("http://me:hunter2@proxy.local:3128".into()),
            ca_file: None,
        };
        let shown = n.proxy_for_display().unwrap();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("me:***@proxy.local:3128"), "{shown}");
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
            assert!(e.message.contains(words), "{}", e.message);
        }
    }
}
