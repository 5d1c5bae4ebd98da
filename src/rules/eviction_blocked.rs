use crate::rules::support::availability::ReplicaWording;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, REPLICATED_KINDS};
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "eviction-blocked",
    severity: Severity::Warning,
    summary: "Pods are annotated so that node drains and scale-downs wait on them",
    hook: Hook::Object(Kinds::Only(&[Kind::Pod, Kind::Deployment, Kind::StatefulSet, Kind::ReplicaSet, Kind::ReplicationController])),
    what_it_does: "Reports a pod template (or a Pod) annotated \
`cluster-autoscaler.kubernetes.io/safe-to-evict: \"false\"` or `karpenter.sh/do-not-disrupt: \
\"true\"`. It is a warning on a Deployment, StatefulSet, ReplicaSet or ReplicationController \
that runs at least two replicas (the effective count: `spec.replicas`, or the `minReplicas` of \
a HorizontalPodAutoscaler that scales it), and an `info` on a Pod or a single replica, where \
keeping one pod in place is usually deliberate. A workload scaled to zero is not reported. \
Jobs and CronJobs, whose pods finish on their own, and DaemonSets, whose pods the cluster \
autoscaler does not wait for, are not judged. Annotations on the workload's own metadata do \
not reach its pods and are not read.",
    why_it_matters: "Both annotations tell a node autoscaler to leave the pod alone for good. \
The cluster autoscaler never removes a node that runs a pod marked `safe-to-evict: \"false\"`, \
so a scale-down waits on it forever and the node is paid for until someone deletes the pod \
(kubernetes/autoscaler#3183). Karpenter neither consolidates nor, unless a NodePool sets a \
`terminationGracePeriod`, drains for drift or expiry a node that runs a pod marked \
`do-not-disrupt: \"true\"`, so node upgrades stall on it (aws/karpenter-provider-aws#4756). \
A replicated workload does not need either: its pods can move one at a time, and a \
PodDisruptionBudget (`maxUnavailable: 1`) keeps it serving while they do.",
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
      annotations:
        cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
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
        "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-types-of-pods-can-prevent-ca-from-removing-a-node",
        "https://karpenter.sh/docs/concepts/disruption/#pod-level-controls",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ],
};

pub struct EvictionBlocked;

/// The blocking annotations, the value that blocks, and how each mechanism then waits.
const BLOCKERS: &[(&str, &str, &str)] = &[
    (
        "cluster-autoscaler.kubernetes.io/safe-to-evict",
        "false",
        "the cluster autoscaler never removes a node that runs such a pod, so scaling that node \
         down waits forever",
    ),
    (
        "karpenter.sh/do-not-disrupt",
        "true",
        "Karpenter does not consolidate a node that runs such a pod, and replacing that node for \
         drift or expiry waits on the pod unless the NodePool sets a terminationGracePeriod",
    ),
];

impl Rule for EvictionBlocked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let replicas = if REPLICATED_KINDS.contains(&obj.kind) {
            match cx.index.effective_replicas(obj) {
                Some(r) => Some(r),
                None => return,
            }
        } else {
            None
        };
        let count = replicas.map_or(1, |r| r.count);
        if count < 1 {
            return;
        }
        for (key, blocking, how) in BLOCKERS {
            let Some((_, value)) = w.template.annotations.iter().find(|(k, _)| k == key) else {
                continue;
            };
            if value.value != *blocking {
                continue;
            }
            let whose = match replicas {
                Some(r) if r.count >= 2 && r.hpa.is_some() => format!(
                    "the pods of {} {} (at least {}) are",
                    obj.key.kind,
                    obj.display_name(),
                    r.count
                ),
                Some(r) if r.count >= 2 => format!(
                    "the {} pods of {} {} are",
                    r.count,
                    obj.key.kind,
                    obj.display_name()
                ),
                Some(_) => format!(
                    "the single pod of {} {} is",
                    obj.key.kind,
                    obj.display_name()
                ),
                None => format!("Pod {} is", obj.display_name()),
            };
            let mut d = META.at(obj, value.span,
                    format!("{whose} annotated `{key}: \"{blocking}\"`: {how}"),
                )
                .help(
                    "remove the annotation and let the pods move one at a time under a \
                     PodDisruptionBudget (`maxUnavailable: 1`); keep it only on a pod whose work \
                     cannot be interrupted, and say why in a `kube-contract.io/ignore-reason`",
                );
            if count < 2 {
                d = d.severity(Severity::Info);
            }
            if let Some(origin) = replicas.map(|r| r.origin()) {
                if count >= 2 {
                    d = d.related(origin.file, origin.span, origin.text);
                }
            }
            out.push(d);
        }
    }
}
