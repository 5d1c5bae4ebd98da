//! `unknown-rule`: emitted by the engine for a suppression naming no rule of this version.

use crate::base::fuzzy;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::rule::{Hook, Rule, RuleMeta, SuppressionUse};
use crate::rules;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-rule",
    severity: Severity::Error,
    summary: "A suppression names a rule id that does not exist",
    hook: Hook::Suppressions,
    what_it_does: "Reports each rule id named by a `kube-contract.io/ignore` annotation or a \
`# kube-contract: ignore[…]` comment that is not the id of any rule (`kube-contract rules` \
lists them), at the id itself, with the closest existing id when there is one. It is reported \
whichever rules run, since a misspelt id is wrong whatever `--select` says.\n\n\
The same mistake in `.kube-contract.yaml` or in `--select`/`--ignore` is not a finding but an \
error that stops the run (exit code 2), with the file's line and column.",
    why_it_matters: "A suppression with a misspelt or renamed id silences nothing, but reads as \
if it did: reviewers approve an exception that is not in force, and the finding it was meant \
for shows up again (or, worse, the author silences the whole rule in the configuration to get \
the pipeline green). Rule ids are also what survives an upgrade of kube-contract: when a rule \
is renamed, this finding points at every suppression that still uses the old name.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: queue-worker
  annotations:
    kube-contract.io/ignore: missing-readyness-probe
    kube-contract.io/ignore-reason: "consumes a queue, serves no traffic"
spec:
  replicas: 2
  selector:
    matchLabels: {app: queue-worker}
  template:
    metadata:
      labels: {app: queue-worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/queue-worker:2.4
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: queue-worker
  annotations:
    kube-contract.io/ignore: missing-readiness-probe
    kube-contract.io/ignore-reason: "consumes a queue, serves no traffic"
spec:
  replicas: 2
  selector:
    matchLabels: {app: queue-worker}
  template:
    metadata:
      labels: {app: queue-worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/queue-worker:2.4
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
        "https://kubernetes.io/docs/concepts/configuration/overview/",
    ],
};

pub struct UnknownRule;

impl Rule for UnknownRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Each id of a suppression that names no rule, whichever rules ran.
    fn check_suppressions(&self, s: &SuppressionUse<'_>, out: &mut Vec<Diagnostic>) {
        for sup in s.suppressions {
            for entry in &sup.entries {
                if rules::find(&entry.id).is_some() {
                    continue;
                }
                let d = sup.finding(
                    &META,
                    entry.span,
                    format!("unknown rule `{}` {}", entry.id, sup.where_written()),
                );
                out.push(match closest(&entry.id) {
                    Some(known) => d.help(format!("did you mean `{known}`?")),
                    None => d.help("use a rule id that `kube-contract rules` lists"),
                });
            }
        }
    }
}

/// The existing rule id closest to `id`, when it is close enough to be a typo.
pub fn closest(id: &str) -> Option<&'static str> {
    fuzzy::closest_of(id, rules::all_metas().into_iter().map(|m| m.id))
}

/// "unknown rule `x`" with a suggestion, for every place an id is written.
pub fn describe(id: &str) -> String {
    match closest(id) {
        Some(known) => format!("unknown rule `{id}`; did you mean `{known}`?"),
        None => format!("unknown rule `{id}`; `kube-contract rules` lists the rule ids"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        assert_eq!(
            closest("missing-readyness-probe"),
            Some("missing-readiness-probe")
        );
        assert_eq!(closest("bare-pods"), Some("bare-pod"));
        assert_eq!(closest("replicas"), None);
        assert_eq!(fuzzy::distance("", "abc"), 3);
        assert_eq!(fuzzy::distance("kitten", "sitting"), 3);
    }
}
