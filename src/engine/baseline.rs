//! `--write-baseline` and `--baseline`: today's findings recorded, so that a repository with
//! thousands of them fails only on new ones.
//!
//! A finding's fingerprint is its rule, its file (relative to the baseline's directory), its
//! object (kind, namespace, name) and the *field path* of its position in the object
//! (`spec.template.spec.containers[name=web].readinessProbe`; a list item is named by its
//! `name` when it has one, else by its index). No line number: a fingerprint survives edits
//! above the finding, reformatting, and documents reordered or inserted. Matching counts: a
//! baseline entry recorded twice accepts two findings, so one old finding never hides a new
//! one, in another file, another object or the same place.
//!
//! `parse-error` findings are never recorded nor accepted: a document that cannot be read
//! stays exit code 2.
//!
//! The file is JSON, sorted, one field per line, so that its diff in a pull request shows the
//! findings fixed. A file from a newer format, or with fields this version does not know, is
//! an error rather than a guess.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::base::diagnostic::Diagnostic;
use crate::base::io;
use crate::base::span::{Pos, Span};
use crate::engine::{BaselineOutcome, Report};
use crate::rules::parse_error;
use crate::yaml::{self, NodeId, Tree};

/// The format this version writes and reads.
pub const FORMAT: u32 = 1;

/// What identifies a finding across edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    pub file: String,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub path: String,
    pub rule: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<EntryOut>,
}

/// An entry as written: the fingerprint's fields, then its count (flatten and
/// deny_unknown_fields do not mix in serde, so the fields are spelled out).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryOut {
    rule: String,
    file: String,
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    path: String,
    count: usize,
}

/// A baseline read from its file: how many findings each fingerprint accepts.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    pub entries: BTreeMap<Fingerprint, usize>,
}

impl Baseline {
    /// Reads a baseline file; the error says what is wrong and where.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {shown}: {}", io::describe_io(&e)))?;
        Baseline::parse(&text).map_err(|e| format!("the baseline {shown} {e}"))
    }

    /// Reads a baseline's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "is not JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v > u64::from(FORMAT) => {
                return Err(format!(
                    "was written by a newer kube-contract (baseline format {v}; this version \
                     reads format {FORMAT}): upgrade kube-contract, or write the baseline again \
                     with --write-baseline"
                ))
            }
            Some(_) => {}
            None => {
                return Err(
                    "has no `version`: it is not a baseline written by --write-baseline".into(),
                )
            }
        }
        let file: File = serde_json::from_str(text).map_err(|e| {
            format!(
                "cannot be read (line {}, column {}): {e}; a baseline with fields this version \
                 does not know was written by a newer kube-contract",
                e.line(),
                e.column()
            )
        })?;
        let mut entries = BTreeMap::new();
        for e in file.findings {
            let fp = Fingerprint {
                file: e.file,
                kind: e.kind,
                namespace: e.namespace,
                name: e.name,
                path: e.path,
                rule: e.rule,
            };
            *entries.entry(fp).or_insert(0) += e.count;
        }
        Ok(Baseline { entries })
    }

    /// The baseline of a report's findings (`parse-error` left out).
    pub fn of(report: &Report, dir: &Path) -> Baseline {
        let mut entries = BTreeMap::new();
        for fp in fingerprints(report, dir).into_iter().flatten() {
            *entries.entry(fp).or_insert(0) += 1;
        }
        Baseline { entries }
    }

    /// The file's text: sorted entries, one field per line.
    pub fn to_json(&self) -> String {
        let file = File {
            version: FORMAT,
            findings: self
                .entries
                .iter()
                .map(|(fp, &count)| EntryOut {
                    rule: fp.rule.clone(),
                    file: fp.file.clone(),
                    kind: fp.kind.clone(),
                    namespace: fp.namespace.clone(),
                    name: fp.name.clone(),
                    path: fp.path.clone(),
                    count,
                })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Leaves out of the report the findings the baseline accepts, and records what it did.
    pub fn apply(&self, report: &mut Report, dir: &Path, display: &str) {
        let prints = fingerprints(report, dir);
        let mut left: HashMap<&Fingerprint, usize> =
            self.entries.iter().map(|(f, &n)| (f, n)).collect();
        let mut keep = Vec::with_capacity(prints.len());
        let mut matched = 0;
        for fp in &prints {
            let accepted = fp
                .as_ref()
                .and_then(|fp| left.get_mut(fp))
                .filter(|n| **n > 0)
                .map(|n| *n -= 1)
                .is_some();
            matched += usize::from(accepted);
            keep.push(!accepted);
        }
        let mut keep = keep.into_iter();
        report.diagnostics.retain(|_| keep.next().unwrap_or(true));
        // Only entries of the files this run reports on can be stale: a run over part of the
        // repository (a pre-commit hook's changed files) says nothing of the others.
        let abs = io::absolute(dir);
        let linted: std::collections::HashSet<String> = report
            .inputs
            .iter()
            .filter(|i| !i.context)
            .map(|i| match i.path.as_deref() {
                Some(p) => relative(&io::absolute(p), &abs),
                None => i.display.clone(),
            })
            .collect();
        let mut stale: Vec<(Fingerprint, usize)> = left
            .into_iter()
            .filter(|&(f, n)| n > 0 && linted.contains(&f.file))
            .map(|(f, n)| (f.clone(), n))
            .collect();
        stale.sort();
        report.baseline = Some(BaselineOutcome {
            file: display.to_string(),
            matched,
            stale,
        });
    }
}

/// The fingerprint of each finding of the report, in order (`None` for `parse-error`). Each
/// file with findings is read and split once, and each document holding a finding parsed
/// once (findings are sorted by file).
pub fn fingerprints(report: &Report, dir: &Path) -> Vec<Option<Fingerprint>> {
    let dir = io::absolute(dir);
    let mut out = Vec::with_capacity(report.diagnostics.len());
    for group in report.diagnostics.chunk_by(|a, b| a.file == b.file) {
        let Some(first) = group.first() else { continue };
        let input = report.inputs.get(first.file as usize);
        let name = match input.and_then(|i| i.path.as_deref()) {
            Some(p) => relative(&io::absolute(p), &dir),
            None => report.file_name(first.file).to_string(),
        };
        let json = input.is_some_and(|i| i.is_json());
        let text = report.text(first.file);
        let chunks = text
            .as_deref()
            .map(|t| yaml::chunks(t, json))
            .unwrap_or_default();
        let mut parsed: HashMap<usize, Option<yaml::Document<'_>>> = HashMap::new();
        for d in group {
            if d.rule == parse_error::META.id {
                out.push(None);
                continue;
            }
            // The last document starting at or before the finding's line.
            let at = chunks.partition_point(|c| c.first_line <= d.span.start.line);
            let path = match at.checked_sub(1) {
                Some(i) => {
                    let doc = parsed
                        .entry(i)
                        .or_insert_with(|| chunks.get(i).cloned().and_then(yaml::parse_chunk));
                    match doc.as_ref().map(|d| &d.tree) {
                        Some(Ok(tree)) => field_path(tree, d.span.start),
                        _ => String::new(),
                    }
                }
                None => String::new(),
            };
            out.push(Some(fingerprint(d, &name, path)));
        }
    }
    out
}

fn fingerprint(d: &Diagnostic, file: &str, path: String) -> Fingerprint {
    let object = d.object.as_deref();
    Fingerprint {
        rule: d.rule.to_string(),
        file: file.to_string(),
        kind: object.map(|o| o.kind.clone()),
        namespace: object.and_then(|o| o.namespace.clone()),
        name: object.and_then(|o| o.name.clone()),
        path,
    }
}

/// `path` relative to `dir`, `/`-separated; the absolute path when it is not under `dir`.
fn relative(path: &Path, dir: &Path) -> String {
    match path.strip_prefix(dir) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().replace('\\', "/"),
    }
}

/// The field path of a position in a file's text (tests; runs use [`fingerprints`]).
pub fn field_path_in(text: &str, json: bool, span: Span) -> String {
    let chunks = yaml::chunks(text, json);
    let at = chunks.partition_point(|c| c.first_line <= span.start.line);
    let doc = at
        .checked_sub(1)
        .and_then(|i| chunks.get(i).cloned())
        .and_then(yaml::parse_chunk);
    match doc.as_ref().map(|d| &d.tree) {
        Some(Ok(tree)) => field_path(tree, span.start),
        _ => String::new(),
    }
}

/// The field path of `pos` in a document: keys joined with `.`, list items as `[name=x]` or
/// `[i]`. The items of a `kind: List` are objects of their own, so the path starts inside the
/// item.
pub fn field_path(tree: &Tree<'_>, pos: Pos) -> String {
    let mut out = String::new();
    let Some(root) = tree.root() else {
        return out;
    };
    let mut node = root;
    let list = tree
        .get(root, "kind")
        .and_then(|k| tree.str(k))
        .is_some_and(|k| k.ends_with("List"));
    let mut depth = 0usize;
    // Bounded by the tree's depth; the counter guards against a cycle through aliases.
    while depth < crate::yaml::tree::MAX_DEPTH {
        depth += 1;
        // An alias's anchor is elsewhere: the path stops at the alias.
        let Some(n) = tree.resolve(node).filter(|&n| n == node) else {
            break;
        };
        if tree.is_map(n) {
            let mut next = None;
            for (k, v) in tree.own_pairs(n) {
                if contains(tree.span(k), pos) {
                    let key = tree.str(k).unwrap_or("?");
                    // A list item's `name` is how the path names the item already: a finding
                    // on it is about the item (containers are reported at their name).
                    let named_item = key == "name"
                        && out
                            .rsplit_once('[')
                            .is_some_and(|(_, last)| last.starts_with("name="));
                    if !named_item {
                        push_key(&mut out, key);
                    }
                    return out;
                }
                if contains(tree.span(v), pos) {
                    push_key(&mut out, tree.str(k).unwrap_or("?"));
                    next = Some(v);
                    break;
                }
            }
            match next {
                Some(v) => node = v,
                None => break,
            }
        } else {
            let items = tree.items(n);
            let Some((i, &item)) = items
                .iter()
                .enumerate()
                .find(|&(_, &it)| contains(tree.span(it), pos))
            else {
                break;
            };
            if list && depth == 2 && out == "items" {
                out.clear(); // a List's item is an object of its own
            } else {
                out.push_str(&item_segment(tree, item, i));
            }
            node = item;
        }
    }
    out
}

fn contains(span: Span, pos: Pos) -> bool {
    span.start <= pos && (pos < span.end || pos == span.start)
}

fn push_key(out: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$'));
    if plain {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    } else {
        out.push_str(&format!(
            "[{}]",
            serde_json::to_string(key).unwrap_or_default()
        ));
    }
}

fn item_segment(tree: &Tree<'_>, item: NodeId, index: usize) -> String {
    match tree
        .resolve(item)
        .filter(|&i| tree.is_map(i))
        .and_then(|i| tree.get(i, "name"))
        .and_then(|n| tree.str(n))
    {
        Some(name) => format!("[name={name}]"),
        None => format!("[{index}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_at(text: &str, line: u32, column: u32) -> String {
        field_path_in(
            text,
            false,
            Span::new(Pos { line, column }, Pos { line, column }),
        )
    }

    const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: side
          image: s
        - name: web
          image: w
          readinessProbe:
            httpGet: {port: 80}
      volumes:
        - emptyDir: {}
"#;

    #[test]
    fn paths_name_list_items_by_name_else_index() {
        assert_eq!(
            path_at(DEPLOY, 13, 11),
            "spec.template.spec.containers[name=web].readinessProbe"
        );
        assert_eq!(
            path_at(DEPLOY, 14, 23),
            "spec.template.spec.containers[name=web].readinessProbe.httpGet.port"
        );
        assert_eq!(
            path_at(DEPLOY, 16, 11),
            "spec.template.spec.volumes[0].emptyDir"
        );
        assert_eq!(path_at(DEPLOY, 4, 3), "metadata.name");
        assert_eq!(path_at(DEPLOY, 1, 1), "apiVersion");
    }

    #[test]
    fn files_are_relative_to_the_baseline_else_absolute() {
        let dir = Path::new("/repo");
        assert_eq!(relative(Path::new("/repo/k8s/a.yaml"), dir), "k8s/a.yaml");
        assert_eq!(
            relative(Path::new("/elsewhere/a.yaml"), dir),
            "/elsewhere/a.yaml"
        );
    }

    #[test]
    fn reformatting_keeps_the_path() {
        let text = r#"kind: Deployment
spec:
    template:
        spec:
            containers:
            -   image: web:1
                name: web
"#;
        assert_eq!(
            path_at(text, 6, 17),
            "spec.template.spec.containers[name=web].image"
        );
        assert_eq!(
            path_at(text, 7, 17),
            "spec.template.spec.containers[name=web]"
        );
    }

    #[test]
    fn list_items_are_objects_and_odd_keys_are_quoted() {
        let text = r#"apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      labels: {app.kubernetes.io/name: x}
"#;
        assert_eq!(path_at(text, 5, 5), "kind");
        assert_eq!(
            path_at(text, 7, 16),
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
    }

    #[test]
    fn newer_formats_and_unknown_fields_are_errors() {
        let e = Baseline::parse(r#"{"version": 2, "findings": []}"#).unwrap_err();
        assert!(e.contains("newer kube-contract"), "{e}");
        let e = Baseline::parse(r#"{"version": 1, "findings": [], "extra": 1}"#).unwrap_err();
        assert!(e.contains("unknown field `extra`"), "{e}");
        let e = Baseline::parse("[]").unwrap_err();
        assert!(e.contains("no `version`"), "{e}");
        let b = Baseline::parse(r#"{"version": 1, "findings": []}"#).expect("empty baseline");
        assert!(b.entries.is_empty());
    }
}
