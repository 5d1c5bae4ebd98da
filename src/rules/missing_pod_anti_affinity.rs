use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{ReplicaWording, 
    running, suggested_selector, template_span, workload_ref, HOSTNAME_KEY, ZONE_KEYS,
};

pub static META: RuleMeta = RuleMeta {
    id: "missing-pod-anti-affinity",
    severity: Severity::Warning,
    summary: "Nothing spreads a replicated workload's pods across nodes",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo \
Rollout or OpenShift DeploymentConfig that \
runs 2 or more replicas (the effective count: `spec.replicas`, or an autoscaler's \
`minReplicas`) when its pod template has no podAntiAffinity term (required or preferred) and no \
topologySpreadConstraint with `topologyKey: kubernetes.io/hostname`. A required podAntiAffinity \
term on a zone key also counts, since one pod per zone is at most one pod per node, and so \
does a `hostPort` (or a container port with `hostNetwork: true`): two pods that bind the same \
host port cannot share a node. A term on \
the right key counts whatever its `labelSelector`; a selector that misses the pod's own labels \
is reported by `spread-selector-mismatch`. A podAntiAffinity term that cannot match the pod's \
own namespace does not count: one that lists other `namespaces` only, or whose \
`namespaceSelector` excludes it by `kubernetes.io/metadata.name` (the only namespace label the \
manifests tell); such a term keeps the pod away from other namespaces' pods, not from its own \
replicas. DaemonSets already run one pod per node and are not checked, and a fragment (a \
kustomize patch whose pod template has no containers, or no container with an `image`) is judged merged with its base when the base is among the inputs (in its file or its kustomization; \
see the README's repository scope), and not judged alone: a patch that raises `replicas` over a base with no spreading is reported at the patch.",
    why_it_matters: "Replicas protect against a node failure or a node drain only if they run on \
different nodes. Without a spreading rule the scheduler may place several replicas, or all of \
them, on the same node: it prefers the node with the most free resources or the one where the \
image is cached. The scheduler's built-in default spreading is only a soft preference (a skew of \
up to 3 pods per node is allowed) and is switched off on some platforms. One node drain during \
a cluster upgrade then evicts every replica at once, and a PodDisruptionBudget only delays it. \
A preferred podAntiAffinity term or a topologySpreadConstraint with `whenUnsatisfiable: \
ScheduleAnyway` spreads pods when it can without blocking scheduling when it cannot.",
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
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: web
          image: nginx:1.27
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
    ],
};

pub struct MissingPodAntiAffinity;

impl Rule for MissingPodAntiAffinity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // A term written with the wrong type is `invalid-field-type`'s finding.
        let Some(w) = obj
            .workload()
            .filter(|w| !w.is_fragment() && !w.template.spread_unreadable)
        else {
            return;
        };
        let Some(count) = running(obj, cx.index) else {
            return;
        };
        if count.count < 2 {
            return;
        }
        let t = &w.template;
        // A term that cannot count the pod's own namespace does not keep its replicas apart.
        let ns = obj.namespace().unwrap_or("default");
        let key_is = |term: &crate::model::SpreadTerm, keys: &[&str]| {
            term.covers_namespace(ns)
                && term
                    .topology_key
                    .as_ref()
                    .is_some_and(|k| keys.contains(&k.value.as_str()))
        };
        let per_node = t
            .anti_affinity
            .iter()
            .chain(t.topology_spread.iter())
            .any(|term| key_is(term, &[HOSTNAME_KEY]));
        let one_per_zone = t
            .anti_affinity
            .iter()
            .any(|term| term.required && key_is(term, ZONE_KEYS));
        if per_node || one_per_zone || t.one_pod_per_node() {
            return;
        }
        let (selector, note) = suggested_selector(obj, w);
        out.push(
            META.at(obj, template_span(obj, w),
                format!(
                    "{} runs {} replicas ({}) and nothing spreads them across nodes: no \
                     podAntiAffinity term or topologySpreadConstraint has topologyKey {HOSTNAME_KEY}",
                    workload_ref(obj),
                    count.count,
                    count.source()
                ),
            )
            .help(format!(
                "spread the pods over nodes; add to the pod spec `topologySpreadConstraints: \
                 [{{maxSkew: 1, topologyKey: {HOSTNAME_KEY}, whenUnsatisfiable: ScheduleAnyway, \
                 labelSelector: {selector}}}]`{note}"
            )),
        );
    }
}
