use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::REPLICATED_KINDS;
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};
use crate::rules::support::availability::{ReplicaWording, 
    running, suggested_selector, template_span, workload_ref, ZONE_KEY, ZONE_KEYS,
};

pub static META: RuleMeta = RuleMeta {
    id: "missing-zone-spread",
    severity: Severity::Warning,
    summary: "Nothing spreads a replicated workload's pods across zones",
    hook: Hook::Object(Kinds::Only(REPLICATED_KINDS)),
    what_it_does: "Reports a Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo \
Rollout or OpenShift DeploymentConfig that \
runs 2 or more replicas (the effective count: `spec.replicas`, or an autoscaler's \
`minReplicas`) when its pod template has no podAntiAffinity term (required or preferred) and no \
topologySpreadConstraint with `topologyKey: topology.kubernetes.io/zone` (or the deprecated \
`failure-domain.beta.kubernetes.io/zone`). A term on `kubernetes.io/hostname` spreads pods over \
nodes, not zones, and does not count. A term on the zone key counts whatever its \
`labelSelector`; a selector that misses the pod's own labels is reported by \
`spread-selector-mismatch`. A podAntiAffinity term that cannot match the pod's own namespace \
(it lists other `namespaces` only, or its `namespaceSelector` excludes it by \
`kubernetes.io/metadata.name`) does not count: it keeps the pods away from other namespaces' \
pods, not from each other. Nothing is reported when the platform has a single zone \
(`--zones 1`), and fragments (kustomize patches whose pod template has no containers, or \
no container with an `image`) are judged merged with their base when the base is among the inputs (in its file or its kustomization; \
see the README's repository scope), and not judged alone.",
    why_it_matters: "A zone is the unit that fails together: a power or network incident, or a \
zonal maintenance, takes down every node in it. Pods spread across nodes can still all sit in \
one zone, and then a zone outage is a full outage however many replicas run. The scheduler's \
built-in default zone spreading is a soft preference with a skew of up to 5 pods, so small \
workloads are not reliably spread. A topologySpreadConstraint on the zone key with `maxSkew: 1` \
keeps every zone's share within one pod of the others.",
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
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels: {app: web}
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
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: web
          image: nginx:1.27
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
        "https://kubernetes.io/docs/setup/best-practices/multiple-zones/",
        "https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesiozone",
    ],
};

pub struct MissingZoneSpread;

impl Rule for MissingZoneSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.settings.zones < 2 {
            return;
        }
        // A term written with the wrong type is `invalid-field-type`'s finding.
        let Some(w) = obj
            .workload()
            .filter(|w| !w.is_fragment() && !w.template.spread_unreadable)
        else {
            return;
        };
        let Some(count) = running(obj, cx.index) else {
            return;
        };
        if count.count < 2 {
            return;
        }
        let t = &w.template;
        // A term that cannot count the pod's own namespace does not keep its replicas apart.
        let ns = obj.namespace().unwrap_or("default");
        let spread = t
            .anti_affinity
            .iter()
            .chain(t.topology_spread.iter())
            .any(|term| {
                term.covers_namespace(ns)
                    && term
                        .topology_key
                        .as_ref()
                        .is_some_and(|k| ZONE_KEYS.contains(&k.value.as_str()))
            });
        if spread {
            return;
        }
        let (selector, note) = suggested_selector(obj, w);
        out.push(
            META.at(obj, template_span(obj, w),
                format!(
                    "{} runs {} replicas ({}) and nothing spreads them across zones: no \
                     podAntiAffinity term or topologySpreadConstraint has topologyKey {}",
                    workload_ref(obj),
                    count.count,
                    count.source(),
                    ZONE_KEY
                ),
            )
            .help(format!(
                "spread the pods over the {} zones; add to the pod spec \
                 `topologySpreadConstraints: [{{maxSkew: 1, topologyKey: {ZONE_KEY}, \
                 whenUnsatisfiable: ScheduleAnyway, labelSelector: {selector}}}]`{note}",
                cx.settings.zones
            )),
        );
    }
}
