//! The TypeScript declarations of what crosses IPC, generated from the Rust types
//! themselves (ts-rs, following their serde names) into `ui/types/`: one file per
//! type, committed, and read only by `tsc`, which checks the window's JavaScript
//! against them (tsconfig.json). The window loads none of them.
//!
//! Every such type serialises its fields in snake_case; Tauri's command *argument*
//! names stay camelCase (`uploadId`), as Tauri maps them.
//!
//! The app adds its own command types (`src-tauri/commands/types.rs`). A test in each
//! crate fails when a committed file differs from what the types generate; rewrite
//! them with [`REGENERATE`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, ExportError, TS};

use crate::error::AppError;
use crate::gateway::exchange::Exchange;
use crate::gateway::ModelSpec;
use crate::images::{PreparedPreview, Probe, ThumbnailPreview};
use crate::jobs::continuation::Continuation;
use crate::jobs::estimate::TimeEstimate;
use crate::jobs::{Cursor, GatewayDeletion, JobRow, Page, QueueStatus, Removal, StoryShot};
use crate::media::{Run, StitchReport};
use crate::profile_form::{ConnectionReport, ProfileView};
use crate::profiles::ProfileDraft;
use crate::settings::{FormSettings, Settings, Theme};

/// The command that rewrites `ui/types/` from the Rust types.
pub const REGENERATE: &str = "VEO_DESK_WRITE_TYPES=1 cargo test -p veo-desk --lib ipc_types";

/// Set (to anything) to write the declarations into `ui/types/` instead of checking them.
pub const WRITE_VAR: &str = "VEO_DESK_WRITE_TYPES";

/// How the declarations are made. Whole numbers are JSON numbers, and so `number`:
/// times are Unix milliseconds and sizes bytes, far within a double's exact integers.
pub fn config(dir: &Path) -> Config {
    Config::new().with_large_int("number").with_out_dir(dir)
}

/// Writes the declaration of every core type the window receives or sends, and of each
/// type they use, into `cfg`'s folder.
pub fn export_core(cfg: &Config) -> Result<(), ExportError> {
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(cfg)?; )* };
    }
    export!(
        AppError,
        ConnectionReport,
        Continuation,
        Cursor,
        Exchange,
        FormSettings,
        GatewayDeletion,
        JobRow,
        ModelSpec,
        Page,
        PreparedPreview,
        Probe,
        ProfileDraft,
        ProfileView,
        QueueStatus,
        Removal,
        Run,
        Settings,
        StitchReport,
        StoryShot,
        Theme,
        ThumbnailPreview,
        TimeEstimate,
    );
    Ok(())
}

/// The `.ts` files directly in `dir`, by name.
pub fn read_declarations(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.insert(name.into_owned(), std::fs::read_to_string(&path)?);
        }
    }
    Ok(files)
}

/// What differs between freshly `generated` declarations and the `committed` folder, one
/// line each; empty when they agree. With `all`, a committed file nothing generated
/// (a type renamed or gone) counts too.
pub fn differences(generated: &Path, committed: &Path, all: bool) -> Vec<String> {
    let read = |dir: &Path| {
        read_declarations(dir).unwrap_or_else(|e| panic!("{} unreadable: {e}", dir.display()))
    };
    let (fresh, kept) = (read(generated), read(committed));
    let mut found: Vec<String> = fresh
        .iter()
        .filter_map(|(name, text)| match kept.get(name) {
            None => Some(format!("{name} is missing")),
            Some(old) if old != text => Some(format!("{name} is out of date")),
            Some(_) => None,
        })
        .collect();
    if all {
        found.extend(
            kept.keys()
                .filter(|name| !fresh.contains_key(*name))
                .map(|name| format!("{name} declares a type that no longer crosses IPC")),
        );
    }
    found
}

/// Checks the committed declarations in `committed` against what `export` generates, or
/// with [`WRITE_VAR`] set writes them there (with `all`, first removing every `.ts`
/// file, so a type that is gone goes too). Panics with what differs and how to fix it.
pub fn check_or_write(
    committed: &Path,
    all: bool,
    export: impl Fn(&Config) -> Result<(), ExportError>,
) {
    if std::env::var_os(WRITE_VAR).is_some() {
        if all {
            let old = read_declarations(committed).expect("ui/types readable");
            for name in old.keys() {
                std::fs::remove_file(committed.join(name)).expect("old declaration removed");
            }
        }
        export(&config(committed)).expect("declarations written");
        return;
    }
    let scratch = tempfile::tempdir().expect("a scratch folder");
    export(&config(scratch.path())).expect("declarations generated");
    let found = differences(scratch.path(), committed, all);
    assert!(
        found.is_empty(),
        "the TypeScript declarations in {} do not match the Rust types:\n  {}\nRegenerate them with:\n  {REGENERATE}",
        committed.display(),
        found.join("\n  "),
    );
}

/// `ui/types/` in the repository.
pub fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/types")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_types_in_ui_types_match_the_core_types() {
        check_or_write(&committed_dir(), false, export_core);
    }

    #[test]
    fn every_whole_number_is_a_plain_number_and_fields_are_snake_case() {
        let cfg = config(Path::new("."));
        let row = JobRow::decl(&cfg);
        assert!(row.contains("created_at: number"), "{row}");
        assert!(!row.contains("bigint"), "{row}");
        let profile = ProfileView::decl(&cfg);
        assert!(profile.contains("base_url: string"), "{profile}");
    }

    #[test]
    fn a_changed_or_unknown_declaration_is_told_apart_from_a_matching_one() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(a.path().join("Same.ts"), "x").unwrap();
        std::fs::write(b.path().join("Same.ts"), "x").unwrap();
        std::fs::write(a.path().join("Changed.ts"), "new").unwrap();
        std::fs::write(b.path().join("Changed.ts"), "old").unwrap();
        std::fs::write(b.path().join("Gone.ts"), "old").unwrap();
        std::fs::write(b.path().join("notes.md"), "not a declaration").unwrap();
        assert_eq!(
            differences(a.path(), b.path(), false),
            ["Changed.ts is out of date"]
        );
        assert_eq!(
            differences(a.path(), b.path(), true),
            [
                "Changed.ts is out of date",
                "Gone.ts declares a type that no longer crosses IPC"
            ]
        );
        assert_eq!(
            differences(b.path(), tempfile::tempdir().unwrap().path(), false),
            [
                "Changed.ts is missing",
                "Gone.ts is missing",
                "Same.ts is missing"
            ]
        );
    }
}
