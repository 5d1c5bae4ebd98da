//! `--format github`: one GitHub Actions workflow command per finding
//! (`::error`, `::warning`, `::notice`), which the runner turns into annotations on the
//! pull request's diff. Escaped as the Actions toolkit does: `%`, CR and LF in the message,
//! and also `:` and `,` in properties.

use std::fmt::Write;
use std::path::Path;

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::engine::Report;
use crate::output::{human, place, Place};

pub struct Options<'a> {
    /// File paths are written relative to this directory (the repository root in a workflow).
    pub cwd: Option<&'a Path>,
    /// Only the workflow commands, no summary line.
    pub quiet: bool,
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`, …).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn path(report: &Report, file: u32, cwd: Option<&Path>) -> String {
    match place(report.file_name(file), cwd) {
        Place::Relative(p) => p,
        Place::Absolute(p) => p.to_string_lossy().into_owned(),
    }
}

fn message(report: &Report, d: &Diagnostic, cwd: Option<&Path>) -> String {
    let mut m = d.message.clone();
    if let Some(t) = &d.template {
        let _ = write!(m, " (Helm template {t})");
    }
    if let Some(h) = &d.help {
        let _ = write!(m, "\n\nhelp: {h}");
    }
    for r in &d.related {
        let _ = write!(
            m,
            "\nrelated: {}:{}:{}: {}",
            path(report, r.file, cwd),
            r.span.start.line,
            r.span.start.column,
            r.message
        );
    }
    m
}

pub fn render(report: &Report, opts: &Options<'_>) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            command(d.severity),
            escape_property(&path(report, d.file, opts.cwd)),
            d.span.start.line,
            d.span.end.line.max(d.span.start.line),
            d.span.start.column,
            d.span.end.column,
            escape_property(&format!("{} ({})", d.rule, report.rule_url(d.rule))),
            escape_data(&message(report, d, opts.cwd)),
        );
    }
    if !opts.quiet {
        out.push_str(&human::baseline_text(report));
        out.push_str(&human::summary(report));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("dir,x/a:b%.yaml\n"),
            "dir%2Cx/a%3Ab%25.yaml%0A"
        );
    }
}
