//! Fuzz passes over every parser of data a gateway or a user's file controls. Each
//! target replays its corpus (`fuzz/corpus/<target>/`) and then damaged variants of it
//! (see `mutate`): nothing may panic, and what comes out must still make sense.
//! Every `cargo test` runs a short pass; `scripts/fuzz` runs long ones with a fresh seed.

mod mutate;
mod targets;
