//! Suppressions as data: what a `# kube-contract: ignore[…]` comment or a
//! `kube-contract.io/ignore` annotation covers, and what it silenced. `suppress` finds and
//! applies them; the `unused-suppression` and `unknown-rule` rules judge them.

use std::sync::Arc;

use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey};
use crate::base::span::Span;
use crate::rule::RuleMeta;

/// Comma-separated rule ids whose findings on the object are silenced.
pub const IGNORE_ANNOTATION: &str = "kube-contract.io/ignore";
/// Why, shown with every finding the annotation silences.
pub const REASON_ANNOTATION: &str = "kube-contract.io/ignore-reason";

/// Where a suppression is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Comment,
    Annotation,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Comment => "comment",
            Origin::Annotation => "annotation",
        }
    }
}

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A comment after content: findings starting on its line or the next one.
    Trailing { line: u32 },
    /// A comment on a line of its own: findings starting on the next line that is not a
    /// comment.
    Above { line: u32, target: u32 },
    /// A comment before the first content line of a document: the whole document.
    Document { first: u32, last: u32 },
    /// An annotation: findings inside the object's text.
    Object(Span),
}

impl Scope {
    pub fn covers(&self, d: &Diagnostic) -> bool {
        let line = d.span.start.line;
        match *self {
            Scope::Trailing { line: l } => line == l || line == l.saturating_add(1),
            Scope::Above { line: l, target } => (l..=target).contains(&line),
            Scope::Document { first, last } => (first..=last).contains(&line),
            Scope::Object(span) => span.start <= d.span.start && d.span.start <= span.end,
        }
    }

    /// Narrower scopes first: they give the reason shown with a finding two suppressions cover.
    pub fn breadth(&self) -> (u8, u32) {
        match *self {
            Scope::Trailing { .. } => (0, 1),
            Scope::Above { line, target } => (0, target.saturating_sub(line)),
            Scope::Document { first, last } => (1, last.saturating_sub(first)),
            Scope::Object(span) => (2, span.end.line.saturating_sub(span.start.line)),
        }
    }

    /// "on line 14", for messages.
    pub fn describe(&self, object: Option<&ObjectKey>) -> String {
        match *self {
            Scope::Trailing { line } => format!("on line {line} or {}", line.saturating_add(1)),
            Scope::Above { target, .. } => format!("on line {target}"),
            Scope::Document { first, last } => {
                format!("in this document (lines {first}–{last})")
            }
            Scope::Object(_) => match object {
                Some(o) => format!("on {o}"),
                None => "on this object".to_string(),
            },
        }
    }
}

/// One rule id of a suppression, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub file: FileId,
    pub origin: Origin,
    /// The comment (from `#`), or the annotation's value.
    pub span: Span,
    pub scope: Scope,
    pub entries: Vec<Entry>,
    pub reason: Option<String>,
    pub template: Option<Arc<str>>,
    pub object: Option<Arc<ObjectKey>>,
    /// Why the suppression could not be read; it then has no entries.
    pub malformed: Option<String>,
}

/// A finding a suppression silenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub origin: Origin,
    /// Where the suppression is (same file as the finding).
    pub span: Span,
    pub reason: Option<String>,
}

impl Suppression {
    /// A finding of `meta` about this suppression, at `span` (the comment or one of its ids).
    pub fn finding(&self, meta: &RuleMeta, span: Span, message: String) -> Diagnostic {
        Diagnostic {
            rule: meta.id,
            severity: meta.severity,
            message,
            help: None,
            file: self.file,
            span,
            template: self.template.clone(),
            object: self.object.clone(),
            related: Vec::new(),
        }
    }

    /// "in this suppression comment", for messages.
    pub fn where_written(&self) -> &'static str {
        match self.origin {
            Origin::Comment => "in this suppression comment",
            Origin::Annotation => "in the `kube-contract.io/ignore` annotation",
        }
    }
}
