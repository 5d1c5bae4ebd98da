use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Object, Spec};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "service-matches-nothing",
    severity: Severity::Warning,
    summary: "A Service's selector matches no pods of the manifests",
    hook: Hook::Object(Kinds::Only(&[Kind::Service])),
    what_it_does: "Reports a Service with a non-empty `spec.selector` that matches the pod \
template labels of no workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, \
ReplicationController, Job, CronJob or bare Pod) in its own namespace. Every label of the \
selector must be carried by the pod template with the same value (or by the workload's own \
`spec.selector.matchLabels`, which its pods carry whenever the API server accepts it), or be \
one the controllers \
add to every pod: `job-name` on a Job's pods, `statefulset.kubernetes.io/pod-name` on a \
StatefulSet's. Services without a selector (whose endpoints are managed by hand or by a \
controller) and `type: ExternalName` Services are not checked.\n\n\
A Service is not reported when a custom resource of the inputs in its namespace probably runs \
the pods: one named like a value of the selector (operators label the pods they create with \
the name of their resource, e.g. `cnpg.io/cluster: pg` for the CloudNativePG Cluster `pg`), or \
one whose own labels the selector matches. Custom resources of kinds known to run no pods \
(ServiceMonitor, VirtualService, HTTPRoute, Certificate, ScaledObject and the like) do not \
count.\n\n\
Nor is a Service reported whose selector asks for a label that a controller of the inputs \
probably sets at run time: a key that no pod template of the namespace carries, under the \
domain of an API group that a CustomResourceDefinition of the inputs defines (Longhorn's \
manager labels its own pod `longhorn.io/admission-webhook` once it serves the webhook; the \
inputs define the `longhorn.io` group). The other labels of the selector must still match a \
pod template of the namespace. A Service named like a workload of its namespace that carries \
no labels at all (no template labels, no selector: a kustomize base whose `labels` or \
`commonLabels` are added at build time) is not reported either.\n\n\
The rule sees only the manifests of one run. A Service for pods that other manifests create \
(a Helm release installed separately, another repository), or an operator whose custom \
resource or CustomResourceDefinition is not among the inputs, is reported although it works \
once deployed. Silence it for that one Service with the annotation `kube-contract.io/ignore: service-matches-nothing` \
(and a `kube-contract.io/ignore-reason`), or a comment `# kube-contract: ignore[service-matches-nothing] \
<reason>` at the top of its document; `--ignore service-matches-nothing` turns the rule off for \
the whole run.",
    why_it_matters: "A Service that selects no pod has no endpoints: every connection to it is \
refused or times out, and an Ingress or Gateway route in front of it answers 503. It usually \
means that a label was renamed on one side only, or that the Service sits in another namespace \
than its pods, and it stays unnoticed until the first request after a deploy fails.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{port: 80}]
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/service/",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ],
};

pub struct ServiceMatchesNothing;

impl Rule for ServiceMatchesNothing {
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
        if !cx.index.selected_by(obj).is_empty() {
            return;
        }
        let ns = obj.namespace().unwrap_or("default");
        let wanted = &selector.value;
        // Pods the inputs show no template for (an operator's, labelled at run time or at
        // build time) do not make a Service for them wrong.
        if cx.index.pods_made_elsewhere(obj, wanted) {
            return;
        }
        let wanted = wanted.describe();
        out.push(
            META.at(obj, selector.span,
                format!(
                    "Service {} selects no pods: no workload in namespace {ns} runs pods labelled \
                     {wanted}",
                    obj.display_name()
                ),
            )
            .help(
                "make `spec.selector` a subset of the pod template labels \
                 (`spec.template.metadata.labels`) of the workload that serves it, and put the \
                 Service in that workload's namespace",
            ),
        );
    }
}
