//! `--format json`: one JSON document for editors and scripts (schema: docs/json-output.md).
//!
//! The document is written as it is serialised ([`write`]): findings are turned into JSON a
//! batch at a time, each batch on every thread at once, so the memory a run needs does not
//! grow with the size of its report, and writing a large report is not one thread's work.

use std::io::Write;

use serde::{Serialize, Serializer};

use crate::base::diagnostic::{Diagnostic, ObjectKey};
use crate::engine::Report;
use crate::output::{counts, exit_reason, triage};

/// Findings turned into JSON by one task; tasks of a batch run in parallel.
const FINDINGS_PER_TASK: usize = 128;
/// Tasks in a batch, per thread: the text of at most `FINDINGS_PER_TASK` times this times
/// the threads' findings is held at once (about 1 MB with two threads).
const TASKS_PER_THREAD: usize = 4;

/// A pretty-printing formatter that starts `level` levels deep, so a value it writes is
/// exactly the text the whole document's formatter would write there.
fn pretty_at(level: usize) -> serde_json::ser::PrettyFormatter<'static> {
    use serde_json::ser::Formatter;
    let mut f = serde_json::ser::PrettyFormatter::new();
    for _ in 0..level {
        // Only the formatter's depth changes; nothing is written.
        let _ = f.begin_object(&mut std::io::sink());
    }
    f
}

/// `value` as JSON `level` levels deep, written to `out` as it is serialised. Generic over the
/// writer: serde writes many short pieces (a quote, a comma, an indentation), and a call
/// through `dyn Write` for each was a third of the time spent on the findings.
fn write_at<T: Serialize, W: Write>(value: &T, level: usize, out: W) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, pretty_at(level));
    value.serialize(&mut ser).map_err(std::io::Error::from)
}

/// The findings as the document's `diagnostics` array (one level deep), written batch by
/// batch.
fn write_diagnostics(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    if report.diagnostics.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let mut first = true;
    let batch_len = FINDINGS_PER_TASK * TASKS_PER_THREAD * rayon::current_num_threads();
    for batch in report.diagnostics.chunks(batch_len) {
        let texts: Vec<std::io::Result<Vec<u8>>> = batch
            .par_chunks(FINDINGS_PER_TASK)
            .map(|task| {
                let mut buf = Vec::new();
                for d in task {
                    buf.extend_from_slice(b",\n    ");
                    write_at(&diagnostic(report, d), 2, &mut buf)?;
                }
                Ok(buf)
            })
            .collect();
        for text in texts {
            let text = text?;
            // The first finding of the array has no comma before it.
            let text = if first { &text[1..] } else { &text[..] };
            first = false;
            out.write_all(text)?;
        }
    }
    out.write_all(b"\n  ]")
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
    url: RuleUrl<'a>,
    #[serde(flatten)]
    location: Location<'a>,
    template: Option<&'a str>,
    object: Option<&'a ObjectKey>,
    related: Vec<JsonRelated<'a>>,
}

/// A rule's docs page ([`Report::rule_url`]), written into the JSON text as it is formed:
/// no string is made for each finding.
struct RuleUrl<'a> {
    template: &'a str,
    rule: &'a str,
}

impl std::fmt::Display for RuleUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `template.replace("{rule}", rule)`, part by part.
        for (i, part) in self.template.split("{rule}").enumerate() {
            if i > 0 {
                f.write_str(self.rule)?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

impl Serialize for RuleUrl<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
        url: RuleUrl {
            template: &report.docs_url,
            rule: d.rule,
        },
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
    // `{"version": 1, "diagnostics": [...], "suppressed": [...], "summary": {...}}`, pretty
    // printed, each part one level deep.
    out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": ")?;
    write_diagnostics(report, out)?;
    out.write_all(b",\n  \"suppressed\": ")?;
    write_at(&SuppressedList(report), 1, &mut *out)?;
    out.write_all(b",\n  \"summary\": ")?;
    write_at(&summary(report), 1, &mut *out)?;
    out.write_all(b"\n}\n")
}

fn summary(report: &Report) -> Summary<'_> {
    let c = counts(report);
    let t = triage(report);
    let (exit_code, exit_reason) = exit_reason(report);
    Summary {
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
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_urls_are_written_as_the_string_rule_url_makes() {
        for template in [
            crate::rule::settings::DEFAULT_DOCS_URL,
            "https://example.com/{rule}",
            "{rule}{rule}/\"quoted\"\\{rule}.md\n",
            "no placeholder",
            "",
            "{rul{rule}e}",
        ] {
            let url = RuleUrl {
                template,
                rule: "probe-missing",
            };
            let made = crate::rule::settings::rule_url(template, "probe-missing");
            assert_eq!(url.to_string(), made);
            assert_eq!(
                serde_json::to_string(&url).ok(),
                serde_json::to_string(&made).ok()
            );
        }
    }

    /// The document as serde writes it in one piece: what [`write`] must give, byte for
    /// byte, however its findings are split into batches and tasks.
    #[derive(Serialize)]
    struct Whole<'a> {
        version: u32,
        diagnostics: Vec<JsonDiagnostic<'a>>,
        suppressed: SuppressedList<'a>,
        summary: Summary<'a>,
    }

    fn whole(report: &Report) -> String {
        let doc = Whole {
            version: 1,
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| diagnostic(report, d))
                .collect(),
            suppressed: SuppressedList(report),
            summary: summary(report),
        };
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }

    fn report_of(text: &str) -> Report {
        let input = crate::source::Input {
            display: "many.yaml".into(),
            stdin: Some(Box::new(Ok(text.as_bytes().to_vec()))),
            ..Default::default()
        };
        crate::engine::run(vec![input], &crate::rule::settings::Settings::default())
    }

    #[test]
    fn written_in_parallel_batches_as_serde_writes_the_whole_document() {
        // More findings than one batch holds, so tasks and batches meet in the output; some
        // silenced by a comment.
        let batch = FINDINGS_PER_TASK * TASKS_PER_THREAD * rayon::current_num_threads();
        let apps = batch / 2 + 7;
        let mut text = String::new();
        for i in 0..apps {
            text.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n\
                 spec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: web-{i}}}\n  \
                 template:\n    metadata:\n      labels: {{app: web-{i}}}\n    spec:\n      \
                 containers:\n      # kube-contract: ignore[missing-liveness-probe] test\n      \
                 - name: web\n        image: web:1\n"
            ));
        }
        let report = report_of(&text);
        assert!(
            report.diagnostics.len() > batch,
            "{} findings",
            report.diagnostics.len()
        );
        assert!(!report.suppressed.is_empty());
        assert_eq!(render(&report), whole(&report));
        // No finding, nothing silenced: the empty arrays as serde writes them.
        let empty = report_of("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        assert!(empty.diagnostics.is_empty() && empty.suppressed.is_empty());
        assert_eq!(render(&empty), whole(&empty));
    }
}
