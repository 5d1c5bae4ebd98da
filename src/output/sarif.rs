//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, …).
//!
//! `tool.driver.rules[]` is built from the rule metadata (the same text as `explain` and the
//! docs). File locations are URIs relative to the working directory under the base id
//! `%SRCROOT%` (defined in `originalUriBaseIds`); files outside it get an absolute `file://`
//! URI. Columns count Unicode code points, as the run's `columnKind` says. The log is written
//! as it is serialised ([`write`]), results one at a time.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey, Severity};
use crate::base::span::Span;
use crate::engine::Report;
use crate::output::docs;
use crate::output::{encode_uri_path, file_uri, place, Place};
use crate::rule::RuleMeta;
use crate::rules;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SRCROOT: &str = "%SRCROOT%";

pub struct Options<'a> {
    /// The working directory: file URIs are relative to it. `None` when unknown.
    pub cwd: Option<&'a Path>,
}

/// The docs page of a rule in the repository (`helpUri` of the default `docs-url`).
pub fn help_uri(id: &str) -> String {
    crate::rule::settings::rule_url(crate::rule::settings::DEFAULT_DOCS_URL, id)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `missing-readiness-probe` → `MissingReadinessProbe` (SARIF's `name` is a Pascal-case
/// identifier).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// SARIF messages are sentences: they end with a period.
fn sentence(s: &str) -> String {
    let t = s.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn rule(m: &RuleMeta, docs_url: &str) -> Value {
    let help_uri = |id: &str| crate::rule::settings::rule_url(docs_url, id);
    json!({
        "id": m.id,
        "name": pascal(m.id),
        "shortDescription": {"text": sentence(m.summary)},
        "fullDescription": {
            "text": m.what_it_does.trim(),
            "markdown": m.what_it_does.trim(),
        },
        "help": {
            "text": format!(
                "{}\n\n{}\n\nDocumentation: {}",
                m.what_it_does.trim(),
                m.why_it_matters.trim(),
                help_uri(m.id)
            ),
            "markdown": docs::rule_page(m),
        },
        "helpUri": help_uri(m.id),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {"tags": ["kubernetes", "zero-downtime"]},
    })
}

fn artifact(report: &Report, file: FileId, cwd: Option<&Path>) -> Value {
    match place(report.file_name(file), cwd) {
        Place::Relative(p) => json!({"uri": encode_uri_path(&p), "uriBaseId": SRCROOT}),
        Place::Absolute(p) => json!({"uri": file_uri(&p, false)}),
    }
}

fn region(span: Span) -> Value {
    let start_line = span.start.line.max(1);
    let start_column = span.start.column.max(1);
    let end_line = span.end.line.max(start_line);
    let end_column = if end_line == start_line {
        span.end.column.max(start_column)
    } else {
        span.end.column.max(1)
    };
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn physical(report: &Report, file: FileId, span: Span, cwd: Option<&Path>) -> Value {
    json!({"artifactLocation": artifact(report, file, cwd), "region": region(span)})
}

/// `Deployment/shop/web`; cluster-scoped objects have no namespace part.
pub fn qualified_name(key: &ObjectKey) -> String {
    let name = key.name.as_deref().unwrap_or("(unnamed)");
    match &key.namespace {
        Some(ns) => format!("{}/{ns}/{name}", key.kind),
        None => format!("{}/{name}", key.kind),
    }
}

fn message(d: &Diagnostic) -> String {
    let mut text = sentence(&d.message);
    if let Some(t) = &d.template {
        text.push_str(&format!(" Rendered from the Helm template {t}."));
    }
    if let Some(h) = &d.help {
        text.push_str("\n\nHelp: ");
        text.push_str(&sentence(h));
    }
    text
}

fn result(
    report: &Report,
    d: &Diagnostic,
    index: &HashMap<&str, usize>,
    cwd: Option<&Path>,
) -> Value {
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        physical(report, d.file, d.span, cwd),
    );
    if let Some(key) = &d.object {
        location.insert(
            "logicalLocations".into(),
            json!([{
                "name": key.name.as_deref().unwrap_or("(unnamed)"),
                "fullyQualifiedName": qualified_name(key),
                "kind": "resource",
            }]),
        );
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(d.rule));
    if let Some(i) = index.get(d.rule) {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(d.severity)));
    r.insert("message".into(), json!({"text": message(d)}));
    r.insert("locations".into(), json!([location]));
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(report, rel.file, rel.span, cwd),
                    "message": {"text": sentence(&rel.message)},
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    let mut props = Map::new();
    if let Some(t) = &d.template {
        props.insert("template".into(), json!(t.as_ref()));
    }
    if let Some(key) = &d.object {
        props.insert("object".into(), json!(key.as_ref()));
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

/// The run object without its results: the tool, the invocation, the base URIs.
fn run_header(report: &Report, opts: &Options<'_>) -> Map<String, Value> {
    let metas = rules::all_metas();
    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({"driver": {
            "name": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": metas.iter().map(|m| rule(m, &report.docs_url)).collect::<Vec<_>>(),
        }}),
    );
    let mut invocation = Map::new();
    // Input that cannot be read is reported as `parse-error` results; the run itself completes.
    invocation.insert("executionSuccessful".into(), json!(true));
    if let Some(cwd) = opts.cwd {
        let uri = file_uri(cwd, true);
        invocation.insert("workingDirectory".into(), json!({"uri": uri}));
        run.insert(
            "originalUriBaseIds".into(),
            json!({SRCROOT: {
                "uri": uri,
                "description": {"text": "The working directory kube-contract ran in."},
            }}),
        );
    }
    run.insert("invocations".into(), json!([invocation]));
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run
}

/// The SARIF log; keys in the order a `serde_json::Map` keeps them (sorted), so the document
/// is the same as one built whole.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

/// One run: the header's keys with `results` at its sorted place, the results serialised one
/// at a time.
struct Run<'a> {
    header: Map<String, Value>,
    report: &'a Report,
    opts: &'a Options<'a>,
}

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let metas = rules::all_metas();
        let index: HashMap<&str, usize> =
            metas.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
        let results = Results {
            report: self.report,
            index: &index,
            cwd: self.opts.cwd,
        };
        let mut map = s.serialize_map(Some(self.header.len() + 1))?;
        let mut written = false;
        for (k, v) in &self.header {
            if !written && k.as_str() > "results" {
                map.serialize_entry("results", &results)?;
                written = true;
            }
            map.serialize_entry(k, v)?;
        }
        if !written {
            map.serialize_entry("results", &results)?;
        }
        map.end()
    }
}

struct Results<'a> {
    report: &'a Report,
    index: &'a HashMap<&'a str, usize>,
    cwd: Option<&'a Path>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.report
                .diagnostics
                .iter()
                .map(|d| result(self.report, d, self.index, self.cwd)),
        )
    }
}

/// Writes the SARIF log to `out` (a buffered writer), results one at a time.
pub fn write(report: &Report, opts: &Options<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            header: run_header(report, opts),
            report,
            opts,
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The SARIF log as one string (tests, and callers that want it in memory).
pub fn render(report: &Report, opts: &Options<'_>) -> String {
    let mut out = Vec::new();
    if let Err(e) = write(report, opts, &mut out) {
        // Serialising a tree of strings and numbers cannot fail; say so if it does.
        return format!("{{\"version\":\"2.1.0\",\"error\":\"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal("missing-readiness-probe"), "MissingReadinessProbe");
        assert_eq!(pascal("bare-pod"), "BarePod");
        assert_eq!(sentence("no probe"), "no probe.");
        assert_eq!(sentence("done."), "done.");
    }

    #[test]
    fn regions_are_never_inverted() {
        let s = Span::default();
        assert_eq!(
            region(s),
            json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
        );
    }
}
