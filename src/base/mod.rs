//! The lowest layer: positions and spans, diagnostics, Kubernetes versions, fuzzy matching,
//! and reading bytes and paths. Depends on nothing else in the crate.

pub mod diagnostic;
pub mod fuzzy;
pub mod io;
pub mod kube_version;
pub mod regular_file;
pub mod releases;
pub mod span;
