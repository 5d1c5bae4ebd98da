use crate::model::Kind;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Container, Handler, Object, Spec, LONG_RUNNING_KINDS};
use crate::rules::support::pods::{ports, selecting_service, serves_on_ports};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-prestop-sleep",
    severity: Severity::Warning,
    summary: "A container that serves traffic has no preStop hook that waits",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Reports a container that serves traffic and has no preStop hook that waits \
before the container gets SIGTERM. A container serves traffic when it declares `ports`, or when \
a Service among the inputs selects its pod and no container of the pod declares a port (the \
Service then reaches a port that is simply not declared, so every app container of the pod is \
considered, unless one of them already waits). Only the Services among the inputs of one run \
are seen: a Service kept in another repository does not make a container without ports \
serving. Ports named for health checks only (a name containing `health`, or `livez`, \
`readyz`), which the kubelet's probes use and no load balancer does, do not count.\n\n\
A wait is a preStop `exec` that runs `sleep N`: `[\"sleep\", \"20\"]`, `sleep 20s`, `sleep 1m`, \
`[\"/bin/sh\", \"-c\", \"sleep 20\"]`, `[\"/bin/bash\", \"-c\", \"sleep 20\"]`, or a script that \
sleeps before doing more, such as `[\"sh\", \"-c\", \"sleep 5 && nginx -s quit\"]`; the native \
`sleep: {seconds: N}` action (Kubernetes 1.30 and later); or an `httpGet` preStop hook, which \
holds the container for as long as the endpoint takes to answer. A hook that runs something \
else (`nginx -s quit`, a script file) is not a wait as far as the manifest shows, and is \
reported. `sleep 0` is not a wait, and neither is a script that stops the application before \
it sleeps (`nginx -s quit; sleep 5`, `kill 1 && sleep 10`): its sleep only delays SIGTERM to an \
application that has already stopped serving, which is the outage the wait should prevent.\n\n\
Pods that run to completion (a Pod with `restartPolicy: Never` or `OnFailure`, a Helm hook \
such as a `helm test` pod) are not judged: no rollout removes them from a load balancer. \
Kustomize patches whose containers carry no `image` are judged merged with their base when the base is among the inputs (in its file or its kustomization; \
see the README's repository scope), and not judged alone; neither is a \
Rollout that runs a referenced Deployment's pod template (the Deployment is).\n\n\
Sidecars (init containers with `restartPolicy: Always`) are reported only when they declare \
ports and no app container of the pod waits: the kubelet stops sidecars after every app \
container has exited, so a wait in the app container already keeps them serving while the pod \
leaves the load balancers. Ordinary init containers have finished before the pod serves; Jobs \
and CronJobs are not checked.",
    why_it_matters: "When a pod is deleted (a rollout, a scale-down, a node drain), two things \
start at the same time: the kubelet runs the preStop hooks and then sends SIGTERM to the \
containers, and the endpoints controller removes the pod from its Services, after which every \
kube-proxy, ingress controller and cloud load balancer has to learn about it. That \
propagation takes seconds. An application that stops listening on SIGTERM during those \
seconds still receives new connections, which are refused or reset: clients see HTTP 502 and \
503 errors on every rollout. A short sleep in the preStop hook keeps the container serving \
until the load balancers have stopped sending it requests; only then does it get SIGTERM and \
drain what is in flight. Keep `terminationGracePeriodSeconds` above the sleep plus the \
application's own shutdown time (see `prestop-exceeds-grace-period`).",
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
          ports:
            - containerPort: 80
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
      terminationGracePeriodSeconds: 45
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sh", "-c", "sleep 10 && nginx -s quit"]
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        "https://kubernetes.io/docs/tutorials/services/pods-and-endpoint-termination-flow/",
    ],
};

/// The release that serves the native `sleep` preStop action.
const NATIVE_SLEEP: crate::base::kube_version::KubeVersion =
    crate::base::kube_version::KubeVersion::new(1, 30);

pub struct MissingPrestopSleep;

/// Why a container is considered to serve traffic.
enum Serves<'a> {
    Ports(String),
    Service(&'a Object),
}

impl Rule for MissingPrestopSleep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.judged_pods() else { return };
        let t = &w.template;
        let app_waits = t.containers.iter().any(waits_first);
        let declares_ports = t.long_running_containers().any(serves_on_ports);
        // Only needed when no port is declared: a Service then reaches an undeclared one.
        let service = if declares_ports || app_waits {
            None
        } else {
            selecting_service(obj, cx.index)
        };
        for c in t.long_running_containers() {
            // A lifecycle written with the wrong type is `invalid-field-type`'s, not "no preStop".
            if waits_first(c) || (c.is_sidecar && app_waits) || c.unreadable.contains(&"lifecycle") {
                continue;
            }
            let serves = if serves_on_ports(c) {
                Serves::Ports(ports(c))
            } else if let (Some(svc), false) = (service, c.is_sidecar) {
                Serves::Service(svc)
            } else {
                continue;
            };
            out.push(finding(obj, c, &serves, cx.settings));
        }
    }
}

/// The container's preStop hook waits before the application stops: it waits, and does not
/// stop the application first (`nginx -s quit; sleep 5` waits after the fact).
fn waits_first(c: &Container) -> bool {
    c.pre_stop_wait.is_some()
        && !c
            .pre_stop
            .as_ref()
            .is_some_and(|p| p.value.shuts_down_before_wait())
}

fn finding(
    obj: &Object,
    c: &Container,
    serves: &Serves<'_>,
    settings: &crate::rule::settings::Settings,
) -> Diagnostic {
    let why = match serves {
        Serves::Ports(p) => format!("serves traffic on {p}"),
        Serves::Service(s) => format!(
            "serves traffic (Service {} selects {})",
            s.display_name(),
            if obj.kind == Kind::Pod {
                "this Pod"
            } else {
                "its pods"
            }
        ),
    };
    let (span, mut hook) = match &c.pre_stop {
        Some(p) if c.pre_stop_wait.is_some() && p.value.shuts_down_before_wait() => (
            p.span,
            format!(
                "its preStop hook {} stops the application before it sleeps, so the sleep \
                 only delays SIGTERM to a container that no longer serves",
                hook_text(&p.value)
            ),
        ),
        Some(p) => (
            p.span,
            format!("its preStop hook {} does not sleep", hook_text(&p.value)),
        ),
        None => (c.span, "has no preStop hook".to_string()),
    };
    let what = if c.is_sidecar {
        hook.push_str(", and no app container of the pod waits either");
        "sidecar"
    } else {
        "container"
    };
    let help = match c.pre_stop.as_ref().map(|p| &p.value) {
        // A lone `sleep 0` gets the general advice below.
        Some(Handler::Exec { command }) if !command.is_empty() && !lone_sleep(command) => {
            let line = shell_line(command);
            let with_sleep = if line.contains('\n') || line.chars().count() > 60 {
                "start the hook's script with `sleep 10;`".to_string()
            } else {
                format!(
                    "`command: [\"/bin/sh\", \"-c\", \"sleep 10; {}\"]`",
                    line.replace('\\', "\\\\").replace('"', "\\\"")
                )
            };
            format!(
                "sleep before the rest of the hook, so that load balancers stop sending requests \
                 before the application stops: {with_sleep}, and keep \
                 terminationGracePeriodSeconds above the sleep plus the shutdown time"
            )
        }
        _ => {
            // The native `sleep` action is served from 1.30 on: older targets get a command.
            let target = crate::rule::deprecated_apis::target(settings);
            let native = target.is_none_or(|t| t >= NATIVE_SLEEP);
            let (hook, note) = if native {
                ("lifecycle: {preStop: {sleep: {seconds: 10}}}".to_string(), String::new())
            } else {
                (
                    "lifecycle: {preStop: {exec: {command: [\"sleep\", \"10\"]}}}".to_string(),
                    format!(
                        " (the image needs a `sleep` binary; the native `sleep` action needs \
                         Kubernetes {NATIVE_SLEEP}, newer than the target {})",
                        target.map_or_else(String::new, |t| t.to_string())
                    ),
                )
            };
            format!(
                "give the container a preStop hook that waits until load balancers have \
                 stopped sending requests: `{hook}`{note}; keep \
                 terminationGracePeriodSeconds above the sleep plus the shutdown time"
            )
        }
    };
    let mut d = META.at(obj, span,
            format!(
                "{what} `{}` {why} but {hook}: it gets SIGTERM while load balancers still send \
                 it requests",
                c.display_name()
            ),
        )
        .help(help);
    if let Serves::Service(s) = serves {
        let at = match &s.spec {
            Spec::Service(spec) => spec.selector.as_ref().map_or(s.span, |sel| sel.span),
            _ => s.span,
        };
        d = d.related(
            s.file,
            at,
            if obj.kind == Kind::Pod {
                format!("Service {} selects this Pod", s.display_name())
            } else {
                format!(
                    "Service {} selects the pods of this {}",
                    s.display_name(),
                    obj.key.kind
                )
            },
        );
    }
    d
}

/// `sleep 0` and nothing else.
fn lone_sleep(command: &[String]) -> bool {
    let line = shell_line(command);
    line.starts_with("sleep") && !line.contains([';', '&', '|', '\n'])
}

/// An exec command as one shell line (the script itself for `sh -c <script>`).
fn shell_line(command: &[String]) -> String {
    match command {
        [sh, flag, script, ..]
            if flag.starts_with('-') && flag.contains('c') && sh.ends_with("sh") =>
        {
            script.trim().to_string()
        }
        _ => command.join(" "),
    }
}

fn hook_text(h: &Handler) -> String {
    match h {
        Handler::Exec { command } if !command.is_empty() => {
            let line = shell_line(command)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let shown: String = line.chars().take(50).collect();
            if shown.len() < line.len() {
                format!("(`{shown}…`)")
            } else {
                format!("(`{shown}`)")
            }
        }
        Handler::Exec { .. } => "(an empty exec command)".into(),
        Handler::TcpSocket { .. } => "(tcpSocket, which the kubelet does not run)".into(),
        Handler::Sleep { .. } => "(`sleep: {seconds: 0}`)".into(),
        _ => "(no action)".into(),
    }
}
