//! What a run is told: the configuration file (`config.rs`) and the flags, resolved into one value.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Severity;
use crate::kube_version::KubeVersion;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Namespace of objects without `metadata.namespace`.
    pub namespace: String,
    /// Zones the platform spreads over.
    pub zones: u32,
    /// Findings at or above this severity make the exit code 1.
    pub fail_on: Severity,
    /// Only these rules (empty: all).
    pub select: BTreeSet<String>,
    /// Never these rules.
    pub ignore: BTreeSet<String>,
    /// Per-rule severity; `None` turns the rule off.
    pub severities: BTreeMap<String, Option<Severity>>,
    /// Per-rule options, as written: rule id → option name → value.
    pub options: BTreeMap<String, BTreeMap<String, String>>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// The Kubernetes release to check API versions against (`None`: the newest release the
    /// deprecated-API table knows).
    pub kubernetes_version: Option<KubeVersion>,
    /// Files and directories of CustomResourceDefinitions read for the schema checks, besides
    /// the CRDs among the inputs (the `schemas` setting).
    pub schema_paths: Vec<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            namespace: "default".into(),
            zones: 3,
            fail_on: Severity::Warning,
            select: BTreeSet::new(),
            ignore: BTreeSet::new(),
            severities: BTreeMap::new(),
            options: BTreeMap::new(),
            jobs: 0,
            kubernetes_version: None,
            schema_paths: Vec::new(),
        }
    }
}

impl Settings {
    /// Whether the rule runs at all.
    pub fn enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.contains(id))
            && !self.ignore.contains(id)
            && !matches!(self.severities.get(id), Some(None))
    }

    /// The severity a rule's findings get.
    pub fn severity(&self, id: &str, default: Severity) -> Severity {
        match self.severities.get(id) {
            Some(Some(s)) => *s,
            _ => default,
        }
    }

    /// A rule option as an integer, or its default.
    pub fn option_i64(&self, rule: &str, name: &str, default: i64) -> i64 {
        self.options
            .get(rule)
            .and_then(|o| o.get(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}
