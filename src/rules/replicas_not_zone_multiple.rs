use crate::base::diagnostic::{Diagnostic, Severity};
use crate::index::REPLICATED_KINDS;
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{running, workload_ref};

pub static META: RuleMeta = RuleMeta {
    id: "replicas-not-zone-multiple",
    severity: Severity::Warning,
    summary: "The replica count is not a multiple of the zone count, so zones carry unequal load",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController that \
runs 2 or more replicas when that count is not a multiple of the number of zones the platform \
spreads over (`--zones N`, 3 by default). The count is the effective one: `spec.replicas`, or \
the `minReplicas` of a HorizontalPodAutoscaler that targets the workload (the finding then \
points at the autoscaler). The message gives the nearest multiples. Single replicas are \
`single-replica`'s business, and `replicas: 0` is not reported.",
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
    options: &[],
    references: &[
        "https://kubernetes.io/docs/setup/best-practices/multiple-zones/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
    ],
};

pub struct ReplicasNotZoneMultiple;

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
        let n = count.n;
        // Replica counts are int32: the API server refuses more, so there is nothing to round.
        if n > i64::from(i32::MAX) {
            return;
        }
        if n < 2 || n % zones == 0 || !count.reported_for(obj, cx.index) {
            return;
        }
        // Checked: a count near i64::MAX has no multiple above it to advise.
        let lower = n / zones * zones;
        let Some(upper) = lower.checked_add(zones) else {
            return;
        };
        let choices = if lower >= 2 {
            format!("{lower} or {upper}")
        } else {
            format!("{upper}")
        };
        // The busiest zone runs the rounded-up share.
        let busiest = n / zones + i64::from(n % zones != 0);
        let d = count
            .diag(
                obj,
                &META,
                format!(
                    "{n} replicas over {zones} zones: use {choices}; the busiest zone runs \
                     {busiest} of the {n} pods of {} ({})",
                    workload_ref(obj),
                    count.source()
                ),
            )
            .help(format!(
                "set `{}` to a multiple of the {zones} zones, e.g. `{}: {}`",
                count.field(),
                count.field(),
                if lower >= 2 && n - lower < upper - n {
                    lower
                } else {
                    upper
                }
            ));
        out.push(d);
    }
}
