//! The problem texts of the app's own rooms (settings, gateways, keys, folders);
//! their wordings are in `ui/i18n/problems/app.<language>.json`.

crate::texts! {
    /// A file or folder could not be read or written; `cause` is the system's words.
    COULD_NOT = "could_not" [action, cause];
    HISTORY_UNAVAILABLE = "history_unavailable" [detail];
    INTERNAL = "internal" [detail];
    KEYCHAIN_UNAVAILABLE = "keychain_unavailable";
    KEYCHAIN_LOCKED = "keychain_locked";
    KEYCHAIN_UNREADABLE = "keychain_unreadable";
}
