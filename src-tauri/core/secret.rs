//! Secrets in memory: API keys and proxy passwords. They cannot be printed by
//! accident: `Debug` and `Display` show only that a secret exists (for a key, its
//! last four characters).

use std::fmt;

use crate::problem::{Problem, Text};
use crate::texts;

#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

/// Any other secret the keychain holds for a profile, such as its proxy password.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret itself, for the keychain and the request that needs it only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why a pasted key cannot be used, in words for the person who pasted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    Empty,
    Spaces,
    /// A character no gateway's key has: control, format (zero-width, BOM), non-ASCII.
    /// The HTTP library refuses to send such a header, so every request would fail.
    Unusual,
}

impl KeyProblem {
    /// The text that tells this problem, for use inside another text.
    pub fn text(self) -> Text {
        match self {
            KeyProblem::Empty => texts::KEY_EMPTY,
            KeyProblem::Spaces => texts::KEY_SPACES,
            KeyProblem::Unusual => texts::KEY_UNUSUAL,
        }
    }

    pub fn problem(self) -> Problem {
        Problem::new(self.text())
    }
}

/// What a paste adds around a key without showing it: zero-width spaces and joiners,
/// direction marks, the word joiner and the byte-order mark.
fn is_invisible_edge(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

impl ApiKey {
    /// Trims what a paste adds around a key (spaces, newlines, zero-width characters,
    /// a `Bearer ` prefix) and refuses anything that cannot travel in a header.
    pub fn parse(raw: &str) -> Result<ApiKey, KeyProblem> {
        let trimmed = raw.trim_matches(is_invisible_edge);
        let trimmed = trimmed
            .strip_prefix("Bearer ")
            .or_else(|| trimmed.strip_prefix("bearer "))
            .unwrap_or(trimmed)
            .trim_matches(is_invisible_edge);
        if trimmed.is_empty() {
            return Err(KeyProblem::Empty);
        }
        if trimmed.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(KeyProblem::Spaces);
        }
        if !trimmed.chars().all(|c| c.is_ascii_graphic()) {
            return Err(KeyProblem::Unusual);
        }
        Ok(ApiKey(trimmed.to_string()))
    }

    /// `parse`, for callers that only need to know whether the key is usable.
    pub fn new(raw: &str) -> Option<ApiKey> {
        Self::parse(raw).ok()
    }

    /// The key itself, for the Authorization header and the keychain only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Enough for a person to recognise which key is saved.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey(…{})", self.last4())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "…{}", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_key_is_trimmed_and_bearer_is_dropped() {
        let key = ApiKey::new("  Bearer sk-abc123XYZ\n").unwrap();
        assert_eq!(key.expose(), "sk-abc123XYZ");
    }

    #[test]
    fn empty_or_spaced_keys_are_refused() {
        assert!(ApiKey::new("   ").is_none());
        assert!(ApiKey::new("sk-abc def").is_none());
    }

    #[test]
    fn invisible_characters_a_paste_adds_at_the_edges_are_dropped() {
        for pasted in [
            "\u{FEFF}sk-abc123",
            "sk-abc123\u{200B}",
            "\u{200B}\u{200D} sk-abc123 \u{2060}",
            "\u{A0}sk-abc123\u{A0}",
            "\u{200E}Bearer sk-abc123\u{FEFF}",
        ] {
            assert_eq!(
                ApiKey::parse(pasted).unwrap().expose(),
                "sk-abc123",
                "{pasted:?}"
            );
        }
    }

    #[test]
    fn keys_that_still_hold_invisible_or_unusual_characters_are_refused() {
        for pasted in [
            "sk-abc\u{200B}123",
            "sk-abc\u{FEFF}123",
            "sk-abc\u{A0}123",
            "sk-abc\u{7}123",
            "sk-abc\u{AD}123",
            "sk-abc\u{202E}123",
            "sk-abcé123",
        ] {
            assert_eq!(
                ApiKey::parse(pasted),
                Err(KeyProblem::Unusual),
                "{pasted:?}"
            );
        }
        assert!(KeyProblem::Unusual
            .problem()
            .english()
            .contains("invisible"));
    }

    #[test]
    fn printing_a_secret_shows_nothing_of_it() {
        let secret = Secret::new("hunter2 with spaces");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }

    #[test]
    fn printing_a_key_shows_only_its_last_four_characters() {
        let key = ApiKey::new("sk-secret-value-9f3a").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(…9f3a)");
        assert_eq!(key.to_string(), "…9f3a");
        assert!(!format!("{key:?} {key}").contains("secret"));
    }
}
