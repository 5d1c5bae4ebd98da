use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::{Object, SpreadTerm};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{running, suggested_selector, workload_ref};
use crate::model::selector::{Labels, Selector};
use crate::base::span::{Pos, Span};

pub static META: RuleMeta = RuleMeta {
    id: "spread-selector-mismatch",
    severity: Severity::Error,
    summary: "A podAntiAffinity term or topologySpreadConstraint does not select the pod's own labels",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Checks every podAntiAffinity term (required and preferred) and every \
topologySpreadConstraint in the pod template of a Deployment, StatefulSet, ReplicaSet or \
ReplicationController, and reports the term's `labelSelector` when it does not select the pod \
template's own labels (`matchLabels` and `matchExpressions` are both evaluated), or when the \
term has no `labelSelector` at all, which selects no pod. An anti-affinity term that misses the \
pod's labels is accepted when another anti-affinity term on the same topology key selects them: \
the first one then keeps the pods away from other pods on purpose (a router that avoids the \
nodes of its database). A workload scaled to `replicas: 0` is not checked, nor a fragment whose \
pod template has no containers (a kustomize patch, whose labels are in its base).",
    why_it_matters: "Anti-affinity and spread constraints count the pods their `labelSelector` \
selects, in each node or zone. When the selector names labels the workload's pods do not carry, \
typically after a copy-paste from another chart or a label rename, the scheduler counts zero \
matching pods everywhere and the term has no effect: every replica may again land on the same \
node or in the same zone. Nothing in the API or the scheduler reports it, and `kubectl get pods \
-o wide` only shows it once the pods are already packed together. The rules that look for \
missing spreading (`missing-pod-anti-affinity`, `missing-zone-spread`) accept such a term, so \
this rule is the one that catches it.",
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
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: api}
      containers:
        - name: web
          image: nginx:1.27
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
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: web
          image: nginx:1.27
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ],
};

pub struct SpreadSelectorMismatch;

impl Rule for SpreadSelectorMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload().filter(|w| !w.is_fragment()) else {
            return;
        };
        if running(obj, cx.index).is_none() {
            return;
        }
        let t = &w.template;
        let terms = t
            .anti_affinity
            .iter()
            .map(|term| ("podAntiAffinity term", term))
            .chain(
                t.topology_spread
                    .iter()
                    .map(|term| ("topologySpreadConstraint", term)),
            );
        let own = if t.labels.is_empty() {
            "the pod template has no labels".to_string()
        } else {
            format!(
                "the pod template's labels are {}",
                Selector::from_labels(t.labels.clone()).describe()
            )
        };
        let (selector, note) = suggested_selector(obj, w);
        let help = format!("select the pods of this workload: `labelSelector: {selector}`{note}");
        for (what, term) in terms {
            let on = term
                .topology_key
                .as_ref()
                .map_or(String::new(), |k| format!(" on {}", k.value));
            let d = match &term.selector {
                None => META.at(obj, term_span(term),
                    format!(
                        "{what}{on} of {} has no labelSelector, so it selects no pod and \
                         spreads nothing",
                        workload_ref(obj)
                    ),
                ),
                Some(s)
                    if !s.value.matches(&t.labels)
                        && !separates(term, &t.anti_affinity, &t.labels) =>
                {
                    META.at(obj, s.span,
                        format!(
                            "{what}{on} of {} selects {}, but {own}: it spreads nothing",
                            workload_ref(obj),
                            s.value.describe()
                        ),
                    )
                }
                Some(_) => continue,
            };
            out.push(d.help(help.clone()));
        }
    }
}

/// Whether an anti-affinity term that misses the pod's own labels keeps the pods away from other
/// pods on purpose: another anti-affinity term on the same topology key selects the pod's own
/// labels, so the spreading is done there (`app: router` spreads over nodes and avoids nodes
/// running `app: mysql`). Spread constraints count pods per domain and have no such use.
fn separates(term: &SpreadTerm, anti_affinity: &[SpreadTerm], labels: &Labels) -> bool {
    fn key(t: &SpreadTerm) -> Option<&str> {
        t.topology_key.as_ref().map(|k| k.value.as_str())
    }
    anti_affinity.iter().any(|t| std::ptr::eq(t, term))
        && anti_affinity.iter().any(|other| {
            !std::ptr::eq(other, term)
                && key(other) == key(term)
                && other
                    .selector
                    .as_ref()
                    .is_some_and(|s| s.value.matches(labels))
        })
}

/// Where to point at a term without a selector: its topologyKey value, else its first line.
fn term_span(term: &SpreadTerm) -> Span {
    match &term.topology_key {
        Some(k) => k.span,
        None if term.span.start.line == term.span.end.line => term.span,
        None => Span::new(
            term.span.start,
            Pos {
                line: term.span.start.line,
                column: term.span.start.column + 1,
            },
        ),
    }
}
