//! Helpers shared by several rules; not rules themselves (the registry test reads only the
//! files directly under `src/rules/`).

pub mod availability;
pub mod pods;
pub mod probes;
pub mod schema;
