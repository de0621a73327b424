//! The app's own IPC types (command arguments and answers that are not the core's),
//! declared for the window's type check beside the core's in `ui/types/`: see
//! `veo_desk_core::ipc_types`, and regenerate with its `REGENERATE` command.

use ts_rs::{Config, ExportError, TS};

use super::app::AppInfo;
use super::batch::BatchRequest;
use super::jobs::{GenerateRequest, UploadUpdate};
use super::settings::{CatalogView, SettingsView, VideoFolder};
use super::story::FilmExport;

/// Writes the declaration of every type that crosses IPC, the core's too, into `cfg`'s folder.
pub fn export_all(cfg: &Config) -> Result<(), ExportError> {
    crate::ipc_types::export_core(cfg)?;
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(cfg)?; )* };
    }
    export!(
        AppInfo,
        BatchRequest,
        CatalogView,
        FilmExport,
        GenerateRequest,
        SettingsView,
        UploadUpdate,
        VideoFolder,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ipc_types::check_or_write;

    /// Also finds a committed file that no type generates any more.
    #[test]
    fn ipc_types_in_ui_types_match_the_rust_types() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/types");
        check_or_write(&committed, true, export_all);
    }
}
