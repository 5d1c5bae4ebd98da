use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{ReplicaWording, running, workload_ref};

pub static META: RuleMeta = RuleMeta {
    id: "single-replica",
    severity: Severity::Warning,
    summary: "A workload runs a single replica, so every drain or rollout is an outage",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController whose \
effective replica count is 1. The effective count is `spec.replicas` (1 when absent), unless a \
HorizontalPodAutoscaler in the same namespace targets the workload by `scaleTargetRef` kind and \
name: then it is the autoscaler's `minReplicas` (1 when absent), and the finding points at the \
autoscaler. A KEDA ScaledObject counts as such an autoscaler with its `minReplicaCount`, which \
defaults to 0: a workload KEDA may scale to zero is not a single replica (it scales up from zero \
on demand, a choice this rule does not second-guess). Argo Rollouts and OpenShift \
DeploymentConfigs are judged like Deployments. A workload with `replicas: 0` is scaled down on purpose and is not reported, and neither is \
a fragment without `replicas` whose pod template has no containers, or no container with an \
`image` (a kustomize patch: its base sets the count). DaemonSets, Jobs, CronJobs and bare Pods are not checked.",
    why_it_matters: "With one pod, every voluntary disruption is downtime: draining the node for \
an upgrade evicts the only pod, and clients get errors until a replacement is scheduled, pulls \
its image and passes its readiness probe. A PodDisruptionBudget cannot help, since it can \
either block the drain forever or allow the outage. A rolling update of a StatefulSet (or a \
Deployment with `maxSurge: 0`) also stops the only pod before its replacement is ready. Two \
replicas are the minimum for zero downtime; one per zone is the minimum to survive a zone \
outage.",
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
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
    ],
};

pub struct SingleReplica;

impl Rule for SingleReplica {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(count) = running(obj, cx.index) else {
            return;
        };
        if count.count >= 2 || !count.reported_for(obj, cx.index) {
            return;
        }
        // A patch without replicas leaves the count to its base.
        let unwritten = count.replicas.is_none() && count.hpa.is_none();
        if unwritten && obj.workload().is_some_and(|w| w.is_fragment()) {
            return;
        }
        let suggested = cx.settings.zones.max(2);
        let message = if count.hpa.is_some() {
            format!(
                "{} can be scaled down to a single replica ({}): a node drain or rollout then \
                 stops it",
                workload_ref(obj),
                count.source()
            )
        } else {
            format!(
                "{} runs a single replica ({}): any node drain or rollout stops it",
                workload_ref(obj),
                count.source()
            )
        };
        let d = count.diag(obj, &META, message).help(format!(
            "run at least 2 replicas, ideally one per zone: `{}: {suggested}`",
            count.field()
        ));
        out.push(d);
    }
}
