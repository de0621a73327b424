//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/gateway.<language>.json`.

crate::texts! {}
