use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{IntOrString, Kind, Object, Service, Spec, is_port_name};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "route-backend-missing",
    severity: Severity::Warning,
    summary: "An Ingress or Gateway API route sends traffic to a Service or Service port that does not exist",
    hook: Hook::Object(Kinds::Only(&[Kind::Ingress, Kind::HTTPRoute, Kind::GRPCRoute])),
    what_it_does: "Checks the Service backends of an Ingress (`networking.k8s.io/v1`: the \
`defaultBackend` and every path of `rules`) and of a Gateway API `HTTPRoute` or `GRPCRoute` \
(`gateway.networking.k8s.io/v1` or `v1beta1`: every `backendRefs` entry of `rules`). A backend \
is reported when no Service of its name is among the inputs in its namespace (the route's, or \
a `backendRef`'s `namespace`), or when that Service has no port of the backend's number (an \
Ingress `port.number`, a Gateway API `port`) or name (an Ingress `port.name`). When several \
Services share the name (one per environment directory), those in the route's directory are \
compared, else all of them, and one with the port is enough.\n\n\
Backends of other kinds are not judged: an Ingress `resource` backend, or a `backendRef` whose \
`group` or `kind` names something other than a core Service (an `InferencePool`, a \
`ServiceImport`). Nor is an Ingress of an older API version.\n\n\
The rule judges a route only when the inputs show the Services of its application: at least \
one Service of the backend's namespace is in the route's own file or directory. A route whose \
Services are kept elsewhere (another repository, a chart installed separately, Services an \
operator creates) is not reported, since the other side is not among the inputs. Nor is a \
missing Service of `kube-system`, whose Services are the cluster's add-ons (DNS, the \
dashboard, metrics-server), usually installed with the cluster rather than with the route.",
    why_it_matters: "An Ingress controller or Gateway answers 503 (or 500) for every request \
routed to a Service that does not exist or to a port the Service does not have: the route is \
accepted, looks healthy, and sends nothing anywhere. It usually follows a rename on one side \
only (the Service was renamed, a port was renamed from `http` to `web`), and since the route \
and the Service are usually in different files, review rarely catches it. Worse, a name that \
matches another application's Service silently sends the traffic there.",
    example: r#"apiVersion: v1
kind: Service
metadata:
  name: shop-web
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 80}
"#,
    use_instead: r#"apiVersion: v1
kind: Service
metadata:
  name: shop-web
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop-web
                port: {name: http}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource",
        "https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs-optional",
    ],
};

pub struct RouteBackendMissing;

/// A Service's ports, for messages: `80 (http), 443`.
fn ports_of(services: &[&Service]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for p in services.iter().flat_map(|s| s.ports.iter()) {
        let text = match &p.name {
            Some(n) => format!("{} ({})", p.port.value, n.value),
            None => p.port.value.to_string(),
        };
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    if seen.is_empty() {
        "no port".to_string()
    } else {
        seen.join(", ")
    }
}

impl Rule for RouteBackendMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Spec::Route(route) = &obj.spec else {
            return;
        };
        let own_ns = obj.namespace().unwrap_or("default");
        let what = format!("{} {}", obj.key.kind, obj.display_name());
        for b in &route.backends {
            let ns = b.namespace.as_deref().unwrap_or(own_ns);
            let name = &b.name.value;
            // Only when the inputs show this application's Services.
            if !cx.index.services_near(obj, ns) {
                continue;
            }
            let found: Vec<&Object> = cx.index.objects_named(obj, ns, "Service", name).collect();
            // The Services of kube-system are the cluster's add-ons (DNS, the dashboard,
            // metrics-server), usually installed by the platform, not by these manifests.
            if found.is_empty() && ns == "kube-system" {
                continue;
            }
            if found.is_empty() {
                out.push(
                    META.at(obj, b.name.span,
                        format!(
                            "{what} sends traffic to Service {name}, which is not among the \
                             inputs in namespace {ns}: every request to this backend fails"
                        ),
                    )
                    .help(
                        "name an existing Service of the namespace (a Service renamed on one \
                         side only?), or add the Service to the manifests",
                    ),
                );
                continue;
            }
            let Some(port) = &b.port else { continue };
            let near: Vec<&Object> = found
                .iter()
                .copied()
                .filter(|s| cx.index.same_directory(obj, s))
                .collect();
            let judged = if near.is_empty() { found } else { near };
            let services: Vec<&Service> = judged
                .iter()
                .filter_map(|s| match &s.spec {
                    Spec::Service(svc) => Some(svc.as_ref()),
                    _ => None,
                })
                .collect();
            // Another kind named Service (a Knative Service), or ports not fully read.
            if services.len() != judged.len() || services.iter().any(|s| s.ports_incomplete) {
                continue;
            }
            let has = |s: &&Service| match &port.value {
                IntOrString::Int(n) => s.ports.iter().any(|p| p.port.value == *n),
                IntOrString::Str(n) => s
                    .ports
                    .iter()
                    .any(|p| p.name.as_ref().is_some_and(|x| &x.value == n)),
            };
            if matches!(&port.value, IntOrString::Str(n) if !is_port_name(n))
                || services.iter().any(has)
            {
                continue;
            }
            let (port_text, help) = match &port.value {
                IntOrString::Int(n) => (
                    format!("port {n}"),
                    format!(
                        "use a port number of Service {name}: a backend names the Service's \
                         `port`, not the container port it forwards to (`targetPort`)"
                    ),
                ),
                IntOrString::Str(n) => (
                    format!("a port named `{n}`"),
                    format!(
                        "use the name of a port of Service {name}, or name the Service's port \
                         `{n}`"
                    ),
                ),
            };
            let mut d = META.at(obj, port.span,
                    format!(
                        "{what} sends traffic to {port_text} of Service {name}, which has no such \
                         port (its ports: {}): every request to this backend fails",
                        ports_of(&services)
                    ),
                )
                .help(help);
            for s in &judged {
                d = d.related(
                    s.file,
                    s.name_span(),
                    format!("Service {name} is defined here"),
                );
            }
            out.push(d);
        }
    }
}
