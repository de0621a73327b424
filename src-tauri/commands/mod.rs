//! Thin `#[tauri::command]` wrappers: parse arguments, call the core, map errors.
//! Each domain gets its own file; none holds logic worth testing without a window.

pub mod app;
pub mod batch;
pub mod images;
pub mod jobs;
pub mod pick;
pub mod profiles;
pub mod settings;
pub mod story;
pub mod types;

use crate::error::{Error, Result};

/// Runs blocking core work off the IPC thread. A panic inside becomes an
/// `internal` error for the UI instead of a silently dropped reply.
pub async fn blocking<T, F>(work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    match tauri::async_runtime::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join) => Err(Error::internal(panic_detail(join))),
    }
}

fn panic_detail(join: tauri::Error) -> String {
    match join {
        tauri::Error::JoinError(e) if e.is_panic() => {
            let payload = e.into_panic();
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a task stopped unexpectedly".into())
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_blocking_work_becomes_an_internal_error() {
        let result: Result<()> =
            tauri::async_runtime::block_on(blocking(|| panic!("thumbnail worker fell over")));
        let err = result.unwrap_err();
        assert_eq!(err.code(), "internal");
        assert!(err.to_string().contains("thumbnail worker fell over"));
    }

    #[test]
    fn blocking_work_returns_its_value() {
        let result = tauri::async_runtime::block_on(blocking(|| Ok(21 * 2)));
        assert_eq!(result.unwrap(), 42);
    }
}
