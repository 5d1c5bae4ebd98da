use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Object, Spec};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "not-ready-addresses-published",
    severity: Severity::Warning,
    summary: "A Service that is not headless publishes the addresses of pods that are not ready",
    hook: Hook::Object(Kinds::Only(&[Kind::Service])),
    what_it_does: "Reports `publishNotReadyAddresses: true` on a Service with a selector that \
is not headless (its `clusterIP` is not `None`). Headless Services (`clusterIP: None`) are the \
legitimate use: a StatefulSet's peers find each other through their DNS records before they \
are ready, to form a cluster. Services without a selector (whose endpoints are not managed by \
the endpoints controller), `type: ExternalName` Services, and Services that select a single \
StatefulSet pod by `statefulset.kubernetes.io/pod-name` or `apps.kubernetes.io/pod-index` (a \
stable address for one peer, such as redis-ha's per-replica announce Services, where there is \
no ready pod to prefer) are not reported. Nothing outside \
the Service itself is needed, so the rule is never silent for want of other manifests.",
    why_it_matters: "With `publishNotReadyAddresses: true` the endpoints of a Service include \
every pod it selects, ready or not. Through a cluster IP, a node port or a load balancer, that \
sends client connections to pods that are still starting, that fail their readiness probe, \
or that are shutting down: readiness stops protecting clients, every rollout and every drain \
drops requests, and a pod that cannot serve keeps receiving its share of traffic \
(kubernetes/kubernetes#118952). Peer discovery needs only a headless Service; clients should \
use a separate Service without the flag.",
    example: r#"apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  publishNotReadyAddresses: true
  ports: [{name: sql, port: 5432}]
"#,
    use_instead: r#"# Peers find each other through the headless Service, clients use the other one.
apiVersion: v1
kind: Service
metadata:
  name: db-peers
spec:
  clusterIP: None
  selector: {app: db}
  publishNotReadyAddresses: true
  ports: [{name: sql, port: 5432}]
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports: [{name: sql, port: 5432}]
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec",
        "https://kubernetes.io/docs/concepts/services-networking/service/#headless-services",
        "https://github.com/kubernetes/kubernetes/issues/118952",
    ],
};

pub struct NotReadyAddressesPublished;

/// Labels that select a single pod of a StatefulSet.
const PER_POD_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

impl Rule for NotReadyAddressesPublished {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Spec::Service(svc) = &obj.spec else {
            return;
        };
        let Some(flag) = svc.publish_not_ready_addresses.as_ref().filter(|f| f.value) else {
            return;
        };
        let headless = svc.cluster_ip.as_ref().is_some_and(|ip| ip.value == "None");
        let external = svc
            .service_type
            .as_ref()
            .is_some_and(|t| t.value == "ExternalName");
        let Some(selector) = svc.selector.as_ref().filter(|s| !s.value.is_empty()) else {
            return;
        };
        // A Service of one StatefulSet pod (redis-ha's per-replica "announce" Services) gives
        // that pod a stable address for its peers; there is no ready pod to prefer.
        let one_pod = PER_POD_LABELS
            .iter()
            .any(|k| selector.value.match_labels.contains_key(k));
        if headless || external || one_pod {
            return;
        }
        let kind = svc
            .service_type
            .as_ref()
            .map_or("ClusterIP", |t| t.value.as_str());
        out.push(
            META.at(obj, flag.span,
                format!(
                    "Service {} (type {kind}, not headless) publishes the addresses of pods that \
                     are not ready: clients are sent to pods that are starting, failing their \
                     readiness probe or shutting down",
                    obj.display_name()
                ),
            )
            .help(
                "remove `publishNotReadyAddresses`; if peers need to find each other before they \
                 are ready, give them a separate headless Service (`clusterIP: None`) with the flag",
            ),
        );
    }
}
