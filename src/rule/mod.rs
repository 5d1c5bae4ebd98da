//! Rule metadata and the rule trait.
//!
//! A rule is one file under `src/rules/`: a `static META: RuleMeta` (id, severity, summary and
//! docs in fixed sections) next to a type implementing [`Rule`]. `explain`, `rules`, the docs
//! under `docs/rules/` and every output format read this metadata; nothing is written twice.

pub mod deprecated_apis;
pub mod settings;
pub mod suppression;

use std::sync::Arc;

use crate::base::diagnostic::{Diagnostic, FileId, Severity};
use crate::base::span::Span;
use crate::index::Index;
use crate::model::{Extracted, Kind, Object};
use crate::rule::settings::Settings;
use crate::rule::suppression::Suppression;
use crate::yaml::{ParseError, Tree};

/// An option a rule reads from the configuration, with its one default. Its type is the
/// default's: the configuration checks values against it, the docs and `init` print it, and
/// the rule reads the value through [`Settings::integer`](settings::Settings::integer) (or the
/// accessor of its type), which falls back to the same default.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub default: OptionValue,
    pub description: &'static str,
}

/// An option's default, which also gives its type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    /// A whole number; `min` is the least value accepted.
    Integer {
        default: i64,
        min: i64,
    },
    Number(f64),
    Boolean(bool),
    String(&'static str),
}

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Integer { negative: bool },
    Number,
    Boolean,
    String,
}

impl OptionKind {
    /// How the docs name it.
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::Integer { negative: false } => "integer ≥ 0",
            OptionKind::Integer { negative: true } => "integer",
            OptionKind::Number => "number",
            OptionKind::Boolean => "boolean",
            OptionKind::String => "string",
        }
    }
}

impl std::fmt::Display for OptionValue {
    /// The default as the configuration file writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Integer { default, .. } => write!(f, "{default}"),
            OptionValue::Number(n) => write!(f, "{n}"),
            OptionValue::Boolean(b) => write!(f, "{b}"),
            OptionValue::String(s) => f.write_str(s),
        }
    }
}

impl RuleOption {
    pub fn kind(&self) -> OptionKind {
        match self.default {
            OptionValue::Integer { min, .. } => OptionKind::Integer { negative: min < 0 },
            OptionValue::Number(_) => OptionKind::Number,
            OptionValue::Boolean(_) => OptionKind::Boolean,
            OptionValue::String(_) => OptionKind::String,
        }
    }
}

#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case name of the problem, e.g. `missing-readiness-probe`.
    pub id: &'static str,
    pub severity: Severity,
    /// One line, no trailing period.
    pub summary: &'static str,
    /// When the rule runs, and so which `Rule` method the engine calls.
    pub hook: Hook,
    /// Markdown sections of the docs.
    pub what_it_does: &'static str,
    pub why_it_matters: &'static str,
    /// YAML that fires the rule.
    pub example: &'static str,
    /// YAML that does not.
    pub use_instead: &'static str,
    pub options: &'static [RuleOption],
    pub references: &'static [&'static str],
}

impl RuleMeta {
    /// A finding of this rule on `obj` at `span`, with the rule's default severity.
    pub fn at(&'static self, obj: &Object, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule: self.id,
            severity: self.severity,
            message: message.into(),
            help: None,
            file: obj.file,
            span,
            template: obj.template.clone(),
            object: Some(obj.key.clone()),
            related: Vec::new(),
        }
    }

    /// Whether the object hook sees `obj`.
    pub fn applies_to(&self, obj: &Object) -> bool {
        match self.hook {
            Hook::Object(kinds) => kinds.matches(obj),
            _ => false,
        }
    }
}

/// When a rule runs. Each trigger has its method on [`Rule`]; the engine calls only the one the
/// metadata names.
#[derive(Debug, Clone, Copy)]
pub enum Hook {
    /// Each document as read, before the index exists: its spanned tree (or why it could not be
    /// read) and the objects the model found in it. [`Rule::check_document`].
    Document,
    /// Each object of these kinds, with the index of the run. [`Rule::check_object`].
    Object(Kinds),
    /// Once per run, with the index. [`Rule::check_run`].
    Run,
    /// Once per run, after suppressions are applied, with what each one silenced.
    /// [`Rule::check_suppressions`].
    Suppressions,
}

/// The kinds an object hook reads.
#[derive(Debug, Clone, Copy)]
pub enum Kinds {
    /// Objects of these kinds.
    Only(&'static [Kind]),
    /// Every object (the rule looks the kind up itself, e.g. in the deprecated-API table).
    Any,
}

impl Kinds {
    pub fn matches(self, obj: &Object) -> bool {
        match self {
            Kinds::Only(kinds) => kinds.contains(&obj.kind),
            Kinds::Any => true,
        }
    }
}

/// One document as the document hook sees it.
pub struct Document<'a> {
    pub file: FileId,
    /// The Helm template that rendered it (`# Source:`).
    pub template: Option<&'a Arc<str>>,
    /// Its spanned tree, or where and why reading stopped (a file that cannot be read or
    /// decoded is one document that could not be read).
    pub tree: Result<&'a Tree<'a>, &'a ParseError>,
    /// The file could not be read or decoded at all (it is then one unreadable document).
    pub whole_file: bool,
    /// What the model read from it.
    pub extracted: &'a Extracted,
    /// What the schema check found in it (`src/schema/`), as findings for the rules named in
    /// their `rule` field to report.
    pub schema: &'a [Diagnostic],
}

/// What a rule sees: the read-only index of every object of the run and the settings.
pub struct Context<'a> {
    pub index: &'a Index,
    pub settings: &'a Settings,
}

/// What the suppressions hook sees: every suppression of the run and, for each, which of its
/// rule ids silenced a finding.
pub struct SuppressionUse<'a> {
    pub suppressions: &'a [Suppression],
    /// Parallel to `suppressions`, then to each one's entries.
    pub used: &'a [Vec<bool>],
    /// The settings of each file.
    pub settings: &'a dyn Fn(FileId) -> &'a Settings,
}

/// A rule: its metadata and the method of its [`Hook`]. The other methods keep their empty
/// defaults.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// [`Hook::Document`].
    fn check_document(&self, _doc: &Document<'_>, _out: &mut Vec<Diagnostic>) {}
    /// [`Hook::Object`]: one object whose kind the hook names.
    fn check_object(&self, _obj: &Object, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
    /// [`Hook::Run`].
    fn check_run(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
    /// [`Hook::Suppressions`].
    fn check_suppressions(&self, _s: &SuppressionUse<'_>, _out: &mut Vec<Diagnostic>) {}
}
