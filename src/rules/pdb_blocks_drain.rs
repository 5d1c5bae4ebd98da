use crate::base::diagnostic::{Diagnostic, Severity};
use std::collections::HashMap;

use crate::index::{identity, Identity};
use crate::rules::support::availability::{ReplicaWording, ReplicasOrigin};
use crate::model::{Amount, IntOrString, Kind, Object, Spec};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "pdb-blocks-drain",
    severity: Severity::Error,
    summary: "A PodDisruptionBudget never allows an eviction, so node drains hang",
    hook: Hook::Object(Kinds::Only(&[Kind::PodDisruptionBudget])),
    what_it_does: "Reports a PodDisruptionBudget whose budget can never allow a voluntary \
eviction of the pods it covers:\n\n\
- `maxUnavailable: 0` or `maxUnavailable: 0%`;\n\
- `minAvailable: 100%` (or more);\n\
- `minAvailable` at or above the replicas it covers. The replicas are summed over every \
workload whose pod template the selector matches in the budget's namespace: the effective \
replicas of each Deployment, StatefulSet, ReplicaSet or ReplicationController \
(`spec.replicas`, or the `minReplicas` of a HorizontalPodAutoscaler that targets it) and 1 for \
a bare Pod. A percentage is resolved as the disruption controller does, rounding up: \
`minAvailable: 50%` of 1 replica is 1.\n\n\
When the budget also covers a DaemonSet, Job or CronJob, whose pod count the manifests do not \
tell, only the first two cases are reported. Workloads of the same kind, namespace and name \
are variants of one object (written once per environment directory, say) and count once: as \
the variant in the budget's own file, else as the largest. Pods covered by two budgets cannot \
be evicted either; that case is reported once, by `overlapping-pdbs`. A budget without a \
selector selects no pod at all and blocks nothing: it is `pdb-matches-nothing`'s only. The \
replicas of a workload scaled by a KEDA ScaledObject are its `minReplicaCount` (default 0).\n\n\
The rule sees only the manifests of one run: replicas set by a HorizontalPodAutoscaler kept in \
another repository are invisible to it. Silence it for that one budget with the annotation `kube-contract.io/ignore: pdb-blocks-drain` \
(and a `kube-contract.io/ignore-reason`), or a comment `# kube-contract: ignore[pdb-blocks-drain] \
<reason>` at the top of its document; `--ignore pdb-blocks-drain` turns the rule off for \
the whole run.",
    why_it_matters: "`kubectl drain`, cluster autoscalers and managed node upgrades evict pods \
through the eviction API, which refuses an eviction that would take the budget below its \
minimum. A budget that allows zero disruptions makes every drain of a node running one of \
these pods retry forever: the node upgrade stalls, the autoscaler cannot remove the node, and \
on managed platforms the upgrade either hangs or, after a timeout, deletes the pods anyway \
without respecting any budget. A budget protects availability only if it leaves room for one \
pod to move at a time.",
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
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
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
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
        "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/",
    ],
};

/// Related locations listed at most, so one budget over a whole namespace stays readable.
const MAX_RELATED: usize = 10;

/// A workload the budget covers, and how many pods it runs when the manifests tell.
struct Covered<'a> {
    workload: &'a Object,
    pods: Option<i64>,
    origin: Option<ReplicasOrigin>,
    /// A HorizontalPodAutoscaler decides the count (its minReplicas).
    autoscaled: bool,
}

pub struct PdbBlocksDrain;

impl Rule for PdbBlocksDrain {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Spec::PodDisruptionBudget(pdb) = &obj.spec else {
            return;
        };
        // A budget without a selector (or a policy/v1beta1 one with `{}`) selects no pod:
        // `pdb-matches-nothing` reports it, and there is no drain for it to block.
        let selects_none = match &pdb.selector {
            None => true,
            Some(s) => s.value.is_empty() && obj.key.api_version == "policy/v1beta1",
        };
        if selects_none {
            return;
        }
        let covered: Vec<Covered<'_>> = cx
            .index
            .selected_by(obj)
            .into_iter()
            .map(|w| match cx.index.effective_replicas(w) {
                Some(r) => Covered {
                    workload: w,
                    pods: Some(r.count),
                    origin: Some(r.origin()),
                    autoscaled: r.hpa.is_some(),
                },
                None => Covered {
                    workload: w,
                    pods: (w.kind == Kind::Pod).then_some(1),
                    origin: None,
                    autoscaled: false,
                },
            })
            .collect();
        let covered = one_per_object(covered, obj);
        // The pods the budget covers, when every covered workload tells its count (saturating:
        // counts come from the input).
        let total: Option<i64> = covered
            .iter()
            .try_fold(0i64, |sum, c| c.pods.map(|p| sum.saturating_add(p)));
        let name = obj.display_name();

        if let Some(max) = &pdb.max_unavailable {
            // The disruption controller reads maxUnavailable first when both are set.
            if !max.value.is_zero() {
                return;
            }
            let message = format!(
                "PodDisruptionBudget {name} has maxUnavailable {}: it never allows an eviction \
                 of {}, so drains of their nodes hang",
                max.value,
                describe(&covered, total)
            );
            let help = "let one pod be evicted at a time: `maxUnavailable: 1` (the controller \
                        rounds a percentage up, so any percentage above 0% also allows one)";
            out.push(related(
                META.at(obj, max.span, message).help(help),
                &covered,
            ));
            return;
        }
        let Some(min) = &pdb.min_available else {
            return;
        };
        let (required, shown) = match &min.value {
            IntOrString::Int(n) => (*n, n.to_string()),
            IntOrString::Str(s) => {
                let Some(Amount::Percent(pct)) = min.value.amount() else {
                    return;
                };
                if pct >= 100 {
                    let message = format!(
                        "PodDisruptionBudget {name} has minAvailable {s}: it never allows an \
                         eviction of {}, so drains of their nodes hang",
                        describe(&covered, total)
                    );
                    let d = META.at(obj, min.span, message).help(min_help(total));
                    out.push(related(d, &covered));
                    return;
                }
                let Some(t) = total else { return };
                let n = Amount::Percent(pct).of(t, true);
                (n, format!("{s} (rounded up: {n} of {t})"))
            }
        };
        if !total.is_some_and(|t| t > 0 && required >= t) {
            return;
        }
        let at_min = covered.iter().any(|c| c.autoscaled);
        let message = format!(
            "PodDisruptionBudget {name} has minAvailable {shown} and selects only {}{}: it \
             never allows an eviction, so drains of their nodes hang",
            describe(&covered, total),
            if at_min {
                " when scaled down to minReplicas"
            } else {
                ""
            }
        );
        let d = META.at(obj, min.span, message).help(min_help(total));
        out.push(related(d, &covered));
    }
}

/// Workloads of one kind, namespace and name are variants of one object (written once per
/// environment directory, say): count each object once, as its variant in the budget's own
/// file if there is one, else as its largest variant, so that a budget is reported only when
/// it blocks even that.
fn one_per_object<'a>(covered: Vec<Covered<'a>>, pdb: &Object) -> Vec<Covered<'a>> {
    let mut out: Vec<Covered<'a>> = Vec::with_capacity(covered.len());
    let mut at: HashMap<Identity<'a>, usize> = HashMap::new();
    for c in covered {
        let id = identity(c.workload);
        let Some(&i) = at.get(&id) else {
            at.insert(id, out.len());
            out.push(c);
            continue;
        };
        let Some(kept) = out.get_mut(i) else { continue };
        let rank = |c: &Covered<'_>| (c.workload.file == pdb.file, c.pods.unwrap_or(i64::MAX));
        if rank(&c) > rank(kept) {
            *kept = c;
        }
    }
    out
}

/// "the pods it selects", "the 3 pods of Deployment web", "the 5 pods of 2 workloads".
fn describe(covered: &[Covered<'_>], total: Option<i64>) -> String {
    let count = match total {
        Some(t) => format!("{t} {}", if t == 1 { "pod" } else { "pods" }),
        None => "pods".to_string(),
    };
    match covered {
        [] => "the pods it selects".to_string(),
        [c] => format!(
            "the {count} of {} {}",
            c.workload.key.kind,
            c.workload.display_name()
        ),
        _ => format!("the {count} of {} workloads", covered.len()),
    }
}

/// A related location on each covered workload: where its replica count is decided.
fn related(mut d: Diagnostic, covered: &[Covered<'_>]) -> Diagnostic {
    for c in covered.iter().take(MAX_RELATED) {
        let w = c.workload;
        d = match &c.origin {
            Some(o) => d.related(o.file, o.span, o.text.clone()),
            None => d.related(
                w.file,
                w.name_span(),
                match c.pods {
                    Some(1) => format!("{} {} is one pod", w.key.kind, w.display_name()),
                    _ => format!("{} {} runs pods it selects", w.key.kind, w.display_name()),
                },
            ),
        };
    }
    d
}

fn min_help(total: Option<i64>) -> &'static str {
    if total == Some(1) {
        "one pod cannot be both protected and evicted: run at least 2 replicas (`replicas: 2`, \
         or `minReplicas: 2` on the HorizontalPodAutoscaler) and write `maxUnavailable: 1` \
         instead of minAvailable"
    } else {
        "budget by what may be down instead: `maxUnavailable: 1` keeps every other pod serving \
         and follows the replica count; or lower `minAvailable` below the number of pods"
    }
}
