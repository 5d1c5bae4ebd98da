//! Every field checked against the API schema: `unknown-field`, `invalid-field-type` (beyond
//! the fields the model reads) and `duplicate-key`.
//!
//! Built-in kinds are checked against the target release's schema (`builtin.txt`, generated
//! by `scripts/gen-schemas.py`) while the document's tree is alive ([`check_document`], called
//! once per document by the engine). Custom resources wait for every input to be read: the
//! CustomResourceDefinitions among the inputs (and in the configured `schemas` paths) are
//! gathered during loading, and [`finish`] re-reads only the documents holding a custom
//! resource whose CRD was found. Custom resources without a schema are counted, not checked.

pub mod builtin;
pub mod check;
pub mod crd;
pub mod types;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey};
use crate::base::kube_version::KubeVersion;
use crate::base::span::Span;
use crate::model::{api_group, Object};
use crate::rule::settings::Settings;
use crate::yaml::{self, NodeId, Tree};

pub use crd::Crd;

/// The rules that report what the schema checks find. The checks produce findings as data
/// (with these ids and a placeholder severity); each rule's document hook takes those of its
/// id from [`Document::schema`](crate::rule::Document) and reports them at its severity.
pub const UNKNOWN_FIELD: &str = "unknown-field";
pub const DUPLICATE_KEY: &str = "duplicate-key";
pub const INVALID_FIELD_TYPE: &str = "invalid-field-type";

/// The text of a file to check again once every CRD of the run is known, and whether it is
/// JSON.
pub type ReadFile<'a> = dyn Fn(FileId) -> Option<(String, bool)> + Sync + 'a;

/// API groups of tools' own files that look like objects but are never sent to a cluster
/// (`kustomization.yaml`, kpt and KRM function configuration).
const TOOL_GROUPS: &[&str] = &[
    "kustomize.config.k8s.io",
    "config.kubernetes.io",
    "kpt.dev",
    "fn.kpt.dev",
    "builtin",
];

/// A custom resource seen while loading, checked in [`finish`] if its CRD is found.
#[derive(Debug, Clone)]
pub struct Pending {
    pub file: FileId,
    /// First line of its document, to find the document again.
    pub first_line: u32,
    /// Its mapping.
    pub span: Span,
    pub key: Arc<ObjectKey>,
    pub template: Option<Arc<str>>,
}

/// What loading gathers for the checks that wait for every input.
#[derive(Debug, Default, Clone)]
pub struct Collected {
    pub crds: Vec<Crd>,
    pub pending: Vec<Pending>,
}

impl Collected {
    pub fn extend(&mut self, other: Collected) {
        self.crds.extend(other.crds);
        self.pending.extend(other.pending);
    }

    /// [`Collected::extend`] for a run's files in input order: a CRD whose group and kind an
    /// earlier one defines is dropped (the first wins in [`finish`]); `kinds` holds the groups
    /// and kinds kept so far.
    pub fn extend_first(&mut self, other: Collected, kinds: &mut HashSet<(String, String)>) {
        for crd in other.crds {
            if kinds.insert((crd.group.clone(), crd.kind.clone())) {
                self.crds.push(crd);
            }
        }
        self.pending.extend(other.pending);
    }
}

/// Where loading gathers the CRDs and custom resources of a document, and which CRDs it
/// converts.
pub struct Gathering<'a> {
    pub collected: &'a mut Collected,
    pub claims: &'a CrdClaims,
}

/// Where a CRD was met: file, then line and column of its mapping (input order).
type CrdAt = (FileId, u32, u32);

/// Which CRDs loading converts. Only the first CRD of a group and kind in input order is
/// ever checked against ([`finish`]), so a one-shot run converts a CRD only when no CRD of
/// its group and kind has been met earlier in input order: a repository that vendors the
/// same CRDs in every application (or a chart's CRDs rendered for each environment) holds
/// about one converted schema per kind, not one per copy. Files load in parallel, so a later
/// copy can still be converted before the earlier one is met; [`Collected::extend_first`]
/// drops it. A workspace that lives on converts every CRD: which one is first can change
/// when a file is edited.
#[derive(Debug, Default)]
pub struct CrdClaims {
    first: Option<std::sync::Mutex<HashMap<(String, String), CrdAt>>>,
}

impl CrdClaims {
    /// Claims that convert only a CRD not preceded by one of its group and kind.
    pub fn first_only() -> CrdClaims {
        CrdClaims {
            first: Some(std::sync::Mutex::new(HashMap::new())),
        }
    }

    /// Whether the CRD of `group` and `kind` met at `at` is to be converted: yes unless one
    /// of its group and kind was met earlier in input order.
    fn claim(&self, group: &str, kind: &str, at: CrdAt) -> bool {
        let Some(first) = &self.first else {
            return true;
        };
        let Ok(mut first) = first.lock() else {
            return true;
        };
        match first.get_mut(&(group.to_string(), kind.to_string())) {
            Some(seen) if *seen <= at => false,
            Some(seen) => {
                *seen = at;
                true
            }
            None => {
                first.insert((group.to_string(), kind.to_string()), at);
                true
            }
        }
    }
}

/// Custom resources no schema was found for: not checked, counted in the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unchecked {
    pub objects: usize,
    pub kinds: usize,
}

/// The release the schema checks read: the target, or the data's oldest for an older one.
pub fn release(settings: &Settings) -> Option<KubeVersion> {
    let releases = builtin::releases();
    let target = crate::rule::deprecated_apis::target(settings)?;
    Some(target.clamp(*releases.first()?, *releases.last()?))
}

/// The newest release of the schema data: the default `--kubernetes-version`.
pub fn newest_release() -> Option<KubeVersion> {
    builtin::releases().last().copied()
}

/// Refuses a target the data cannot speak for: older than the deprecated-API table's first
/// release (its earliest `deprecated-in`) or newer than the schema data's newest release. The
/// message names the known range.
pub fn check_target(target: KubeVersion) -> Result<KubeVersion, String> {
    let oldest = crate::rule::deprecated_apis::table()
        .ok()
        .and_then(|t| t.oldest())
        .unwrap_or(KubeVersion::new(1, 0));
    match newest_release() {
        Some(newest) if target > newest => Err(format!(
            "Kubernetes {target} is newer than the releases kube-contract knows \
             ({oldest}–{newest}); use --kubernetes-version {newest} or upgrade kube-contract"
        )),
        Some(newest) if target < oldest => Err(format!(
            "Kubernetes {target} is older than the releases kube-contract knows \
             ({oldest}–{newest}); use --kubernetes-version {oldest} or a newer release"
        )),
        _ => Ok(target),
    }
}

fn any_enabled(settings: &Settings) -> bool {
    settings.enabled(UNKNOWN_FIELD)
        || settings.enabled(INVALID_FIELD_TYPE)
        || settings.enabled(DUPLICATE_KEY)
}

/// The nodes of a document's objects: the root, or the items of a `kind: List`, matched to
/// the model's objects by their span.
fn object_nodes(tree: &Tree<'_>, objects: &[Object]) -> Vec<(usize, NodeId)> {
    let Some(root) = tree.root() else {
        return Vec::new();
    };
    let mut candidates = vec![root];
    if let Some(items) = tree.get(root, "items") {
        candidates.extend(tree.items(items).iter().filter_map(|&i| tree.resolve(i)));
    }
    let mut out = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        if let Some(&n) = candidates.iter().find(|&&n| tree.span(n) == obj.span) {
            out.push((i, n));
        }
    }
    out
}

fn sink<'o>(
    obj: &Object,
    settings: &Settings,
    known: &'o [crate::base::span::Pos],
    out: &'o mut Vec<Diagnostic>,
) -> check::Sink<'o> {
    check::Sink {
        known,
        file: obj.file,
        template: obj.template.clone(),
        object: Some(Arc::clone(&obj.key)),
        unknown_field: settings.enabled(UNKNOWN_FIELD),
        invalid_type: settings.enabled(INVALID_FIELD_TYPE),
        out,
    }
}

/// Checks the objects of one parsed document (`objects` as the model read them from `tree`)
/// against the built-in schema of the target release; remembers CRDs and custom resources for
/// [`finish`]. A value the model already found of the wrong type (`known`: where its field
/// errors start) is not reported twice. What it finds goes to `problems`, as data the rules
/// report.
pub fn check_document(
    tree: &Tree<'_>,
    objects: &[Object],
    first_line: u32,
    settings: &Settings,
    known: &[crate::base::span::Pos],
    problems: &mut Vec<Diagnostic>,
    gathering: &mut Gathering<'_>,
) {
    let Gathering { collected, claims } = gathering;
    if objects.is_empty() || !any_enabled(settings) {
        return;
    }
    let (Some(data), Some(release)) = (builtin::builtin(), release(settings)) else {
        return;
    };
    let against = match crate::rule::deprecated_apis::target(settings) {
        Some(t) if t < release => {
            format!("Kubernetes {release} (the oldest release of the schema data)")
        }
        _ => format!("Kubernetes {release}"),
    };
    let mut found = Vec::new();
    for (i, node) in object_nodes(tree, objects) {
        let obj = &objects[i];
        let (av, kind) = (obj.key.api_version.as_str(), obj.key.kind.as_str());
        if settings.enabled(DUPLICATE_KEY) {
            check::duplicate_keys(
                tree,
                node,
                &mut sink(obj, settings, known, &mut found),
                true,
            );
        }
        if av == "apiextensions.k8s.io/v1" && kind == "CustomResourceDefinition" {
            let at = (obj.file, obj.span.start.line, obj.span.start.column);
            if let Some(mut crd) =
                crd::read_if(tree, node, |group, kind| claims.claim(group, kind, at))
            {
                crd.origin = Some((obj.file, obj.span));
                collected.crds.push(crd);
            }
        }
        if let Some(root) = data.lookup(av, kind, release) {
            let schema = check::Schema {
                types: &data.types,
                root,
                meta: None,
                against: std::borrow::Cow::Borrowed(&against),
            };
            check::object(
                tree,
                node,
                &schema,
                &mut sink(obj, settings, known, &mut found),
            );
        } else {
            let group = api_group(av);
            if !data.is_builtin_group(group) && !TOOL_GROUPS.contains(&group) {
                collected.pending.push(Pending {
                    file: obj.file,
                    first_line,
                    span: obj.span,
                    key: Arc::clone(&obj.key),
                    template: obj.template.clone(),
                });
            }
        }
    }
    problems.extend(found);
}

/// CRDs in the files and directories of the `schemas` setting.
fn configured_crds(paths: &[PathBuf]) -> Vec<Crd> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files, 0);
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let json = f
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        read_crds(&text, json, &mut out);
    }
    out
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if p.is_dir() {
        if depth > 16 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.filter_map(Result::ok) {
            collect_files(&e.path(), out, depth + 1);
        }
    } else if p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
    {
        out.push(p.to_path_buf());
    }
}

/// The CRDs of a YAML stream (or JSON document), `kind: List` items included.
pub fn read_crds(text: &str, json: bool, out: &mut Vec<Crd>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for doc in yaml::parse_stream(text, json) {
        let Ok(tree) = &doc.tree else { continue };
        let Some(root) = tree.root() else { continue };
        let mut nodes = vec![root];
        if let Some(items) = tree.get(root, "items") {
            nodes.extend(tree.items(items).iter().filter_map(|&i| tree.resolve(i)));
        }
        out.extend(nodes.into_iter().filter_map(|n| crd::read(tree, n)));
    }
}

/// After every input is loaded: checks the custom resources whose CRD was found (re-reading
/// only their documents) and counts the others of the files `counted` accepts (those the run
/// reports on).
pub fn finish(
    read: &ReadFile<'_>,
    counted: &dyn Fn(FileId) -> bool,
    mut collected: Collected,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Unchecked {
    if collected.pending.is_empty() || !any_enabled(settings) {
        return Unchecked::default();
    }
    collected
        .crds
        .extend(configured_crds(&settings.schema_paths));
    // The first CRD of a group and kind wins (inputs come first, in input order).
    let mut by_kind: HashMap<(&str, &str), &Crd> = HashMap::new();
    for c in &collected.crds {
        by_kind
            .entry((c.group.as_str(), c.kind.as_str()))
            .or_insert(c);
    }
    let mut unchecked = 0;
    let mut kinds = BTreeSet::new();
    let mut work: HashMap<FileId, Vec<(&Pending, &Crd)>> = HashMap::new();
    for p in &collected.pending {
        let group = api_group(&p.key.api_version);
        let crd = by_kind
            .get(&(group, p.key.kind.as_str()))
            .filter(|c| c.version(&p.key.api_version).is_some());
        match crd {
            Some(c) => work.entry(p.file).or_default().push((p, c)),
            None if !counted(p.file) => {}
            None => {
                unchecked += 1;
                kinds.insert((group, p.key.kind.as_str()));
            }
        }
    }
    let mut files: Vec<(FileId, Vec<(&Pending, &Crd)>)> = work.into_iter().collect();
    files.sort_by_key(|(f, _)| *f);
    let found: Vec<Vec<Diagnostic>> = files
        .par_iter()
        // A file a task: files are read again, and differ in size.
        .with_max_len(1)
        .map(|(file, items)| {
            let mut out = Vec::new();
            if let Some((text, json)) = read(*file) {
                check_file(&text, json, items, settings, &mut out);
            }
            out
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    Unchecked {
        objects: unchecked,
        kinds: kinds.len(),
    }
}

fn check_file(
    text: &str,
    json: bool,
    items: &[(&Pending, &Crd)],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let meta = builtin::builtin().and_then(|b| {
        let release = release(settings)?;
        Some((b.types.as_slice(), b.object_meta(release)?))
    });
    for chunk in yaml::chunks(text, json) {
        let mine: Vec<&(&Pending, &Crd)> = items
            .iter()
            .filter(|(p, _)| p.first_line == chunk.first_line)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let Some(doc) = yaml::parse_chunk(chunk) else {
            continue;
        };
        let Ok(tree) = &doc.tree else { continue };
        let Some(root) = tree.root() else { continue };
        let mut nodes = vec![root];
        if let Some(list) = tree.get(root, "items") {
            nodes.extend(tree.items(list).iter().filter_map(|&i| tree.resolve(i)));
        }
        for (p, crd) in mine {
            let Some(&node) = nodes.iter().find(|&&n| tree.span(n) == p.span) else {
                continue;
            };
            let Some(version) = crd.version(&p.key.api_version) else {
                continue;
            };
            let schema = check::Schema {
                types: &version.types,
                root: version.root,
                meta,
                against: format!("CustomResourceDefinition {} ({})", crd.name, version.name).into(),
            };
            let first = out.len();
            let mut sink = check::Sink {
                file: p.file,
                template: p.template.clone(),
                object: Some(Arc::clone(&p.key)),
                unknown_field: settings.enabled(UNKNOWN_FIELD),
                invalid_type: settings.enabled(INVALID_FIELD_TYPE),
                known: &[],
                out,
            };
            check::object(tree, node, &schema, &mut sink);
            if let Some((file, span)) = crd.origin {
                for d in out.get_mut(first..).unwrap_or_default() {
                    d.related.push(crate::base::diagnostic::Related {
                        file,
                        span: Span::new(
                            span.start,
                            crate::base::span::Pos {
                                line: span.start.line,
                                column: span.start.column + 1,
                            },
                        ),
                        message: format!(
                            "the CustomResourceDefinition {} checked against",
                            crd.name
                        ),
                    });
                }
            }
        }
    }
}
