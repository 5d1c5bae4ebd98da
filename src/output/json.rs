//! `--format json`: one JSON document for editors and scripts (schema: docs/json-output.md).
//!
//! The document is written as it is serialised ([`write`]): findings are turned into JSON one
//! at a time, so the memory a run needs does not grow with the size of its report.

use std::io::Write;

use serde::{Serialize, Serializer};

use crate::base::diagnostic::{Diagnostic, ObjectKey};
use crate::engine::Report;
use crate::output::{counts, exit_reason, triage};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Diagnostics<'a>,
    suppressed: SuppressedList<'a>,
    summary: Summary<'a>,
}

/// The report's findings, serialised one by one.
struct Diagnostics<'a>(&'a Report);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        s.collect_seq(report.diagnostics.iter().map(|d| diagnostic(report, d)))
    }
}

/// The silenced findings, serialised one by one.
struct SuppressedList<'a>(&'a Report);

impl Serialize for SuppressedList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        s.collect_seq(report.suppressed.iter().map(|s| JsonSuppressed {
            diagnostic: diagnostic(report, &s.diagnostic),
            reason: s.reason.as_deref(),
            suppression: JsonSuppression {
                kind: s.origin.as_str(),
                location: location(report, s.diagnostic.file, s.span),
            },
        }))
    }
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    diagnostic: JsonDiagnostic<'a>,
    reason: Option<&'a str>,
    suppression: JsonSuppression<'a>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'a str,
    #[serde(flatten)]
    location: Location<'a>,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    context_files: usize,
    root: Option<&'a str>,
    configurations: &'a [String],
    objects: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    /// Custom resources without a schema in reach (left out when 0).
    #[serde(skip_serializing_if = "is_zero")]
    no_schema: usize,
    /// Findings per rule and severity, most frequent first.
    rules: Vec<RuleCount<'a>>,
    /// Files with findings, most findings first.
    most_findings: Vec<FileCount<'a>>,
    exit_code: i32,
    exit_reason: String,
    /// What `--baseline` did (left out without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
struct RuleCount<'a> {
    rule: &'a str,
    severity: &'a str,
    count: usize,
    url: String,
}

#[derive(Serialize)]
struct FileCount<'a> {
    file: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    accepted: usize,
    stale: Vec<JsonStale<'a>>,
}

#[derive(Serialize)]
struct JsonStale<'a> {
    #[serde(flatten)]
    fingerprint: &'a crate::engine::baseline::Fingerprint,
    count: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    /// The rule's docs page.
    url: String,
    #[serde(flatten)]
    location: Location<'a>,
    template: Option<&'a str>,
    object: Option<&'a ObjectKey>,
    related: Vec<JsonRelated<'a>>,
}

fn location<'a>(report: &'a Report, file: u32, span: crate::base::span::Span) -> Location<'a> {
    Location {
        file: report.file_name(file),
        line: span.start.line,
        column: span.start.column,
        end_line: span.end.line,
        end_column: span.end.column,
    }
}

fn diagnostic<'a>(report: &'a Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        url: report.rule_url(d.rule),
        location: location(report, d.file, d.span),
        template: d.template.as_deref(),
        object: d.object.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                location: location(report, r.file, r.span),
                message: &r.message,
            })
            .collect(),
    }
}

/// Writes the report as JSON to `out` (a buffered writer), findings one at a time.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let c = counts(report);
    let t = triage(report);
    let (exit_code, exit_reason) = exit_reason(report);
    let doc = Output {
        version: 1,
        diagnostics: Diagnostics(report),
        suppressed: SuppressedList(report),
        summary: Summary {
            files: report.files,
            context_files: report.context_files,
            root: report.root.as_deref(),
            configurations: &report.configs,
            objects: report.objects,
            skipped: report.skipped,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            suppressed: report.suppressed.len(),
            no_schema: report.no_schema.objects,
            rules: t
                .by_rule
                .iter()
                .map(|&(rule, severity, count)| RuleCount {
                    rule,
                    severity: severity.as_str(),
                    count,
                    url: report.rule_url(rule),
                })
                .collect(),
            most_findings: t
                .by_file
                .iter()
                .map(|&(file, count)| FileCount {
                    file: report.file_name(file),
                    count,
                })
                .collect(),
            exit_code,
            exit_reason,
            baseline: report.baseline.as_ref().map(|b| JsonBaseline {
                file: &b.file,
                accepted: b.matched,
                stale: b
                    .stale
                    .iter()
                    .map(|(fingerprint, count)| JsonStale {
                        fingerprint,
                        count: *count,
                    })
                    .collect(),
            }),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The report as one JSON string (tests, and callers that want it in memory).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory only fails if serialising does, and plain structs of strings and
    // numbers cannot fail; say so if it does.
    if let Err(e) = write(report, &mut out) {
        return format!("{{\"version\":1,\"error\":\"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
