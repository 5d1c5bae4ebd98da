use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::{Kind, Object, Spec};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::workload_ref;

pub static META: RuleMeta = RuleMeta {
    id: "hpa-replicas-conflict",
    severity: Severity::Warning,
    summary: "A workload scaled by a HorizontalPodAutoscaler also sets spec.replicas",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports `spec.replicas` on a Deployment, StatefulSet, ReplicaSet or \
ReplicationController (or Argo Rollout, OpenShift DeploymentConfig) that a \
HorizontalPodAutoscaler (autoscaling/v1, v2, v2beta1 or v2beta2) or a KEDA ScaledObject \
(keda.sh/v1alpha1, which drives an HPA; its `scaleTargetRef` kind defaults to Deployment) in \
the same namespace targets by `scaleTargetRef` kind and name. `replicas: 0` is not reported: \
it scales the workload down on purpose, and the autoscaler leaves a target with zero replicas \
alone.",
    why_it_matters: "Once an autoscaler manages a workload, the replica count belongs to it. A \
manifest that still says `replicas: 3` sets the count back to 3 on every `kubectl apply`, Helm \
upgrade or GitOps sync: if the autoscaler had scaled to 10 under load, the apply removes 7 \
serving pods at once, and the rollout that comes with the apply starts from 3 pods while the \
traffic needs 10. The autoscaler corrects it only after its next sync and the new pods' \
startup, minutes in which the remaining pods are overloaded. Leaving `replicas` out of the \
manifest lets the applied change keep the live count.",
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
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 12
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
"#,
    use_instead: r#"apiVersion: apps/v1
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
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 12
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
    ],
};

pub struct HpaReplicasConflict;

impl Rule for HpaReplicasConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let Some(replicas) = &w.replicas else { return };
        if replicas.value == 0 {
            return;
        }
        // The autoscaler that decides the count (the one written next to the workload, when
        // several target the same name).
        let Some(h) = cx.index.effective_replicas(obj).and_then(|r| r.hpa).map(|(h, _)| h) else {
            return;
        };
        let Spec::HorizontalPodAutoscaler(spec) = &h.spec else {
            return;
        };
        let range = match (&spec.min_replicas, &spec.max_replicas) {
            (Some(min), Some(max)) => format!(" between {} and {}", min.value, max.value),
            (None, Some(max)) => format!(" between {} and {}", spec.min_default, max.value),
            _ => String::new(),
        };
        let autoscaler = format!("{} {}", h.key.kind, h.display_name());
        out.push(
            META.at(obj, replicas.span,
                format!(
                    "{} sets spec.replicas {} but {autoscaler} scales it{range}: \
                     every apply resets the replica count the autoscaler chose",
                    workload_ref(obj),
                    replicas.value,
                ),
            )
            .help(format!(
                "remove `replicas` from the manifest and let the autoscaler own the count \
                 (set the floor with the {}'s `{}`)",
                if h.kind == Kind::ScaledObject {
                    "ScaledObject"
                } else {
                    "HPA"
                },
                if h.kind == Kind::ScaledObject {
                    "minReplicaCount"
                } else {
                    "minReplicas"
                }
            ))
            .related(
                h.file,
                spec.target_span,
                format!("{autoscaler} targets {} here", workload_ref(obj)),
            ),
        );
    }
}
