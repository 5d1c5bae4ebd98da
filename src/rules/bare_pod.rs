use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Object};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "bare-pod",
    severity: Severity::Warning,
    summary: "A Pod is not managed by a controller",
    hook: Hook::Object(Kinds::Only(&[Kind::Pod])),
    what_it_does: "Reports a `Pod` written directly in the manifests, without \
`metadata.ownerReferences`. Pods that are Helm hooks (annotation `helm.sh/hook`, such as \
`helm test` pods) are not reported: Helm runs them to completion once and deletes them, they \
are not meant to keep running.",
    why_it_matters: "Nothing recreates a bare Pod. A node drain (a node upgrade, a cluster \
autoscaler scale-down, a spot instance reclaimed) evicts it and it is gone until someone \
applies the manifest again; a node failure loses it the same way. It also cannot be rolled out: \
changing its image means deleting it and creating it again, with downtime in between. A \
Deployment (or a StatefulSet for a pod with a stable identity and storage, or a DaemonSet for \
one pod per node) keeps the desired number of pods running, replaces them on other nodes \
during a drain, and rolls out changes gradually.",
    example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
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
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods",
        "https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs",
        "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/",
    ],
};

pub struct BarePod;

impl Rule for BarePod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if obj.workload().is_none()
            || obj.has_owner_references
            || obj.annotations.iter().any(|(k, _)| k == "helm.sh/hook")
        {
            return;
        }
        let name = obj.display_name();
        let labels = obj
            .workload()
            .map(|w| {
                w.template
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| format!("app: {name}"));
        out.push(
            META.at(obj, obj.kind_name,
                format!(
                    "Pod {name} has no ownerReferences: no controller creates it again when a \
                     node drain evicts it or its node fails"
                ),
            )
            .help(format!(
                "run it from a Deployment (a StatefulSet if it needs a stable identity): \
                 `{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: {name}}}, spec: \
                 {{replicas: 2, selector: {{matchLabels: {{{labels}}}}}, template: {{metadata: \
                 {{labels: {{{labels}}}}}, spec: <this Pod's spec>}}}}}}`"
            )),
        );
    }
}
