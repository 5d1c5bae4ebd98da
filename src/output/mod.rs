//! Renderers. Each reads the [`Report`](crate::engine::Report) and the rule metadata; only
//! `human` knows miette.

pub mod human;
pub mod json;

use crate::diagnostic::Severity;
use crate::engine::Report;

/// Findings per severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(report: &Report) -> Counts {
    let mut c = Counts::default();
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
    }
    c
}
