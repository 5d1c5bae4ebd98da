use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::Amount;
use crate::model::{IntOrString, Kind, Object};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{ReplicaWording, running, strategy_type, workload_ref};

pub static META: RuleMeta = RuleMeta {
    id: "rollout-full-outage",
    severity: Severity::Error,
    summary: "A rollout can stop every pod of a replicated workload at once",
    hook: Hook::Object(Kinds::Only(&[Kind::Deployment, Kind::StatefulSet])),
    what_it_does: "Reports a Deployment or StatefulSet with 2 or more effective replicas \
(`spec.replicas`, or the `minReplicas` of a HorizontalPodAutoscaler that targets it) whose \
rollout may stop all of its pods at the same time:\n\n\
- a Deployment with `strategy.type: Recreate`;\n\
- a Deployment whose `maxUnavailable` resolves to the replica count or more. Percentages are \
resolved the way the Deployment controller does: `maxUnavailable` rounds down and `maxSurge` \
rounds up, and when both resolve to 0, `maxUnavailable` becomes 1. Unset values take the \
defaults of the object's apiVersion: 25% and 25% for apps/v1, apps/v1beta2 and apps/v1beta1; \
1 and 1 for extensions/v1beta1 (as in Kubernetes' `SetDefaults_Deployment` for each version). \
So `maxSurge: 0` with `maxUnavailable: 10%` on 3 replicas resolves to 1 unavailable pod and is \
not reported;\n\
- a StatefulSet with `updateStrategy.type: RollingUpdate` whose `rollingUpdate.maxUnavailable` \
resolves to the replica count or more (a percentage rounds down, with a minimum of 1, as in the \
StatefulSet controller) and no `partition` keeps the lower ordinals on their version. The field \
is honoured when the `MaxUnavailableStatefulSet` feature is \
on (alpha since Kubernetes 1.24, beta in 1.35).\n\n\
Malformed values are left to `rollout-strategy-invalid`.",
    why_it_matters: "Replicas give zero downtime only if some of them keep serving while the \
new version starts. `Recreate` stops every old pod before the first new one is created, so \
each rollout is an outage that lasts as long as the new pods take to be scheduled, pull their \
image and become ready, and a bad image leaves nothing running at all. A `maxUnavailable` equal \
to the replica count allows the controller to do the same within a rolling update: the minimum \
number of available pods it keeps is zero. Rollouts happen many times a day; the strategy \
decides whether users notice them.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 100%
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
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
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
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#maximum-unavailable-pods",
        "https://kubernetes.io/docs/tutorials/kubernetes-basics/update/update-intro/",
    ],
};

pub struct RolloutFullOutage;

/// A `maxUnavailable` over 100% is rejected by the API server: `rollout-strategy-invalid`.
fn valid_unavailable(a: &Amount) -> bool {
    !matches!(a, Amount::Percent(p) if *p > 100)
}

/// `maxUnavailable 5 is not below the 4 replicas`, `maxUnavailable 100% resolves to all 3
/// replicas`.
fn too_many(field: &str, v: &IntOrString, n: i64, resolved: i64) -> String {
    match v {
        IntOrString::Int(i) => format!("{field} {i} is not below the {n} replicas"),
        IntOrString::Str(s) if resolved == n => {
            format!("{field} {s} resolves to all {n} replicas")
        }
        IntOrString::Str(s) => {
            format!("{field} {s} resolves to {resolved} pods, not below the {n} replicas")
        }
    }
}

impl Rule for RolloutFullOutage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let Some(count) = running(obj, cx.index) else {
            return;
        };
        let n = count.count;
        if n < 2 {
            return;
        }
        let Some(s) = &w.strategy else { return };
        let who = workload_ref(obj);
        let ty = strategy_type(obj, w);
        let fix = "keep old pods serving until new ones are ready: `strategy: {type: \
                   RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}`";
        match (obj.kind, ty) {
            (Kind::Deployment, "Recreate") => {
                let Some(k) = &s.kind else { return };
                out.push(
                    META.at(obj, k.span,
                        format!(
                            "strategy Recreate stops all {n} pods of {who} ({}) before \
                             starting new ones: every rollout is an outage",
                            count.source()
                        ),
                    )
                    .help(fix),
                );
            }
            (Kind::Deployment, "RollingUpdate") => {
                let Some(mu) = &s.max_unavailable else { return };
                let Some(unavailable) = mu.value.amount().filter(valid_unavailable) else {
                    return;
                };
                // The maxSurge default of the apiVersion (SetDefaults_Deployment).
                let default_surge = if obj.key.api_version == "extensions/v1beta1" {
                    Amount::Count(1)
                } else {
                    Amount::Percent(25)
                };
                let surge = match &s.max_surge {
                    Some(ms) => match ms.value.amount() {
                        Some(a) => a,
                        None => return,
                    },
                    None => default_surge,
                };
                let mut down = unavailable.of(n, false);
                if surge.of(n, true) == 0 && down == 0 {
                    down = 1;
                }
                if down < n {
                    return;
                }
                out.push(
                    META.at(obj, mu.span,
                        format!(
                            "{} of {who} ({}): a rollout may stop every pod at once",
                            too_many("maxUnavailable", &mu.value, n, down),
                            count.source()
                        ),
                    )
                    .help(fix),
                );
            }
            (Kind::StatefulSet, "RollingUpdate") => {
                let Some(mu) = &s.max_unavailable else { return };
                let Some(unavailable) = mu.value.amount().filter(valid_unavailable) else {
                    return;
                };
                let down = unavailable.of(n, false).max(1);
                // Pods below the partition ordinal keep their version and keep serving.
                let partition = s.partition.as_ref().map_or(0, |p| p.value);
                if down < n || partition > 0 {
                    return;
                }
                out.push(
                    META.at(obj, mu.span,
                        format!(
                            "{} of {who} ({}): a rollout may stop every pod at once",
                            too_many("updateStrategy maxUnavailable", &mu.value, n, down),
                            count.source()
                        ),
                    )
                    .help(format!(
                        "update pods a few at a time: `maxUnavailable: 1` (the default), or \
                         at most {}",
                        n - 1
                    )),
                );
            }
            _ => {}
        }
    }
}
