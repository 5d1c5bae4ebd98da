//! `--format human`: source lines with a marker under the span, rule id, message and help,
//! then a summary. Rendered with miette; colour only on a terminal, and never with NO_COLOR.

use std::collections::HashMap;
use std::fmt::{self, Display};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::span::{Pos, Span};
use crate::engine::Report;
use crate::output::{counts, exit_reason, help_parts, triage, HelpPart};

pub struct Options {
    pub color: bool,
    pub width: usize,
    /// Only the findings, no summary.
    pub quiet: bool,
    /// List the findings suppressions silenced, with their reasons.
    pub show_suppressed: bool,
}

/// Files the triage summary lists.
const TOP_FILES: usize = 10;

struct Related {
    message: String,
    source: Option<Window>,
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
    source: Option<Window>,
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

/// A file's text with the byte offset of each line, computed once per file.
struct Lines {
    text: Arc<str>,
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: Arc<str>) -> Lines {
        // A lone `\r` ends a line for the YAML reader, so positions count it; the report
        // library counts only `\n`. Such a file is shown with its lone `\r`s read as `\n`
        // (one byte for one, so every offset stays the same).
        let bytes = text.as_bytes();
        let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
        let text = if lone_cr {
            let mut fixed = text.to_string().into_bytes();
            for i in 0..fixed.len() {
                if fixed[i] == b'\r' && fixed.get(i + 1) != Some(&b'\n') {
                    fixed[i] = b'\n';
                }
            }
            // Replacing one ASCII byte by another keeps the text UTF-8.
            String::from_utf8(fixed).map_or(text, Arc::from)
        } else {
            text
        };
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The text of 1-based line `line` (without its line break), and where it starts.
    fn line(&self, line: u32) -> Option<(usize, &str)> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |n| n.saturating_sub(1));
        let text = self.text.get(start..end)?;
        Some((start, text.strip_suffix('\r').unwrap_or(text)))
    }

    /// Byte offset of a position, clamped to the end of its line and of the text.
    fn offset(&self, pos: Pos) -> usize {
        let Some((start, text)) = self.line(pos.line) else {
            return self.text.len();
        };
        text.char_indices()
            .nth(pos.column.saturating_sub(1) as usize)
            .map_or(start + text.len(), |(i, _)| start + i)
    }

    /// The label of a span, cut at the end of its first line (as [`Span::first_line`]).
    fn label(&self, span: Span, label: &str) -> LabeledSpan {
        let end = if span.start.line == span.end.line {
            span.end
        } else {
            let len = self
                .line(span.start.line)
                .map_or(span.start.column, |(_, l)| l.chars().count() as u32);
            Pos {
                line: span.start.line,
                column: (len + 1).max(span.start.column + 1),
            }
        };
        let start = self.offset(span.start);
        let end = self.offset(end).max(start);
        let len = end
            .saturating_sub(start)
            .max(usize::from(start < self.text.len()));
        LabeledSpan::new(Some(label.to_string()), start, len)
    }

    /// The lines around `line` that a report shows, as a source for it.
    fn window(&self, name: &str, line: u32) -> Window {
        let first = (line as usize).saturating_sub(1 + WINDOW_LINES);
        let last = (line as usize).saturating_add(WINDOW_LINES);
        let start = self.starts.get(first).copied().unwrap_or(self.text.len());
        let end = self.starts.get(last).copied().unwrap_or(self.text.len());
        Window {
            name: name.to_string(),
            text: Arc::clone(&self.text),
            start,
            end: end.max(start),
            first_line: first,
        }
    }
}

/// Lines shown around a label are one before and one after (`with_context_lines(1)`); the
/// window keeps a margin beyond that.
const WINDOW_LINES: usize = 3;

/// A few lines of a file, as miette's source: the report library scans a source from its
/// start for every label, so each finding gets only the lines it shows, with their offsets
/// and line numbers in the whole file. Rendering stays linear in findings.
struct Window {
    name: String,
    text: Arc<str>,
    start: usize,
    end: usize,
    /// 0-based line number of `start`.
    first_line: usize,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local_text = self.text.get(self.start..self.end).unwrap_or("");
        let local = SourceSpan::new(span.offset().saturating_sub(self.start).into(), span.len());
        let inner = local_text.read_span(&local, before, after)?;
        let shifted = SourceSpan::new(
            (inner.span().offset() + self.start).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            shifted,
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The line tables of the file being shown and of the files its findings relate to: each is
/// taken (or read) once while findings of that file are rendered (findings are sorted by file).
struct Sources<'a> {
    report: &'a Report,
    current: Option<u32>,
    files: HashMap<u32, Option<Arc<Lines>>>,
}

impl Sources<'_> {
    /// The file whose findings are rendered next; the tables of other files are let go.
    fn start(&mut self, file: u32) {
        if self.current != Some(file) {
            self.current = Some(file);
            self.files.clear();
        }
    }

    fn get(&mut self, file: u32) -> Option<Arc<Lines>> {
        let report = self.report;
        self.files
            .entry(file)
            .or_insert_with(|| report.text(file).map(|t| Arc::new(Lines::new(t))))
            .clone()
    }
}

fn short_label(d: &Diagnostic) -> String {
    match &d.object {
        Some(o) => format!("{} {}", o.kind, o.name.as_deref().unwrap_or("(unnamed)")),
        None => "here".to_string(),
    }
}

pub fn render(report: &Report, opts: &Options) -> String {
    let mut out = Vec::new();
    // Writing to a vector cannot fail.
    let _ = write(report, opts, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`render`], written to `sink` a finding at a time: the text of a million findings is never
/// held whole.
pub fn write(
    report: &Report,
    opts: &Options,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
        files: HashMap::new(),
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        out.clear();
        let name = match &d.template {
            Some(t) => format!("{} (template {t})", report.file_name(d.file)),
            None => report.file_name(d.file).to_string(),
        };
        sources.start(d.file);
        let text = sources.get(d.file);
        let label = text.as_deref().map(|t| t.label(d.span, &short_label(d)));
        let related = d
            .related
            .iter()
            .map(|r| {
                let rtext = sources.get(r.file);
                Related {
                    message: r.message.clone(),
                    label: rtext.as_deref().map(|t| t.label(r.span, "related")),
                    source: rtext.map(|t| t.window(report.file_name(r.file), r.span.start.line)),
                }
            })
            .collect();
        let finding = Finding {
            d,
            label,
            source: text.map(|t| t.window(&name, d.span.start.line)),
            related,
        };
        let mut block = String::new();
        if handler.render_report(&mut block, &finding).is_err() || finding.source.is_none() {
            block = format!(
                "{}[{}]: {}\n  --> {}:{}:{}\n",
                d.severity, d.rule, d.message, name, d.span.start.line, d.span.start.column
            );
        }
        out.push_str(block.trim_end_matches('\n'));
        out.push('\n');
        if let Some(help) = &d.help {
            push_help(&mut out, help, opts.width);
        }
        out.push_str("  docs: ");
        out.push_str(&report.rule_url(d.rule));
        out.push_str("\n\n");
        sink.write_all(out.as_bytes())?;
    }
    out.clear();
    if opts.show_suppressed {
        out.push_str(&suppressed(report));
    }
    if !opts.quiet {
        out.push_str(&triage_text(report));
        out.push_str(&baseline_text(report));
        out.push_str(&summary(report));
        if !opts.show_suppressed && !report.suppressed.is_empty() {
            out.push_str("(`--show-suppressed` lists the suppressed findings and their reasons)\n");
        }
    }
    sink.write_all(out.as_bytes())
}

/// A help text: prose wrapped at `width` after `  help: `, each snippet unwrapped on a line
/// of its own, so that it pastes as YAML.
fn push_help(out: &mut String, help: &str, width: usize) {
    const FIRST: &str = "  help: ";
    const NEXT: &str = "        ";
    const SNIPPET: &str = "          ";
    let mut line = String::from(FIRST);
    let mut fresh = true; // nothing after the prefix yet
    let flush = |out: &mut String, line: &mut String, fresh: &mut bool| {
        if !*fresh {
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
            line.push_str(NEXT);
            *fresh = true;
        }
    };
    for part in help_parts(help) {
        match part {
            HelpPart::Words(words) => {
                for w in words {
                    if !fresh && line.chars().count() + 1 + w.chars().count() > width {
                        flush(out, &mut line, &mut fresh);
                    }
                    if !fresh {
                        line.push(' ');
                    }
                    line.push_str(&w);
                    fresh = false;
                }
            }
            HelpPart::Snippet(code) => {
                if !fresh || line.starts_with(FIRST) {
                    if fresh {
                        out.push_str(FIRST.trim_end());
                        out.push('\n');
                        line.clear();
                        line.push_str(NEXT);
                    } else {
                        flush(out, &mut line, &mut fresh);
                    }
                }
                out.push_str(SNIPPET);
                out.push_str(&code);
                out.push('\n');
            }
            HelpPart::Break => flush(out, &mut line, &mut fresh),
        }
    }
    flush(out, &mut line, &mut fresh);
}

/// The per-rule table: findings per rule and severity, most frequent first.
pub fn statistics(report: &Report) -> String {
    let t = triage(report);
    if t.by_rule.is_empty() {
        return String::new();
    }
    let width = t
        .by_rule
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    let mut s = String::new();
    for (rule, severity, n) in &t.by_rule {
        s.push_str(&format!("{n:>width$}  {:<7}  {rule}\n", severity.as_str()));
    }
    s
}

/// The triage summary: findings per rule and severity, then the files with the most.
pub fn triage_text(report: &Report) -> String {
    let t = triage(report);
    if t.by_rule.is_empty() {
        return String::new();
    }
    let mut s = String::from("Findings by rule:\n");
    for line in statistics(report).lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    let shown = t.by_file.len().min(TOP_FILES);
    let width = t.by_file.first().map_or(1, |f| f.1.to_string().len());
    s.push_str(if t.by_file.len() > 1 {
        "Files with the most findings:\n"
    } else {
        "Files with findings:\n"
    });
    for (file, n) in t.by_file.iter().take(shown) {
        s.push_str(&format!("  {n:>width$}  {}\n", report.file_name(*file)));
    }
    if t.by_file.len() > shown {
        s.push_str(&format!("  … and {} more files\n", t.by_file.len() - shown));
    }
    s.push('\n');
    s
}

/// What the baseline did: findings it accepted, entries that matched nothing.
pub fn baseline_text(report: &Report) -> String {
    let Some(b) = &report.baseline else {
        return String::new();
    };
    let mut s = format!(
        "Baseline {}: {} accepted (not shown)",
        b.file,
        if b.matched == 1 {
            "1 finding".to_string()
        } else {
            format!("{} findings", b.matched)
        }
    );
    let stale: usize = b.stale.iter().map(|(_, n)| n).sum();
    if stale == 0 {
        s.push('\n');
        return s;
    }
    s.push_str(&format!(
        "; {stale} of its entries match no finding any more (fixed, or moved beyond \
         recognition; `--write-baseline {}` drops them):\n",
        b.file
    ));
    const SHOWN: usize = 20;
    for (fp, n) in b.stale.iter().take(SHOWN) {
        let object = match (&fp.kind, &fp.namespace, &fp.name) {
            (Some(k), Some(ns), Some(n)) => format!("{k} {ns}/{n}"),
            (Some(k), None, Some(n)) => format!("{k} {n}"),
            (Some(k), _, None) => format!("{k} (unnamed)"),
            _ => "(no object)".to_string(),
        };
        let times = if *n > 1 {
            format!(" ×{n}")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "  stale: {} {} {object} at `{}`{times}\n",
            fp.rule, fp.file, fp.path
        ));
    }
    if b.stale.len() > SHOWN {
        s.push_str(&format!("  … and {} more\n", b.stale.len() - SHOWN));
    }
    s
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
        plural(report.files, "file"),
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
    s.push_str(&exit_reason(report).1);
    s.push('\n');
    // Where the run looked, above the counts (the last lines stay the ones to read).
    let mut head = String::new();
    if !report.configs.is_empty() {
        head.push_str(&format!("Configuration: {}\n", report.configs.join(", ")));
    }
    if report.context_files > 0 {
        head.push_str(&format!(
            "Context: {} more under {} (cross-object rules only)\n",
            plural(report.context_files, "file"),
            report.root.as_deref().unwrap_or(".")
        ));
    }
    head + &s
}
