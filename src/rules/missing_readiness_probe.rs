use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::pods::{ports, probe_snippet, selecting_service, serves_on_ports};

pub static META: RuleMeta = RuleMeta {
    id: "missing-readiness-probe",
    severity: Severity::Warning,
    summary: "A container that serves, or every container of a long-running pod, has no readinessProbe",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports a container of a long-running pod (a Pod, Deployment, StatefulSet, \
DaemonSet, ReplicaSet, ReplicationController, Argo Rollout or OpenShift DeploymentConfig) that \
needs a `readinessProbe` and has none. A pod is ready when all its containers are, and a \
container without a readiness probe counts as ready as soon as it starts, so the probe is needed \
where readiness means something:\n\n\
- each container that serves: one that declares a port (other than a port named for health \
checks only: a name containing `health`, or `livez`, `readyz`), or, when no container of the \
pod declares one, each app container of a pod that a Service among the inputs selects;\n\
- in a pod that serves nothing, at least one container: rollouts and `maxUnavailable` count \
ready pods, so one probe that says the pod works paces them. Helper containers beside a \
probed one are not reported.\n\n\
Sidecars (init containers with `restartPolicy: Always`) count as containers; ordinary init \
containers, Jobs and CronJobs are not judged. Neither are Pods that run to completion \
(`restartPolicy: Never` or `OnFailure`, Helm hooks such as `helm test` pods): nothing routes \
traffic to them or waits for them to be ready. A kustomize patch whose containers carry no \
`image` is judged merged with its base when the base is among the inputs (in its file or its kustomization; \
see the README's repository scope), and not judged alone; neither is a Rollout that runs a \
referenced Deployment's pod template (the Deployment is).",
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

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.judged_pods() else { return };
        let t = &w.template;
        let with_ports = t.long_running_containers().any(serves_on_ports);
        let service = if with_ports {
            None
        } else {
            selecting_service(obj, cx.index)
        };
        let what = format!("{} {}", obj.key.kind, obj.display_name());
        if with_ports || service.is_some() {
            for c in t.long_running_containers() {
                // Written with the wrong type: `invalid-field-type` says so, not "no probe".
                if c.readiness_probe.is_some() || c.unreadable.contains(&"readinessProbe") {
                    continue;
                }
                let why = if serves_on_ports(c) {
                    format!("serves on {}", ports(c))
                } else if let (Some(s), false, false) = (service, with_ports, c.is_sidecar) {
                    format!("serves the pods Service {} selects", s.display_name())
                } else {
                    continue;
                };
                out.push(
                    META.at(
                        obj,
                        c.span,
                        format!(
                            "container `{}` of {what} {why} but has no readinessProbe: it \
                             receives requests as soon as it starts",
                            c.display_name(),
                        ),
                    )
                    .help(format!(
                        "add a readinessProbe to `{}` that answers only when it can serve, \
                         e.g. `{}`",
                        c.display_name(),
                        probe_snippet("readinessProbe", c, "/ready", 5, "")
                    )),
                );
            }
            return;
        }
        if t.long_running_containers().any(|c| c.readiness_probe.is_some() || c.unreadable.contains(&"readinessProbe")) {
            return;
        }
        let Some(c) = t.containers.first() else { return };
        out.push(
            META.at(
                obj,
                c.span,
                format!(
                    "no container of {what} has a readinessProbe: its pods count as ready as \
                     soon as they start, so rollouts replace pods that may not work yet"
                ),
            )
            .help(format!(
                "give the main container `{}` a readinessProbe that passes once it works, e.g. \
                 `{}`",
                c.display_name(),
                probe_snippet("readinessProbe", c, "/ready", 10, "")
            )),
        );
    }
}
