//! `unknown-rule`: emitted by the engine for a suppression naming no rule of this version.

use crate::diagnostic::Severity;
use crate::rule::RuleMeta;
use crate::rules;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-rule",
    severity: Severity::Error,
    summary: "A suppression names a rule id that does not exist",
    kinds: &[],
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

/// Edit distance between two ids (ids are short ASCII, so bytes are characters).
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.bytes().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a typo of it.
pub fn closest_of<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|&(d, known)| d <= (known.len() / 3).max(2))
        .min()
        .map(|(_, known)| known)
}

/// The existing rule id closest to `id`, when it is close enough to be a typo.
pub fn closest(id: &str) -> Option<&'static str> {
    closest_of(id, rules::all_metas().into_iter().map(|m| m.id))
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
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
