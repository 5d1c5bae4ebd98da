use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::Amount;
use crate::model::{IntOrString, Kind, Object, Spanned};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{strategy_type, workload_ref};

pub static META: RuleMeta = RuleMeta {
    id: "rollout-strategy-invalid",
    severity: Severity::Error,
    summary: "A rollout strategy the API server rejects",
    hook: Hook::Object(Kinds::Only(&[Kind::Deployment, Kind::StatefulSet, Kind::DaemonSet])),
    what_it_does: "Checks the `strategy` of a Deployment and the `updateStrategy` of a \
StatefulSet or DaemonSet the way the API server validates them, and reports:\n\n\
- a `type` the kind does not have (Deployments: `RollingUpdate` or `Recreate`; StatefulSets \
and DaemonSets: `RollingUpdate` or `OnDelete`);\n\
- a negative `maxSurge` or `maxUnavailable`, or a string that is not a percentage of the form \
`\"25%\"` (`\"25\"`, `\"abc%\"`, `\"-5%\"`);\n\
- a `maxUnavailable` over `100%` (and, for DaemonSets, a `maxSurge` over `100%`; a \
Deployment's `maxSurge` may exceed 100%);\n\
- a Deployment whose `maxSurge` and `maxUnavailable` are both 0 (or `0%`): no pod could ever \
be replaced;\n\
- a `rollingUpdate` on a Deployment of type `Recreate` or a StatefulSet of type `OnDelete`, \
even an empty `rollingUpdate: {}` or one holding only a `partition` (`ValidateDeploymentStrategy` \
and `ValidateStatefulSetSpec` reject any non-nil `rollingUpdate` with those types);\n\
- a StatefulSet `maxUnavailable` of 0, or a negative `partition`;\n\
- a DaemonSet whose `maxSurge` and `maxUnavailable` are both non-zero (a DaemonSet either \
surges or removes; `maxUnavailable` defaults to 1, so `maxSurge` needs an explicit \
`maxUnavailable: 0`) or both zero.\n\n\
A DaemonSet of type `OnDelete` with a `rollingUpdate` is not reported: \
`ValidateDaemonSetUpdateStrategy` accepts it without reading the `rollingUpdate` (the \
parameters are simply unused). Each case follows the API server's validation in \
`pkg/apis/apps/validation/validation.go` of kubernetes/kubernetes (`ValidateDeploymentStrategy`, \
`ValidateRollingUpdateDeployment`, `ValidateStatefulSetSpec`, \
`ValidateDaemonSetUpdateStrategy`, `ValidateRollingUpdateDaemonSet`).\n\n\
The type defaults are those of the object's apiVersion: `RollingUpdate` for Deployments, \
`OnDelete` for apps/v1beta1 StatefulSets and extensions/v1beta1 DaemonSets, `RollingUpdate` \
for the later versions.",
    why_it_matters: "The API server refuses the whole object, so the rollout that was meant to \
ship the change never starts: `kubectl apply` fails in the pipeline, or, with a GitOps \
controller, the application stays out of sync with its last good version while the new one \
waits. Catching the mistake before merge keeps the deployment pipeline from failing in the \
middle of a release, when several objects may already have been applied.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
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
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies",
        "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/",
        "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/apps/validation/validation.go",
    ],
};

pub struct RolloutStrategyInvalid;

/// Why a written value is rejected on its own, if it is.
fn value_error(name: &str, v: &Spanned<IntOrString>, max_100: bool) -> Option<(String, String)> {
    match (&v.value, v.value.amount()) {
        (IntOrString::Int(i), None) => Some((
            format!("{name} {i} is negative"),
            format!("set `{name}` to 0 or more"),
        )),
        (IntOrString::Str(s), None) => {
            let digits = s.trim_end_matches('%');
            let msg = if digits.starts_with('-') && digits.len() > 1 {
                format!("{name} \"{s}\" is negative")
            } else if !s.ends_with('%') && s.trim().parse::<i64>().is_ok() {
                format!("{name} \"{s}\" is a string without a % sign")
            } else {
                format!("{name} \"{s}\" is neither an integer nor a percentage like \"25%\"")
            };
            let example = match s.trim().parse::<i64>() {
                Ok(n) if n >= 0 => format!("`{name}: {n}` or `{name}: \"{n}%\"`"),
                _ => format!("`{name}: 1` or `{name}: \"25%\"`"),
            };
            Some((msg, format!("write {example}")))
        }
        (_, Some(Amount::Percent(p))) if max_100 && p > 100 => Some((
            format!("{name} {} is over 100%", v.value),
            format!("set `{name}` to at most \"100%\""),
        )),
        _ => None,
    }
}

impl Rule for RolloutStrategyInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let Some(s) = &w.strategy else { return };
        let kind = obj.kind;
        let who = workload_ref(obj);
        let field = if kind == Kind::Deployment {
            "strategy"
        } else {
            "updateStrategy"
        };
        let ty = strategy_type(obj, w);
        let (rolling, other) = if kind == Kind::Deployment {
            ("RollingUpdate", "Recreate")
        } else {
            ("RollingUpdate", "OnDelete")
        };
        if ty != rolling && ty != other {
            if let Some(k) = &s.kind {
                out.push(
                    META.at(obj, k.span,
                        format!(
                            "{field} type \"{ty}\" of {who} is not {rolling} or {other} \
                             (the values are case-sensitive)"
                        ),
                    )
                    .help(format!("write `type: {rolling}` or `type: {other}`")),
                );
            }
            return;
        }
        if ty != rolling {
            // `ValidateDeploymentStrategy` forbids `rollingUpdate` with `Recreate`, and
            // `ValidateStatefulSetSpec` with `OnDelete`, whatever it holds (`{}` included);
            // `ValidateDaemonSetUpdateStrategy` accepts a DaemonSet's with `OnDelete` and
            // does not look into it.
            if kind == Kind::DaemonSet {
                return;
            }
            if let Some(span) = s.rolling_update {
                out.push(
                    META.at(
                        obj,
                        span,
                        format!(
                            "rollingUpdate is set but {field} type of {who} is {ty}: the API \
                             server accepts rollingUpdate only with type {rolling}"
                        ),
                    )
                    .help(format!(
                        "remove `rollingUpdate`, or use `type: {rolling}` if a rolling update \
                         is what you want"
                    )),
                );
            }
            return;
        }
        let surge = s.max_surge.as_ref();
        let unavailable = s.max_unavailable.as_ref();
        // StatefulSets have no maxSurge (an unknown field); extensions/v1beta1 and
        // apps/v1beta2 DaemonSets predate it.
        let surge = match kind {
            Kind::StatefulSet => None,
            Kind::DaemonSet if obj.key.api_version != "apps/v1" => None,
            _ => surge,
        };
        let mut malformed = false;
        for (name, v, max_100) in [
            ("maxSurge", surge, kind == Kind::DaemonSet),
            ("maxUnavailable", unavailable, true),
        ] {
            let Some(v) = v else { continue };
            if let Some((msg, help)) = value_error(name, v, max_100) {
                malformed = true;
                out.push(
                    META.at(obj, v.span,
                        format!("{msg}: the API server rejects {who}"),
                    )
                    .help(help),
                );
            }
        }
        if malformed {
            return;
        }
        let value = |v: Option<&Spanned<IntOrString>>, default: i64| {
            v.and_then(|v| v.value.amount())
                .map_or(default, |a| a.value())
        };
        match kind {
            Kind::Deployment => {
                if let (Some(ms), Some(mu)) = (surge, unavailable) {
                    if ms.value.is_zero() && mu.value.is_zero() {
                        out.push(
                            META.at(obj, mu.span,
                                format!(
                                    "maxUnavailable {} and maxSurge {} are both zero: {who} \
                                     could never replace a pod, and the API server rejects it",
                                    mu.value, ms.value
                                ),
                            )
                            .help(
                                "let the rollout start a new pod first: `maxSurge: 1` with \
                                 `maxUnavailable: 0`",
                            ),
                        );
                    }
                }
            }
            Kind::StatefulSet => {
                if let Some(p) = s.partition.as_ref().filter(|p| p.value < 0) {
                    out.push(
                        META.at(obj, p.span,
                            format!(
                                "partition {} of {who} is negative: the API server rejects it",
                                p.value
                            ),
                        )
                        .help("set `partition: 0` (update every pod) or remove it"),
                    );
                }
                if let Some(mu) = unavailable.filter(|mu| mu.value.is_zero()) {
                    out.push(
                        META.at(obj, mu.span,
                            format!(
                                "maxUnavailable {} of {who} is zero: the API server rejects it \
                                 (a StatefulSet replaces pods in place, so at least one is down)",
                                mu.value
                            ),
                        )
                        .help("set `maxUnavailable: 1` (the default) or remove it"),
                    );
                }
            }
            _ => {
                // DaemonSet: maxUnavailable defaults to 1, maxSurge to 0; exactly one of them
                // must be non-zero.
                let mu = value(unavailable, 1);
                let ms = value(surge, 0);
                let mu_text =
                    unavailable.map_or("1 (the default)".to_string(), |v| v.value.to_string());
                if let (Some(sv), true) = (surge, mu != 0 && ms != 0) {
                    out.push(
                        META.at(obj, sv.span,
                            format!(
                                "maxSurge {} with maxUnavailable {mu_text}: a DaemonSet \
                                 rollout either surges or removes pods, and the API server \
                                 rejects {who}",
                                sv.value
                            ),
                        )
                        .help(
                            "to surge, set `maxUnavailable: 0` next to `maxSurge`; otherwise \
                             remove `maxSurge`",
                        ),
                    );
                } else if let (Some(uv), true) = (unavailable, mu == 0 && ms == 0) {
                    out.push(
                        META.at(obj, uv.span,
                            format!(
                                "maxUnavailable {} and maxSurge {} are both zero: {who} could \
                                 never replace a pod, and the API server rejects it",
                                uv.value,
                                surge
                                    .map_or("0 (the default)".to_string(), |v| v.value.to_string())
                            ),
                        )
                        .help("set `maxUnavailable: 1`, or `maxSurge: 1` to start a new pod first"),
                    );
                }
            }
        }
    }
}
