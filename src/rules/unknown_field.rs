//! `unknown-field`: emitted by the schema check (`src/schema/`) for a key the API schema of
//! the object's type does not have.

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::{Document, Hook, Rule, RuleMeta};
use crate::rules::support::schema::report_schema_problems;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-field",
    severity: Severity::Error,
    summary: "A key is not a field of its type in the target release's API schema",
    hook: Hook::Document,
    what_it_does: "Checks every key of every object against the API schema of the target \
release (`--kubernetes-version`, default the newest release kube-contract knows), and reports \
a key the schema does not have, at the key, naming the type it is not a field of and the \
release checked, with the closest field when one is near (`did you mean readinessProbe?`). \
Custom resources are checked against the `openAPIV3Schema` of their CustomResourceDefinition \
when the CRD is among the inputs or in the `schemas` paths of the configuration; custom \
resources without a schema are not checked and are counted in the summary. Not judged: \
`status`, server-set metadata (`uid`, `resourceVersion`, `managedFields`, …), subtrees marked \
`x-kubernetes-preserve-unknown-fields`, and strategic-merge-patch directives (`$patch`).",
    why_it_matters: "The API server drops unknown fields (kubectl only warns, and only against a \
live cluster): a misspelled `readinesProbe:`, `prestop:` or `maxUnavaliable:` ships the workload \
without the probe, the shutdown delay or the rollout limit its author wrote, and the other rules \
can only report the setting as missing.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4
          readinesProbe:
            httpGet: {path: /healthz, port: 8080}
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema",
    ],
};

pub struct UnknownField;

impl Rule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The keys the schema check (`src/schema/`) found that the schema of the object's type does not have.
    fn check_document(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        report_schema_problems(&META, doc, out);
    }
}
