//! `duplicate-key`: emitted by the schema check (`src/schema/`) for a key written twice in
//! one mapping.

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::{Document, Hook, Rule, RuleMeta};
use crate::rules::support::schema::report_schema_problems;

pub static META: RuleMeta = RuleMeta {
    id: "duplicate-key",
    severity: Severity::Error,
    summary: "The same key is written twice in one mapping",
    hook: Hook::Document,
    what_it_does: "Reports a key written a second time in the same mapping of an object, at the \
second key, with the first as related location. `<<` merge keys and `status` are left alone; a \
key that overrides a merged one is not a duplicate.",
    why_it_matters: "YAML decoders used by Kubernetes keep the last value silently (`replicas: 3` \
… `replicas: 1` deploys one replica), so whoever reads the first value is misled; the API \
server's strict field validation rejects such an object.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  replicas: 1
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
        "https://yaml.org/spec/1.2.2/#mapping",
    ],
};

pub struct DuplicateKey;

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The keys the schema check (`src/schema/`) found written twice in one mapping.
    fn check_document(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        report_schema_problems(&META, doc, out);
    }
}
