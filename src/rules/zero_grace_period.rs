use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "zero-grace-period",
    severity: Severity::Warning,
    summary: "A long-running workload sets terminationGracePeriodSeconds to 0",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports `terminationGracePeriodSeconds: 0` in the pod spec of a Pod, \
Deployment, StatefulSet, DaemonSet, ReplicaSet or ReplicationController. The setting belongs \
to the pod, so it is reported once, at the field, whatever the number of containers. Jobs and \
CronJobs are not checked.",
    why_it_matters: "The grace period is the time a pod is given to stop between SIGTERM and \
SIGKILL. With 0 there is none: deleting the pod becomes a force deletion, the API server \
removes it at once and the kubelet kills its containers within a couple of seconds, on every \
rollout, scale-down, eviction and node drain. Requests in flight are cut off, connections are reset rather than closed, preStop hooks have no \
time to run, and the application's shutdown code (flushing buffers, committing offsets, \
leaving a cluster) never runs. For a StatefulSet it is worse: a pod deleted with a zero grace \
period may still be running on its node when its replacement with the same identity starts, \
which the StatefulSet guarantees are built to prevent. Leave the field out (30 seconds) or set \
it to the time the application needs to finish its work, plus any preStop sleep.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: worker
          image: registry.example.com/worker:3
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: worker
          image: registry.example.com/worker:3
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        "https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/",
    ],
};

pub struct ZeroGracePeriod;

impl Rule for ZeroGracePeriod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload().filter(|w| !w.borrowed_template) else {
            return;
        };
        let Some(grace) = &w.template.termination_grace_period else {
            return;
        };
        if grace.value != 0 {
            return;
        }
        out.push(
            META.at(obj, grace.span,
                format!(
                    "{} {} sets terminationGracePeriodSeconds: 0: every stop (rollout, \
                     scale-down, node drain) deletes the pod at once and kills its containers \
                     without time to finish in-flight requests",
                    obj.key.kind,
                    obj.display_name()
                ),
            )
            .help(
                "remove `terminationGracePeriodSeconds` to get the default 30 seconds, or set it \
                 to the time the application needs to finish in-flight requests plus any preStop \
                 sleep, e.g. `terminationGracePeriodSeconds: 30`",
            ),
        );
    }
}
