//! kube-contract: lints Kubernetes manifests against the zero-downtime developer contract.
//!
//! The modules are phases, each depending only on the ones listed before it (the layering
//! test in `tests/layering.rs` keeps it so): `base` → `yaml` → `model` → `index` → `rule` →
//! `schema` → `rules` → `suppress` → `config` → `source` → `engine` → `output` → `cli`.

pub mod base;
pub mod cli;
pub mod config;
pub mod engine;
pub mod index;
pub mod model;
pub mod output;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suppress;
pub mod yaml;
