//! `unused-suppression`: emitted by the engine for a suppression that silenced nothing.

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::suppression::{Origin, Scope, Suppression, IGNORE_ANNOTATION, REASON_ANNOTATION};
use crate::rule::{Hook, Rule, RuleMeta, SuppressionUse};
use crate::rules::{self, parse_error};

pub static META: RuleMeta = RuleMeta {
    id: "unused-suppression",
    severity: Severity::Warning,
    summary: "A suppression silences no finding",
    hook: Hook::Suppressions,
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

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A suppression that could not be read, and each id of a known rule that ran and silenced
    /// nothing. Ids that name no rule are `unknown-rule`'s.
    fn check_suppressions(&self, s: &SuppressionUse<'_>, out: &mut Vec<Diagnostic>) {
        for (sup, used) in s.suppressions.iter().zip(s.used) {
            if let Some(why) = &sup.malformed {
                let example = match sup.origin {
                    Origin::Comment => {
                        "e.g. `# kube-contract: ignore[missing-readiness-probe] the mesh probes it`"
                    }
                    Origin::Annotation => {
                        "e.g. `kube-contract.io/ignore: \"missing-readiness-probe,missing-liveness-probe\"`"
                    }
                };
                out.push(sup.finding(&META, sup.span, why.clone()).help(example));
                continue;
            }
            for (entry, &was_used) in sup.entries.iter().zip(used) {
                if !was_used && rules::find(&entry.id).is_some() && (s.settings)(sup.file).enabled(&entry.id) {
                    out.push(
                        sup.finding(
                            &META,
                            entry.span,
                            format!(
                                "suppression of `{}` is unused: the rule reports nothing {}",
                                entry.id,
                                sup.scope.describe(sup.object.as_deref())
                            ),
                        )
                        .help(unused_help(sup, &entry.id)),
                    );
                }
            }
        }
    }
}

/// What to do about an id that silenced nothing.
fn unused_help(s: &Suppression, id: &str) -> String {
    if id == parse_error::META.id {
        return "a parse error cannot be suppressed: the document was never linted, so a \
                silenced error would hide everything in it; fix the document, or leave the file \
                out with `--exclude` or `exclude:` in the configuration"
            .to_string();
    }
    let remove = if s.entries.len() > 1 {
        format!("remove `{id}` from the list: there is nothing for it to silence")
    } else {
        match s.origin {
            Origin::Comment => "remove the comment: there is nothing for it to silence".to_string(),
            Origin::Annotation => format!(
                "remove the `{IGNORE_ANNOTATION}` annotation (and `{REASON_ANNOTATION}`): there \
                 is nothing for it to silence"
            ),
        }
    };
    let placement = match s.scope {
        Scope::Trailing { .. } | Scope::Above { .. } => {
            "; if the finding is on another line, move the comment onto that line or the line \
             above it"
        }
        Scope::Document { .. } | Scope::Object(_) => "",
    };
    format!("{remove}{placement}")
}

