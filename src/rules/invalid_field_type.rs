//! `invalid-field-type`: a field of the wrong type, as the model recorded it, or a value the
//! API schema does not allow, as the schema check (`src/schema/`) found it (document hook).

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::{Document, Hook, Rule, RuleMeta};
use crate::rules::support::schema::report_schema_problems;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-field-type",
    severity: Severity::Error,
    summary: "A field has a value of the wrong type or outside its allowed values",
    hook: Hook::Document,
    what_it_does: "Reports a field whose value Kubernetes cannot decode: `replicas: \"three\"`, \
a quoted number where an integer is required (`replicas: \"3\"`), a label value that YAML \
reads as a number or a boolean (`version: 1.0`, `enabled: yes`), a list where a mapping is \
expected. Every field is checked against the API schema of the target release (or the \
CustomResourceDefinition of a custom resource): a number where a string is required \
(`value: 8080` in an `env` entry), a string where a boolean is required, and a value outside \
a closed set of values (`whenUnsatisfiable: DoNotSchedul`, `imagePullPolicy: always`), with \
the nearest allowed value (a rollout strategy's `type` is `rollout-strategy-invalid`'s). An int-or-string field (`port`, `maxSurge`) accepts both; a quantity \
(`cpu: 0.5`) accepts numbers; `null` means unset. Scalars are read the way Kubernetes reads \
them (YAML 1.1: `yes` and `on` are booleans, `0644` is octal). A field the contract rules read \
is then treated as absent by them.",
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

    /// The values the model could not decode, as it recorded them, and the values the schema
    /// check (`src/schema/`) found outside what their field allows.
    fn check_document(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        report_schema_problems(&META, doc, out);
        for e in &doc.extracted.field_errors {
            out.push(Diagnostic {
                rule: META.id,
                severity: META.severity,
                message: e.message.clone(),
                help: Some(e.help.as_str().into()),
                file: doc.file,
                span: e.span,
                template: doc.template.cloned(),
                object: e.object.clone(),
                related: Vec::new(),
            });
        }
    }
}
