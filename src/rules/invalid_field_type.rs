//! `invalid-field-type`: a field of the wrong type, as the model recorded it (document hook).

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::{Document, Hook, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "invalid-field-type",
    severity: Severity::Error,
    summary: "A field the contract reads has a value of the wrong type",
    hook: Hook::Document,
    what_it_does: "Reports a field whose value Kubernetes cannot decode: `replicas: \"three\"`, \
a quoted number where an integer is required (`replicas: \"3\"`), a label value that YAML \
reads as a number or a boolean (`version: 1.0`, `enabled: yes`), a list where a mapping is \
expected. Scalars are read the way Kubernetes reads them (YAML 1.1: `yes` and `on` are \
booleans, `0644` is octal). The field is then treated as absent by the other rules.",
    why_it_matters: "The API server rejects the object, so the rollout never starts; and every \
other rule would be guessing about a value Kubernetes never accepts.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    version: 1.0          # a number, not a string
spec:
  replicas: "three"
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    version: "1.0"
spec:
  replicas: 3
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set",
        "https://yaml.org/type/bool.html",
    ],
};

pub struct InvalidFieldType;

impl Rule for InvalidFieldType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The values the model could not decode, as it recorded them.
    fn check_document(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        for e in &doc.extracted.field_errors {
            out.push(Diagnostic {
                rule: META.id,
                severity: META.severity,
                message: e.message.clone(),
                help: Some(e.help.clone()),
                file: doc.file,
                span: e.span,
                template: doc.template.cloned(),
                object: e.object.clone(),
                related: Vec::new(),
            });
        }
    }
}
