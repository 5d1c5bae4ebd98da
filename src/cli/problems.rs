//! Failures that happen before a run, as a report: a configuration file's mistakes become
//! `parse-error` findings at their positions in that file, so they reach every format (JSON,
//! SARIF, JUnit, GitHub, human) instead of only standard error.

use std::sync::Arc;

use crate::base::diagnostic::Diagnostic;
use crate::base::span::{Pos, Span};
use crate::config::ConfigError;
use crate::engine::{load, Report};
use crate::rules::parse_error;
use crate::source::Input;

/// The report of a run stopped by its configuration file: one finding per mistake, in the
/// file (which is the report's only input). Its text is held so that the human format shows
/// the lines without reading the file again.
pub fn config_report(input: Input, errors: &[ConfigError]) -> Report {
    let text = load::read(&input).ok().map(Arc::<str>::from);
    let diagnostics = errors
        .iter()
        .map(|e| Diagnostic {
            rule: parse_error::META.id,
            severity: parse_error::META.severity,
            message: format!("configuration: {}", e.message),
            help: Some(
                "fix the configuration file (or pass --no-config); nothing was linted".into(),
            ),
            file: 0,
            span: if e.span.end > e.span.start {
                e.span
            } else {
                Span::new(
                    e.span.start,
                    Pos {
                        line: e.span.start.line,
                        column: e.span.start.column.saturating_add(1),
                    },
                )
            },
            template: None,
            object: None,
            related: Vec::new(),
        })
        .collect();
    Report {
        timings: Default::default(),
        inputs: vec![input],
        sources: vec![text],
        objects: 0,
        skipped: 0,
        diagnostics,
        suppressed: Vec::new(),
        listed: Vec::new(),
    }
}
