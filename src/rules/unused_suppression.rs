//! `unused-suppression`: emitted by the engine for a suppression that silenced nothing.

use crate::diagnostic::Severity;
use crate::rule::RuleMeta;

pub static META: RuleMeta = RuleMeta {
    id: "unused-suppression",
    severity: Severity::Warning,
    summary: "A suppression silences no finding",
    kinds: &[],
    what_it_does: "Reports each rule id of a `kube-contract.io/ignore` annotation or a \
`# kube-contract: ignore[…]` comment that silenced no finding in this run, at the id itself. A \
suppression comment that cannot be read (`# kube-contract:` not followed by \
`ignore[rule-a, rule-b]`) is reported too, since it silences nothing either.\n\n\
A suppression is only judged when its rule ran: an id whose rule is left out by `--select`, \
named by `--ignore`, or set to `off` in `.kube-contract.yaml` is not reported, because nothing \
can be said about a rule that did not look. Running a subset of the rules therefore never turns \
the other rules' suppressions into warnings; the full run (the one CI makes) judges them all. \
Ids that name no rule at all are `unknown-rule` findings instead.\n\n\
This finding and `unknown-rule` are computed after suppressions are applied, so they cannot be \
suppressed themselves; set their severity (or `off`) in `.kube-contract.yaml`.",
    why_it_matters: "A suppression is an exception someone approved for a reason that held at \
the time. Once the manifest is fixed (the probe added, the preStop shortened), the stale \
suppression stays behind and silently waives the contract for the next change: the day the \
probe is removed again, nobody is told. Reporting unused suppressions keeps every exception \
current, as ruff's `unused-noqa` and clippy's `#[expect]` do for code.",
    example: r#"apiVersion: apps/v1
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
        # kube-contract: ignore[missing-readiness-probe] the mesh checks readiness
        - name: web
          image: nginx:1.27
          readinessProbe:
            httpGet: {path: /ready, port: 80}
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
          image: nginx:1.27
          readinessProbe:
            httpGet: {path: /ready, port: 80}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
        "https://kubernetes.io/docs/concepts/configuration/overview/",
    ],
};
