use std::collections::{BTreeMap, HashSet};

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::index::{identity, Identity, ObjectId};
use crate::model::{Object, Spec};
use crate::rule::{Context, Hook, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "overlapping-pdbs",
    severity: Severity::Error,
    summary: "The pods of a workload are selected by more than one PodDisruptionBudget",
    hook: Hook::Run,
    what_it_does: "Reports PodDisruptionBudgets whose selectors both match the pod template of \
the same workload in their namespace (with `matchLabels` and `matchExpressions`; a \
`policy/v1` budget with an empty selector `{}` matches every workload of its namespace). One \
finding is reported per set of overlapping budgets, on the first of them in input order, with \
related locations on the other budgets and on every workload whose pods they all select. \
Budgets of the same namespace and name are variants of one object (written once per \
environment directory, say), and do not overlap each other.\n\n\
The rule sees only the manifests of one run: an overlap with a budget kept in another \
repository is not found, and a budget from another set of manifests that happens to use the \
same labels in the same namespace is. Silence it for that one budget with the annotation `kube-contract.io/ignore: overlapping-pdbs` \
(and a `kube-contract.io/ignore-reason`), or a comment `# kube-contract: ignore[overlapping-pdbs] \
<reason>` at the top of its document; `--ignore overlapping-pdbs` turns the rule off for \
the whole run.",
    why_it_matters: "The eviction API does not combine budgets: it refuses to evict a pod that \
more than one PodDisruptionBudget selects, with an error, whatever the budgets allow. Every \
`kubectl drain`, cluster-autoscaler scale-down and managed node upgrade that meets such a pod \
retries until it times out, so the node is never drained. Overlaps usually come from a broad \
budget (`app.kubernetes.io/part-of: shop`, or `{}`) added next to per-component budgets.",
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
      labels: {app: web, part-of: shop}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {part-of: shop}
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
      labels: {app: web, part-of: shop}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
    ],
};

/// Workloads listed as related locations at most.
const MAX_WORKLOADS: usize = 10;
/// Other budgets listed as related locations at most.
const MAX_RELATED_BUDGETS: usize = 10;
/// Budgets named in the message at most.
const MAX_NAMED: usize = 4;

pub struct OverlappingPdbs;

impl Rule for OverlappingPdbs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Once per run: every workload selected by several budgets, grouped by the exact set of
    /// budgets that select it, so a set of overlapping budgets is reported once, on the first
    /// of them (lowest input position). The work is the sum, over workloads, of the budgets
    /// that select them: no pair scan.
    fn check_run(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        type Group<'a> = (Vec<&'a Object>, Vec<&'a Object>, HashSet<Identity<'a>>);
        let mut groups: BTreeMap<Vec<ObjectId>, Group<'_>> = BTreeMap::new();
        for w in cx.index.objects() {
            if cx.index.pdb_ids_for(w).len() < 2 {
                continue;
            }
            // Budgets with one kind, namespace and name are variants of one object (one per
            // environment directory, say): they do not overlap each other.
            let mut seen = HashSet::new();
            let pdbs: Vec<&Object> = cx
                .index
                .pdbs_for(w)
                .into_iter()
                .filter(|p| seen.insert(identity(p)))
                .collect();
            if pdbs.len() < 2 {
                continue;
            }
            let key: Vec<ObjectId> = pdbs.iter().map(|p| p.id).collect();
            let group = groups
                .entry(key)
                .or_insert_with(|| (pdbs, Vec::new(), HashSet::new()));
            if group.2.insert(identity(w)) {
                group.1.push(w);
            }
        }
        for (pdbs, workloads, _) in groups.values() {
            if let Some(first) = pdbs.first() {
                out.push(finding(first, pdbs, workloads));
            }
        }
    }
}

fn finding(obj: &Object, pdbs: &[&Object], workloads: &[&Object]) -> Diagnostic {
    let others: Vec<&Object> = pdbs.iter().copied().filter(|p| p.id != obj.id).collect();
    let names: Vec<&str> = pdbs.iter().map(|p| p.display_name()).collect();
    let budgets = match names.as_slice() {
        [a, b] => format!("PodDisruptionBudgets {a} and {b} both"),
        [first @ .., last] if names.len() <= MAX_NAMED => {
            format!("PodDisruptionBudgets {} and {last} all", first.join(", "))
        }
        _ => format!(
            "PodDisruptionBudgets {} and {} others all",
            names
                .iter()
                .take(MAX_NAMED - 1)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            names.len() - (MAX_NAMED - 1)
        ),
    };
    let pods = match workloads {
        [w] => format!("the pods of {} {}", w.key.kind, w.display_name()),
        [w, rest @ ..] => format!(
            "the pods of {} {} and of {} other {}",
            w.key.kind,
            w.display_name(),
            rest.len(),
            if rest.len() == 1 {
                "workload"
            } else {
                "workloads"
            }
        ),
        [] => "the same pods".to_string(),
    };
    let message = format!(
        "{budgets} select {pods}: the eviction API refuses to evict a pod covered by more than \
         one budget, so node drains stall"
    );
    let mut d = META.at(obj, selector_span(obj), message).help(
        "keep exactly one budget per pod: delete the broader budget, or narrow the selectors \
             so that each pod template matches only one of them (e.g. add the component's own \
             label, `app: web`, to each selector)",
    );
    for p in others.iter().take(MAX_RELATED_BUDGETS) {
        d = d.related(
            p.file,
            selector_span(p),
            format!(
                "PodDisruptionBudget {} also selects them{}",
                p.display_name(),
                selector_text(p)
            ),
        );
    }
    for w in workloads.iter().take(MAX_WORKLOADS) {
        d = d.related(
            w.file,
            w.name_span(),
            format!(
                "{} {} runs pods that {} budgets select",
                w.key.kind,
                w.display_name(),
                pdbs.len()
            ),
        );
    }
    d
}

fn selector_span(pdb: &Object) -> crate::base::span::Span {
    match &pdb.spec {
        Spec::PodDisruptionBudget(p) => p.selector.as_ref().map_or(pdb.name_span(), |s| s.span),
        _ => pdb.name_span(),
    }
}

fn selector_text(pdb: &Object) -> String {
    match &pdb.spec {
        Spec::PodDisruptionBudget(p) => p
            .selector
            .as_ref()
            .map(|s| format!(" ({})", s.value.describe()))
            .unwrap_or_default(),
        _ => String::new(),
    }
}
