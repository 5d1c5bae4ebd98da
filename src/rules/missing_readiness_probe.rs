use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-readiness-probe",
    severity: Severity::Warning,
    summary: "A long-running container has no readinessProbe",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports each container of a Pod, Deployment, StatefulSet, DaemonSet, \
ReplicaSet or ReplicationController that has no `readinessProbe`. Sidecars (init containers \
with `restartPolicy: Always`) are checked too; ordinary init containers, Jobs and CronJobs are \
not, since they do not serve traffic.",
    why_it_matters: "Without a readiness probe a pod is added to its Service's endpoints as soon \
as its containers start, before the application listens. During every rollout and every node \
drain, new pods receive requests they cannot answer yet, and clients see connection errors. The \
readiness probe is how the platform learns that a pod can take traffic.",
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
            httpGet: {path: /healthz/ready, port: 80}
            periodSeconds: 5
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
};

pub struct MissingReadinessProbe;

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        for c in w.template.long_running_containers() {
            // Written with the wrong type: `invalid-field-type` says so, not "no probe".
            if c.readiness_probe.is_none() && !c.unreadable.contains(&"readinessProbe") {
                out.push(
                    META.at(obj, c.span,
                        format!(
                            "container `{}` of {} {} has no readinessProbe",
                            c.display_name(),
                            obj.kind_name.value,
                            obj.display_name()
                        ),
                    )
                    .help(
                        "add a readinessProbe that answers only when the container can serve, \
                         e.g. `readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}`",
                    ),
                );
            }
        }
    }
}
