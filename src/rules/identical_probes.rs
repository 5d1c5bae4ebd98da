use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::probes::{behaviour, compared, describe, same_check, timing};

pub static META: RuleMeta = RuleMeta {
    id: "identical-probes",
    severity: Severity::Warning,
    summary: "A container's livenessProbe is the same check with the same timing as its readinessProbe",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports a container whose `livenessProbe` and `readinessProbe` run the same \
check with the same timing. The same check means the same handler and target: the `exec` \
command, the `httpGet` path, port, host and scheme, the `tcpSocket` port and host, or the `grpc` \
port and service. Named ports (`port: http`) are resolved to the container's `ports` before \
comparing, and an absent `path` is `/`. The same timing means the same behaviour once the \
probes have started: they give up after the same time (`periodSeconds` × `failureThreshold`) \
and wait as long for each answer (`timeoutSeconds`), once Kubernetes' defaults (10, 3 and 1) \
are filled in. `initialDelaySeconds` only delays the first check, so probes that differ in it \
alone fail together for the rest of the container's life, and are reported. A liveness probe \
on the same endpoint that is more tolerant (it gives up later, or waits longer for an answer) \
is the recommended pattern and is not reported; one that gives up sooner is \
`liveness-stricter-than-readiness`'s business.\n\n\
Every long-running container is checked: the containers of a Pod, Deployment, StatefulSet, \
DaemonSet, ReplicaSet, ReplicationController, Argo Rollout or OpenShift DeploymentConfig and \
its sidecars (init containers with `restartPolicy: Always`), whose readiness also decides \
whether the pod receives traffic. Ordinary init containers cannot have probes; Jobs, CronJobs \
and Pods that run to completion (`restartPolicy: Never` or `OnFailure`, Helm hooks) are not \
checked.",
    why_it_matters: "The two probes answer different questions. Readiness asks *should this pod \
receive traffic right now?* and a failure takes the pod out of its Service's endpoints until \
it recovers. Liveness asks *is this process stuck beyond repair?* and a failure restarts the \
container. When both run the same check on the same schedule they fail at the same moment: a \
pod that is only overloaded, or waiting on a slow dependency, is restarted at the very instant \
it is taken out of rotation, instead of being given time to catch up. Under load this cascades: \
the restarted pod's traffic moves to its neighbours, which slow down, fail the same check, and \
are restarted in turn. Make the liveness probe more tolerant than the readiness probe (a higher \
`failureThreshold` or a longer `periodSeconds`), or point it at a cheaper endpoint that checks \
only that the process is alive, so that a struggling pod first stops receiving traffic and is \
restarted only if it does not recover.",
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
          image: registry.example.com/web:1.4
          ports:
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
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
          image: registry.example.com/web:1.4
          ports:
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
            failureThreshold: 6
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes",
    ],
};

pub struct IdenticalProbes;

impl Rule for IdenticalProbes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.judged_pods() else { return };
        for c in w.template.long_running_containers() {
            let Some((ready, live)) = compared(c) else {
                continue;
            };
            if !same_check(c, &ready.handler, &live.handler) {
                continue;
            }
            let t = timing(live);
            if behaviour(&timing(ready)) != behaviour(&t) {
                continue;
            }
            // int32 fields the API server refuses outside 0..=i32::MAX: nothing to advise.
            if t.iter().any(|v| !(0..=i64::from(i32::MAX)).contains(v)) {
                continue;
            }
            let [_, period, timeout, failures] = t;
            let gives_up = period.saturating_mul(failures);
            out.push(
                META.at(obj, live.span,
                    format!(
                        "the livenessProbe of container `{}` is the same check as its readinessProbe \
                         ({}) with the same timing once started (gives up after {gives_up}s: \
                         every {period}s, failureThreshold {failures}; timeout {timeout}s): the \
                         container is restarted at the moment it is taken out of rotation",
                        c.display_name(),
                        describe(c, &live.handler),
                    ),
                )
                .help(format!(
                    "make the livenessProbe more tolerant than the readinessProbe so that a busy \
                     container first stops receiving traffic, e.g. `failureThreshold: {}` in the \
                     livenessProbe, or point it at an endpoint that only checks that the process is \
                     alive",
                    failures.saturating_mul(2).clamp(6, i64::from(i32::MAX))
                ))
                .related(
                    obj.file,
                    ready.span,
                    "the readinessProbe runs the same check on the same schedule",
                ),
            );
        }
    }
}
