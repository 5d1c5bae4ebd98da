use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Container, IntOrString, Kind, Object, Spec, is_port_name};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "service-port-mismatch",
    severity: Severity::Warning,
    summary: "A Service port targets a container port that the pods it selects do not declare",
    hook: Hook::Object(Kinds::Only(&[Kind::Service])),
    what_it_does: "Compares each port of a Service that has a selector with the container ports \
of the pods it selects. The target is `targetPort`, or `port` when `targetPort` is left to its \
default (absent, `0` or `\"\"`: the same number as `port`); the finding points at it. Only \
the containers that run for the pod's lifetime count: the app containers and sidecars, not \
ordinary init containers. A Service that selects the pods of several workloads is reported \
only when none of them has the port.\n\n\
A named target is reported when no container of the selected pods declares a port of that \
name. A numeric target is reported when no container of the selected pods declares that \
`containerPort` while every selected workload declares other ports, except when:\n\n\
- a workload declares no port at all (it may listen on any);\n\
- another port of the Service reaches a declared container port (the others are then extra \
ports the image opens without declaring them, such as an admin or legacy listener);\n\
- the number is written in a selected container's `command`, `args` or `env` values \
(`--port=8080`), or in a ConfigMap of the namespace in the Service's or the workload's \
directory (a configuration file that sets the port the application listens on).\n\n\
The selected pods are those of the workloads in the Service's own file or, when there are \
none there, in its own directory: the application the Service belongs to. The rule stays \
silent when those pods are not among the inputs (the Service selects no workload there, or \
one whose pod template has no containers, such as a kustomize patch), when an operator of the \
inputs probably runs pods for the selector (see `service-matches-nothing`), for `type: \
ExternalName` Services and Services without a selector, and for targets that are not valid \
port names (an unrendered `${PORT}`).",
    why_it_matters: "A Service forwards each port to the `targetPort` of every ready pod it \
selects. A port name that a pod does not declare leaves that pod out of the Service port's \
endpoints: when no pod has it, the port has no endpoints at all, every connection is refused, \
and an Ingress or Gateway in front of it answers 503. A numeric target that the containers do \
not declare often means the application listens on another port (the container port was \
changed, the Service was not), and connections are refused or time out although every pod is \
ready. Both look healthy in every check that does not send real traffic.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: web}]
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",
        "https://kubernetes.io/docs/concepts/services-networking/connect-applications-service/",
    ],
};

pub struct ServicePortMismatch;

/// The containers of a workload that serve traffic: app containers and sidecars.
fn serving(obj: &Object) -> impl Iterator<Item = &Container> {
    obj.workload()
        .into_iter()
        .flat_map(|w| w.template.long_running_containers())
}

/// The container ports a workload declares, for messages: `8080`, `http (8080)`.
fn declared(objs: &[&Object]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for o in objs {
        for p in serving(o).flat_map(|c| c.ports.iter()) {
            let text = match (&p.name, p.container_port) {
                (Some(n), Some(num)) => format!("{n} ({num})"),
                (Some(n), None) => n.clone(),
                (None, Some(num)) => num.to_string(),
                (None, None) => continue,
            };
            if !seen.contains(&text) {
                seen.push(text);
            }
        }
    }
    if seen.is_empty() {
        "no port".to_string()
    } else {
        seen.join(", ")
    }
}

impl Rule for ServicePortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Spec::Service(svc) = &obj.spec else {
            return;
        };
        let Some(selector) = svc.selector.as_ref().filter(|s| !s.value.is_empty()) else {
            return;
        };
        if svc
            .service_type
            .as_ref()
            .is_some_and(|t| t.value == "ExternalName")
        {
            return;
        }
        // The pods of the Service's application: the workloads it selects in its own file,
        // else in its own directory. Same-labelled pods of unrelated manifests elsewhere in
        // the inputs do not judge it.
        let selected = cx.index.selected_by(obj);
        let same_file: Vec<&Object> = selected
            .iter()
            .copied()
            .filter(|w| w.file == obj.file)
            .collect();
        let judged: Vec<&Object> = if same_file.is_empty() {
            selected
                .iter()
                .copied()
                .filter(|w| cx.index.same_directory(obj, w))
                .collect()
        } else {
            same_file
        };
        if judged.is_empty()
            || judged
                .iter()
                .any(|w| w.workload().is_none_or(|w| w.is_fragment()))
            || cx.index.pods_made_elsewhere(obj, &selector.value)
        {
            return;
        }
        let mut workloads = judged
            .iter()
            .map(|w| format!("{} {}", w.key.kind, w.display_name()))
            .collect::<Vec<_>>()
            .join(", ");
        workloads.push_str(if judged.len() == 1 {
            " declares"
        } else {
            " declare"
        });
        // Whether a port of the Service reaches a port the containers declare: then the
        // others are deliberate extra ports of the image (an admin or legacy listener it opens
        // by default), not a wiring mistake, and numeric targets are not judged.
        let reaches_declared = svc.ports.iter().any(|p| {
            let target = p.target();
            judged.iter().any(|w| {
                serving(w).any(|c| {
                    c.ports.iter().any(|cp| match &target.value {
                        IntOrString::Int(n) => cp.container_port == Some(*n),
                        IntOrString::Str(name) => cp.name.as_deref() == Some(name),
                    })
                })
            })
        });
        for port in &svc.ports {
            let target = port.target();
            let which = match &port.name {
                Some(n) => format!("port {} ({})", port.port.value, n.value),
                None => format!("port {}", port.port.value),
            };
            let (message, help) = match &target.value {
                IntOrString::Str(name) => {
                    if !is_port_name(name)
                        || judged.iter().any(|w| {
                            serving(w)
                                .any(|c| c.ports.iter().any(|p| p.name.as_deref() == Some(name)))
                        })
                    {
                        continue;
                    }
                    (
                        format!(
                            "{which} of Service {} targets the container port named `{name}`, \
                             which no container of the pods it selects declares ({workloads} {})",
                            obj.display_name(),
                            declared(&judged)
                        ),
                        format!(
                            "set `targetPort` to a port name or number the containers declare, or \
                             name the container port the application listens on `{name}`"
                        ),
                    )
                }
                IntOrString::Int(n) => {
                    let all_declare = judged.iter().all(|w| {
                        let mut ports = serving(w).flat_map(|c| c.ports.iter()).peekable();
                        ports.peek().is_some() && ports.all(|p| p.container_port.is_some())
                    });
                    // A number the containers' arguments or a nearby ConfigMap write is
                    // probably a port the application is told to listen on.
                    let configured = judged.iter().any(|w| {
                        serving(w).any(|c| c.numbers_in_args.contains(n))
                            || cx.index.configured_near(w, *n)
                    }) || cx.index.configured_near(obj, *n);
                    if !all_declare
                        || reaches_declared
                        || configured
                        || judged.iter().any(|w| {
                            serving(w).any(|c| c.ports.iter().any(|p| p.container_port == Some(*n)))
                        })
                    {
                        continue;
                    }
                    let how = if port.target_port.is_some() {
                        ""
                    } else {
                        " (targetPort defaults to port)"
                    };
                    (
                        format!(
                            "{which} of Service {} targets container port {n}{how}, which no \
                             container of the pods it selects declares ({workloads} {})",
                            obj.display_name(),
                            declared(&judged)
                        ),
                        "set `targetPort` to the container port the application listens on, \
                         preferably by its name, or declare that port in the container's `ports`"
                            .to_string(),
                    )
                }
            };
            let mut d = META.at(obj, target.span, message).help(help);
            for w in &judged {
                d = d.related(
                    w.file,
                    w.name_span(),
                    format!(
                        "the Service selects the pods of {} {}",
                        w.key.kind,
                        w.display_name()
                    ),
                );
            }
            out.push(d);
        }
    }
}
