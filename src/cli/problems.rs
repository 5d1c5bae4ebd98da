//! Failures that happen before a run, as a report: a configuration file's mistakes become
//! `parse-error` findings at their positions in that file, so they reach every format (JSON,
//! SARIF, JUnit, GitHub, human) instead of only standard error.

use std::sync::Arc;

use crate::base::diagnostic::{Diagnostic, FileId};
use crate::base::span::{Pos, Span};
use crate::config::ConfigError;
use crate::engine::{load, Report};
use crate::rules::parse_error;
use crate::source::Input;

/// The report of a run stopped by its configuration files: one finding per mistake, in its
/// file (the report's inputs are those files). Their texts are held so that the human format
/// shows the lines without reading the files again.
pub fn config_report(failed: Vec<(Input, Vec<ConfigError>)>) -> Report {
    let mut inputs = Vec::with_capacity(failed.len());
    let mut sources = Vec::with_capacity(failed.len());
    let mut diagnostics = Vec::new();
    for (file, (input, errors)) in failed.into_iter().enumerate() {
        sources.push(load::read(&input).ok().map(Arc::<str>::from));
        inputs.push(input);
        diagnostics.extend(errors.iter().map(|e| Diagnostic {
            rule: parse_error::META.id,
            severity: parse_error::META.severity,
            message: format!("configuration: {}", e.message),
            help: Some(
                "fix the configuration file (or pass --no-config); nothing was linted".into(),
            ),
            file: file as FileId,
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
        }));
    }
    Report {
        timings: Default::default(),
        files: inputs.len(),
        context_files: 0,
        objects: 0,
        configs: inputs.iter().map(|i| i.display.clone()).collect(),
        root: None,
        no_schema: Default::default(),
        inputs,
        sources,
        skipped: 0,
        diagnostics,
        suppressed: Vec::new(),
        model: Default::default(),
        fail_on: Default::default(),
        docs_url: crate::rule::settings::DEFAULT_DOCS_URL.to_string(),
        baseline: None,
    }
}
