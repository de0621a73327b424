//! The problem texts of this room; their wordings are in
//! `ui/i18n/problems/jobs.<language>.json`.

crate::texts! {}
