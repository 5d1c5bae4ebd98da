use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Object, Spec};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "pdb-matches-nothing",
    severity: Severity::Warning,
    summary: "A PodDisruptionBudget selects no pods of the manifests",
    hook: Hook::Object(Kinds::Only(&[Kind::PodDisruptionBudget])),
    what_it_does: "Reports a PodDisruptionBudget whose selector matches the pod template labels \
of no workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, \
CronJob or bare Pod) in its own namespace. Selectors are matched with `matchLabels` and \
`matchExpressions`; a workload's pods carry its own `spec.selector.matchLabels` too (the API \
server accepts a workload only when they match its template, so a kustomize patch without a \
template shows its pods' labels this way); the pods of a Job also carry `job-name`, those of a StatefulSet \
`statefulset.kubernetes.io/pod-name`, which the controllers add. An absent selector selects no \
pods. An empty selector `{}` selects every pod of the namespace in `policy/v1`, and none in \
`policy/v1beta1`, where it is reported even when the namespace has workloads.\n\n\
A budget is not reported when a custom resource of the inputs in its namespace probably runs \
the pods: one named like a value of the selector (operators label the pods they create with \
the name of their resource, e.g. `cnpg.io/cluster: pg` for the CloudNativePG Cluster `pg`), or \
one whose own labels the selector matches. Custom resources of kinds known to run no pods \
(ServiceMonitor, VirtualService, HTTPRoute, Certificate, ScaledObject and the like) do not \
count.\n\n\
Nor is a budget reported whose selector asks for a label that a controller of the inputs \
probably sets at run time: a key that no pod template of the namespace carries, under the \
domain of an API group that a CustomResourceDefinition of the inputs defines (a leader label \
`leader.storage.example.com/elected` when the inputs define `storage.example.com`). The rest \
of the selector must still match a pod template of the namespace. A budget named like a \
workload of its namespace that carries no labels at all (no template labels, no selector: a \
kustomize base whose `labels` or `commonLabels` are added at build time, as metrics-server's \
is) is not reported either.\n\n\
The rule sees only the manifests of one run. A budget for pods that other manifests create \
(a Helm release installed separately, another repository), or an operator whose custom \
resource or CustomResourceDefinition is not among the inputs, is reported although it works \
once deployed. Silence it for that one budget with the annotation `kube-contract.io/ignore: pdb-matches-nothing` \
(and a `kube-contract.io/ignore-reason`), or a comment `# kube-contract: ignore[pdb-matches-nothing] \
<reason>` at the top of its document; `--ignore pdb-matches-nothing` turns the rule off for \
the whole run.",
    why_it_matters: "A budget that selects nothing protects nothing: the workload it was \
written for can lose every replica at once during a node drain, while the budget's presence \
suggests it is covered. This happens when a label is renamed in the Deployment but not in the \
budget, when the budget sits in another namespace than its pods, or when a `policy/v1beta1` \
budget relied on `{}` meaning every pod.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app.kubernetes.io/name: web}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ],
};

pub struct PdbMatchesNothing;

impl Rule for PdbMatchesNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Spec::PodDisruptionBudget(pdb) = &obj.spec else {
            return;
        };
        if !cx.index.selected_by(obj).is_empty() {
            return;
        }
        let name = obj.display_name();
        let ns = obj.namespace().unwrap_or("default");
        // Pods the inputs show no template for (an operator's, labelled at run time or at
        // build time) do not make a budget for them wrong.
        let v1beta1 = obj.key.api_version == "policy/v1beta1";
        if let Some(s) = &pdb.selector {
            if !(v1beta1 && s.value.is_empty()) && cx.index.pods_made_elsewhere(obj, &s.value) {
                return;
            }
        }
        let d = match &pdb.selector {
            None => META.at(obj, obj.name_span(),
                    format!("PodDisruptionBudget {name} has no selector, so it selects no pods"),
                )
                .help(
                    "add the labels of the pods to protect, as their workload's pod template \
                     carries them: `selector: {matchLabels: {app: web}}`",
                ),
            Some(s) if s.value.is_empty() && v1beta1 => META.at(obj, s.span,
                    format!(
                        "PodDisruptionBudget {name} has an empty selector, which selects no pods \
                         in policy/v1beta1"
                    ),
                )
                .help(
                    "write the labels of the pods to protect, e.g. `selector: {matchLabels: \
                     {app: web}}`; only in `apiVersion: policy/v1` does `{}` select every pod \
                     of the namespace",
                ),
            Some(s) if s.value.is_empty() => META.at(obj, s.span,
                    format!(
                        "PodDisruptionBudget {name} selects every pod of namespace {ns}, and no \
                         workload in namespace {ns} runs pods"
                    ),
                )
                .help(
                    "put the budget in the namespace of the workload it protects, and select \
                     that workload's pod labels, e.g. `selector: {matchLabels: {app: web}}`",
                ),
            Some(s) => META.at(obj, s.span,
                    format!(
                        "PodDisruptionBudget {name} selects no pods: no workload in namespace \
                         {ns} runs pods matching {}",
                        s.value.describe()
                    ),
                )
                .help(
                    "make the selector match the labels of the pod template \
                     (`spec.template.metadata.labels`) of the workload it protects, and put the \
                     budget in that workload's namespace",
                ),
        };
        out.push(d);
    }
}
