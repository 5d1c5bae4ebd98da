//! kube-contract: lints Kubernetes manifests against the zero-downtime developer contract.

pub mod cli;
pub mod config;
pub mod deprecated_apis;
pub mod diagnostic;
pub mod docs;
pub mod engine;
pub mod index;
pub mod kube_version;
pub mod model;
pub mod output;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod selector;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod wait;
pub mod yaml;
