use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{is_port_name, Container, IntOrString, Object, Probe, WORKLOAD_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "probe-port-unknown",
    severity: Severity::Warning,
    summary: "A probe checks a port its container does not declare",
    hook: Hook::Object(Kinds::Only(WORKLOAD_KINDS)),
    what_it_does: "Checks the port of every `httpGet`, `tcpSocket` and `grpc` readiness, \
liveness and startup probe of every container (sidecars included) against the container's \
`ports`; the finding points at the probe's `port`.\n\n\
A probe on a named port (`port: http`) that its own container does not declare is a warning. \
The kubelet looks the name up in the probe's container only, so a port of that name on \
another container of the pod does not help. Names that are not valid port names (an \
unrendered `${PORT}`) are not judged.\n\n\
A probe on a port number that no container of the pod declares, while the probe's container \
declares other ports, is an `info`. Often the image listens there by default without \
declaring it (a health or admin port such as ingress-nginx's 10254), but it is also what a \
probe looks like after the container's port changed and the probe did not; declaring the port \
settles which. A container that declares no ports is not judged on numbers, nor is a number \
written in a container's `command`, `args` or `env` values \
(`--health-probe-bind-address=:8081`) or in a ConfigMap of the namespace in the workload's \
directory (a configuration file that sets the port).",
    why_it_matters: "The kubelet cannot resolve a port name the container does not declare, \
and counts every such probe as failed. A readiness probe then never passes: the pod never \
becomes ready, receives no traffic, and a rolling update stalls on it until the progress \
deadline. A liveness or startup probe restarts the container over and over (CrashLoopBackOff). \
A probe on the wrong number fails the same way whenever nothing listens there, and the probe \
that was meant to protect the rollout is what breaks it.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.1
          ports: [{name: http, containerPort: 8080}]
          readinessProbe:
            httpGet: {path: /ready, port: web}
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.1
          ports: [{name: http, containerPort: 8080}]
          readinessProbe:
            httpGet: {path: /ready, port: http}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe",
    ],
};

pub struct ProbePortUnknown;

/// What a failing probe of this kind does to the pod.
fn consequence(kind: &str) -> &'static str {
    match kind {
        "readinessProbe" => "the pod never becomes ready",
        "livenessProbe" => "the container is restarted over and over",
        _ => "the container is restarted before it ever counts as started",
    }
}

impl Rule for ProbePortUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload().filter(|w| !w.borrowed_template) else {
            return;
        };
        let all: Vec<&Container> = w
            .template
            .init_containers
            .iter()
            .chain(w.template.containers.iter())
            .collect();
        for c in &all {
            let probes: [(&str, &Option<Box<Probe>>); 3] = [
                ("readinessProbe", &c.readiness_probe),
                ("livenessProbe", &c.liveness_probe),
                ("startupProbe", &c.startup_probe),
            ];
            for (kind, probe) in probes {
                let Some(port) = probe.as_ref().and_then(|p| p.port.as_ref()) else {
                    continue;
                };
                let name = c.display_name();
                let d = match &port.value {
                    IntOrString::Str(wanted) => {
                        if !is_port_name(wanted)
                            || c.ports.iter().any(|p| p.name.as_deref() == Some(wanted))
                        {
                            continue;
                        }
                        let elsewhere = all
                            .iter()
                            .find(|o| o.ports.iter().any(|p| p.name.as_deref() == Some(wanted)));
                        let note = match elsewhere {
                            Some(o) => format!(
                                " (container `{}` declares it, but a probe reads its own \
                                 container's ports)",
                                o.display_name()
                            ),
                            None => String::new(),
                        };
                        META.at(obj, port.span,
                            format!(
                                "{kind} of container `{name}` uses port `{wanted}`, which the \
                                 container does not declare{note}: the kubelet fails the probe, \
                                 so {}",
                                consequence(kind)
                            ),
                        )
                        .help(format!(
                            "name the container's port `{wanted}` in its `ports`, or probe a port \
                             it declares ({})",
                            ports_of(c)
                        ))
                    }
                    IntOrString::Int(n) => {
                        // Declared by a container, or probably configured: written in a
                        // container's arguments or in a ConfigMap near the workload.
                        if c.ports.is_empty()
                            || all.iter().any(|o| {
                                o.numbers_in_args.contains(n)
                                    || o.ports
                                        .iter()
                                        .any(|p| p.container_port.is_none_or(|m| m == *n))
                            })
                            || cx.index.configured_near(obj, *n)
                        {
                            continue;
                        }
                        META.at(obj, port.span,
                            format!(
                                "{kind} of container `{name}` uses port {n}, which no container \
                                 of the pod declares (`{name}` declares {})",
                                ports_of(c)
                            ),
                        )
                        .severity(Severity::Info)
                        .help(format!(
                            "declare the port in the container's `ports` (`- {{name: health, \
                             containerPort: {n}}}`) and probe it by name, or correct the probe if \
                             the application does not listen on {n}"
                        ))
                    }
                };
                out.push(d);
            }
        }
    }
}

/// A container's ports, for messages: `http (8080), 9090`.
fn ports_of(c: &Container) -> String {
    let ports: Vec<String> = c
        .ports
        .iter()
        .filter_map(|p| match (&p.name, p.container_port) {
            (Some(n), Some(num)) => Some(format!("{n} ({num})")),
            (Some(n), None) => Some(n.clone()),
            (None, Some(num)) => Some(num.to_string()),
            (None, None) => None,
        })
        .collect();
    if ports.is_empty() {
        "no port".to_string()
    } else {
        ports.join(", ")
    }
}
