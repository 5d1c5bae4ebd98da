//! What a run is told: the configuration file (`config.rs`) and the flags, resolved into one value.

use std::collections::{BTreeMap, BTreeSet};

use crate::base::diagnostic::Severity;
use crate::base::kube_version::KubeVersion;
use crate::rule::{OptionValue, RuleOption};

#[derive(Debug, Clone)]
pub struct Settings {
    /// Namespace of objects without `metadata.namespace`.
    pub namespace: String,
    /// Zones the platform spreads over.
    pub zones: u32,
    /// Which findings make the exit code 1.
    pub fail_on: FailOn,
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
    /// Controllers the platform declares (`controllers`): their pods are judged like a
    /// Deployment's.
    pub controllers: Vec<crate::model::Controller>,
    /// Where a rule's documentation is: a URL with `{rule}` where the id goes (`docs-url`).
    pub docs_url: String,
    /// Rule settings for some files, namespaces or kinds (`overrides`), applied in order.
    pub overrides: Vec<ScopedOverride>,
}

/// One entry of `overrides`: rule severities and options for the objects it matches. An
/// empty list matches everything.
#[derive(Debug, Clone, Default)]
pub struct ScopedOverride {
    /// Globs of files, matched against paths relative to `base`.
    pub files: Option<globset::GlobSet>,
    /// The directory of the configuration file.
    pub base: std::path::PathBuf,
    pub namespaces: Vec<String>,
    pub kinds: Vec<String>,
    /// Per rule: severity, `None` for off.
    pub severities: BTreeMap<String, Option<Severity>>,
    pub options: BTreeMap<String, BTreeMap<String, String>>,
}

impl ScopedOverride {
    /// Whether it applies to an object (`kind`, `namespace`: `None` for a finding on no
    /// object, which only an override without `kinds` and `namespaces` matches) of a file
    /// (absolute path; `None` for standard input, which only an override without `files`
    /// matches).
    pub fn matches(
        &self,
        file: Option<&std::path::Path>,
        kind: Option<&str>,
        namespace: Option<&str>,
    ) -> bool {
        let file_ok = match (&self.files, file) {
            (None, _) => true,
            (Some(set), Some(path)) => path
                .strip_prefix(&self.base)
                .is_ok_and(|rel| set.is_match(rel)),
            (Some(_), None) => false,
        };
        let listed = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        file_ok && listed(&self.kinds, kind) && listed(&self.namespaces, namespace)
    }
}

/// The default `docs-url`: the rule pages of the repository (`Cargo.toml`'s `repository`).
pub const DEFAULT_DOCS_URL: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/rules/{rule}.md"
);

/// The docs page of a rule, from a `docs-url` template.
pub fn rule_url(template: &str, id: &str) -> String {
    template.replace("{rule}", id)
}

/// When findings make the exit code 1: `fail-on` in the configuration, `--fail-on` on the
/// command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// A finding at or above this severity.
    Severity(Severity),
    /// None: the run fails only when something could not be linted.
    Never,
}

impl Default for FailOn {
    fn default() -> Self {
        FailOn::Severity(Severity::Warning)
    }
}

impl FailOn {
    /// The values `fail-on` and `--fail-on` accept.
    pub const VALUES: &'static [&'static str] = &["error", "warning", "info", "never"];

    pub fn parse(text: &str) -> Option<FailOn> {
        match (text, Severity::parse(text)) {
            (_, Some(s)) => Some(FailOn::Severity(s)),
            ("never", None) => Some(FailOn::Never),
            _ => None,
        }
    }

    /// Whether a finding of severity `s` fails the run.
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Severity(at) => s >= at,
            FailOn::Never => false,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            namespace: "default".into(),
            zones: 3,
            fail_on: FailOn::default(),
            select: BTreeSet::new(),
            ignore: BTreeSet::new(),
            severities: BTreeMap::new(),
            options: BTreeMap::new(),
            jobs: 0,
            kubernetes_version: None,
            schema_paths: Vec::new(),
            controllers: Vec::new(),
            docs_url: DEFAULT_DOCS_URL.to_string(),
            overrides: Vec::new(),
        }
    }
}

/// The rule no selection, `--ignore` or `off` turns off: a document that could not be read is
/// never a silent pass (exit code 2 stays). `rules::parse_error::META.id`; a test checks it.
pub const ALWAYS_ON: &str = "parse-error";

impl Settings {
    /// Whether the rule runs at all. [`ALWAYS_ON`] always does.
    pub fn enabled(&self, id: &str) -> bool {
        if id == ALWAYS_ON {
            return true;
        }
        (self.select.is_empty() || self.select.contains(id))
            && !self.ignore.contains(id)
            && !matches!(self.severities.get(id), Some(None))
    }

    /// The overrides that apply to an object of a file (see [`ScopedOverride::matches`]).
    /// `namespace` is the object's as reports name it: the default namespace for a namespaced
    /// object written without one, `None` for a cluster-scoped object (which no `namespaces`
    /// list matches).
    pub fn overrides_for(
        &self,
        file: Option<&std::path::Path>,
        kind: Option<&str>,
        namespace: Option<&str>,
    ) -> Vec<usize> {
        (0..self.overrides.len())
            .filter(|&i| self.overrides[i].matches(file, kind, namespace))
            .collect()
    }

    /// These settings with the given overrides applied, in order.
    pub fn with_overrides(&self, which: &[usize]) -> Settings {
        let mut s = self.clone();
        for &i in which {
            let Some(o) = self.overrides.get(i) else {
                continue;
            };
            for (id, sev) in &o.severities {
                s.severities.insert(id.clone(), *sev);
                // `--select` runs a rule the file turned off; an override does not overrule it.
                if sev.is_none() && self.select.contains(id) {
                    s.severities.remove(id);
                }
            }
            for (id, opts) in &o.options {
                s.options
                    .entry(id.clone())
                    .or_default()
                    .extend(opts.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        s
    }

    /// The severity a rule's findings get.
    pub fn severity(&self, id: &str, default: Severity) -> Severity {
        match self.severities.get(id) {
            Some(Some(s)) => *s,
            _ => default,
        }
    }

    /// The value of an integer option of `rule` (the configuration has checked it), else
    /// the option's default, never less than its minimum.
    pub fn integer(&self, rule: &str, option: &RuleOption) -> i64 {
        let OptionValue::Integer { default, min } = option.default else {
            return 0;
        };
        self.options
            .get(rule)
            .and_then(|o| o.get(option.name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
            .max(min)
    }
}
