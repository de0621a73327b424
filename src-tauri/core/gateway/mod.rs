//! Client for video gateways that speak the "OpenAI video format" (`POST /v1/videos`).
//!
//! Knows nothing of Tauri: the app calls [`GatewayClient`] and forwards progress to the UI.
//! Real gateways differ from the spec in many small ways; everything here reads them
//! leniently and turns every failure into one [`GatewayError`] with a stable code.
//!
//! The lifecycle, as the app drives it (all futures are `Send`):
//!
//! ```text
//! let catalog = Catalog::load(&models_json_path)?;          // built-ins + user models
//! catalog.validate(&model, &seconds, &size)?;               // "veo3.1 makes 4, 6 or 8 second videos."
//! let client = GatewayClient::new(base_url, api_key, ClientOptions::default())?;
//! let job = client.submit(&request).await?;                 // sent once, never retried
//! // store job.id now: a restarted app resumes with wait_until_done(id)
//! let done = client.wait_until_done(&job.id, |j| ui_update(j)).await?;
//! client.download(&done, &dest, |p| ui_progress(p)).await?;
//! ```
//!
//! Cancelling is dropping the future. `list` and `delete` may answer `not_supported`.

pub mod catalog;
pub mod client;
mod download;
pub mod errors;
pub mod exchange;
mod http;
pub mod limits;
mod local_address;
pub mod network;
pub mod poll;
mod redirect;
mod safety;
pub mod style;
pub mod texts;
mod upload;
pub mod url;
pub mod wire;

pub use catalog::{Catalog, InputWay, ModelInputs, ModelSpec, Pictures, ReferenceImagesWay};
pub use client::{ClientOptions, GatewayClient, ReferenceImage, StyleSink, SubmitRequest};
pub use download::DownloadProgress;
pub use errors::{ErrorKind, GatewayError};
pub use limits::{Limits, MinRate};
pub use network::Network;
pub use poll::{PollPolicy, RetryPolicy};
pub use style::{Detected, ExtrasStyle, RequestStyle, SizeStyle};
pub use upload::UploadWatch;
pub use url::BaseUrl;
pub use wire::{JobState, VideoJob};
