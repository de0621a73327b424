//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/images.<language>.json`.

crate::texts! {}
