//! `--format human`: source lines with a marker under the span, rule id, message and help,
//! then a summary. Rendered with miette; colour only on a terminal, and never with NO_COLOR.

use std::borrow::Cow;
use std::fmt::{self, Display};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Report;
use crate::output::counts;

pub struct Options {
    pub color: bool,
    pub width: usize,
    /// Only the findings, no summary.
    pub quiet: bool,
    /// List the findings suppressions silenced, with their reasons.
    pub show_suppressed: bool,
}

struct Related {
    message: String,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as _)
    }
}

struct Finding<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
    related: Vec<Related>,
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        Some(Box::new(self.d.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as _)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// Caches the text of the file being rendered (findings are sorted by file).
struct Sources<'a> {
    report: &'a Report,
    current: Option<(u32, Option<String>)>,
}

impl Sources<'_> {
    fn get(&mut self, file: u32) -> Option<String> {
        if self.current.as_ref().map(|c| c.0) != Some(file) {
            let text = self.report.source(file).map(Cow::into_owned);
            self.current = Some((file, text));
        }
        self.current.as_ref().and_then(|c| c.1.clone())
    }
}

fn label_for(text: &str, span: crate::span::Span, label: &str) -> LabeledSpan {
    let range = span.first_line(text).byte_range(text);
    let len = range
        .end
        .saturating_sub(range.start)
        .max(usize::from(range.start < text.len()));
    LabeledSpan::new(Some(label.to_string()), range.start, len)
}

fn short_label(d: &Diagnostic) -> String {
    match &d.object {
        Some(o) => format!("{} {}", o.kind, o.name.as_deref().unwrap_or("(unnamed)")),
        None => "here".to_string(),
    }
}

pub fn render(report: &Report, opts: &Options) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1);
    let mut sources = Sources {
        report,
        current: None,
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        let name = match &d.template {
            Some(t) => format!("{} (template {t})", report.file_name(d.file)),
            None => report.file_name(d.file).to_string(),
        };
        let text = sources.get(d.file);
        let label = text
            .as_deref()
            .map(|t| label_for(t, d.span, &short_label(d)));
        let related = d
            .related
            .iter()
            .map(|r| {
                let rtext = if r.file == d.file {
                    text.clone()
                } else {
                    report.source(r.file).map(Cow::into_owned)
                };
                Related {
                    message: r.message.clone(),
                    label: rtext.as_deref().map(|t| label_for(t, r.span, "related")),
                    source: rtext.map(|t| NamedSource::new(report.file_name(r.file), t)),
                }
            })
            .collect();
        let finding = Finding {
            d,
            label,
            source: text.map(|t| NamedSource::new(&name, t)),
            related,
        };
        let mut block = String::new();
        if handler.render_report(&mut block, &finding).is_err() || finding.source.is_none() {
            block = format!(
                "{}[{}]: {}\n  --> {}:{}:{}\n",
                d.severity, d.rule, d.message, name, d.span.start.line, d.span.start.column
            );
        }
        out.push_str(&block);
        out.push('\n');
    }
    if opts.show_suppressed {
        out.push_str(&suppressed(report));
    }
    if !opts.quiet {
        out.push_str(&summary(report));
        if !opts.show_suppressed && !report.suppressed.is_empty() {
            out.push_str("(`--show-suppressed` lists the suppressed findings and their reasons)\n");
        }
    }
    out
}

/// The silenced findings, one entry each: where, rule, message, and the suppression's place
/// and reason.
pub fn suppressed(report: &Report) -> String {
    if report.suppressed.is_empty() {
        return String::new();
    }
    let mut out = format!("Suppressed findings ({}):\n", report.suppressed.len());
    for s in &report.suppressed {
        let d = &s.diagnostic;
        let file = report.file_name(d.file);
        out.push_str(&format!(
            "  {file}:{}:{}: {}[{}]: {}\n    silenced by the {} at {file}:{}:{}",
            d.span.start.line,
            d.span.start.column,
            d.severity,
            d.rule,
            d.message,
            s.origin.as_str(),
            s.span.start.line,
            s.span.start.column,
        ));
        match &s.reason {
            Some(r) => out.push_str(&format!(": {r}\n")),
            None => out.push_str(" (no reason given)\n"),
        }
    }
    out.push('\n');
    out
}

pub fn summary(report: &Report) -> String {
    let c = counts(report);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut s = format!(
        "Linted {} and {}: {}, {}, {}",
        plural(report.inputs.len(), "file"),
        plural(report.objects, "object"),
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(c.infos, "info"),
    );
    if !report.suppressed.is_empty() {
        s.push_str(&format!(", {} suppressed", report.suppressed.len()));
    }
    if report.skipped > 0 {
        s.push_str(&format!(
            " ({} without apiVersion and kind skipped)",
            plural(report.skipped, "document")
        ));
    }
    let n = report.no_schema;
    if n.objects > 0 {
        s.push_str(&format!(
            "; {} of {} had no schema (not checked field by field)",
            plural(n.objects, "object"),
            plural(n.kinds, "custom kind")
        ));
    }
    s.push('\n');
    s
}
