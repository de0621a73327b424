//! Client for video gateways that speak the "OpenAI video format" (`POST /v1/videos`).
//!
//! Knows nothing of Tauri: the app calls [`GatewayClient`] and forwards progress to the UI.
//! Real gateways differ from the spec in many small ways; everything here reads them
//! leniently and turns every failure into one [`GatewayError`] with a stable code.

pub mod catalog;
pub mod client;
mod download;
pub mod errors;
mod http;
pub mod poll;
pub mod url;
pub mod wire;

pub use catalog::{Catalog, ModelSpec};
pub use client::{ClientOptions, GatewayClient, ReferenceImage, SubmitRequest};
pub use download::DownloadProgress;
pub use errors::{ErrorKind, GatewayError};
pub use poll::{PollPolicy, RetryPolicy};
pub use url::BaseUrl;
pub use wire::{JobState, VideoJob};
