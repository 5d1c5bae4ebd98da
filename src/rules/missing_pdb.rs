use crate::rules::support::availability::ReplicaWording;
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, DEPLOYMENT_LIKE_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::yaml::scalar::flow_scalar;

pub static META: RuleMeta = RuleMeta {
    id: "missing-pdb",
    severity: Severity::Warning,
    summary: "A replicated Deployment, StatefulSet, Rollout or DeploymentConfig has no PodDisruptionBudget",
    hook: Hook::Object(Kinds::Only(DEPLOYMENT_LIKE_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, Argo Rollout or OpenShift \
DeploymentConfig that runs at least two replicas when no PodDisruptionBudget in its namespace \
selects the labels of its pod template. The replica count is the effective one: \
`spec.replicas` (1 when absent), or the `minReplicas` of a HorizontalPodAutoscaler (default 1) \
or the `minReplicaCount` of a KEDA ScaledObject (default 0) that targets the workload by kind \
and name; `replicas: 0` stays 0, since an autoscaler leaves a target scaled to zero alone. Selectors are matched with \
`matchLabels` and `matchExpressions`; a `policy/v1` budget with an empty selector `{}` covers \
every pod of its namespace, a `policy/v1beta1` one covers none. A workload with a single replica \
is not reported: a budget cannot keep one pod serving through a drain, only block the drain.\n\n\
A fragment (a workload whose pod template has no containers, such as a kustomize patch that \
only raises `replicas`) has the labels of the base it is merged into: it is reported when a \
complete workload of the same kind, namespace and name is among the inputs and no budget \
selects that one's pods, and not reported without such a base.\n\n\
The rule sees only the manifests of one run. A PodDisruptionBudget kept in another repository, \
or created by an operator at deploy time, is invisible to it, and the workload is reported \
anyway. Silence it for that one workload with the annotation `kube-contract.io/ignore: missing-pdb` \
(and a `kube-contract.io/ignore-reason`), or a comment `# kube-contract: ignore[missing-pdb] \
<reason>` at the top of its document; `--ignore missing-pdb` turns the rule off for \
the whole run.",
    why_it_matters: "Node upgrades, autoscaler scale-downs and maintenance drain nodes one by \
one through the eviction API. Without a PodDisruptionBudget nothing stops the drain from \
evicting every replica of a workload at once: two replicas that the scheduler placed on the \
same node, or on two nodes drained in parallel, go down together, and the service is \
unavailable until the replacements are scheduled, pulled, started and ready. A budget such as \
`maxUnavailable: 1` makes the eviction API wait until the evicted pod's replacement is ready \
before it lets the next one go.",
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
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
    ],
};

pub struct MissingPdb;

impl Rule for MissingPdb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let Some(replicas) = cx.index.effective_replicas(obj) else {
            return;
        };
        if replicas.count < 2 || !cx.index.pdbs_for(obj).is_empty() {
            return;
        }
        // A fragment (a kustomize patch raising `replicas`) has the labels, and so the
        // budgets, of the base it is merged into: judge those, and stay silent without one.
        let base = if w.is_fragment() {
            let bases: Vec<&Object> = cx.index.bases_of(obj).collect();
            if bases.is_empty() || bases.iter().any(|b| !cx.index.pdbs_for(b).is_empty()) {
                return;
            }
            bases.first().and_then(|b| b.workload())
        } else {
            None
        };
        let origin = replicas.origin();
        let ns = obj.namespace().unwrap_or("default");
        let message = format!(
            "{} {} runs {}{} replicas and no PodDisruptionBudget in namespace {ns} selects its pods",
            obj.key.kind,
            obj.display_name(),
            if replicas.hpa.is_some() { "at least " } else { "" },
            replicas.count
        );
        // Point at the replica count when the workload itself sets it; otherwise at its name,
        // with the autoscaler (or the default) as a related location.
        let on_workload = replicas.hpa.is_none();
        let span = if on_workload {
            origin.span
        } else {
            obj.name_span()
        };
        // Select the pods the way the workload's own selector does, so the budget follows
        // them across rollouts.
        let w = base.unwrap_or(w);
        let labels = match w.selector.as_ref() {
            Some(s) if !s.value.match_labels.is_empty() => &s.value.match_labels,
            _ => &w.template.labels,
        };
        let mut d = META.at(obj, span, message).help(format!(
            "add a PodDisruptionBudget in the same namespace that selects these pods and lets \
             one be evicted at a time: `{{apiVersion: policy/v1, kind: PodDisruptionBudget, \
             metadata: {{name: {}}}, spec: {{maxUnavailable: 1, selector: {{matchLabels: {}}}}}}}`",
            flow_scalar(obj.display_name()),
            labels.to_flow_yaml()
        ));
        if !on_workload {
            d = d.related(origin.file, origin.span, origin.text);
        }
        out.push(d);
    }
}
