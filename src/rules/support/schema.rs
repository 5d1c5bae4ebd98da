//! What the rules fed by the schema check share: taking their findings from a document's
//! schema problems.

use crate::base::diagnostic::Diagnostic;
use crate::rule::{Document, RuleMeta};

/// The schema problems of `doc` that `meta`'s rule reports, at its severity.
pub fn report_schema_problems(
    meta: &'static RuleMeta,
    doc: &Document<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for p in doc.schema.iter().filter(|p| p.rule == meta.id) {
        let mut d = p.clone();
        d.rule = meta.id;
        d.severity = meta.severity;
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{duplicate_key, invalid_field_type, unknown_field};
    use crate::schema;

    #[test]
    fn the_schema_check_names_the_rules_that_report_it() {
        assert_eq!(schema::UNKNOWN_FIELD, unknown_field::META.id);
        assert_eq!(schema::DUPLICATE_KEY, duplicate_key::META.id);
        assert_eq!(schema::INVALID_FIELD_TYPE, invalid_field_type::META.id);
    }
}
