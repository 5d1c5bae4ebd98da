//! Shared by the availability rules (`single-replica`, `replicas-not-zone-multiple`, the spread
//! rules, the rollout rules, `hpa-replicas-conflict`): the replica count a workload runs with,
//! where that count is written, and how to point at a pod template. Not a rule itself.

use crate::base::diagnostic::{Diagnostic, FileId};
use crate::base::span::{Pos, Span};
use crate::index::{Index, Replicas};
use crate::model::selector::Labels;
use crate::model::Kind;
use crate::model::{Object, Workload};
use crate::rule::RuleMeta;
use crate::yaml::scalar::flow_scalar;

/// Topology key of one node.
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";
/// Topology key of a zone.
pub const ZONE_KEY: &str = "topology.kubernetes.io/zone";
/// Topology keys of a zone: the current one and the deprecated beta label.
pub const ZONE_KEYS: &[&str] = &[ZONE_KEY, "failure-domain.beta.kubernetes.io/zone"];

/// The effective replicas of a Deployment, StatefulSet, ReplicaSet or ReplicationController
/// ([`Index::effective_replicas`]), or `None` when the workload is scaled to zero on purpose:
/// `spec.replicas: 0`, which also switches an HPA off (the autoscaler leaves a target with zero
/// replicas alone), or an HPA `minReplicas: 0`. Negative counts are left to the API server.
pub fn running<'a>(obj: &'a Object, index: &'a Index) -> Option<Replicas<'a>> {
    let r = index.effective_replicas(obj)?;
    if r.count <= 0 || r.replicas.is_some_and(|r| r.value <= 0) {
        return None;
    }
    Some(r)
}

/// Where a workload's effective replica count is decided, worded for messages and related
/// locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicasOrigin {
    pub file: FileId,
    /// The HPA's `minReplicas`, the workload's `replicas`, or the workload's name when
    /// `replicas` is left to its default.
    pub span: Span,
    /// E.g. "Deployment web runs 3 replicas (spec.replicas)".
    pub text: String,
}

/// How the rules word a replica count.
pub trait ReplicaWording {
    /// Where the count is written, for messages: `spec.replicas 1`, `minReplicas 1 of
    /// HorizontalPodAutoscaler web`, `spec.replicas not set, default 1`.
    fn source(&self) -> String;
    /// Where the count comes from, as a related location.
    fn origin(&self) -> ReplicasOrigin;
    /// Whether a finding about the count belongs to `obj`. A finding on an HPA's
    /// `minReplicas` is reported once, for the first workload of the namespace with the HPA's
    /// target kind and name whose count that HPA decides, even when several files define that
    /// workload (overlays, environment directories).
    fn reported_for(&self, obj: &Object, index: &Index) -> bool;
    /// The field to write the count in: `minReplicas` (a ScaledObject's `minReplicaCount`)
    /// or `replicas`.
    fn field(&self) -> &'static str;
    /// A finding at the field that decides the count: the HPA's `minReplicas` (on the HPA,
    /// with the workload as related location), the workload's `replicas` value, or, when
    /// neither is written, the workload's name.
    fn diag(&self, obj: &Object, meta: &'static RuleMeta, message: String) -> Diagnostic;
}

impl ReplicaWording for Replicas<'_> {
    fn source(&self) -> String {
        match (self.hpa, self.replicas) {
            (Some((h, spec)), _) => match &spec.min_replicas {
                Some(m) => format!(
                    "{} {} of {} {}",
                    self.field(),
                    m.value,
                    h.key.kind,
                    h.display_name()
                ),
                None => format!(
                    "{} {} sets no {}, default {}",
                    h.key.kind,
                    h.display_name(),
                    self.field(),
                    spec.min_default
                ),
            },
            (None, Some(r)) => format!("spec.replicas {}", r.value),
            (None, None) => "spec.replicas not set, default 1".to_string(),
        }
    }

    fn origin(&self) -> ReplicasOrigin {
        let workload = self.workload;
        let what = format!("{} {}", workload.key.kind, workload.display_name());
        let n = self.count;
        let plural = if n == 1 { "replica" } else { "replicas" };
        let span = self.origin_span();
        if let Some((h, spec)) = self.hpa {
            let how = if spec.min_replicas.is_some() {
                self.field().to_string()
            } else {
                format!("{} defaults to {}", self.field(), spec.min_default)
            };
            return ReplicasOrigin {
                file: h.file,
                span,
                text: format!(
                    "{} {} scales {what} down to {n} {plural} ({how})",
                    h.key.kind,
                    h.display_name()
                ),
            };
        }
        let how = if self.replicas.is_some() {
            "spec.replicas"
        } else {
            "spec.replicas defaults to 1"
        };
        ReplicasOrigin {
            file: workload.file,
            span,
            text: format!("{what} runs {n} {plural} ({how})"),
        }
    }

    fn reported_for(&self, obj: &Object, index: &Index) -> bool {
        let Some((hpa, _)) = self.hpa else {
            return true;
        };
        index
            .scaled_by(hpa)
            .into_iter()
            .find(|o| {
                index
                    .effective_replicas(o)
                    .and_then(|r| r.hpa)
                    .is_some_and(|(h, _)| h.id == hpa.id)
            })
            .is_none_or(|first| first.id == obj.id)
    }

    fn field(&self) -> &'static str {
        match self.hpa {
            Some((h, _)) if h.kind == Kind::ScaledObject => "minReplicaCount",
            Some(_) => "minReplicas",
            None => "replicas",
        }
    }

    fn diag(&self, obj: &Object, meta: &'static RuleMeta, message: String) -> Diagnostic {
        match self.hpa {
            Some((h, _)) => meta.at(h, self.origin_span(), message).related(
                obj.file,
                obj.name_span(),
                format!("{} scaled by this autoscaler", workload_ref(obj)),
            ),
            None => meta.at(obj, self.origin_span(), message),
        }
    }
}

/// The update strategy type in effect: the written `type`, else the default of the kind and
/// apiVersion (Deployments: RollingUpdate; StatefulSets: OnDelete in apps/v1beta1,
/// RollingUpdate since apps/v1beta2; DaemonSets: OnDelete in extensions/v1beta1, RollingUpdate
/// since apps/v1beta2).
pub fn strategy_type<'a>(obj: &'a Object, w: &'a Workload) -> &'a str {
    if let Some(k) = w.strategy.as_ref().and_then(|s| s.kind.as_ref()) {
        return &k.value;
    }
    match (obj.kind, obj.key.api_version.as_str()) {
        (Kind::StatefulSet, "apps/v1beta1") | (Kind::DaemonSet, "extensions/v1beta1") => "OnDelete",
        _ => "RollingUpdate",
    }
}

/// `Deployment web`.
pub fn workload_ref(obj: &Object) -> String {
    format!("{} {}", obj.key.kind, obj.display_name())
}

/// The pod template's `spec:` key, where spreading is configured; the object's name when the
/// workload has no pod spec.
pub fn template_span(obj: &Object, w: &Workload) -> Span {
    let s = w.template.span;
    if s.start.line == 0 {
        return obj.name_span();
    }
    if s.start.line == s.end.line {
        return s;
    }
    Span::new(
        s.start,
        Pos {
            line: s.start.line,
            column: s.start.column + "spec".len() as u32,
        },
    )
}

/// A `labelSelector` to suggest, as YAML: `{matchLabels: {app: web}}` with the workload
/// selector's `matchLabels` (which the pod template must carry), else the template's labels.
/// The second value is a note to append to the help: when the template has no labels, the
/// labels to add to it as well.
pub fn suggested_selector(obj: &Object, w: &Workload) -> (String, String) {
    let from_selector = w
        .selector
        .as_ref()
        .map(|s| &s.value.match_labels)
        .filter(|l| !l.is_empty() && l.iter().all(|(k, v)| w.template.labels.get(k) == Some(v)));
    let labels: &Labels = from_selector.unwrap_or(&w.template.labels);
    if labels.is_empty() {
        let app = flow_scalar(obj.key.name.as_deref().unwrap_or("my-app"));
        return (
            format!("{{matchLabels: {{app: {app}}}}}"),
            format!(" (the pod template has no labels: add `labels: {{app: {app}}}` to its metadata too)"),
        );
    }
    (
        format!("{{matchLabels: {}}}", labels.to_flow_yaml()),
        String::new(),
    )
}
