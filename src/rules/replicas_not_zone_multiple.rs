use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::{Kind, Object};
use crate::rule::{Context, Hook, Kinds, OptionValue, Rule, RuleMeta, RuleOption};
use crate::rules::support::availability::{ReplicaWording, running, workload_ref};

pub static META: RuleMeta = RuleMeta {
    id: "replicas-not-zone-multiple",
    severity: Severity::Warning,
    summary: "The replica count is not a multiple of the zone count, so zones carry unequal load",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo \
Rollout or OpenShift DeploymentConfig whose replicas cannot be spread evenly over the zones the \
platform spreads over (`--zones N`, 3 by default) and where the imbalance matters: the busiest \
zone runs the rounded-up share, and the rule fires when losing that zone costs more than an \
even share (1/N of the pods) by more than `max-excess-percent` percentage points. With the \
default 5 over 3 zones, 2 replicas (a zone outage loses 50% instead of 33%), 4 (50%), 5 (40%) \
or 7 (43%) are reported; 8 (38%), 11 (36%) and 100 (34%) are not: the application's own count \
is close enough to even. The count is the effective one: `spec.replicas`, or the minimum of a \
HorizontalPodAutoscaler (`minReplicas`) or KEDA ScaledObject (`minReplicaCount`) that targets \
the workload (the finding then points at the autoscaler). The message gives the nearest counts \
that spread evenly.\n\n\
A StatefulSet is often a quorum (etcd, ZooKeeper, a database cluster) whose member count must \
stay odd: it is never advised an even count, only odd multiples of the zone count, and no count \
at all when the zone count is even. Single replicas are `single-replica`'s business, and \
`replicas: 0` (or an autoscaler that may scale to zero) is not reported.",
    why_it_matters: "A zone-aware scheduler spreads pods as evenly as it can, so with 4 replicas \
over 3 zones one zone runs 2 pods and the others 1. That zone serves half of the traffic: when \
it fails, the service loses 50% of its capacity instead of a third, and the remaining pods must \
absorb a larger surge than planned. The same imbalance decides how much a zonal maintenance or \
a zone-wide node pool upgrade costs. With a multiple of the zone count every zone carries the \
same share, and losing one zone costs exactly 1/N.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
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
  replicas: 6
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
    options: &[MAX_EXCESS_PERCENT],
    references: &[
        "https://kubernetes.io/docs/setup/best-practices/multiple-zones/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
    ],
};

const MAX_EXCESS_PERCENT: RuleOption = RuleOption {
    name: "max-excess-percent",
    default: OptionValue::Integer { default: 5, min: 0 },
    description: "How many percentage points of the pods above an even share (1/zones) a zone \
outage may take down before the replica count is reported.",
};

pub struct ReplicasNotZoneMultiple;

/// The counts around `n` that spread evenly over `zones`: multiples of `zones`, or for a
/// quorum (StatefulSet) its odd multiples; `None` when there is none (a quorum over an even
/// number of zones). The lower one is left out below 2.
fn even_counts(n: i64, zones: i64, quorum: bool) -> Option<(Option<i64>, i64)> {
    let (first, step) = if quorum {
        if zones % 2 == 0 {
            return None;
        }
        (zones, zones.saturating_mul(2))
    } else {
        (zones, zones)
    };
    let lower = if n >= first {
        Some(first + (n - first) / step * step)
    } else {
        None
    };
    let upper = lower.map_or(first, |l| l.saturating_add(step));
    Some((lower.filter(|&l| l >= 2), upper))
}

impl Rule for ReplicasNotZoneMultiple {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let zones = i64::from(cx.settings.zones);
        if zones < 2 {
            return;
        }
        let Some(count) = running(obj, cx.index) else {
            return;
        };
        let n = count.count;
        // Replica counts are int32: the API server refuses more, so there is nothing to round.
        if n > i64::from(i32::MAX) {
            return;
        }
        if n < 2 || n % zones == 0 || !count.reported_for(obj, cx.index) {
            return;
        }
        // The busiest zone runs the rounded-up share; report when losing it costs more than
        // an even share by over `max-excess-percent` points: 100 × (busiest/n − 1/zones) > max.
        let busiest = (n + zones - 1) / zones;
        let max = i128::from(cx.settings.integer(META.id, &MAX_EXCESS_PERCENT));
        let (n128, z128, b128) = (i128::from(n), i128::from(zones), i128::from(busiest));
        if 100 * (b128 * z128 - n128) <= max * n128 * z128 {
            return;
        }
        let lost = busiest * 100 / n;
        let even = 100 / zones;
        let quorum = obj.kind == Kind::StatefulSet;
        let advice = even_counts(n, zones, quorum);
        let choices = match advice {
            Some((Some(lower), upper)) => format!("use {lower} or {upper}"),
            Some((None, upper)) => format!("use {upper}"),
            None => "spread the members with topologySpreadConstraints".to_string(),
        };
        let message = format!(
            "{n} replicas over {zones} zones: the busiest zone runs {busiest} of the {n} pods of \
             {}, so a zone outage takes down {lost}% of them instead of {even}% ({}); {choices}",
            workload_ref(obj),
            count.source()
        );
        let help = match advice {
            Some((lower, upper)) => {
                let best = match lower {
                    Some(l) if n - l < upper - n => l,
                    _ => upper,
                };
                let what = if quorum {
                    "an odd multiple"
                } else {
                    "a multiple"
                };
                format!(
                    "set `{}` to {what} of the {zones} zones, e.g. `{}: {best}`",
                    count.field(),
                    count.field(),
                )
            }
            None => format!(
                "a StatefulSet quorum needs an odd member count, and no odd count spreads \
                 evenly over {zones} zones: keep the count and add a topologySpreadConstraint \
                 on `topology.kubernetes.io/zone` with `maxSkew: 1`"
            ),
        };
        let d = count.diag(obj, &META, message).help(help);
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::even_counts;

    #[test]
    fn even_counts_are_multiples_and_odd_ones_for_a_quorum() {
        assert_eq!(even_counts(4, 3, false), Some((Some(3), 6)));
        assert_eq!(even_counts(2, 3, false), Some((None, 3)));
        assert_eq!(even_counts(5, 3, true), Some((Some(3), 9)));
        assert_eq!(even_counts(7, 3, true), Some((Some(3), 9)));
        assert_eq!(even_counts(10, 3, true), Some((Some(9), 15)));
        assert_eq!(even_counts(5, 2, true), None);
    }
}
