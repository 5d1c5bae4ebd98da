//! `--format junit`: JUnit XML for GitLab's test reports, Jenkins and other CI dashboards.
//!
//! A `<testsuite>` per input file (files that could not be parsed included), a `<testcase>`
//! per object, named `kind/namespace/name` (`kind/name` for cluster-scoped kinds) with the
//! file's path without extension as class name, and a `<failure>` per finding. Findings not about an object — a `parse-error`, a suppression comment's finding — go to a testcase
//! named after the file, as `<error>`s. A testsuite's `failures` and `errors` count testcases,
//! as JUnit does, not findings.

use std::fmt::Write;

use crate::base::diagnostic::{Diagnostic, FileId};
use crate::engine::{ListedObject, Report};
use crate::output::sarif::qualified_name;
use crate::rules::parse_error;

/// Escapes text for XML 1.0 character data and attribute values. Characters XML 1.0 cannot
/// carry at all (control characters other than tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD.
/// In attributes, tab, LF and CR are written as character references so that attribute-value
/// normalisation keeps them.
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if attribute => {
                let _ = write!(out, "&#{};", c as u32);
            }
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Case<'a> {
    name: String,
    failures: Vec<&'a Diagnostic>,
    errors: Vec<&'a Diagnostic>,
}

/// The object of the file a finding belongs to: same key, and the object's mapping contains
/// the finding (two documents of one file may share a key).
fn owner(objects: &[&ListedObject], d: &Diagnostic) -> Option<usize> {
    let key = d.object.as_ref()?;
    let mut first = None;
    let mut containing = None;
    for (i, o) in objects.iter().enumerate() {
        if o.key != *key {
            continue;
        }
        first.get_or_insert(i);
        if o.span.start <= d.span.start && d.span.start <= o.span.end {
            containing = Some(i);
        }
    }
    containing.or(first)
}

fn body(report: &Report, d: &Diagnostic) -> String {
    let mut s = format!(
        "{}[{}] at {}:{}:{}\n{}\n",
        d.severity,
        d.rule,
        report.file_name(d.file),
        d.span.start.line,
        d.span.start.column,
        d.message
    );
    if let Some(t) = &d.template {
        let _ = writeln!(s, "Helm template: {t}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(s, "help: {h}");
    }
    for r in &d.related {
        let _ = writeln!(
            s,
            "related: {}:{}:{}: {}",
            report.file_name(r.file),
            r.span.start.line,
            r.span.start.column,
            r.message
        );
    }
    let _ = writeln!(s, "see {}", report.rule_url(d.rule));
    s
}

fn cases_of<'a>(
    report: &'a Report,
    file: FileId,
    objects: &[&ListedObject],
    diags: &[&'a Diagnostic],
) -> Vec<Case<'a>> {
    let mut cases: Vec<Case<'a>> = objects
        .iter()
        .map(|o| Case {
            name: qualified_name(&o.key),
            failures: Vec::new(),
            errors: Vec::new(),
        })
        .collect();
    let mut file_case = Case {
        name: report.file_name(file).to_string(),
        failures: Vec::new(),
        errors: Vec::new(),
    };
    for &d in diags {
        match owner(objects, d).and_then(|i| cases.get_mut(i)) {
            Some(c) => c.failures.push(d),
            None if d.rule == parse_error::META.id => file_case.errors.push(d),
            None => match &d.object {
                // An object the run did not list (cannot happen today): its own testcase.
                Some(key) => cases.push(Case {
                    name: qualified_name(key),
                    failures: vec![d],
                    errors: Vec::new(),
                }),
                None => file_case.failures.push(d),
            },
        }
    }
    if !file_case.failures.is_empty() || !file_case.errors.is_empty() {
        cases.insert(0, file_case);
    }
    cases
}

/// The file name without its extension: Jenkins splits a class name at its last `.` into
/// package and class, which would make `yaml` the class of every testcase.
fn class_name(file: &str) -> &str {
    match file.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !stem.ends_with(['/', '\\']) && !ext.contains(['/', '\\']) =>
        {
            stem
        }
        _ => file,
    }
}

fn write_problem(out: &mut String, report: &Report, tag: &str, d: &Diagnostic) {
    let _ = writeln!(
        out,
        "      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>",
        escape(d.rule, true),
        escape(&format!("{}: {}", d.severity, d.message), true),
        escape(&body(report, d), false),
    );
}

pub fn render(report: &Report) -> String {
    let mut by_file: Vec<Vec<&Diagnostic>> = vec![Vec::new(); report.inputs.len()];
    for d in &report.diagnostics {
        if let Some(v) = by_file.get_mut(d.file as usize) {
            v.push(d);
        }
    }
    let listed = report.listed();
    let mut objects: Vec<Vec<&ListedObject>> = vec![Vec::new(); report.inputs.len()];
    for o in &listed {
        if let Some(v) = objects.get_mut(o.file as usize) {
            v.push(o);
        }
    }
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for (file, (diags, objs)) in by_file.iter().zip(&objects).enumerate() {
        let cases = cases_of(report, file as FileId, objs, diags);
        let file_name = report.file_name(file as FileId);
        let name = escape(file_name, true);
        let class = escape(class_name(file_name), true);
        let f = cases
            .iter()
            .filter(|c| c.errors.is_empty() && !c.failures.is_empty())
            .count();
        let e = cases.iter().filter(|c| !c.errors.is_empty()).count();
        tests += cases.len();
        failures += f;
        errors += e;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\">",
            cases.len()
        );
        for c in &cases {
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{class}\" file=\"{name}\"",
                escape(&c.name, true)
            );
            if c.failures.is_empty() && c.errors.is_empty() {
                let _ = writeln!(suites, "{open}/>");
                continue;
            }
            let _ = writeln!(suites, "{open}>");
            for d in &c.errors {
                write_problem(&mut suites, report, "error", d);
            }
            for d in &c.failures {
                write_problem(&mut suites, report, "failure", d);
            }
            let _ = writeln!(suites, "    </testcase>");
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"kube-contract\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n\
         {suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_unrepresentable_characters() {
        assert_eq!(escape("a<b & \"c\"", false), "a&lt;b &amp; \"c\"");
        assert_eq!(
            escape("a<b & \"c\"'", true),
            "a&lt;b &amp; &quot;c&quot;&apos;"
        );
        assert_eq!(escape("x\u{1}y\u{ffff}", false), "x\u{fffd}y\u{fffd}");
        assert_eq!(escape("l1\nl2\t", true), "l1&#10;l2&#9;");
        assert_eq!(escape("l1\r\nl2", false), "l1&#13;\nl2");
    }
}
