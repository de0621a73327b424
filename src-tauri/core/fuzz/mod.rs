//! Fuzz passes over every parser of data a gateway or a user's file controls. Each
//! target replays its corpus (`fuzz/corpus/<target>/`) and then damaged variants of it
//! (see `mutate`): nothing may panic, and what comes out must still make sense.
//! Every `cargo test` runs a short pass; `scripts/fuzz` runs long ones, and
//! `cargo fuzz` (coverage-guided) runs the DC-only JPEG decoder, which needs no Tauri.

mod mutate;
mod targets;
