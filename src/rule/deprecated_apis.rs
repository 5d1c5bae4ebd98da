//! The deprecated-API table: which apiVersion of which kind is deprecated or removed in which
//! Kubernetes release, what replaces it and what else changes.
//!
//! The data is `rules/deprecated-apis.yaml` (sources in `rules/deprecated-apis.SOURCES.md`),
//! embedded in the binary and read at first use with the project's own YAML layer. The file is
//! a build-time constant, so a malformed row is a bug that the unit tests below catch; at run
//! time a table that does not load makes the two rules report nothing instead of panicking.
//! `removed-api` and `deprecated-api` read it, and so does `docs/deprecated-apis.md`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::OnceLock;

use crate::base::kube_version::KubeVersion;
use crate::rule::settings::Settings;
use crate::yaml::{self, NodeId, Tree, Value};

/// Where the table lives in the repository.
pub const TABLE_PATH: &str = "rules/deprecated-apis.yaml";

const SOURCE: &str = include_str!("../../rules/deprecated-apis.yaml");

/// Every kind of the table, sorted: the kinds `removed-api` and `deprecated-api` check (a unit
/// test keeps this list equal to the table's kinds).
pub const KINDS: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CSIStorageCapacity",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "ControllerRevision",
    "CronJob",
    "CustomResourceDefinition",
    "DaemonSet",
    "Deployment",
    "EndpointSlice",
    "Endpoints",
    "Event",
    "FlowSchema",
    "HorizontalPodAutoscaler",
    "IPAddress",
    "Ingress",
    "IngressClass",
    "Lease",
    "LocalSubjectAccessReview",
    "MutatingWebhookConfiguration",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ReplicaSet",
    "Role",
    "RoleBinding",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StatefulSet",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// One row: an apiVersion of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRow {
    pub api_version: String,
    pub kind: String,
    pub deprecated_in: KubeVersion,
    /// `None`: deprecated, but no removal is scheduled.
    pub removed_in: Option<KubeVersion>,
    /// `None`: no replacement API.
    pub replacement: Option<String>,
    /// Set when the replacement is a different kind (v1 Endpoints → EndpointSlice).
    pub replacement_kind: Option<String>,
    pub replacement_available_in: Option<KubeVersion>,
    /// What changes besides the apiVersion.
    pub notes: Vec<String>,
}

/// What a release does with a row's apiVersion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Served,
    Deprecated,
    Removed,
}

impl ApiRow {
    pub fn status(&self, target: KubeVersion) -> Status {
        if self.removed_in.is_some_and(|r| target >= r) {
            Status::Removed
        } else if target >= self.deprecated_in {
            Status::Deprecated
        } else {
            Status::Served
        }
    }

    /// The replacement as a user writes it: `networking.k8s.io/v1`, or
    /// `discovery.k8s.io/v1 EndpointSlice` when the kind changes too.
    pub fn replacement_name(&self) -> Option<String> {
        let api = self.replacement.as_deref()?;
        Some(match &self.replacement_kind {
            Some(kind) => format!("{api} {kind}"),
            None => api.to_string(),
        })
    }
}

/// What to move to at a given target release (see [`Table::replacement_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement<'t> {
    pub api_version: &'t str,
    /// Set when the kind changes too.
    pub kind: Option<&'t str>,
    /// The first release that serves it.
    pub since: KubeVersion,
}

impl Replacement<'_> {
    /// `networking.k8s.io/v1`, or `discovery.k8s.io/v1 EndpointSlice`.
    pub fn name(&self) -> String {
        match self.kind {
            Some(kind) => format!("{} {kind}", self.api_version),
            None => self.api_version.to_string(),
        }
    }
}

#[derive(Debug)]
pub struct Table {
    pub rows: Vec<ApiRow>,
    /// The newest release the table knows: the greatest of its deprecated-in, removed-in and
    /// replacement-available-in values. The default target release.
    pub newest: KubeVersion,
}

impl Table {
    /// The oldest release the table speaks of: the earliest `deprecated-in`. Older targets are
    /// refused (`schema::check_target`).
    pub fn oldest(&self) -> Option<KubeVersion> {
        self.rows.iter().map(|r| r.deprecated_in).min()
    }
}

/// The embedded table, read once.
pub fn table() -> Result<&'static Table, &'static str> {
    static TABLE: OnceLock<Result<Table, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| Table::parse(SOURCE))
        .as_ref()
        .map_err(String::as_str)
}

/// The release the rules check against: `--kubernetes-version`, else the newest release of
/// the schema data (the table's newest if that data does not load).
pub fn target(settings: &Settings) -> Option<KubeVersion> {
    settings
        .kubernetes_version
        .or_else(crate::base::releases::newest)
        .or_else(|| table().ok().map(|t| t.newest))
}

/// The table row of an object's apiVersion and kind, with the table and the target release;
/// `None` when the object's API is not in the table (or the table failed its own checks).
pub fn lookup(
    obj: &crate::model::Object,
    settings: &Settings,
) -> Option<(&'static Table, &'static ApiRow, KubeVersion)> {
    let table = table().ok()?;
    let target = target(settings)?;
    let row = table.find(&obj.key.api_version, &obj.key.kind)?;
    Some((table, row, target))
}

/// How a message names the target: `target 1.25`, or `target 1.33, the default` when
/// `--kubernetes-version` is not set.
pub fn describe_target(settings: &Settings, target: KubeVersion) -> String {
    if settings.kubernetes_version.is_some() {
        format!("target {target}")
    } else {
        format!("target {target}, the default")
    }
}

/// The end of both rules' messages: what replaces the apiVersion at the target release.
pub fn replacement_clause(replacement: Option<&Replacement<'_>>, target: KubeVersion) -> String {
    match replacement {
        Some(r) if target >= r.since => format!("use {} (served since {})", r.name(), r.since),
        Some(r) => format!("its replacement {} is served from {} on", r.name(), r.since),
        None => "there is no replacement API".to_string(),
    }
}

impl Table {
    pub fn find(&self, api_version: &str, kind: &str) -> Option<&ApiRow> {
        self.rows
            .iter()
            .find(|r| r.api_version == api_version && r.kind == kind)
    }

    pub fn kinds(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| r.kind.as_str()).collect()
    }

    /// The replacement to recommend for `row` at `target`. The table names the replacement of
    /// its time, which may itself be gone (flowcontrol v1beta1 → v1beta2, removed in 1.29;
    /// extensions/v1beta1 PodSecurityPolicy → policy/v1beta1, removed in 1.25 without a
    /// successor), so the chain is followed: past a replacement the target no longer serves,
    /// and past one it deprecates when the next is already served. `None`: nothing replaces
    /// it at the target.
    pub fn replacement_at<'t>(
        &'t self,
        row: &'t ApiRow,
        target: KubeVersion,
    ) -> Option<Replacement<'t>> {
        let first = |r: &'t ApiRow| {
            Some(Replacement {
                api_version: r.replacement.as_deref()?,
                kind: r.replacement_kind.as_deref(),
                since: r.replacement_available_in?,
            })
        };
        let mut current = first(row)?;
        // Each step moves to another row; more steps than rows would be a cycle.
        for _ in 0..self.rows.len() {
            let kind = current.kind.unwrap_or(&row.kind);
            let Some(next) = self.find(current.api_version, kind) else {
                return Some(current);
            };
            let after = first(next).map(|r| Replacement {
                kind: r.kind.or(current.kind),
                ..r
            });
            current = match (next.status(target), after) {
                (Status::Removed, after) => after?,
                (Status::Deprecated, Some(after)) if after.since <= target => after,
                _ => return Some(current),
            };
        }
        Some(current)
    }

    /// Reads and checks the table: one YAML document holding a list of rows.
    pub fn parse(text: &str) -> Result<Table, String> {
        let docs = yaml::parse_stream(text, false);
        let [doc] = docs.as_slice() else {
            return Err(format!(
                "{TABLE_PATH}: expected one YAML document, found {}",
                docs.len()
            ));
        };
        let tree = doc
            .tree
            .as_ref()
            .map_err(|e| format!("{TABLE_PATH}:{}: {}", e.pos.line, e.message))?;
        let root = tree
            .root()
            .ok_or_else(|| format!("{TABLE_PATH}: the table is empty"))?;
        let items = tree.items(root);
        if items.is_empty() {
            return Err(format!("{TABLE_PATH}: expected a non-empty list of rows"));
        }
        let mut rows: Vec<ApiRow> = Vec::with_capacity(items.len());
        for &item in items {
            let row = RowReader { tree, node: item }.row()?;
            if rows
                .iter()
                .any(|r| r.api_version == row.api_version && r.kind == row.kind)
            {
                return Err(format!(
                    "{TABLE_PATH}:{}: a second row for {} {}",
                    tree.span(item).start.line,
                    row.api_version,
                    row.kind
                ));
            }
            rows.push(row);
        }
        let newest = rows
            .iter()
            .flat_map(|r| {
                [
                    Some(r.deprecated_in),
                    r.removed_in,
                    r.replacement_available_in,
                ]
            })
            .flatten()
            .max()
            .ok_or_else(|| format!("{TABLE_PATH}: no release in the table"))?;
        Ok(Table { rows, newest })
    }
}

const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "deprecated-in",
    "removed-in",
    "replacement",
    "replacement-kind",
    "replacement-available-in",
    "notes",
];

struct RowReader<'t, 'a> {
    tree: &'t Tree<'a>,
    node: NodeId,
}

impl RowReader<'_, '_> {
    fn err(&self, node: NodeId, msg: impl std::fmt::Display) -> String {
        format!("{TABLE_PATH}:{}: {msg}", self.tree.span(node).start.line)
    }

    /// The value of a field that must be written, `None` when it is `null`.
    fn nullable(&self, key: &str) -> Result<Option<NodeId>, String> {
        let v = self
            .tree
            .get(self.node, key)
            .ok_or_else(|| self.err(self.node, format!("row without `{key}`")))?;
        Ok((!self.tree.is_null(v)).then_some(v))
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        let Some(v) = self.nullable(key)? else {
            return Ok(None);
        };
        match self.tree.value(v) {
            Some(Value::Str(s)) if !s.trim().is_empty() && !s.contains(char::is_whitespace) => {
                Ok(Some(s.to_string()))
            }
            _ => Err(self.err(v, format!("`{key}` must be a word or null"))),
        }
    }

    fn required(&self, key: &str) -> Result<String, String> {
        self.string(key)?
            .ok_or_else(|| self.err(self.node, format!("`{key}` must not be null")))
    }

    /// A release, written quoted (`"1.10"`: unquoted it would be the number 1.1).
    fn version(&self, key: &str) -> Result<Option<KubeVersion>, String> {
        let Some(v) = self.nullable(key)? else {
            return Ok(None);
        };
        match self.tree.value(v) {
            Some(Value::Str(s)) => s
                .parse::<KubeVersion>()
                .map(Some)
                .map_err(|e| self.err(v, format!("`{key}`: {e}"))),
            _ => Err(self.err(
                v,
                format!("`{key}` must be a quoted release such as \"1.22\", or null"),
            )),
        }
    }

    fn row(&self) -> Result<ApiRow, String> {
        if !self.tree.is_map(self.node) {
            return Err(self.err(self.node, "a row must be a mapping"));
        }
        for (k, _) in self.tree.pairs(self.node) {
            let key = self.tree.str(k).unwrap_or("");
            if !FIELDS.contains(&key) {
                return Err(self.err(k, format!("unknown field `{key}`")));
            }
        }
        let api_version = self.required("apiVersion")?;
        let kind = self.required("kind")?;
        let deprecated_in = self
            .version("deprecated-in")?
            .ok_or_else(|| self.err(self.node, "`deprecated-in` must not be null"))?;
        let removed_in = self.version("removed-in")?;
        let replacement = self.string("replacement")?;
        let replacement_kind = match self.tree.get(self.node, "replacement-kind") {
            Some(_) => self.string("replacement-kind")?,
            None => None,
        };
        let replacement_available_in = self.version("replacement-available-in")?;
        let here = |msg: String| self.err(self.node, format!("{api_version} {kind}: {msg}"));
        if removed_in.is_some_and(|r| r <= deprecated_in) {
            return Err(here("removed-in must come after deprecated-in".into()));
        }
        if replacement.is_some() != replacement_available_in.is_some() {
            return Err(here(
                "replacement and replacement-available-in are set together or both null".into(),
            ));
        }
        if replacement_kind.is_some() && replacement.is_none() {
            return Err(here("replacement-kind without a replacement".into()));
        }
        if replacement.as_deref() == Some(api_version.as_str()) && replacement_kind.is_none() {
            return Err(here("the replacement is the row's own apiVersion".into()));
        }
        let notes_node = self.nullable("notes")?;
        let mut notes = Vec::new();
        if let Some(n) = notes_node {
            if !matches!(self.tree.node(n).kind, yaml::tree::NodeKind::Seq { .. }) {
                return Err(self.err(n, "`notes` must be a list of strings"));
            }
            for &note in self.tree.items(n) {
                match self.tree.value(note) {
                    Some(Value::Str(s)) if !s.trim().is_empty() => notes.push(s.to_string()),
                    _ => return Err(self.err(note, "a note must be a non-empty string")),
                }
            }
        }
        Ok(ApiRow {
            api_version,
            kind,
            deprecated_in,
            removed_in,
            replacement,
            replacement_kind,
            replacement_available_in,
            notes,
        })
    }
}

/// The help of both rules: what to write instead, then every note.
pub fn help(row: &ApiRow, replacement: Option<&Replacement<'_>>, target: KubeVersion) -> String {
    let (mut s, before_notes) = match replacement {
        Some(r) => {
            let mut s = match r.kind {
                Some(kind) => format!(
                    "replace this {} with `apiVersion: {}` `kind: {kind}` objects",
                    row.kind, r.api_version
                ),
                None => format!(
                    "change `apiVersion: {}` to `apiVersion: {}`",
                    row.api_version, r.api_version
                ),
            };
            if target < r.since {
                let _ = write!(
                    s,
                    " once the cluster runs {} or later ({} is not served before {})",
                    r.since, r.api_version, r.since
                );
            }
            (s, "; also:")
        }
        None if row.notes.is_empty() => (
            format!(
                "{} {} has no replacement API; remove the object",
                row.api_version, row.kind
            ),
            "",
        ),
        None => ("there is no apiVersion to switch to:".to_string(), ""),
    };
    if !row.notes.is_empty() {
        s.push_str(before_notes);
        for note in &row.notes {
            let _ = write!(s, "\n- {note}");
        }
    }
    s
}

/// `docs/deprecated-apis.md`: every row of the table, grouped by the release that removes it.
pub fn docs_page() -> String {
    let mut s = String::from(
        "# Deprecated and removed API versions\n\n\
         Generated from [`rules/deprecated-apis.yaml`](../rules/deprecated-apis.yaml) by \
         `UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand. The source of every value \
         is in [`rules/deprecated-apis.SOURCES.md`](../rules/deprecated-apis.SOURCES.md).\n\n",
    );
    let table = match table() {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(s, "The table does not load: {e}");
            return s;
        }
    };
    let _ = write!(
        s,
        "Kubernetes stops serving a beta apiVersion some releases after it is deprecated. From \
         that release on, `kubectl apply` of a manifest that still uses it fails with \
         `no matches for kind`, and a Helm upgrade or a GitOps sync stops at that object — \
         usually on the day the cluster is upgraded. kube-contract reads this table to warn \
         before the upgrade:\n\n\
         - [`removed-api`](rules/removed-api.md) (error): the target release no longer serves \
         the object's apiVersion for its kind.\n\
         - [`deprecated-api`](rules/deprecated-api.md) (warning): the apiVersion is deprecated \
         at the target release and still served; the message names the release that removes \
         it.\n\n\
         The target release is `--kubernetes-version X.Y` (also `vX.Y` or `X.Y.Z`). Without \
         it, the target is **{}**, the newest release kube-contract knows (the newest release \
         of its schema data, which `unknown-field` and `invalid-field-type` read too; a newer \
         target is refused). A row is checked at a \
         target *T* as follows: *T* < deprecated-in is silent, deprecated-in ≤ *T* < removed-in \
         is `deprecated-api`, *T* ≥ removed-in is `removed-api`.\n\n\
         Changing the apiVersion is rarely all there is to it: the notes under each table list \
         the fields that were renamed, became required or changed their default. Alpha \
         versions, betas that are off by default (introduced in 1.24 or later) and kinds that \
         are not written as manifests are not in the table; SOURCES.md lists them.\n\n",
        crate::base::releases::newest().unwrap_or(table.newest)
    );
    let mut releases: Vec<Option<KubeVersion>> = table.rows.iter().map(|r| r.removed_in).collect();
    releases.sort_by_key(|r| (r.is_none(), *r));
    releases.dedup();
    for release in releases {
        let rows: Vec<&ApiRow> = table
            .rows
            .iter()
            .filter(|r| r.removed_in == release)
            .collect();
        match release {
            Some(r) => {
                let _ = writeln!(s, "## Removed in {r}\n");
            }
            None => {
                let _ = writeln!(s, "## Deprecated, no removal scheduled\n");
            }
        }
        let _ = writeln!(
            s,
            "| apiVersion | kind | deprecated in | replacement | replacement served since |\n\
             |---|---|---|---|---|"
        );
        for r in &rows {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} |",
                r.api_version,
                r.kind,
                r.deprecated_in,
                r.replacement_name()
                    .map_or("none".to_string(), |n| format!("`{n}`")),
                r.replacement_available_in
                    .map_or("—".to_string(), |v| v.to_string()),
            );
        }
        let noted: Vec<&&ApiRow> = rows.iter().filter(|r| !r.notes.is_empty()).collect();
        if !noted.is_empty() {
            let _ = writeln!(s, "\nWhat changes besides the apiVersion:\n");
            for r in noted {
                let _ = writeln!(
                    s,
                    "- `{}` {} → {}:",
                    r.api_version,
                    r.kind,
                    r.replacement_name()
                        .map_or("no replacement".to_string(), |n| format!("`{n}`"))
                );
                for note in &r.notes {
                    let _ = writeln!(s, "  - {}", markdown_text(note));
                }
            }
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## References\n\n\
         - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>\n\
         - <https://kubernetes.io/docs/reference/using-api/deprecation-policy/>"
    );
    s
}

/// Plain text for Markdown: `webhooks[*].name` must not start an emphasis.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '<' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> KubeVersion {
        s.parse().unwrap()
    }

    #[test]
    fn the_embedded_table_loads() {
        let t = table().unwrap();
        assert_eq!(t.rows.len(), 59);
        assert_eq!(t.newest, v("1.37"));
    }

    #[test]
    fn kinds_list_is_the_tables_kinds() {
        let t = table().unwrap();
        let from_table: Vec<&str> = t.kinds().into_iter().collect();
        let mut listed = KINDS.to_vec();
        listed.sort();
        listed.dedup();
        assert_eq!(listed, KINDS.to_vec(), "KINDS must be sorted and unique");
        assert_eq!(listed, from_table);
    }

    #[test]
    fn rows_the_issue_names_are_right() {
        let t = table().unwrap();
        for kind in ["FlowSchema", "PriorityLevelConfiguration"] {
            let r = t
                .find("flowcontrol.apiserver.k8s.io/v1beta1", kind)
                .unwrap();
            assert_eq!(r.removed_in, Some(v("1.26")));
            let r = t
                .find("flowcontrol.apiserver.k8s.io/v1beta3", kind)
                .unwrap();
            assert!(r.deprecated_in >= v("1.26"), "v1beta3 appeared in 1.26");
        }
        assert!(!t.rows.iter().any(|r| r.kind == "FlowControl"));
        for kind in [
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ] {
            let r = t.find("authorization.k8s.io/v1beta1", kind).unwrap();
            assert_eq!(r.removed_in, Some(v("1.22")));
        }
        let pdb = t.find("policy/v1beta1", "PodDisruptionBudget").unwrap();
        assert_eq!(pdb.removed_in, Some(v("1.25")));
        assert!(pdb.notes.iter().any(|n| n.contains("empty spec.selector")));
        let ep = t.find("v1", "Endpoints").unwrap();
        assert_eq!(
            ep.replacement_name().as_deref(),
            Some("discovery.k8s.io/v1 EndpointSlice")
        );
    }

    #[test]
    fn status_at_the_boundaries() {
        let t = table().unwrap();
        let r = t.find("batch/v1beta1", "CronJob").unwrap();
        assert_eq!(r.status(v("1.20")), Status::Served);
        assert_eq!(r.status(v("1.21")), Status::Deprecated);
        assert_eq!(r.status(v("1.24")), Status::Deprecated);
        assert_eq!(r.status(v("1.25")), Status::Removed);
        let cs = t.find("v1", "ComponentStatus").unwrap();
        assert_eq!(cs.status(v("1.99")), Status::Deprecated);
    }

    fn parse_err(text: &str) -> String {
        Table::parse(text).unwrap_err()
    }

    const ROW: &str = "- apiVersion: a/v1beta1\n  kind: K\n  deprecated-in: \"1.10\"\n  \
                       removed-in: \"1.12\"\n  replacement: a/v1\n  \
                       replacement-available-in: \"1.9\"\n  notes: []\n";

    #[test]
    fn a_well_formed_row_parses() {
        let t = Table::parse(ROW).unwrap();
        assert_eq!(t.rows[0].deprecated_in, v("1.10"));
        assert_eq!(t.newest, v("1.12"));
    }

    #[test]
    fn malformed_tables_are_errors_with_a_line() {
        let cases = [
            (ROW.replace("\"1.10\"", "1.10"), "quoted release"),
            (ROW.replace("\"1.12\"", "\"1.9\""), "after deprecated-in"),
            (
                ROW.replace("  replacement-available-in: \"1.9\"\n", ""),
                "without `replacement-available-in`",
            ),
            (ROW.replace("\"1.9\"", "null"), "set together"),
            (
                ROW.replace("  kind: K\n", "  kind: K\n  kinds: K\n"),
                "unknown field `kinds`",
            ),
            (ROW.replace("notes: []", "notes: [1]"), "non-empty string"),
            (ROW.replace("notes: []", "notes: x"), "list of strings"),
            (format!("{ROW}{ROW}"), "a second row"),
            (
                ROW.replace("\"1.12\"", "\"1.x\""),
                "not a Kubernetes release",
            ),
            ("a: b\n".to_string(), "non-empty list"),
            ("- [\n".to_string(), TABLE_PATH),
            ("".to_string(), "one YAML document"),
        ];
        for (text, want) in cases {
            let e = parse_err(&text);
            assert!(e.contains(want), "{want:?} not in {e:?}");
            assert!(e.starts_with(TABLE_PATH), "{e}");
        }
    }

    #[test]
    fn help_lists_the_notes_and_when_the_replacement_arrives() {
        let t = table().unwrap();
        let hpa = t
            .find("autoscaling/v2beta1", "HorizontalPodAutoscaler")
            .unwrap();
        let at = |target: &str| help(hpa, t.replacement_at(hpa, v(target)).as_ref(), v(target));
        let h = at("1.22");
        assert!(h.starts_with("change `apiVersion: autoscaling/v2beta1` to `apiVersion: autoscaling/v2` once the cluster runs 1.23"), "{h}");
        assert_eq!(h.matches("\n- ").count(), hpa.notes.len());
        assert!(!at("1.25").contains("once the cluster"));
    }

    #[test]
    fn replacements_that_are_gone_are_followed() {
        let t = table().unwrap();
        let name = |api: &str, kind: &str, target: &str| {
            let row = t.find(api, kind).unwrap();
            t.replacement_at(row, v(target))
                .map(|r| (r.name(), r.since.to_string()))
        };
        let fc = "flowcontrol.apiserver.k8s.io/v1beta1";
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        // v1beta2 is served and not deprecated yet.
        assert_eq!(
            name(fc, "FlowSchema", "1.25"),
            pair("flowcontrol.apiserver.k8s.io/v1beta2", "1.23")
        );
        // Deprecated in 1.26, but v1 is not served before 1.29: still v1beta2.
        assert_eq!(
            name(fc, "FlowSchema", "1.28"),
            pair("flowcontrol.apiserver.k8s.io/v1beta2", "1.23")
        );
        // v1beta2 is removed in 1.29.
        assert_eq!(
            name(fc, "PriorityLevelConfiguration", "1.29"),
            pair("flowcontrol.apiserver.k8s.io/v1", "1.29")
        );
        assert_eq!(
            name(fc, "FlowSchema", "1.33"),
            pair("flowcontrol.apiserver.k8s.io/v1", "1.29")
        );
        // extensions PSP → policy/v1beta1, which 1.25 removes without a successor.
        assert_eq!(
            name("extensions/v1beta1", "PodSecurityPolicy", "1.22"),
            pair("policy/v1beta1", "1.10")
        );
        assert_eq!(
            name("extensions/v1beta1", "PodSecurityPolicy", "1.25"),
            None
        );
        assert_eq!(
            name("v1", "Endpoints", "1.33"),
            pair("discovery.k8s.io/v1 EndpointSlice", "1.21")
        );
        assert_eq!(
            name("apps/v1beta1", "Deployment", "1.33"),
            pair("apps/v1", "1.9")
        );
    }

    #[test]
    fn docs_page_has_every_row() {
        let page = docs_page();
        for r in &table().unwrap().rows {
            let line = format!("| `{}` | {} | {} |", r.api_version, r.kind, r.deprecated_in);
            assert!(page.contains(&line), "{line}");
            for note in &r.notes {
                assert!(page.contains(&markdown_text(note)), "{note}");
            }
        }
    }
}
