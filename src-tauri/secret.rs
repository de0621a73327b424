//! An API key in memory. It cannot be printed by accident: `Debug` and `Display`
//! show only that a key exists and its last four characters.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Trims what a paste adds around a key (spaces, newlines, a `Bearer ` prefix).
    pub fn new(raw: &str) -> Option<ApiKey> {
        let trimmed = raw.trim();
        let trimmed = trimmed
            .strip_prefix("Bearer ")
            .or_else(|| trimmed.strip_prefix("bearer "))
            .unwrap_or(trimmed)
            .trim();
        if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
            return None;
        }
        Some(ApiKey(trimmed.to_string()))
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
    fn printing_a_key_shows_only_its_last_four_characters() {
        let key = ApiKey::new("sk-secret-value-9f3a").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(…9f3a)");
        assert_eq!(key.to_string(), "…9f3a");
        assert!(!format!("{key:?} {key}").contains("secret"));
    }
}
