use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::pods::probe_snippet;

pub static META: RuleMeta = RuleMeta {
    id: "missing-liveness-probe",
    severity: Severity::Warning,
    summary: "A long-running container has no livenessProbe",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports each container of a Pod, Deployment, StatefulSet, DaemonSet, \
ReplicaSet or ReplicationController that has no `livenessProbe`. Sidecars (init containers \
with `restartPolicy: Always`) are checked too; ordinary init containers, Jobs and CronJobs are \
not. Neither are Pods that run to completion (`restartPolicy: Never` or `OnFailure`, Helm hooks \
such as `helm test` pods), which nothing restarts to keep them running; kustomize patches whose \
containers carry no `image`, alone (a patch is judged merged with its base when the base is \
among the inputs, in its file or its kustomization: see the README's repository scope); and a Rollout that runs \
a referenced Deployment's pod template (the Deployment is judged).",
    why_it_matters: "A process that deadlocks or stops making progress keeps running, and \
without a liveness probe nothing restarts it: it holds its share of traffic (if its readiness \
probe still passes) or a replica slot (if it does not) until someone notices. The liveness \
probe lets the kubelet restart a stuck container by itself. Make it more tolerant than the \
readiness probe (a higher `failureThreshold`), so that a briefly busy pod is taken out of \
rotation before it is restarted.",
    example: r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: queue
spec:
  serviceName: queue
  selector:
    matchLabels: {app: queue}
  template:
    metadata:
      labels: {app: queue}
    spec:
      containers:
        - name: queue
          image: rabbitmq:4
          readinessProbe:
            tcpSocket: {port: 5672}
"#,
    use_instead: r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: queue
spec:
  serviceName: queue
  selector:
    matchLabels: {app: queue}
  template:
    metadata:
      labels: {app: queue}
    spec:
      containers:
        - name: queue
          image: rabbitmq:4
          readinessProbe:
            tcpSocket: {port: 5672}
          livenessProbe:
            tcpSocket: {port: 5672}
            periodSeconds: 20
            failureThreshold: 6
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
};

pub struct MissingLivenessProbe;

impl Rule for MissingLivenessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.judged_pods() else { return };
        for c in w.template.long_running_containers() {
            // Written with the wrong type: `invalid-field-type` says so, not "no probe".
            if c.liveness_probe.is_none() && !c.unreadable.contains(&"livenessProbe") {
                out.push(
                    META.at(obj, c.span,
                        format!(
                            "container `{}` of {} {} has no livenessProbe",
                            c.display_name(),
                            obj.key.kind,
                            obj.display_name()
                        ),
                    )
                    .help(format!(
                        "add a livenessProbe to `{}` more tolerant than the readiness probe, \
                         e.g. `{}`",
                        c.display_name(),
                        probe_snippet("livenessProbe", c, "/healthz", 10, ", failureThreshold: 6")
                    )),
                );
            }
        }
    }
}
