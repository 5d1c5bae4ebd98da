use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::probes::{behaviour, compared, describe, timing};

pub static META: RuleMeta = RuleMeta {
    id: "liveness-stricter-than-readiness",
    severity: Severity::Warning,
    summary: "A container's livenessProbe gives up sooner than its readinessProbe",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports a container whose `livenessProbe` gives up sooner than its \
`readinessProbe`, comparing how the probes behave once started: the time each takes to give \
up, `periodSeconds` × `failureThreshold` (Kubernetes' defaults 10 and 3 filled in). \
`initialDelaySeconds` only delays the first check and is not compared; neither is the \
handler, since a struggling application usually fails both checks, whatever they ask. Probes \
that give up at the same time are not reported here (the same check with the same timing is \
`identical-probes`).\n\n\
Every long-running container is checked, sidecars included; Jobs, CronJobs and Pods that run \
to completion (`restartPolicy: Never` or `OnFailure`, Helm hooks) are not, and a kustomize \
patch whose containers carry no `image` is judged merged with its base when the base is among the inputs (in its file or its kustomization; \
see the README's repository scope), and not judged alone. A probe with a field of the wrong type (an \
unrendered template value) is not judged.",
    why_it_matters: "Readiness takes a struggling pod out of rotation so it can recover; \
liveness restarts a process that will not. When liveness gives up first, an overloaded or \
slow pod is killed while its Service still sends it requests: those requests fail, the pod \
loses its warm state and restarts cold, and its traffic moves to neighbours that are under the \
same load and follow it. The liveness probe should be the more tolerant one, so that a busy pod \
first stops receiving traffic and is restarted only if it does not recover.",
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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 10
            failureThreshold: 6
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 5
            failureThreshold: 3
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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 5
            failureThreshold: 3
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 10
            failureThreshold: 6
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes",
    ],
};

pub struct LivenessStricterThanReadiness;

impl Rule for LivenessStricterThanReadiness {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.judged_pods() else { return };
        for c in w.template.long_running_containers() {
            let Some((ready, live)) = compared(c) else {
                continue;
            };
            let (rt, lt) = (timing(ready), timing(live));
            let (ready_gives_up, _) = behaviour(&rt);
            let (live_gives_up, _) = behaviour(&lt);
            if live_gives_up >= ready_gives_up {
                continue;
            }
            out.push(
                META.at(
                    obj,
                    live.span,
                    format!(
                        "the livenessProbe of container `{}` ({}) gives up after {live_gives_up}s \
                         (every {}s, failureThreshold {}), sooner than its readinessProbe after \
                         {ready_gives_up}s (every {}s, failureThreshold {}): a struggling \
                         container is restarted while it still receives requests",
                        c.display_name(),
                        describe(c, &live.handler),
                        lt[1],
                        lt[3],
                        rt[1],
                        rt[3],
                    ),
                )
                .help(format!(
                    "make the livenessProbe the more tolerant one: give up after more than \
                     {ready_gives_up}s, e.g. `periodSeconds: {}` with `failureThreshold: {}`",
                    rt[1],
                    rt[3].saturating_mul(2).max(3)
                ))
                .related(
                    obj.file,
                    ready.span,
                    format!("the readinessProbe gives up after {ready_gives_up}s"),
                ),
            );
        }
    }
}
