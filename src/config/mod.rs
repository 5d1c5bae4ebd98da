//! `.kube-contract.yaml`: the platform's settings and each rule's severity and options.
//!
//! The file is read with the same YAML reader as manifests, so every mistake in it is reported
//! at its line and column; unknown keys, rule ids and options, and values of the wrong type,
//! stop the run (exit code 2) instead of being ignored. [`KEYS`] is the one description of the
//! file: reading, `kube-contract init` and `docs/configuration.md` all follow it.

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::path::{Path, PathBuf};

use crate::base::diagnostic::Severity;
use crate::base::kube_version::KubeVersion;
use crate::base::span::{line_text, Pos, Span};
use crate::base::{fuzzy, io, regular_file};
use crate::rule::settings::{FailOn, Settings, ALWAYS_ON};
use crate::rule::{OptionKind, OptionValue, RuleMeta};
use crate::rules::{self, unknown_rule};
use crate::yaml::{self, NodeId, Tree, Value};

/// The file's name, looked for in the current directory and its parents.
pub const FILE_NAME: &str = ".kube-contract.yaml";

/// A rule's entry under `rules:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    /// `Some(None)` is `off`.
    pub severity: Option<Option<Severity>>,
    /// Option name → value, normalised (`10`, `true`).
    pub options: BTreeMap<String, String>,
}

/// What a configuration file sets; `None` and empty mean "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    pub kubernetes_version: Option<KubeVersion>,
    pub zones: Option<u32>,
    pub namespace: Option<String>,
    pub fail_on: Option<FailOn>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Globs of directories that are application roots, relative to the file's directory.
    pub applications: Vec<String>,
    /// Controllers whose pods are judged like a Deployment's (`controllers`).
    pub controllers: Vec<crate::model::Controller>,
    /// Files or directories of CustomResourceDefinitions (`schemas`), as written.
    pub schemas: Vec<String>,
    pub rules: BTreeMap<String, RuleConfig>,
    /// `docs-url`: where each rule's page is, `{rule}` standing for its id.
    pub docs_url: Option<String>,
    /// `overrides`: rule settings for some files, namespaces or kinds, in order.
    pub overrides: Vec<Override>,
}

/// An entry of `overrides`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Override {
    /// Globs relative to the configuration file's directory.
    pub files: Vec<String>,
    pub namespaces: Vec<String>,
    pub kinds: Vec<String>,
    pub rules: BTreeMap<String, RuleConfig>,
}

/// A mistake in the configuration file, at its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as reports name it.
    pub file: String,
    pub span: Span,
    pub message: String,
    /// The text of the line, for rendering.
    pub line: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.span.start.line, self.span.start.column, self.message
        )
    }
}

/// How many characters of a value a message quotes (a 50 MB value is not echoed).
const MAX_SHOWN_VALUE: usize = 60;
/// How many characters of a line an error shows.
const MAX_SHOWN_LINE: usize = 200;

/// The first `max` characters of `s`, with `…` when cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A message with every `quoted` value cut to [`MAX_SHOWN_VALUE`] characters.
fn clip_quoted(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() < 3 {
        return message.to_string();
    }
    let last = parts.len() - 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // Odd parts are inside backticks (a trailing unmatched one is left alone).
            if i % 2 == 1 && i < last {
                clip(p, MAX_SHOWN_VALUE)
            } else {
                (*p).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// The errors as the command line prints them: message, position, the line and a marker.
pub fn render_errors(errors: &[ConfigError]) -> String {
    let mut s = String::new();
    for e in errors {
        let line = e.span.start.line;
        let _ = writeln!(s, "error: {}", e.message);
        let _ = writeln!(s, "  --> {}:{}:{}", e.file, line, e.span.start.column);
        if let Some(text) = &e.line {
            let width = line.to_string().len();
            // The line is clipped: the marker stays within what is shown.
            let shown = text.chars().count().max(1);
            let col = (e.span.start.column.max(1) as usize).min(shown);
            let len = if e.span.end.line == line && e.span.end.column > e.span.start.column {
                ((e.span.end.column - e.span.start.column) as usize).min(shown + 1 - col)
            } else {
                1
            };
            let _ = writeln!(s, "{:width$} |", "");
            let _ = writeln!(s, "{line} | {text}");
            let _ = writeln!(
                s,
                "{:width$} | {}{}",
                "",
                " ".repeat(col - 1),
                "^".repeat(len)
            );
        }
    }
    s
}

/// One top-level key of the file.
pub struct ConfigKey {
    pub name: &'static str,
    /// The value's type, for the docs.
    pub value: &'static str,
    /// The default, as the docs show it.
    pub default: fn() -> String,
    /// The flag that overrides it.
    pub flag: Option<&'static str>,
    pub description: &'static str,
    /// What `kube-contract init` writes: the default as YAML, or `None` to leave the key
    /// commented out (its default follows kube-contract's version).
    init: fn() -> Option<String>,
    read: fn(&mut Reader<'_, '_>, NodeId),
}

fn newest_release() -> String {
    crate::schema::newest_release().map_or_else(|| "unknown".to_string(), |v| v.to_string())
}

/// Every key of `.kube-contract.yaml`, in the order the docs and `init` list them.
pub static KEYS: &[ConfigKey] = &[
    ConfigKey {
        name: "kubernetes-version",
        value: "string, a release such as `\"1.29\"`",
        default: || {
            format!(
                "the newest release kube-contract knows ({})",
                newest_release()
            )
        },
        flag: Some("--kubernetes-version"),
        description: "The oldest Kubernetes release your clusters run. `removed-api` and \
`deprecated-api` check every apiVersion against it, so an upgrade is caught in the pull request \
that raises this number rather than during the upgrade; `unknown-field` and \
`invalid-field-type` check every field against its API schema (for a release older than the \
schema data, against the oldest release of the data). A release outside those kube-contract knows \
(the deprecated-API table's oldest release to the schema data's newest) is an error naming them. Quote it: unquoted, YAML reads `1.30` \
as the number 1.3 (kube-contract reads the text as written, but other tools may not).",
        init: || None,
        read: read_kubernetes_version,
    },
    ConfigKey {
        name: "zones",
        value: "integer ≥ 1",
        default: || "3".to_string(),
        flag: Some("--zones"),
        description: "Zones the platform spreads workloads over. Rules about replicas and \
topology spread read it: a workload needs at least one replica per zone to survive the loss of \
a zone.",
        init: || Some("3".to_string()),
        read: read_zones,
    },
    ConfigKey {
        name: "namespace",
        value: "string, a namespace name",
        default: || "`default`".to_string(),
        flag: Some("--namespace"),
        description: "The namespace of objects without `metadata.namespace`, as `kubectl apply \
-n` would give them. Selectors only match inside one namespace, so this decides which \
PodDisruptionBudgets, Services and HorizontalPodAutoscalers go with which workloads.",
        init: || Some("default".to_string()),
        read: read_namespace,
    },
    ConfigKey {
        name: "fail-on",
        value: "`error`, `warning`, `info` or `never`",
        default: || "`warning`".to_string(),
        flag: Some("--fail-on"),
        description: "The exit code is 1 when a finding at or above this severity is \
reported (`never`: only problems reading the input change the exit code).",
        init: || Some("warning".to_string()),
        read: read_fail_on,
    },
    ConfigKey {
        name: "include",
        value: "list of globs",
        default: || "`[]` (every file)".to_string(),
        flag: Some("--include"),
        description: "When a directory is linted, only files matching one of these globs are \
read. Globs are relative to the directory of the configuration file; `*` stays within one \
directory and `**` crosses directories (`deploy/**/*.yaml`). `--include` on the command line \
replaces this list.",
        init: || Some("[]".to_string()),
        read: read_include,
    },
    ConfigKey {
        name: "exclude",
        value: "list of globs",
        default: || "`[]`".to_string(),
        flag: Some("--exclude"),
        description: "Files matching one of these globs are not linted, even when named on the \
command line. Relative to the directory of the configuration file, like `include`. \
`--exclude` on the command line adds to this list.",
        init: || Some("[]".to_string()),
        read: read_exclude,
    },
    ConfigKey {
        name: "applications",
        value: "list of globs",
        default: || "`[]` (applications are found from the layout)".to_string(),
        flag: None,
        description: "Directories that are application roots, for a repository whose layout \
does not show them. Cross-object rules never link objects of two applications: a budget, \
Service or autoscaler of one application does not match the workloads of another, even in the \
same namespace. A directory holding a `kustomization.yaml`, a `Chart.yaml` or a \
`.kube-contract.yaml` is an application root anyway, and the directories a kustomization names \
(`resources`, `bases`, `components`, patches) belong to its application too. Globs are relative \
to the directory of the configuration file and match directories (`apps/*`, `teams/*/svc-*`); \
a glob that matches a file makes that file an application of its own, for independent samples or \
test fixtures kept side by side (`fixtures/**/*.yaml`).",
        init: || Some("[]".to_string()),
        read: read_applications,
    },
    ConfigKey {
        name: "schemas",
        value: "list of paths",
        default: || "`[]`".to_string(),
        flag: None,
        description: "Files or directories of CustomResourceDefinitions (YAML or JSON, read \
recursively) whose `openAPIV3Schema` checks custom resources, besides the CRDs among the linted \
files: a platform's CRDs kept in another repository or directory. Relative to the directory of \
the configuration file. Custom resources with no CRD in reach are not checked (the summary \
counts them).",
        init: || Some("[]".to_string()),
        read: read_schemas,
    },
    ConfigKey {
        name: "controllers",
        value:
            "list of mappings: `group`, `kind`, and optionally `template`, `selector`, `replicas`",
        default: || "`[]`".to_string(),
        flag: None,
        description: "Controllers of the platform that run pods the way a Deployment does (an \
operator's `CloneSet`, an in-house `WebService`): every pod, replica and cross-object rule then \
judges them, and their Services and budgets no longer select nothing. `group` is the API group \
(`apps.kruise.io`; `\"\"` for the core group) and `kind` the kind; `template`, `selector` and \
`replicas` are the dotted paths of the pod template, the label selector and the replica count \
from the object's root (default `spec.template`, `spec.selector`, `spec.replicas`). Argo \
Rollouts' `Rollout` and OpenShift's `DeploymentConfig` are known without this.",
        init: || Some("[]".to_string()),
        read: read_controllers,
    },
    ConfigKey {
        name: "docs-url",
        value: "string, a URL with `{rule}` where the rule id goes",
        default: || format!("`{}`", crate::rule::settings::DEFAULT_DOCS_URL),
        flag: None,
        description: "Where each rule's documentation is: every finding links it (`url` in \
JSON, a `docs:` line in human output, the annotation's title in `--format github`, `helpUri` in \
SARIF, the failure text in JUnit). Point it at an internal mirror or wiki page of your platform's \
own guidance, e.g. `https://wiki.example.com/k8s/{rule}`.",
        init: || Some(format!("\"{}\"", crate::rule::settings::DEFAULT_DOCS_URL)),
        read: read_docs_url,
    },
    ConfigKey {
        name: "overrides",
        value: "list of mappings: `files`, `namespaces`, `kinds` (lists, each optional) and `rules`",
        default: || "`[]`".to_string(),
        flag: None,
        description: "Rule settings for part of the repository: vendored charts, a `jobs/` \
directory, a namespace with other rules. Each entry applies its `rules` (written like the \
top-level `rules`: a severity, `off`, or a mapping with `severity` and options) to the objects \
it matches: in a file matching one of `files` (globs relative to the directory of this file, \
like `exclude`), in one of `namespaces` (an object without `metadata.namespace` is in the \
default `namespace`), and of one of `kinds` (`Deployment`, `CronJob`, …). A list left out \
matches everything; a finding on no object (a file that cannot be read) matches only entries \
without `namespaces` and `kinds`. Entries apply in order, after the top-level `rules`, so a \
later entry wins. `--select` still runs the rules it names. `parse-error` cannot be turned off.",
        init: || Some("[]".to_string()),
        read: read_overrides,
    },
    ConfigKey {
        name: "rules",
        value: "mapping from rule id to a severity, or to `severity` and the rule's options",
        default: || "every rule at its default severity".to_string(),
        flag: Some("--select, --ignore"),
        description: "Per rule: `error`, `warning`, `info` or `off`, written as \
`bare-pod: error`; or a mapping with `severity` and the rule's options, written as \
`prestop-exceeds-grace-period: {min-shutdown-seconds: 10}`. Rules not listed keep their \
default severity and options. `--select` runs only the rules it names (even those set to \
`off` here); `--ignore` turns rules off.",
        init: || None,
        read: read_rules,
    },
];

struct Reader<'t, 'a> {
    tree: &'t Tree<'a>,
    text: &'a str,
    file: &'t str,
    errors: Vec<ConfigError>,
    config: Config,
}

impl Reader<'_, '_> {
    fn error_at(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ConfigError {
            file: self.file.to_string(),
            span,
            message: clip_quoted(&message.into()),
            line: line_text(self.text, span.start.line).map(|l| clip(l, MAX_SHOWN_LINE)),
        });
    }

    fn error(&mut self, node: NodeId, message: impl Into<String>) {
        let span = self.tree.span(node);
        self.error_at(span, message);
    }

    /// The text of a scalar as written (so `1.30` stays `1.30` and `off` is not a boolean).
    fn text(&mut self, node: NodeId, key: &str, expected: &str) -> Option<String> {
        match self.tree.value(node) {
            Some(Value::Null) | None => {
                let what = self.tree.type_name(node);
                self.error(node, format!("`{key}` must be {expected}, not {what}"));
                None
            }
            Some(_) => self.tree.str(node).map(str::to_string),
        }
    }

    /// Keys of a mapping, reporting keys that are not strings and keys written twice.
    fn entries(&mut self, map: NodeId, what: &str) -> Vec<(String, NodeId, NodeId)> {
        let mut out: Vec<(String, NodeId, NodeId)> = Vec::new();
        for (k, v) in self.tree.pairs(map) {
            let Some(name) = self.tree.str(k).map(str::to_string) else {
                self.error(k, format!("{what} must be a plain name"));
                continue;
            };
            if let Some((_, first, _)) = out.iter().find(|(n, _, _)| *n == name) {
                let line = self.tree.span(*first).start.line;
                self.error(k, format!("`{name}` is set twice (first on line {line})"));
                continue;
            }
            out.push((name, k, v));
        }
        out
    }

    fn globs(&mut self, node: NodeId, key: &str) -> Vec<String> {
        let Some(node) = self.tree.resolve(node) else {
            return Vec::new();
        };
        if self.tree.is_null(node) {
            return Vec::new();
        }
        let items = self.tree.items(node).to_vec();
        if items.is_empty() && self.tree.value(node).is_some() {
            self.error(
                node,
                format!("`{key}` must be a list of globs, e.g. `{key}: [\"charts/**\"]`"),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in items {
            match self.tree.value(item) {
                Some(Value::Str(g)) => match io::glob(g) {
                    Ok(_) => out.push(g.to_string()),
                    Err(e) => self.error(item, format!("invalid glob `{g}` in `{key}`: {e}")),
                },
                _ => {
                    let what = self.tree.type_name(item);
                    self.error(
                        item,
                        format!("`{key}` must hold globs (strings), not {what}"),
                    );
                }
            }
        }
        out
    }
}

fn read_kubernetes_version(r: &mut Reader<'_, '_>, v: NodeId) {
    let Some(text) = r.text(v, "kubernetes-version", "a release such as \"1.29\"") else {
        return;
    };
    match text
        .parse::<KubeVersion>()
        .and_then(crate::schema::check_target)
    {
        Ok(k) => r.config.kubernetes_version = Some(k),
        Err(e) => r.error(v, e),
    }
}

fn read_zones(r: &mut Reader<'_, '_>, v: NodeId) {
    match r.tree.value(v) {
        Some(Value::Int(n)) if n >= 1 && n <= i64::from(u32::MAX) => {
            r.config.zones = Some(n as u32)
        }
        Some(Value::Int(n)) => r.error(v, format!("`zones` must be 1 or more, not {n}")),
        _ => {
            let what = r.tree.type_name(v);
            r.error(
                v,
                format!("`zones` must be an integer such as 3, not {what}"),
            );
        }
    }
}

/// Whether a name is a DNS-1123 label, as namespace names are.
fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

fn read_namespace(r: &mut Reader<'_, '_>, v: NodeId) {
    match r.tree.value(v) {
        Some(Value::Str(s)) if is_dns_label(s) => r.config.namespace = Some(s.to_string()),
        Some(Value::Str(s)) => r.error(
            v,
            format!(
                "`{s}` is not a namespace name: lowercase letters, digits and `-`, at most 63, \
                 starting and ending with a letter or digit"
            ),
        ),
        _ => {
            let what = r.tree.type_name(v);
            r.error(
                v,
                format!("`namespace` must be a namespace name, not {what}"),
            );
        }
    }
}

fn read_fail_on(r: &mut Reader<'_, '_>, v: NodeId) {
    let Some(text) = r.text(v, "fail-on", "error, warning, info or never") else {
        return;
    };
    match FailOn::parse(&text) {
        Some(f) => r.config.fail_on = Some(f),
        None => r.error(
            v,
            format!("`{text}` is not a value of `fail-on`: write error, warning, info or never"),
        ),
    }
}

fn read_include(r: &mut Reader<'_, '_>, v: NodeId) {
    r.config.include = r.globs(v, "include");
}

fn read_applications(r: &mut Reader<'_, '_>, v: NodeId) {
    r.config.applications = r.globs(v, "applications");
}

fn read_exclude(r: &mut Reader<'_, '_>, v: NodeId) {
    r.config.exclude = r.globs(v, "exclude");
}

/// Keys of a `controllers` entry.
const CONTROLLER_KEYS: &[&str] = &["group", "kind", "template", "selector", "replicas"];

/// The entries of a list of mappings (`controllers`, `overrides`); a value that is not a list,
/// and each entry that is not a mapping, is a located error.
fn mapping_items(
    r: &mut Reader<'_, '_>,
    v: NodeId,
    key: &str,
    example: &str,
    with: &str,
) -> Vec<NodeId> {
    let Some(v) = r.tree.resolve(v) else {
        return Vec::new();
    };
    if r.tree.is_null(v) {
        return Vec::new();
    }
    let items = r.tree.items(v).to_vec();
    if items.is_empty() && r.tree.value(v).is_some() {
        r.error(v, format!("`{key}` must be a list, e.g. `{example}`"));
        return Vec::new();
    }
    let mut maps = Vec::with_capacity(items.len());
    for item in items {
        match r.tree.resolve(item).filter(|&i| r.tree.is_map(i)) {
            Some(item) => maps.push(item),
            None => {
                let what = r.tree.type_name(item);
                r.error(
                    item,
                    format!("each entry of `{key}` must be a mapping with {with}, not {what}"),
                );
            }
        }
    }
    maps
}

fn read_controllers(r: &mut Reader<'_, '_>, v: NodeId) {
    let items = mapping_items(
        r,
        v,
        "controllers",
        "controllers: [{group: apps.kruise.io, kind: CloneSet}]",
        "`group` and `kind`",
    );
    for item in items {
        let mut ok = true;
        for (k, _) in r.tree.pairs(item) {
            let key = r.tree.str(k).unwrap_or("").to_string();
            if !CONTROLLER_KEYS.contains(&key.as_str()) {
                let hint = match fuzzy::closest_of(&key, CONTROLLER_KEYS.iter().copied()) {
                    Some(near) => format!("; did you mean `{near}`?"),
                    None => format!("; the keys are {}", CONTROLLER_KEYS.join(", ")),
                };
                r.error(
                    k,
                    format!("unknown key `{key}` in a `controllers` entry{hint}"),
                );
                ok = false;
            }
        }
        let mut text = |key: &str, default: Option<&str>| -> Option<String> {
            match r.tree.get(item, key) {
                Some(n) => match r.tree.value(n) {
                    Some(Value::Str(s)) if !s.is_empty() || key == "group" => Some(s.to_string()),
                    _ => {
                        r.error(
                            n,
                            format!("`{key}` of a `controllers` entry must be a string"),
                        );
                        None
                    }
                },
                None => match default {
                    Some(d) => Some(d.to_string()),
                    None => {
                        r.error(item, format!("a `controllers` entry needs `{key}`"));
                        None
                    }
                },
            }
        };
        let group = text("group", None);
        let kind = text("kind", None);
        let template = text("template", Some("spec.template"));
        let selector = text("selector", Some("spec.selector"));
        let replicas = text("replicas", Some("spec.replicas"));
        let path = |p: String| -> Vec<String> { p.split('.').map(str::to_string).collect() };
        if let (true, Some(group), Some(kind), Some(t), Some(s), Some(n)) =
            (ok, group, kind, template, selector, replicas)
        {
            r.config.controllers.push(crate::model::Controller {
                group,
                kind,
                template: path(t),
                selector: path(s),
                replicas: path(n),
            });
        }
    }
}

fn read_schemas(r: &mut Reader<'_, '_>, v: NodeId) {
    let Some(v) = r.tree.resolve(v) else { return };
    if r.tree.is_null(v) {
        return;
    }
    let items = r.tree.items(v).to_vec();
    if items.is_empty() && r.tree.value(v).is_some() {
        r.error(
            v,
            "`schemas` must be a list of paths, e.g. `schemas: [\"platform/crds\"]`",
        );
        return;
    }
    for item in items {
        match r.tree.value(item) {
            Some(Value::Str(p)) if !p.is_empty() => r.config.schemas.push(p.to_string()),
            _ => {
                let what = r.tree.type_name(item);
                r.error(
                    item,
                    format!("`schemas` must hold paths (strings), not {what}"),
                );
            }
        }
    }
}

fn read_docs_url(r: &mut Reader<'_, '_>, v: NodeId) {
    match r.tree.value(v) {
        Some(Value::Str(url)) if url.contains("{rule}") => {
            r.config.docs_url = Some(url.to_string());
        }
        Some(Value::Str(url)) => r.error(
            v,
            format!(
                "`docs-url` must hold `{{rule}}` where the rule id goes, e.g. `{url}/{{rule}}.md`"
            ),
        ),
        _ => {
            let what = r.tree.type_name(v);
            r.error(
                v,
                format!("`docs-url` must be a URL (a string), not {what}"),
            );
        }
    }
}

/// Keys of an `overrides` entry.
const OVERRIDE_KEYS: &[&str] = &["files", "namespaces", "kinds", "rules"];

/// A list of plain strings (`namespaces`, `kinds`), each checked by `check`.
fn names(
    r: &mut Reader<'_, '_>,
    v: NodeId,
    key: &str,
    check: fn(&str) -> Option<String>,
) -> Vec<String> {
    let Some(v) = r.tree.resolve(v) else {
        return Vec::new();
    };
    let items = r.tree.items(v).to_vec();
    if items.is_empty() && !r.tree.is_null(v) && r.tree.value(v).is_some() {
        r.error(v, format!("`{key}` of an `overrides` entry must be a list"));
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in items {
        match r.tree.value(item) {
            Some(Value::Str(name)) => match check(name) {
                None => out.push(name.to_string()),
                Some(problem) => r.error(item, problem),
            },
            _ => {
                let what = r.tree.type_name(item);
                r.error(
                    item,
                    format!("`{key}` must hold names (strings), not {what}"),
                );
            }
        }
    }
    out
}

fn read_overrides(r: &mut Reader<'_, '_>, v: NodeId) {
    let items = mapping_items(
        r,
        v,
        "overrides",
        "overrides: [{files: [\"jobs/**\"], rules: {missing-pdb: off}}]",
        "`rules`",
    );
    for item in items {
        let mut entry = Override::default();
        let mut has_rules = false;
        for (key, k, ev) in r.entries(item, "a key of an `overrides` entry") {
            match key.as_str() {
                "files" => entry.files = r.globs(ev, "files"),
                "namespaces" => {
                    entry.namespaces = names(r, ev, "namespaces", |n| {
                        (!is_dns_label(n)).then(|| format!("`{n}` is not a namespace name"))
                    })
                }
                "kinds" => {
                    entry.kinds = names(r, ev, "kinds", |k| {
                        let ok = k.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                            && k.chars().all(|c| c.is_ascii_alphanumeric());
                        (!ok).then(|| {
                            format!(
                                "`{k}` is not a kind: write it as in `kind:`, e.g. `Deployment`"
                            )
                        })
                    })
                }
                "rules" => {
                    has_rules = true;
                    let saved = std::mem::take(&mut r.config.rules);
                    read_rules(r, ev);
                    entry.rules = std::mem::replace(&mut r.config.rules, saved);
                }
                _ => {
                    let hint = match fuzzy::closest_of(&key, OVERRIDE_KEYS.iter().copied()) {
                        Some(near) => format!("; did you mean `{near}`?"),
                        None => format!("; the keys are {}", OVERRIDE_KEYS.join(", ")),
                    };
                    r.error(
                        k,
                        format!("unknown key `{key}` in an `overrides` entry{hint}"),
                    );
                }
            }
        }
        if !has_rules {
            r.error(item, "an `overrides` entry needs `rules`: what it changes");
        }
        r.config.overrides.push(entry);
    }
}

/// `error`, `warning`, `info` or `off` (`Some(None)`).
fn severity(r: &mut Reader<'_, '_>, v: NodeId, key: &str) -> Option<Option<Severity>> {
    let text = r.text(v, key, "error, warning, info or off")?;
    match (text.as_str(), Severity::parse(&text)) {
        (_, Some(s)) => Some(Some(s)),
        ("off", None) => Some(None),
        _ => {
            r.error(
                v,
                format!("`{text}` is not a severity: write error, warning, info or off"),
            );
            None
        }
    }
}

/// An option's value, checked against the type of its default and written back normalised.
fn option_value(r: &mut Reader<'_, '_>, v: NodeId, id: &str, name: &str, kind: OptionKind) {
    let value = r.tree.value(v);
    let normalised = match (kind, value) {
        (OptionKind::Integer { negative }, Some(Value::Int(i))) => {
            if i < 0 && !negative {
                r.error(v, format!("`{name}` of `{id}` must be 0 or more, not {i}"));
                return;
            }
            Some(i.to_string())
        }
        (OptionKind::Number, Some(Value::Int(i))) => Some(i.to_string()),
        (OptionKind::Number, Some(Value::Float(f))) if f.is_finite() => Some(f.to_string()),
        (OptionKind::Boolean, Some(Value::Bool(b))) => Some(b.to_string()),
        (OptionKind::String, Some(Value::Str(s))) => Some(s.to_string()),
        _ => None,
    };
    match normalised {
        Some(text) => {
            r.config
                .rules
                .entry(id.to_string())
                .or_default()
                .options
                .insert(name.to_string(), text);
        }
        None => {
            let what = r.tree.type_name(v);
            r.error(
                v,
                format!("`{name}` of `{id}` must be {}, not {what}", article(kind)),
            );
        }
    }
}

fn article(kind: OptionKind) -> &'static str {
    match kind {
        OptionKind::Integer { negative: false } => "an integer (0 or more)",
        OptionKind::Integer { negative: true } => "an integer",
        OptionKind::Number => "a number",
        OptionKind::Boolean => "true or false",
        OptionKind::String => "a string",
    }
}

fn option_names(meta: &RuleMeta) -> String {
    let names: Vec<String> = meta
        .options
        .iter()
        .map(|o| format!("`{}`", o.name))
        .collect();
    names.join(", ")
}

fn read_rule(r: &mut Reader<'_, '_>, meta: &'static RuleMeta, v: NodeId) {
    let id = meta.id;
    r.config.rules.entry(id.to_string()).or_default();
    if !r.tree.is_map(v) {
        if let Some(s) = severity(r, v, id) {
            set_severity(r, id, s, v);
        }
        return;
    }
    for (name, k, ov) in r.entries(v, "an option name") {
        if name == "severity" {
            if let Some(s) = severity(r, ov, &format!("severity` of `{id}")) {
                set_severity(r, id, s, ov);
            }
            continue;
        }
        match meta.options.iter().find(|o| o.name == name) {
            Some(o) => option_value(r, ov, id, o.name, o.kind()),
            None => {
                let mut msg = format!("`{name}` is not an option of `{id}`");
                if meta.options.is_empty() {
                    msg.push_str(&format!("; `{id}` has no options, only `severity`"));
                } else {
                    let names = meta.options.iter().map(|o| o.name);
                    if let Some(near) = fuzzy::closest_of(&name, names) {
                        msg.push_str(&format!("; did you mean `{near}`?"));
                    } else {
                        msg.push_str(&format!(
                            "; its options are `severity`, {}",
                            option_names(meta)
                        ));
                    }
                }
                r.error(k, msg);
            }
        }
    }
}

/// Records a rule's severity; `parse-error` cannot be turned off.
fn set_severity(r: &mut Reader<'_, '_>, id: &str, s: Option<Severity>, at: NodeId) {
    if s.is_none() && id == ALWAYS_ON {
        r.error(
            at,
            format!(
                "`{id}` cannot be turned off: a document that could not be read is never a \
                 silent pass (exit code 2)"
            ),
        );
        return;
    }
    r.config.rules.entry(id.to_string()).or_default().severity = Some(s);
}

fn read_rules(r: &mut Reader<'_, '_>, v: NodeId) {
    if r.tree.is_null(v) {
        return;
    }
    if !r.tree.is_map(v) {
        r.error(
            v,
            "`rules` must be a mapping from rule id to a severity, e.g. `rules: {bare-pod: error}`",
        );
        return;
    }
    for (id, k, rv) in r.entries(v, "a rule id") {
        match rules::find(&id) {
            Some(meta) => read_rule(r, meta, rv),
            None => r.error(k, unknown_rule::describe(&id)),
        }
    }
}

impl Config {
    /// Reads a configuration file. `display` is how messages name it.
    pub fn load(path: &Path, display: &str) -> Result<Config, Vec<ConfigError>> {
        let at_start = |message: String| {
            vec![ConfigError {
                file: display.to_string(),
                span: Span::new(Pos { line: 1, column: 1 }, Pos { line: 1, column: 1 }),
                message,
                line: None,
            }]
        };
        // A regular file only: a FIFO given as `--config` would block forever.
        let bytes = regular_file::read(path, display).map_err(at_start)?;
        let text = io::decode(bytes, display).map_err(|(_, m)| at_start(m))?;
        let mut config = Config::parse(&text, display)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Reads the text of a configuration file.
    pub fn parse(text: &str, display: &str) -> Result<Config, Vec<ConfigError>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let docs = yaml::parse_stream(text, false);
        let error = |span: Span, message: String| ConfigError {
            file: display.to_string(),
            span,
            message,
            line: line_text(text, span.start.line).map(str::to_string),
        };
        if let Some(second) = docs.get(1) {
            let pos = Pos {
                line: second.chunk.first_line,
                column: 1,
            };
            return Err(vec![error(
                Span::new(pos, pos),
                "a configuration file holds one document; remove the second one".into(),
            )]);
        }
        let Some(doc) = docs.first() else {
            return Ok(Config::default());
        };
        let tree = match &doc.tree {
            Ok(t) => t,
            Err(e) => return Err(vec![error(Span::new(e.pos, e.pos), e.message.clone())]),
        };
        let Some(root) = tree.root() else {
            return Ok(Config::default());
        };
        let mut r = Reader {
            tree,
            text,
            file: display,
            errors: Vec::new(),
            config: Config::default(),
        };
        if !tree.is_map(root) {
            let what = tree.type_name(root);
            r.error(
                root,
                format!("the configuration must be a mapping of settings (`zones: 3`), not {what}"),
            );
            return Err(r.errors);
        }
        for (name, k, v) in r.entries(root, "a setting") {
            match KEYS.iter().find(|key| key.name == name) {
                Some(key) => (key.read)(&mut r, v),
                None => {
                    let mut msg = format!("unknown setting `{name}`");
                    if let Some(near) = fuzzy::closest_of(&name, KEYS.iter().map(|k| k.name)) {
                        msg.push_str(&format!("; did you mean `{near}`?"));
                    } else if rules::find(&name).is_some() {
                        msg.push_str(&format!(
                            "; rules are set under `rules:` (`rules: {{{name}: error}}`)"
                        ));
                    } else {
                        let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                        msg.push_str(&format!("; the settings are {}", names.join(", ")));
                    }
                    r.error(k, msg);
                }
            }
        }
        if r.errors.is_empty() {
            Ok(r.config)
        } else {
            Err(r.errors)
        }
    }

    /// Applies the file to settings (flags are applied after, and win).
    pub fn apply(&self, settings: &mut Settings) {
        if let Some(v) = self.kubernetes_version {
            settings.kubernetes_version = Some(v);
        }
        if let Some(z) = self.zones {
            settings.zones = z;
        }
        if let Some(ns) = &self.namespace {
            settings.namespace = ns.clone();
        }
        if let Some(f) = self.fail_on {
            settings.fail_on = f;
        }
        let base = self.base_dir().unwrap_or_default();
        settings
            .schema_paths
            .extend(self.schemas.iter().map(|p| base.join(p)));
        settings
            .controllers
            .extend(self.controllers.iter().cloned());
        if let Some(url) = &self.docs_url {
            settings.docs_url = url.clone();
        }
        for o in &self.overrides {
            let mut scoped = crate::rule::settings::ScopedOverride {
                files: None,
                base: base.clone(),
                namespaces: o.namespaces.clone(),
                kinds: o.kinds.clone(),
                ..Default::default()
            };
            if !o.files.is_empty() {
                let mut b = globset::GlobSetBuilder::new();
                for g in &o.files {
                    // Checked when the file was read.
                    if let Ok(glob) = io::glob(g) {
                        b.add(glob);
                    }
                }
                scoped.files = Some(b.build().unwrap_or_else(|_| globset::GlobSet::empty()));
            }
            for (id, rc) in &o.rules {
                if let Some(sev) = rc.severity {
                    scoped.severities.insert(id.clone(), sev);
                }
                if !rc.options.is_empty() {
                    scoped.options.insert(id.clone(), rc.options.clone());
                }
            }
            settings.overrides.push(scoped);
        }
        for (id, rc) in &self.rules {
            if let Some(sev) = rc.severity {
                settings.severities.insert(id.clone(), sev);
            }
            if !rc.options.is_empty() {
                settings
                    .options
                    .entry(id.clone())
                    .or_default()
                    .extend(rc.options.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }

    /// The directory relative globs are read from: the file's, absolute.
    pub fn base_dir(&self) -> Option<PathBuf> {
        let dir = self.path.as_deref()?.parent()?;
        Some(io::absolute(dir))
    }
}

/// The configuration file for a run started in `start`: `.kube-contract.yaml` there or in the
/// nearest parent, stopping at the repository root (a directory holding `.git`) or the
/// filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = io::absolute(start);
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// A YAML scalar for `init`: plain when YAML reads it back as the same string.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.parse::<f64>().is_err()
        && !matches!(
            s,
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("'{}'", s.replace('\'', "''")))
    }
}

/// Wraps `text` into `# `-prefixed comment lines of about 96 columns.
fn comment(out: &mut String, indent: &str, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + 2 + line.len() + 1 + word.len() > 96 {
            let _ = writeln!(out, "{indent}# {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

/// The file `kube-contract init` writes: every setting and every rule with its default.
pub fn init_text() -> String {
    let mut s = String::new();
    comment(
        &mut s,
        "",
        "kube-contract configuration, written by `kube-contract init`. Every value below is the \
         default; change what your platform needs. Command-line flags override this file. \
         Reference: docs/configuration.md; `kube-contract explain <rule>` documents a rule.",
    );
    for key in KEYS {
        s.push('\n');
        comment(&mut s, "", key.description);
        if key.name == "rules" {
            s.push_str("rules:\n");
            for meta in rules::all_metas() {
                init_rule(&mut s, meta);
            }
            continue;
        }
        match (key.init)() {
            Some(value) => {
                let _ = writeln!(s, "{}: {value}", key.name);
            }
            None => {
                let _ = writeln!(s, "# Default: {}.", (key.default)());
                let _ = writeln!(s, "# {}: \"{}\"", key.name, newest_release());
            }
        }
    }
    s
}

fn init_rule(s: &mut String, meta: &RuleMeta) {
    comment(s, "  ", &format!("{}.", meta.summary));
    if meta.options.is_empty() {
        let _ = writeln!(s, "  {}: {}", meta.id, meta.severity);
        return;
    }
    let _ = writeln!(s, "  {}:", meta.id);
    let _ = writeln!(s, "    severity: {}", meta.severity);
    for o in meta.options {
        comment(
            s,
            "    ",
            &format!("{}.", o.description.trim_end_matches('.')),
        );
        let value = match o.default {
            OptionValue::String(text) => yaml_scalar(text),
            other => other.to_string(),
        };
        let _ = writeln!(s, "    {}: {value}", o.name);
    }
}

/// A short configuration shown in the docs (a test checks that it loads).
pub const EXAMPLE: &str = r#"# .kube-contract.yaml at the root of the repository
kubernetes-version: "1.29"   # the oldest release our clusters run
zones: 2
namespace: shop
exclude:
  - "charts/*/templates/**"  # chart sources; lint `helm template` output instead
  - "**/*.generated.yaml"
rules:
  missing-liveness-probe: info
  bare-pod: error
  prestop-exceeds-grace-period:
    severity: error
    min-shutdown-seconds: 10
"#;

/// `docs/configuration.md`.
pub fn docs_page() -> String {
    let mut s = String::from(
        "# Configuration\n\n\
Generated from the configuration keys (`src/config.rs`) and the rules' metadata; do not edit \
by hand.\n\n\
kube-contract reads `.kube-contract.yaml` from the current directory, or else from the nearest \
parent directory, stopping at the repository root (the first directory holding `.git`) or the \
filesystem root. `--config PATH` reads another file, `--no-config` reads none. \
`kube-contract init` writes a commented file with every setting and every rule at its default.\n\n\
Every mistake in the file — an unknown setting, rule id or option, a value of the wrong type, a \
glob that does not parse, a key written twice — stops the run with exit code 2 and names the \
file's line and column; nothing is silently ignored.\n\n",
    );
    let _ = writeln!(s, "```yaml\n{}```\n", EXAMPLE);
    s.push_str(
        "## Settings\n\n| key | value | default | flag | meaning |\n|---|---|---|---|---|\n",
    );
    for key in KEYS {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} |",
            key.name,
            key.value,
            (key.default)(),
            key.flag.map_or("—".to_string(), |f| {
                f.split(", ")
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            key.description
        );
    }
    s.push_str(
        "\n## Precedence\n\n\
Flags override the file: `--kubernetes-version`, `--zones`, `--namespace` and `--fail-on` \
replace its values; `--select ID,…` runs only the rules named (a rule set to `off` in the file \
runs when `--select` names it); `--ignore ID,…` turns rules off; `--include` replaces the \
file's `include`, `--exclude` adds to its `exclude`. Globs given on the command line are \
relative to the current directory, the file's to the file's directory.\n\n\
## Rules\n\n\
Under `rules:`, each rule id takes a severity — `error`, `warning`, `info`, or `off` to not run \
the rule — or a mapping with `severity` and the rule's options:\n\n\
```yaml\nrules:\n  bare-pod: error\n  missing-liveness-probe: off\n  \
prestop-exceeds-grace-period: {severity: warning, min-shutdown-seconds: 10}\n```\n\n\
A severity other than the rule's default applies to every finding of the rule. Written at \
its default, it changes nothing: rules that report lesser cases at a lower severity (such as \
`prestop-exceeds-grace-period`, whose too-short shutdown windows are warnings) keep doing so.\n\n\
An option's type is the type of its default. Every rule is listed, with its default severity, \
in [rules/README.md](rules/README.md). These rules have options:\n\n\
| rule | option | type | default | meaning |\n|---|---|---|---|---|\n",
    );
    for meta in rules::all_metas() {
        for o in meta.options {
            let _ = writeln!(
                s,
                "| [`{id}`](rules/{id}.md) | `{}` | {} | `{}` | {} |",
                o.name,
                o.kind().describe(),
                o.default,
                o.description,
                id = meta.id
            );
        }
    }
    s.push_str(OVERRIDES_DOC);
    let _ = writeln!(s, "```yaml\n{OVERRIDES_EXAMPLE}```");
    s.push_str(BASELINE_DOC);
    s.push_str(SUPPRESSIONS_DOC);
    s
}

/// An `overrides` example for the docs (a test checks that it loads).
pub const OVERRIDES_EXAMPLE: &str = r#"overrides:
  - files: ["vendor/**", "charts/*/rendered/**"]   # third-party manifests we do not own
    rules:
      missing-pdb: off
      missing-pod-anti-affinity: off
  - files: ["jobs/**"]
    kinds: [Job, CronJob]
    rules: {missing-readiness-probe: off, missing-liveness-probe: off}
  - namespaces: [staging]
    rules:
      single-replica: info
      prestop-exceeds-grace-period: {min-shutdown-seconds: 5}
"#;

const OVERRIDES_DOC: &str = "\n## Overrides\n\n\
Some parts of a repository need other rules: vendored charts nobody edits, a `jobs/` directory \
of batch work, a staging namespace. `overrides` is a list of entries, each with `rules` (written \
like the top-level `rules`) and up to three filters: `files` (globs relative to the \
configuration file's directory), `namespaces` and `kinds`. An entry applies to an object that \
matches every filter it has; a filter left out matches everything. Entries apply in order, after \
the top-level `rules`, so a later entry wins over an earlier one:\n\n";

const BASELINE_DOC: &str = "\n## Baseline\n\n\
On a repository that already has many findings, record them once and fail only on new ones:\n\n\
```sh\n\
kube-contract lint --write-baseline .kube-contract-baseline.json   # record today's findings\n\
git add .kube-contract-baseline.json && git commit -m \"kube-contract baseline\"\n\
kube-contract lint --baseline .kube-contract-baseline.json         # in CI: only new findings\n\
```\n\n\
A finding is recognised by its rule, its file (relative to the baseline file's directory), its \
object (kind, namespace, name) and the field path of its position in the object \
(`spec.template.spec.containers[name=web].readinessProbe`; list items by their `name`, else by \
index) — not by line, so the baseline survives edits above a finding, reformatting, and documents \
inserted or reordered. An entry accepts as many findings as it recorded: one old finding never \
hides a new one in another file, another object or the same place. `parse-error` findings are \
never recorded nor accepted (exit code 2 stays).\n\n\
Entries that match no finding any more (the finding was fixed, or its object renamed) are \
listed after the findings and in JSON's `summary.baseline.stale`, like suppressions that \
silence nothing (only for the files the run reports on, so a pre-commit hook's few files do not \
make the rest stale); they do not change the exit code. `--write-baseline` again drops them. The \
file is JSON, sorted, one field per line, so its diff shows the findings fixed; it carries a \
format `version`, and a baseline from a newer format or with fields this version does not know \
is an error (exit code 2), not a guess.\n";

const SUPPRESSIONS_DOC: &str = r#"
## Suppressions

A justified exception is silenced where it lives, with a reason reviewers see. A suppression
names rule ids; it silences the findings of those rules that it covers, and nothing else.

**On the object**, with annotations on its `metadata` or on its pod template's `metadata`. They
cover every finding inside the object, and survive Kustomize and Helm, which drop comments:

```yaml
metadata:
  name: queue-worker
  annotations:
    kube-contract.io/ignore: "missing-readiness-probe,missing-prestop-sleep"
    kube-contract.io/ignore-reason: "consumes a queue, serves no traffic"
```

**In the file**, with a comment `# kube-contract: ignore[rule-a, rule-b] reason`:

- after content on a line, it covers findings on that line and on the next one;
- on a line of its own, it covers the next line that is not a comment (write it above the
  field the finding points at, e.g. above the container's `- name:`);
- before the first content line of a document (after its `---` and a Helm `# Source:` line),
  it covers the whole document.

Comments survive `helm template` only when they are written in the chart's templates; use the
annotations for anything rendered by tools that drop comments.

**Suppressions are checked.** An id that names no rule is an
[`unknown-rule`](rules/unknown-rule.md) error. An id that silenced nothing, and a comment that
cannot be read, is an [`unused-suppression`](rules/unused-suppression.md) warning — but only
when the rule ran: a rule left out by `--select`, named by `--ignore` or set to `off` has not
looked, so its suppressions are not judged, and linting with a subset of the rules never turns
the others' suppressions into warnings. These two findings cannot be suppressed themselves, and
neither can a `parse-error` (nothing in a document that could not be read was linted: fix it, or
leave the file out with `exclude`); set
their severity under `rules:`.

**Silenced findings are still reported**, apart: `--show-suppressed` lists them with their
reasons after the findings, the summary counts them, and `--format json` carries them in
`"suppressed"` (see [json-output.md](json-output.md)).
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(u32, u32, String)> {
        match Config::parse(text, "c.yaml") {
            Ok(c) => panic!("expected errors, got {c:?}"),
            Err(e) => e
                .into_iter()
                .map(|e| (e.span.start.line, e.span.start.column, e.message))
                .collect(),
        }
    }

    #[test]
    fn reads_every_setting() {
        let c = Config::parse(
            "kubernetes-version: 1.30\nzones: 2\nnamespace: shop\nfail-on: never\n\
             include: [\"deploy/**\"]\nexclude: []\nrules:\n  bare-pod: off\n  \
             prestop-exceeds-grace-period: {severity: info, min-shutdown-seconds: 10}\n",
            "c.yaml",
        )
        .expect("valid");
        assert_eq!(c.kubernetes_version, Some(KubeVersion::new(1, 30)));
        assert_eq!(c.zones, Some(2));
        assert_eq!(c.namespace.as_deref(), Some("shop"));
        assert_eq!(c.fail_on, Some(FailOn::Never));
        assert_eq!(c.include, vec!["deploy/**".to_string()]);
        assert_eq!(c.rules["bare-pod"].severity, Some(None));
        let p = &c.rules["prestop-exceeds-grace-period"];
        assert_eq!(p.severity, Some(Some(Severity::Info)));
        assert_eq!(p.options["min-shutdown-seconds"], "10");
        let mut s = Settings::default();
        c.apply(&mut s);
        assert!(!s.enabled("bare-pod"));
        assert_eq!(
            s.integer(
                "prestop-exceeds-grace-period",
                &crate::rules::prestop_exceeds_grace_period::MIN_SHUTDOWN
            ),
            10
        );
    }

    #[test]
    fn empty_files_are_the_defaults() {
        assert_eq!(Config::parse("", "c"), Ok(Config::default()));
        assert_eq!(Config::parse("# nothing\n", "c"), Ok(Config::default()));
        assert_eq!(Config::parse("---\n", "c"), Ok(Config::default()));
    }

    #[test]
    fn every_mistake_has_a_position() {
        let e = errors("zone: 3\n");
        assert_eq!(e[0].0, 1);
        assert!(e[0].2.contains("did you mean `zones`"), "{e:?}");
        let e = errors("zones: 0\nnamespace: Shop\nfail-on: sometimes\n");
        assert_eq!(
            e.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
            vec![(1, 8), (2, 12), (3, 10)]
        );
        let e = errors("rules:\n  bare-pods: error\n  bare-pod: fatal\n");
        assert_eq!((e[0].0, e[0].1), (2, 3));
        assert!(e[0].2.contains("did you mean `bare-pod`"));
        assert_eq!((e[1].0, e[1].1), (3, 13));
        let e = errors("rules:\n  prestop-exceeds-grace-period:\n    min-shutdown-second: 3\n    severity: [a]\n");
        assert_eq!((e[0].0, e[0].1), (3, 5));
        assert!(
            e[0].2.contains("did you mean `min-shutdown-seconds`"),
            "{e:?}"
        );
        assert_eq!((e[1].0, e[1].1), (4, 15));
        assert!(
            e[1].2
                .starts_with("`severity` of `prestop-exceeds-grace-period` must be"),
            "{e:?}"
        );
        let e = errors("rules:\n  prestop-exceeds-grace-period: {min-shutdown-seconds: ten}\n");
        assert_eq!((e[0].0, e[0].1), (2, 56));
        assert!(e[0].2.contains("must be an integer"), "{e:?}");
        let e = errors("rules:\n  prestop-exceeds-grace-period: {min-shutdown-seconds: -1}\n");
        assert!(e[0].2.contains("0 or more"), "{e:?}");
        let e = errors("rules:\n  bare-pod: {threshold: 1}\n");
        assert!(e[0].2.contains("has no options"), "{e:?}");
        let e = errors("exclude: ['a/[b']\ninclude: x\n");
        assert_eq!((e[0].0, e[0].1), (1, 11));
        assert_eq!((e[1].0, e[1].1), (2, 10));
        let e = errors("zones: 2\nzones: 3\n");
        assert!(e[0].2.contains("set twice (first on line 1)"));
        let e = errors("zones: [\n");
        assert_eq!(e.len(), 1);
        let e = errors("- zones\n");
        assert!(e[0].2.contains("must be a mapping"));
        let e = errors("zones: 2\n---\nzones: 3\n");
        assert_eq!(e[0].0, 2);
        let e = errors("kubernetes-version: latest\n");
        assert!(e[0].2.contains("1.29, v1.29 or 1.29.3"));
        let e = errors("bare-pod: error\n");
        assert!(e[0].2.contains("under `rules:`"), "{e:?}");
    }

    #[test]
    fn severities_are_read_as_written() {
        // `off` is a YAML 1.1 boolean; it is still the severity `off`.
        let c = Config::parse("rules: {bare-pod: off, zero-grace-period: 'info'}\n", "c").unwrap();
        assert_eq!(c.rules["bare-pod"].severity, Some(None));
        assert_eq!(
            c.rules["zero-grace-period"].severity,
            Some(Some(Severity::Info))
        );
        let e = errors("rules: {bare-pod: no}\n");
        assert!(e[0].2.contains("not a severity"));
    }

    #[test]
    fn the_init_file_and_the_docs_example_load() {
        let c = Config::parse(&init_text(), "init").expect("init loads");
        for meta in rules::all_metas() {
            assert_eq!(
                c.rules[meta.id].severity,
                Some(Some(meta.severity)),
                "{}",
                meta.id
            );
        }
        Config::parse(EXAMPLE, "example").expect("the docs example loads");
        let o = Config::parse(OVERRIDES_EXAMPLE, "overrides").expect("the overrides example loads");
        assert_eq!(o.overrides.len(), 3);
        assert_eq!(o.overrides[1].kinds, ["Job", "CronJob"]);
        assert_eq!(
            o.overrides[2].rules["prestop-exceeds-grace-period"].options["min-shutdown-seconds"],
            "5"
        );
    }

    #[test]
    fn errors_render_the_line() {
        let e = Config::parse("zones: 3\nzone: 2\n", ".kube-contract.yaml").unwrap_err();
        let text = render_errors(&e);
        assert!(text.contains("--> .kube-contract.yaml:2:1"), "{text}");
        assert!(text.contains("2 | zone: 2\n  | ^^^^\n"), "{text}");
    }

    #[test]
    fn yaml_scalars_round_trip() {
        assert_eq!(yaml_scalar("abc"), "abc");
        assert_eq!(yaml_scalar("off"), "\"off\"");
        assert_eq!(yaml_scalar("1.5"), "\"1.5\"");
        assert_eq!(yaml_scalar("a b"), "\"a b\"");
    }
}
