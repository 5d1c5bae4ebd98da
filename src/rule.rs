//! Rule metadata and the rule trait.
//!
//! A rule is one file under `src/rules/`: a `static META: RuleMeta` (id, severity, summary and
//! docs in fixed sections) next to a type implementing [`Rule`]. `explain`, `rules`, the docs
//! under `docs/rules/` and every output format read this metadata; nothing is written twice.

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::Index;
use crate::model::Object;
use crate::settings::Settings;

/// An option a rule reads from the configuration. Its type is the type of its default.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub default: &'static str,
    pub description: &'static str,
}

/// The type of an option's value, read from its default: `5` is a whole number (at least 0
/// unless the default is negative), `true`/`false` a boolean, `0.5` a number, anything else a
/// string.
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

impl RuleOption {
    pub fn kind(&self) -> OptionKind {
        if let Ok(i) = self.default.parse::<i64>() {
            OptionKind::Integer { negative: i < 0 }
        } else if matches!(self.default, "true" | "false") {
            OptionKind::Boolean
        } else if self.default.parse::<f64>().is_ok_and(f64::is_finite) {
            OptionKind::Number
        } else {
            OptionKind::String
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
    /// Kinds the rule reads; empty means the loader emits it (no object check).
    pub kinds: &'static [&'static str],
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
    pub fn applies_to(&self, obj: &Object) -> bool {
        self.kinds.contains(&obj.kind.value.as_str())
    }
}

/// What a rule sees: the read-only index of every object of the run and the settings.
pub struct Context<'a> {
    pub index: &'a Index,
    pub settings: &'a Settings,
}

pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// Checks one object whose kind is in `meta().kinds`, pushing findings to `out`.
    fn check(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}
