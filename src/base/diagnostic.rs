//! Findings: what every rule produces and every output format renders.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::base::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of a file in the run's file list.
pub type FileId = u32;

/// Identity of a Kubernetes object, as printed in reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => write!(f, " {ns}/{n}"),
            (None, Some(n)) => write!(f, " {n}"),
            _ => write!(f, " (unnamed)"),
        }
    }
}

/// A location on another object that explains a finding (the PDB that also selects a
/// workload, the workload a PDB covers, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Shared: findings of one rule often give the same advice, and a run may hold a
    /// million findings (the engine keeps one copy of each text).
    pub help: Option<Arc<str>>,
    pub file: FileId,
    pub span: Span,
    /// Helm `# Source:` template of the document, if any.
    pub template: Option<Arc<str>>,
    pub object: Option<Arc<ObjectKey>>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(Arc::from(help.into()));
        self
    }

    pub fn related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The order of every report: file, line, column, rule, then message.
    pub fn sort_key(&self) -> (FileId, Span, &'static str, &str) {
        (self.file, self.span, self.rule, &self.message)
    }
}
