//! The typed view of every object that rules read.
//!
//! It is extracted once from the spanned tree, while the file's text is in memory, and owns its
//! data, so the tree and the text can be dropped as soon as a file is read: memory stays
//! bounded by the largest file plus this model of every object. Every field a rule reports on
//! keeps its span. A value of the wrong type (`replicas: "three"`) is an `invalid-field-type`
//! finding at its position, and the field is treated as absent.

pub mod kind;
pub mod patch;
pub mod selector;
pub mod wait;

use std::sync::Arc;

use crate::base::diagnostic::{FileId, ObjectKey};
use crate::base::span::Span;
use crate::model::selector::{Labels, Operator, Requirement, Selector};
use crate::model::wait::{Wait, WaitAt};
use crate::yaml::{NodeId, Tree, Value};
pub use kind::{
    Kind, AUTOSCALER_KINDS, DEPLOYMENT_LIKE_KINDS, LONG_RUNNING_KINDS, REPLICATED_KINDS,
    WORKLOAD_KINDS,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// `intstr.IntOrString`, as in `maxSurge: 25%` or a probe's `port: http`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::Str(s) => write!(f, "{s}"),
        }
    }
}

/// An `IntOrString` amount as the API server accepts it (`maxSurge`, `maxUnavailable`, a PDB's
/// `minAvailable`): a non-negative integer, or a percentage matching `^[0-9]+%$`
/// (`IsValidPercent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    Count(i64),
    Percent(i64),
}

impl Amount {
    /// The value the API server compares with 0 (`getIntOrPercentValue`).
    pub fn value(&self) -> i64 {
        match self {
            Amount::Count(i) | Amount::Percent(i) => *i,
        }
    }

    /// Resolved against `total` pods the way `intstr.GetScaledValueFromIntOrPercent` does:
    /// `round_up` for maxSurge and PDB minAvailable, down for maxUnavailable. Saturates
    /// instead of overflowing on absurd percentages.
    pub fn of(&self, total: i64, round_up: bool) -> i64 {
        match self {
            Amount::Count(i) => *i,
            Amount::Percent(p) => {
                let v = p.saturating_mul(total);
                if round_up {
                    v.saturating_add(99) / 100
                } else {
                    v / 100
                }
            }
        }
    }
}

impl IntOrString {
    /// The amount, or `None` for anything the API server rejects (a negative number, `"25"`,
    /// `"abc%"`, `"-5%"`).
    pub fn amount(&self) -> Option<Amount> {
        match self {
            IntOrString::Int(i) if *i >= 0 => Some(Amount::Count(*i)),
            IntOrString::Int(_) => None,
            IntOrString::Str(s) => {
                let digits = s.strip_suffix('%')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // Too many digits for an i64 is far over 100%.
                Some(Amount::Percent(digits.parse().unwrap_or(i64::MAX)))
            }
        }
    }

    /// [`Amount::of`] for a valid amount.
    pub fn scaled(&self, total: i64, round_up: bool) -> Option<i64> {
        self.amount().map(|a| a.of(total, round_up))
    }

    /// Whether this is literally zero (`0` or `0%`).
    pub fn is_zero(&self) -> bool {
        self.amount().is_some_and(|a| a.value() == 0)
    }
}

#[derive(Debug, Clone)]
pub struct Object {
    /// Position in the run's index (set when the index is built).
    pub id: u32,
    pub key: Arc<ObjectKey>,
    pub file: FileId,
    pub template: Option<Arc<str>>,
    /// Where `apiVersion` is written (its value is `key.api_version`).
    pub api_version: Span,
    /// The kinds rules tell apart; `Kind::Other` for the rest.
    pub kind: Kind,
    /// Where `kind` is written; the value as written, for messages and identity, is
    /// `key.kind`.
    pub kind_name: Span,
    /// Where `metadata.name` is written; its value is `key.name`.
    pub name: Option<Span>,
    /// The object's mapping: where it starts, for findings about the object as a whole.
    pub span: Span,
    pub labels: Labels,
    /// Only the annotations rules read ([`keeps_annotation`]).
    pub annotations: Vec<(String, Spanned<String>)>,
    pub has_owner_references: bool,
    pub spec: Spec,
}

#[derive(Debug, Clone)]
pub enum Spec {
    Workload(Box<Workload>),
    PodDisruptionBudget(Box<Pdb>),
    /// A HorizontalPodAutoscaler, or a KEDA ScaledObject (which drives one).
    HorizontalPodAutoscaler(Box<Hpa>),
    Service(Box<Service>),
    /// A CustomResourceDefinition: the API group it defines (`spec.group`). Its controller
    /// is usually among the same inputs and may label pods under that group's domain.
    CustomResourceDefinition(String),
    /// An Ingress (`networking.k8s.io/v1`) or a Gateway API HTTPRoute or GRPCRoute: the
    /// Services it sends traffic to.
    Route(Box<Route>),
    /// A ConfigMap: the port numbers written in its `data` values ([`port_numbers`]), which
    /// may configure the ports an application listens on.
    ConfigMap(Vec<i64>),
    Other,
}

/// Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
/// and the operator controllers with a pod template (Argo Rollouts `Rollout`, OpenShift
/// `DeploymentConfig`).
#[derive(Debug, Clone)]
pub struct Workload {
    pub replicas: Option<Spanned<i64>>,
    /// `spec.replicas` is written but is not an integer (an `invalid-field-type` finding): the
    /// count is unknown, not the default 1.
    pub replicas_invalid: bool,
    pub selector: Option<Spanned<Selector>>,
    /// Deployment `strategy`, StatefulSet and DaemonSet `updateStrategy`.
    /// Boxed: most workloads write none, and the model is kept for the whole run.
    pub strategy: Option<Box<Strategy>>,
    pub template: PodTemplate,
    /// Deployment `minReadySeconds` and `progressDeadlineSeconds`.
    pub min_ready_seconds: Option<Spanned<i64>>,
    pub progress_deadline_seconds: Option<Spanned<i64>>,
    /// A Rollout's `workloadRef`: the name of the Deployment (of its namespace) whose pod
    /// template it runs instead of its own.
    pub workload_ref: Option<String>,
    /// The pod template is the referenced Deployment's (copied in when the index is built):
    /// that Deployment is judged for it, so the rules about pod templates skip this copy.
    pub borrowed_template: bool,
}

#[derive(Debug, Clone)]
pub struct Strategy {
    /// The `strategy`/`updateStrategy` key.
    pub span: Span,
    pub kind: Option<Spanned<String>>,
    pub max_surge: Option<Spanned<IntOrString>>,
    pub max_unavailable: Option<Spanned<IntOrString>>,
    /// StatefulSet `rollingUpdate.partition`: only pods with this ordinal or higher update.
    pub partition: Option<Spanned<i64>>,
    /// The `rollingUpdate` key and its value, when written (even as `{}`).
    pub rolling_update: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct PodTemplate {
    /// The template's (or the Pod's) own labels, which selectors match.
    pub labels: Labels,
    pub annotations: Vec<(String, Spanned<String>)>,
    /// The pod spec's key (`spec:` of the template or Pod).
    pub span: Span,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub termination_grace_period: Option<Spanned<i64>>,
    pub anti_affinity: Vec<SpreadTerm>,
    pub topology_spread: Vec<SpreadTerm>,
    /// An anti-affinity term or spread constraint was written with a value of the wrong type.
    pub spread_unreadable: bool,
    /// `hostNetwork: true`: container ports are host ports.
    pub host_network: bool,
    /// The pod spec's `restartPolicy` (a Pod's `Never` or `OnFailure`: it runs to completion).
    pub restart_policy: Option<String>,
}

/// A podAntiAffinity term or a topologySpreadConstraint.
#[derive(Debug, Clone)]
pub struct SpreadTerm {
    pub span: Span,
    pub topology_key: Option<Spanned<String>>,
    pub selector: Option<Spanned<Selector>>,
    /// `requiredDuringScheduling…` or `whenUnsatisfiable: DoNotSchedule`.
    pub required: bool,
    /// An anti-affinity term's `namespaces` (empty: the pod's own namespace, unless
    /// `namespace_selector` is set).
    pub namespaces: Vec<String>,
    /// An anti-affinity term's `namespaceSelector`, which selects namespaces by their labels.
    pub namespace_selector: Option<Selector>,
}

impl SpreadTerm {
    /// Whether the term can count pods of `namespace`, the pod's own: a term looks at the
    /// namespaces it lists and those its `namespaceSelector` selects (`{}`: every namespace),
    /// and at the pod's own only when it has neither. A namespace's labels are not in the
    /// manifests, except `kubernetes.io/metadata.name`, which the API server sets to its name;
    /// a selector on other labels may select it, so it counts.
    pub fn covers_namespace(&self, namespace: &str) -> bool {
        if self.namespaces.is_empty() && self.namespace_selector.is_none() {
            return true;
        }
        if self.namespaces.iter().any(|n| n == namespace) {
            return true;
        }
        let Some(sel) = &self.namespace_selector else {
            return false;
        };
        let name_key = "kubernetes.io/metadata.name";
        let asks_name = sel.match_labels.contains_key(name_key)
            || sel.expressions.iter().any(|r| r.key == name_key);
        if !asks_name {
            return true;
        }
        let mut labels = Labels::default();
        labels.insert(name_key.to_string(), namespace.to_string());
        // Only the name is known: the other requirements are given the benefit of the doubt.
        let mut by_name = Selector::default();
        if let Some(v) = sel.match_labels.get(name_key) {
            by_name.match_labels.insert(name_key.to_string(), v.clone());
        }
        by_name.expressions.extend(
            sel.expressions
                .iter()
                .filter(|r| r.key == name_key)
                .cloned(),
        );
        by_name.matches(&labels)
    }
}

#[derive(Debug, Clone)]
pub struct Container {
    pub name: Option<Spanned<String>>,
    /// The container's `- name:` entry (or its first field when it has no name).
    pub span: Span,
    pub is_init: bool,
    /// The container sets an `image` (a kustomize patch of a container does not).
    pub has_image: bool,
    /// `restartPolicy: Always` on an init container: a sidecar that runs beside the app.
    pub is_sidecar: bool,
    pub ports: Vec<ContainerPort>,
    pub readiness_probe: Option<Box<Probe>>,
    pub liveness_probe: Option<Box<Probe>>,
    pub startup_probe: Option<Box<Probe>>,
    /// Boxed: most containers have none, and the model is kept for the whole run.
    pub pre_stop: Option<Box<Spanned<Handler>>>,
    /// What the preStop hook waits before SIGTERM ([`Handler::wait`]), at the words that say
    /// it: the `sleep` command, the `seconds` of the native action, or the `httpGet` action.
    pub pre_stop_wait: Option<Spanned<Wait>>,
    /// Port numbers written in the container's `command`, `args` and `env` values
    /// ([`port_numbers`]): ports the application may be told to listen on without declaring.
    pub numbers_in_args: Vec<i64>,
    /// Fields written with a value of the wrong type (`readinessProbe: "yes"`), which the
    /// model leaves unset: an `invalid-field-type` finding, not a missing field.
    pub unreadable: Vec<&'static str>,
}

impl Container {
    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or("(unnamed)", |n| n.value.as_str())
    }

    /// Resolves a named port (`port: http`) to its number.
    pub fn port_number(&self, port: &IntOrString) -> Option<i64> {
        match port {
            IntOrString::Int(i) => Some(*i),
            IntOrString::Str(name) => self
                .ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .and_then(|p| p.container_port),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: Option<i64>,
    pub host_port: Option<i64>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Probe {
    /// The probe's key (`readinessProbe:`) through its value.
    pub span: Span,
    pub handler: Handler,
    pub initial_delay_seconds: Option<i64>,
    pub period_seconds: Option<i64>,
    pub timeout_seconds: Option<i64>,
    pub failure_threshold: Option<i64>,
    pub success_threshold: Option<i64>,
    /// A field of the probe had the wrong type (an `invalid-field-type` finding, e.g. an
    /// unrendered `${PERIOD}`), so what the probe does is not fully known.
    pub has_invalid_field: bool,
    /// The `port` of its `httpGet`, `tcpSocket` or `grpc` handler, at its value.
    pub port: Option<Spanned<IntOrString>>,
}

/// A probe or lifecycle handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    Exec {
        command: Vec<String>,
    },
    HttpGet {
        path: Option<String>,
        port: Option<IntOrString>,
        host: Option<String>,
        scheme: Option<String>,
    },
    TcpSocket {
        port: Option<IntOrString>,
        host: Option<String>,
    },
    Grpc {
        port: Option<i64>,
        service: Option<String>,
    },
    Sleep {
        seconds: Option<i64>,
    },
    /// None of the handlers above is set.
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Pdb {
    pub min_available: Option<Spanned<IntOrString>>,
    pub max_unavailable: Option<Spanned<IntOrString>>,
    /// Absent selector: `None`. Written as `{}`: an empty selector.
    pub selector: Option<Spanned<Selector>>,
}

#[derive(Debug, Clone)]
pub struct Hpa {
    pub target_kind: Option<String>,
    pub target_name: Option<String>,
    pub target_span: Span,
    /// `minReplicas` (a ScaledObject's `minReplicaCount`).
    pub min_replicas: Option<Spanned<i64>>,
    /// `maxReplicas` (a ScaledObject's `maxReplicaCount`).
    pub max_replicas: Option<Spanned<i64>>,
    /// The floor when `min_replicas` is not written: 1 for an HPA, 0 for a ScaledObject.
    pub min_default: i64,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub service_type: Option<Spanned<String>>,
    /// `spec.selector`, a plain label map, as a selector of match labels.
    pub selector: Option<Spanned<Selector>>,
    /// `spec.ports` whose fields could be read.
    pub ports: Vec<ServicePort>,
    /// A port of `spec.ports` had a field of the wrong type, so the list is not fully known.
    pub ports_incomplete: bool,
    pub cluster_ip: Option<Spanned<String>>,
    pub publish_not_ready_addresses: Option<Spanned<bool>>,
}

/// A port of a Service's `spec.ports`.
#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<Spanned<String>>,
    pub port: Spanned<i64>,
    /// `targetPort` as written; absent means the same number as `port`.
    pub target_port: Option<Spanned<IntOrString>>,
}

impl ServicePort {
    /// The container port traffic goes to, and where it is written (`port` when `targetPort`
    /// is left to its default).
    pub fn target(&self) -> Spanned<IntOrString> {
        self.target_port
            .clone()
            .unwrap_or_else(|| Spanned::new(IntOrString::Int(self.port.value), self.port.span))
    }
}

/// The backends of an Ingress or a Gateway API route that are Services. Backends of other
/// kinds (an Ingress `resource`, a `backendRef` with another `group` or `kind`) are left out.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub backends: Vec<Backend>,
}

#[derive(Debug, Clone)]
pub struct Backend {
    /// The Service's name, at its value.
    pub name: Spanned<String>,
    /// A Gateway API `backendRef.namespace`; `None` is the route's own namespace.
    pub namespace: Option<String>,
    /// An Ingress `port.number` or `port.name`, a Gateway API `port`; `None` when absent or
    /// not readable.
    pub port: Option<Spanned<IntOrString>>,
}

/// The numbers from 1 to 65535 written in `text` (`--port=8080`, `0.0.0.0:4317`), added to
/// `out`; callers sort and deduplicate.
pub fn port_numbers(text: &str, out: &mut Vec<i64>) {
    // On bytes: a character outside ASCII is never a digit, so the runs of ASCII digits are
    // the same, without decoding every character of a ConfigMap's data (a dashboard's JSON).
    for run in text.as_bytes().split(|c| !c.is_ascii_digit()) {
        if (1..=5).contains(&run.len()) {
            let n = run.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            if (1..=65535).contains(&n) {
                out.push(n);
            }
        }
    }
}

/// Whether a port name is one Kubernetes accepts (an IANA service name: at most 15
/// lowercase letters, digits and inner single hyphens, at least one letter), so that a name
/// from an unrendered template (`${PORT}`, a quoted `"8080"`) is not taken for one.
pub fn is_port_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 15
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.iter().any(u8::is_ascii_lowercase)
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
        && !name.contains("--")
}

impl Workload {
    /// Whether the workload is a fragment rather than an object the API server would accept:
    /// its pod template has no containers, as in a kustomize patch that only sets `replicas`
    /// or a `nodeSelector`, or none of its containers has an `image` (a strategic-merge
    /// patch that adds a probe or an environment variable to the base's container, named
    /// only to be merged). The base it is merged into decides its labels, spreading, probes
    /// and replica count, so the rules that judge what is absent stay silent on it.
    pub fn is_fragment(&self) -> bool {
        self.template.containers.iter().all(|c| !c.has_image)
    }
}

impl PodTemplate {
    /// Whether two pods of this template can never share a node: a container binds a host
    /// port (a `hostPort`, or any container port with `hostNetwork: true`, where host ports
    /// default to the container ports), and the scheduler places one such pod per node.
    pub fn one_pod_per_node(&self) -> bool {
        self.long_running_containers().any(|c| {
            c.ports.iter().any(|p| {
                p.host_port.is_some_and(|h| h > 0)
                    || (self.host_network && p.container_port.is_some_and(|n| n > 0))
            })
        })
    }

    /// Containers that run for the pod's lifetime: the app containers and sidecars (init
    /// containers with `restartPolicy: Always`), not ordinary init containers.
    pub fn long_running_containers(&self) -> impl Iterator<Item = &Container> {
        self.init_containers
            .iter()
            .filter(|c| c.is_sidecar)
            .chain(self.containers.iter())
    }
}

impl Object {
    pub fn workload(&self) -> Option<&Workload> {
        match &self.spec {
            Spec::Workload(w) => Some(w),
            _ => None,
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        self.key.namespace.as_deref()
    }

    pub fn display_name(&self) -> &str {
        self.key.name.as_deref().unwrap_or("(unnamed)")
    }

    /// The `metadata.name` value, or the `kind` value when the object has no name: where a
    /// finding about the object as a whole points.
    pub fn name_span(&self) -> Span {
        self.name.unwrap_or(self.kind_name)
    }

    /// Whether the object is a Helm hook (`helm.sh/hook`, `helm test` pods included): Helm
    /// runs it once, around an install or upgrade, and it is not meant to keep running.
    pub fn is_helm_hook(&self) -> bool {
        self.annotations.iter().any(|(k, _)| k == "helm.sh/hook")
    }

    /// Whether the object is a Pod that runs to completion: `restartPolicy: Never` or
    /// `OnFailure`, or a Helm hook. Nothing routes traffic to it during a rollout and nothing
    /// restarts it to keep it serving, so the probe and preStop rules do not judge it.
    pub fn runs_to_completion(&self) -> bool {
        self.kind == Kind::Pod
            && (self.is_helm_hook()
                || self.workload().is_some_and(|w| {
                    matches!(
                        w.template.restart_policy.as_deref(),
                        Some("Never" | "OnFailure")
                    )
                }))
    }

    /// The pod template the rules about pods judge on this object: `None` for a Pod that
    /// runs to completion, a workload fragment (a kustomize patch, judged merged into its
    /// base) and a Rollout that runs a referenced Deployment's template (judged on that
    /// Deployment).
    pub fn judged_pods(&self) -> Option<&Workload> {
        self.workload()
            .filter(|w| !w.is_fragment() && !w.borrowed_template && !self.runs_to_completion())
    }

    /// The object without spare capacity in its vectors: objects are kept for the whole run,
    /// and a vector grown by pushes holds room for four elements (four 304-byte containers
    /// for a pod's one), which would double a small workload's memory.
    pub fn shrunk(mut self) -> Object {
        self.labels.shrink_to_fit();
        self.annotations.shrink_to_fit();
        match &mut self.spec {
            Spec::Workload(w) => {
                if let Some(s) = &mut w.selector {
                    s.value.shrink_to_fit();
                }
                let t = &mut w.template;
                t.labels.shrink_to_fit();
                t.annotations.shrink_to_fit();
                for c in t.containers.iter_mut().chain(t.init_containers.iter_mut()) {
                    c.ports.shrink_to_fit();
                    c.numbers_in_args.shrink_to_fit();
                    c.unreadable.shrink_to_fit();
                }
                t.containers.shrink_to_fit();
                t.init_containers.shrink_to_fit();
                for term in t
                    .anti_affinity
                    .iter_mut()
                    .chain(t.topology_spread.iter_mut())
                {
                    if let Some(s) = &mut term.selector {
                        s.value.shrink_to_fit();
                    }
                    term.namespaces.shrink_to_fit();
                }
                t.anti_affinity.shrink_to_fit();
                t.topology_spread.shrink_to_fit();
            }
            Spec::PodDisruptionBudget(p) => {
                if let Some(s) = &mut p.selector {
                    s.value.shrink_to_fit();
                }
            }
            Spec::Service(svc) => {
                if let Some(s) = &mut svc.selector {
                    s.value.shrink_to_fit();
                }
                svc.ports.shrink_to_fit();
            }
            Spec::Route(r) => r.backends.shrink_to_fit(),
            Spec::ConfigMap(numbers) => numbers.shrink_to_fit(),
            Spec::HorizontalPodAutoscaler(_) | Spec::CustomResourceDefinition(_) | Spec::Other => {}
        }
        self
    }

    /// The annotation's value, on the object or on its pod template.
    pub fn annotation(&self, name: &str) -> Option<&Spanned<String>> {
        let own = self.annotations.iter().find(|(k, _)| k == name);
        own.or_else(|| {
            self.workload()
                .and_then(|w| w.template.annotations.iter().find(|(k, _)| k == name))
        })
        .map(|(_, v)| v)
    }
}

/// Annotations under this prefix are kept in the model (see `Object::annotations`).
pub const ANNOTATION_PREFIX: &str = "kube-contract.io/";

/// Other annotations rules read, kept in the model too.
pub const KEPT_ANNOTATIONS: &[&str] = &[
    "helm.sh/hook",
    "cluster-autoscaler.kubernetes.io/safe-to-evict",
    "karpenter.sh/do-not-disrupt",
];

/// Whether the model keeps an annotation.
pub fn keeps_annotation(key: &str) -> bool {
    key.starts_with(ANNOTATION_PREFIX) || KEPT_ANNOTATIONS.contains(&key)
}

/// Built-in kinds that have no namespace.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IngressClass",
    "IPAddress",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// The API group of an apiVersion (`""` for the core group `v1`).
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Whether an object of this group and kind runs pods from a pod template: the built-in
/// workloads, Argo Rollouts' `Rollout` and OpenShift's `DeploymentConfig` (its legacy
/// apiVersion `v1` included).
fn is_workload(group: &str, kind: Kind) -> bool {
    match kind {
        Kind::Pod | Kind::ReplicationController => group.is_empty(),
        Kind::Deployment | Kind::DaemonSet | Kind::ReplicaSet => {
            matches!(group, "apps" | "extensions")
        }
        Kind::StatefulSet => group == "apps",
        Kind::Job | Kind::CronJob => group == "batch",
        Kind::Rollout => group == "argoproj.io",
        Kind::DeploymentConfig => matches!(group, "apps.openshift.io" | ""),
        _ => false,
    }
}

/// A controller a platform declares in its configuration (`controllers`): its pods are judged
/// like a Deployment's, read at these paths (keys from the object's root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    /// The API group (`apps.kruise.io`), `""` for the core group.
    pub group: String,
    pub kind: String,
    pub template: Vec<String>,
    pub selector: Vec<String>,
    pub replicas: Vec<String>,
}

/// What a document held.
#[derive(Debug, Default)]
pub struct Extracted {
    pub objects: Vec<Object>,
    /// Values Kubernetes cannot decode, as data: the `invalid-field-type` rule reports them.
    pub field_errors: Vec<FieldError>,
    /// Documents (or List items) without apiVersion and kind.
    pub skipped: usize,
}

/// A field whose value has the wrong type (`replicas: "three"`), or a value outside what the
/// field accepts (a selector operator). The field is treated as absent by the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The object being read, once its identity is known.
    pub object: Option<Arc<ObjectKey>>,
    pub span: Span,
    /// What is wrong, e.g. ``replicas` must be an integer, found string "three"`.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Reads the objects of one parsed document: the document itself, or each item of a List.
pub fn extract(
    tree: &Tree<'_>,
    file: FileId,
    template: Option<&str>,
    default_namespace: &str,
    out: &mut Extracted,
) {
    extract_with(tree, file, template, default_namespace, &[], out);
}

/// [`extract`], with the controllers a platform declares (`controllers` in the configuration)
/// read as workloads.
pub fn extract_with(
    tree: &Tree<'_>,
    file: FileId,
    template: Option<&str>,
    default_namespace: &str,
    controllers: &[Controller],
    out: &mut Extracted,
) {
    let Some(root) = tree.root() else { return };
    let template: Option<Arc<str>> = template.map(Arc::from);
    let mut x = Extractor {
        tree,
        file,
        template,
        default_namespace,
        controllers,
        key: None,
        errors: &mut out.field_errors,
    };
    if !tree.is_map(root) {
        out.skipped += 1;
        return;
    }
    let kind = tree.get(root, "kind").and_then(|k| tree.str(k));
    let is_list = kind.is_some_and(|k| k == "List" || k.ends_with("List"))
        && tree.get(root, "items").is_some();
    if is_list {
        let items = tree.get(root, "items").unwrap_or(root);
        for &item in tree.items(items) {
            match tree.resolve(item) {
                Some(item) if tree.is_map(item) => match x.object(item) {
                    Some(obj) => out.objects.push(obj.shrunk()),
                    None => out.skipped += 1,
                },
                _ => out.skipped += 1,
            }
        }
        return;
    }
    match x.object(root) {
        Some(obj) => out.objects.push(obj.shrunk()),
        None => out.skipped += 1,
    }
}

struct Extractor<'t, 'a, 'd> {
    tree: &'t Tree<'a>,
    file: FileId,
    template: Option<Arc<str>>,
    default_namespace: &'t str,
    controllers: &'t [Controller],
    key: Option<Arc<ObjectKey>>,
    errors: &'d mut Vec<FieldError>,
}

impl Extractor<'_, '_, '_> {
    fn span(&self, id: NodeId) -> Span {
        self.tree.span(id)
    }

    /// `key: value` as one span, for findings about a field as a whole.
    fn entry_span(&self, map: NodeId, key: &str) -> Option<Span> {
        let (k, v) = self.tree.get_entry(map, key)?;
        Some(self.span(k).to(self.span(v)))
    }

    fn wrong_type(&mut self, node: NodeId, field: &str, expected: &str) {
        let found = self.tree.type_name(node);
        let shown = match self.tree.value(node) {
            Some(Value::Str(s)) => format!("{found} \"{}\"", truncate(s)),
            Some(Value::Int(_) | Value::Bool(_) | Value::Float(_)) => {
                format!("{found} `{}`", truncate(self.tree.str(node).unwrap_or("")))
            }
            _ => found.to_string(),
        };
        self.errors.push(FieldError {
            message: format!("`{field}` must be {expected}, found {shown}"),
            help: format!(
                "Kubernetes rejects this object; write `{field}` as {expected}{}",
                if matches!(self.tree.value(node), Some(Value::Str(s)) if s.trim().parse::<i64>().is_ok())
                    && expected.contains("integer")
                {
                    " (without quotes)"
                } else {
                    ""
                }
            ),
            span: self.span(node).first_line_or_self(),
            object: self.key.clone(),
        });
    }

    fn field(&self, map: NodeId, key: &str) -> Option<NodeId> {
        let v = self.tree.get(map, key)?;
        (!self.tree.is_null(v)).then_some(v)
    }

    fn string(&mut self, map: NodeId, key: &str, path: &str) -> Option<Spanned<String>> {
        let v = self.field(map, key)?;
        match self.tree.value(v) {
            Some(Value::Str(s)) => Some(Spanned::new(s.to_string(), self.span(v))),
            _ => {
                self.wrong_type(v, path, "a string");
                None
            }
        }
    }

    fn int(&mut self, map: NodeId, key: &str, path: &str) -> Option<Spanned<i64>> {
        let v = self.field(map, key)?;
        match self.tree.value(v) {
            Some(Value::Int(i)) => Some(Spanned::new(i, self.span(v))),
            Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Some(Spanned::new(f as i64, self.span(v)))
            }
            _ => {
                self.wrong_type(v, path, "an integer");
                None
            }
        }
    }

    fn int_or_string(
        &mut self,
        map: NodeId,
        key: &str,
        path: &str,
    ) -> Option<Spanned<IntOrString>> {
        let v = self.field(map, key)?;
        match self.tree.value(v) {
            Some(Value::Int(i)) => Some(Spanned::new(IntOrString::Int(i), self.span(v))),
            Some(Value::Str(s)) => {
                Some(Spanned::new(IntOrString::Str(s.to_string()), self.span(v)))
            }
            _ => {
                self.wrong_type(v, path, "an integer or a string");
                None
            }
        }
    }

    fn map(&mut self, map: NodeId, key: &str, path: &str) -> Option<NodeId> {
        let v = self.field(map, key)?;
        if self.tree.is_map(v) {
            Some(v)
        } else {
            self.wrong_type(v, path, "a mapping");
            None
        }
    }

    fn list(&mut self, map: NodeId, key: &str, path: &str) -> Vec<NodeId> {
        let Some(v) = self.field(map, key) else {
            return Vec::new();
        };
        if matches!(
            self.tree.node(v).kind,
            crate::yaml::tree::NodeKind::Seq { .. }
        ) {
            self.tree
                .items(v)
                .iter()
                .filter_map(|&i| self.tree.resolve(i))
                .collect()
        } else {
            self.wrong_type(v, path, "a list");
            Vec::new()
        }
    }

    /// A map of strings (labels, annotations, a Service selector).
    /// Every value is type-checked; only entries whose key `keep` accepts are returned.
    fn string_map(
        &mut self,
        map: NodeId,
        key: &str,
        path: &str,
        keep: fn(&str) -> bool,
    ) -> Vec<(String, Spanned<String>)> {
        let Some(m) = self.map(map, key, path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in self.tree.pairs(m) {
            let Some(k) = self.tree.str(k) else { continue };
            let value = self.tree.value(v);
            if !keep(k) && matches!(value, Some(Value::Str(_) | Value::Null)) {
                continue;
            }
            match value {
                Some(Value::Str(s)) => {
                    out.push((k.to_string(), Spanned::new(s.to_string(), self.span(v))))
                }
                Some(Value::Null) => {
                    out.push((k.to_string(), Spanned::new(String::new(), self.span(v))))
                }
                _ => self.wrong_type(v, &format!("{path}.{k}"), "a string"),
            }
        }
        out
    }

    /// The annotations kube-contract reads ([`keeps_annotation`]). Others are type-checked
    /// but not kept: annotations can be large (`last-applied-configuration` holds a whole
    /// object) and the model of every object stays in memory for the run.
    fn annotations(&mut self, meta: NodeId, path: &str) -> Vec<(String, Spanned<String>)> {
        self.string_map(meta, "annotations", path, keeps_annotation)
    }

    fn labels(&mut self, map: NodeId, key: &str, path: &str) -> Labels {
        self.string_map(map, key, path, |_| true)
            .into_iter()
            .map(|(k, v)| (k, v.value))
            .collect()
    }

    fn object(&mut self, root: NodeId) -> Option<Object> {
        let tree = self.tree;
        let api_version_node = self.field(root, "apiVersion");
        let kind_node = self.field(root, "kind");
        let (Some(av), Some(kd)) = (api_version_node, kind_node) else {
            return None;
        };
        self.key = None;
        let api_version = match tree.value(av) {
            Some(Value::Str(s)) => Spanned::new(s.to_string(), self.span(av)),
            _ => {
                self.wrong_type(av, "apiVersion", "a string");
                return None;
            }
        };
        let kind = match tree.value(kd) {
            Some(Value::Str(s)) => Spanned::new(s.to_string(), self.span(kd)),
            _ => {
                self.wrong_type(kd, "kind", "a string");
                return None;
            }
        };
        let meta = self.map(root, "metadata", "metadata");
        let name = meta.and_then(|m| self.string(m, "name", "metadata.name"));
        let explicit_ns = meta.and_then(|m| self.string(m, "namespace", "metadata.namespace"));
        let namespace = if CLUSTER_SCOPED.contains(&kind.value.as_str()) {
            None
        } else {
            Some(
                explicit_ns
                    .map(|n| n.value)
                    // `namespace: ""` is unset to the API server: the default namespace.
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| self.default_namespace.to_string()),
            )
        };
        let key = Arc::new(ObjectKey {
            api_version: api_version.value,
            kind: kind.value,
            namespace,
            name: name.as_ref().map(|n| n.value.clone()),
        });
        let name = name.map(|n| n.span);
        // The values live in the key; what follows reads them there.
        let names = Arc::clone(&key);
        let (api_version, kind) = (
            Spanned::new(names.api_version.as_str(), api_version.span),
            Spanned::new(names.kind.as_str(), kind.span),
        );
        self.key = Some(key.clone());
        let labels = meta
            .map(|m| self.labels(m, "labels", "metadata.labels"))
            .unwrap_or_default();
        let annotations = meta
            .map(|m| self.annotations(m, "metadata.annotations"))
            .unwrap_or_default();
        let has_owner_references = meta
            .map(|m| {
                !self
                    .list(m, "ownerReferences", "metadata.ownerReferences")
                    .is_empty()
            })
            .unwrap_or(false);
        let group = api_group(api_version.value);
        let declared = self
            .controllers
            .iter()
            .find(|c| c.group == group && c.kind == kind.value);
        let kind_id = match declared {
            Some(_) => Kind::Declared,
            None => Kind::parse(kind.value),
        };
        let spec = if let Some(c) = declared {
            self.declared_workload(root, c)
                .map_or(Spec::Other, |w| Spec::Workload(Box::new(w)))
        } else if is_workload(group, kind_id) {
            self.workload(root, kind_id, &labels, &annotations)
                .map_or(Spec::Other, |w| Spec::Workload(Box::new(w)))
        } else if group == "policy" && kind_id == Kind::PodDisruptionBudget {
            self.pdb(root)
                .map_or(Spec::Other, |p| Spec::PodDisruptionBudget(Box::new(p)))
        } else if group == "autoscaling" && kind_id == Kind::HorizontalPodAutoscaler {
            self.hpa(root)
                .map_or(Spec::Other, |h| Spec::HorizontalPodAutoscaler(Box::new(h)))
        } else if group == "keda.sh" && kind_id == Kind::ScaledObject {
            self.scaled_object(root)
                .map_or(Spec::Other, |h| Spec::HorizontalPodAutoscaler(Box::new(h)))
        } else if group.is_empty() && kind_id == Kind::Service {
            self.service(root)
                .map_or(Spec::Other, |s| Spec::Service(Box::new(s)))
        } else if group == "apiextensions.k8s.io" && kind_id == Kind::CustomResourceDefinition {
            self.map(root, "spec", "spec")
                .and_then(|s| self.string(s, "group", "spec.group"))
                .map_or(Spec::Other, |g| Spec::CustomResourceDefinition(g.value))
        } else if group.is_empty() && kind_id == Kind::ConfigMap {
            Spec::ConfigMap(self.config_map_numbers(root))
        } else if let Some(route) = self.route(root, api_version.value, kind_id) {
            Spec::Route(Box::new(route))
        } else {
            Spec::Other
        };
        Some(Object {
            id: 0,
            key,
            file: self.file,
            template: self.template.clone(),
            api_version: api_version.span,
            kind: kind_id,
            kind_name: kind.span,
            name,
            span: self.span(root),
            labels,
            annotations,
            has_owner_references,
            spec,
        })
    }

    fn workload(
        &mut self,
        root: NodeId,
        kind: Kind,
        labels: &Labels,
        annotations: &[(String, Spanned<String>)],
    ) -> Option<Workload> {
        let spec = self.map(root, "spec", "spec");
        if kind == Kind::Pod {
            let template = match spec {
                Some(s) => self.pod_spec(
                    s,
                    self.span(s),
                    labels.clone(),
                    annotations.to_vec(),
                    "spec",
                ),
                None => PodTemplate::default(),
            };
            return Some(Workload {
                replicas: None,
                replicas_invalid: false,
                selector: None,
                strategy: None,
                template,
                min_ready_seconds: None,
                progress_deadline_seconds: None,
                workload_ref: None,
                borrowed_template: false,
            });
        }
        let spec = spec?;
        let (template_parent, prefix) = if kind == Kind::CronJob {
            let jt = self.map(spec, "jobTemplate", "spec.jobTemplate");
            (
                jt.and_then(|j| self.map(j, "spec", "spec.jobTemplate.spec")),
                "spec.jobTemplate.spec.template",
            )
        } else {
            (Some(spec), "spec.template")
        };
        let template_node = template_parent.and_then(|p| self.map(p, "template", prefix));
        let template = self.pod_template(template_node, prefix);
        let replicas = if REPLICATED_KINDS.contains(&kind) {
            self.int(spec, "replicas", "spec.replicas")
        } else {
            None
        };
        let replicas_invalid = replicas.is_none()
            && REPLICATED_KINDS.contains(&kind)
            && self.field(spec, "replicas").is_some();
        let selector = if matches!(kind, Kind::ReplicationController | Kind::DeploymentConfig) {
            self.map(spec, "selector", "spec.selector").map(|s| {
                let labels = self.labels(spec, "selector", "spec.selector");
                Spanned::new(Selector::from_labels(labels), self.span(s))
            })
        } else {
            self.label_selector(spec, "selector", "spec.selector")
        };
        let strategy_key = match kind {
            Kind::Deployment => Some("strategy"),
            Kind::StatefulSet | Kind::DaemonSet => Some("updateStrategy"),
            _ => None,
        };
        let strategy = strategy_key.and_then(|k| self.strategy(spec, k));
        let (min_ready_seconds, progress_deadline_seconds) = self.deployment_timing(spec, kind);
        let workload_ref = if kind == Kind::Rollout {
            self.field(spec, "workloadRef")
                .filter(|&r| {
                    self.quiet_string(r, "kind")
                        .is_none_or(|k| k.value == "Deployment")
                })
                .and_then(|r| self.quiet_string(r, "name"))
                .map(|n| n.value)
        } else {
            None
        };
        Some(Workload {
            replicas,
            replicas_invalid,
            selector,
            strategy,
            template,
            min_ready_seconds,
            progress_deadline_seconds,
            workload_ref,
            borrowed_template: false,
        })
    }

    /// The pod template at `node` (`prefix` is its path, for messages).
    fn pod_template(&mut self, node: Option<NodeId>, prefix: &str) -> PodTemplate {
        match node {
            Some(t) => {
                let tmeta = self.map(t, "metadata", &format!("{prefix}.metadata"));
                let tlabels = tmeta
                    .map(|m| self.labels(m, "labels", &format!("{prefix}.metadata.labels")))
                    .unwrap_or_default();
                let tann = tmeta
                    .map(|m| self.annotations(m, &format!("{prefix}.metadata.annotations")))
                    .unwrap_or_default();
                match self.map(t, "spec", &format!("{prefix}.spec")) {
                    Some(ps) => {
                        let span = self.entry_span(t, "spec").unwrap_or(self.span(ps));
                        self.pod_spec(ps, span, tlabels, tann, &format!("{prefix}.spec"))
                    }
                    None => PodTemplate {
                        labels: tlabels,
                        annotations: tann,
                        span: self.span(t),
                        ..PodTemplate::default()
                    },
                }
            }
            None => PodTemplate::default(),
        }
    }

    /// A workload of a controller the configuration declares: its pod template, selector and
    /// replicas at the declared paths.
    fn declared_workload(&mut self, root: NodeId, c: &Controller) -> Option<Workload> {
        let tree = self.tree;
        fn at<'p>(tree: &Tree<'_>, root: NodeId, path: &'p [String]) -> Option<(NodeId, &'p str)> {
            let (last, parents) = path.split_last()?;
            let keys: Vec<&str> = parents.iter().map(String::as_str).collect();
            let parent = if keys.is_empty() {
                Some(root)
            } else {
                tree.path(root, &keys)
            };
            parent
                .filter(|&p| tree.is_map(p))
                .map(|p| (p, last.as_str()))
        }
        let at = |path| at(tree, root, path);
        let template_at = at(&c.template);
        let selector_at = at(&c.selector);
        let replicas_at = at(&c.replicas);
        let template_path = c.template.join(".");
        let template_node = template_at.and_then(|(p, k)| self.map(p, k, &template_path));
        let template = self.pod_template(template_node, &template_path);
        let selector =
            selector_at.and_then(|(p, k)| self.label_selector(p, k, &c.selector.join(".")));
        let replicas = replicas_at.and_then(|(p, k)| self.int(p, k, &c.replicas.join(".")));
        let replicas_invalid =
            replicas.is_none() && replicas_at.is_some_and(|(p, k)| self.field(p, k).is_some());
        Some(Workload {
            replicas,
            replicas_invalid,
            selector,
            strategy: None,
            template,
            min_ready_seconds: None,
            progress_deadline_seconds: None,
            workload_ref: None,
            borrowed_template: false,
        })
    }

    fn strategy(&mut self, spec: NodeId, key: &str) -> Option<Box<Strategy>> {
        let path = format!("spec.{key}");
        let s = self.map(spec, key, &path)?;
        let span = self.entry_span(spec, key).unwrap_or(self.span(s));
        let kind = self.string(s, "type", &format!("{path}.type"));
        let ru = self.map(s, "rollingUpdate", &format!("{path}.rollingUpdate"));
        let max_surge = ru.and_then(|r| {
            self.int_or_string(r, "maxSurge", &format!("{path}.rollingUpdate.maxSurge"))
        });
        let max_unavailable = ru.and_then(|r| {
            self.int_or_string(
                r,
                "maxUnavailable",
                &format!("{path}.rollingUpdate.maxUnavailable"),
            )
        });
        let partition =
            ru.and_then(|r| self.int(r, "partition", &format!("{path}.rollingUpdate.partition")));
        let rolling_update = self
            .field(s, "rollingUpdate")
            .and_then(|_| self.entry_span(s, "rollingUpdate"));
        Some(Box::new(Strategy {
            span,
            kind,
            max_surge,
            max_unavailable,
            partition,
            rolling_update,
        }))
    }

    fn label_selector(&mut self, map: NodeId, key: &str, path: &str) -> Option<Spanned<Selector>> {
        let s = self.map(map, key, path)?;
        let match_labels = self.labels(s, "matchLabels", &format!("{path}.matchLabels"));
        let mut expressions = Vec::new();
        for e in self.list(s, "matchExpressions", &format!("{path}.matchExpressions")) {
            let epath = format!("{path}.matchExpressions");
            if !self.tree.is_map(e) {
                self.wrong_type(e, &epath, "a mapping");
                continue;
            }
            let Some(k) = self.string(e, "key", &format!("{epath}.key")) else {
                continue;
            };
            let Some(op) = self.string(e, "operator", &format!("{epath}.operator")) else {
                continue;
            };
            let Some(operator) = Operator::parse(&op.value) else {
                self.errors.push(FieldError {
                    message: format!(
                        "`{epath}.operator` must be In, NotIn, Exists or DoesNotExist, found \"{}\"",
                        truncate(&op.value)
                    ),
                    help: "Kubernetes rejects this selector".into(),
                    span: op.span,
                    object: self.key.clone(),
                });
                continue;
            };
            let mut values = Vec::new();
            for v in self.list(e, "values", &format!("{epath}.values")) {
                match self.tree.value(v) {
                    Some(Value::Str(s)) => values.push(s.to_string()),
                    _ => self.wrong_type(v, &format!("{epath}.values"), "a string"),
                }
            }
            expressions.push(Requirement {
                key: k.value,
                operator,
                values,
            });
        }
        Some(Spanned::new(
            Selector {
                match_labels,
                expressions,
            },
            self.entry_span(map, key).unwrap_or(self.span(s)),
        ))
    }

    fn pod_spec(
        &mut self,
        spec: NodeId,
        span: Span,
        labels: Labels,
        annotations: Vec<(String, Spanned<String>)>,
        path: &str,
    ) -> PodTemplate {
        let mut containers = Vec::new();
        for c in self.list(spec, "containers", &format!("{path}.containers")) {
            if let Some(c) = self.container(c, false, &format!("{path}.containers")) {
                containers.push(c);
            }
        }
        let mut init_containers = Vec::new();
        for c in self.list(spec, "initContainers", &format!("{path}.initContainers")) {
            if let Some(c) = self.container(c, true, &format!("{path}.initContainers")) {
                init_containers.push(c);
            }
        }
        let termination_grace_period = self.int(
            spec,
            "terminationGracePeriodSeconds",
            &format!("{path}.terminationGracePeriodSeconds"),
        );
        let errors_before_spread = self.errors.len();
        let mut anti_affinity = Vec::new();
        let aff_path = format!("{path}.affinity.podAntiAffinity");
        if let Some(aff) = self
            .map(spec, "affinity", &format!("{path}.affinity"))
            .and_then(|a| self.map(a, "podAntiAffinity", &aff_path))
        {
            for (key, required) in [
                ("requiredDuringSchedulingIgnoredDuringExecution", true),
                ("preferredDuringSchedulingIgnoredDuringExecution", false),
            ] {
                let tpath = format!("{aff_path}.{key}");
                for term in self.list(aff, key, &tpath) {
                    if !self.tree.is_map(term) {
                        self.wrong_type(term, &tpath, "a mapping");
                        continue;
                    }
                    // Preferred terms wrap the affinity term in `podAffinityTerm`.
                    let inner = if required {
                        Some(term)
                    } else {
                        self.map(term, "podAffinityTerm", &format!("{tpath}.podAffinityTerm"))
                    };
                    let Some(inner) = inner else { continue };
                    let topology_key =
                        self.string(inner, "topologyKey", &format!("{tpath}.topologyKey"));
                    let selector = self.label_selector(
                        inner,
                        "labelSelector",
                        &format!("{tpath}.labelSelector"),
                    );
                    let namespaces = self
                        .field(inner, "namespaces")
                        .map(|list| {
                            self.tree
                                .items(list)
                                .iter()
                                .filter_map(|&n| self.tree.str(n))
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    let namespace_selector = self
                        .label_selector(
                            inner,
                            "namespaceSelector",
                            &format!("{tpath}.namespaceSelector"),
                        )
                        .map(|s| s.value);
                    anti_affinity.push(SpreadTerm {
                        span: self.span(term),
                        topology_key,
                        selector,
                        required,
                        namespaces,
                        namespace_selector,
                    });
                }
            }
        }
        let mut topology_spread = Vec::new();
        let tpath = format!("{path}.topologySpreadConstraints");
        for c in self.list(spec, "topologySpreadConstraints", &tpath) {
            if !self.tree.is_map(c) {
                self.wrong_type(c, &tpath, "a mapping");
                continue;
            }
            let topology_key = self.string(c, "topologyKey", &format!("{tpath}.topologyKey"));
            let selector =
                self.label_selector(c, "labelSelector", &format!("{tpath}.labelSelector"));
            let when = self.string(
                c,
                "whenUnsatisfiable",
                &format!("{tpath}.whenUnsatisfiable"),
            );
            topology_spread.push(SpreadTerm {
                span: self.span(c),
                topology_key,
                selector,
                required: when.is_none_or(|w| w.value == "DoNotSchedule"),
                namespaces: Vec::new(),
                namespace_selector: None,
            });
        }
        // A term of the wrong type is `invalid-field-type`'s: the spread rules then say nothing
        // rather than "nothing spreads them".
        let spread_unreadable = self.errors.len() > errors_before_spread;
        let host_network = match self.field(spec, "hostNetwork") {
            Some(v) => match self.tree.value(v) {
                Some(Value::Bool(b)) => b,
                _ => {
                    self.wrong_type(v, &format!("{path}.hostNetwork"), "a boolean");
                    false
                }
            },
            None => false,
        };
        PodTemplate {
            labels,
            annotations,
            span,
            containers,
            init_containers,
            termination_grace_period,
            anti_affinity,
            topology_spread,
            spread_unreadable,
            host_network,
            restart_policy: self.quiet_string(spec, "restartPolicy").map(|r| r.value),
        }
    }

    fn container(&mut self, c: NodeId, is_init: bool, path: &str) -> Option<Container> {
        if !self.tree.is_map(c) {
            self.wrong_type(c, path, "a mapping");
            return None;
        }
        let name = self.string(c, "name", &format!("{path}.name"));
        let span = match self.tree.get_entry(c, "name") {
            Some((k, v)) => self.span(k).to(self.span(v)),
            None => self.span(c).first_line_or_self(),
        };
        let label = name
            .as_ref()
            .map_or(path.to_string(), |n| format!("{path}[{}]", n.value));
        let restart = self.string(c, "restartPolicy", &format!("{label}.restartPolicy"));
        let mut ports = Vec::new();
        for p in self.list(c, "ports", &format!("{label}.ports")) {
            if !self.tree.is_map(p) {
                self.wrong_type(p, &format!("{label}.ports"), "a mapping");
                continue;
            }
            let pname = self.string(p, "name", &format!("{label}.ports.name"));
            let number = self.int(p, "containerPort", &format!("{label}.ports.containerPort"));
            let host_port = self.int(p, "hostPort", &format!("{label}.ports.hostPort"));
            ports.push(ContainerPort {
                name: pname.map(|n| n.value),
                container_port: number.map(|n| n.value),
                host_port: host_port.map(|n| n.value),
                span: self.span(p),
            });
        }
        let readiness_probe = self.probe(c, "readinessProbe", &label);
        let liveness_probe = self.probe(c, "livenessProbe", &label);
        let startup_probe = self.probe(c, "startupProbe", &label);
        let mut unreadable = Vec::new();
        for (key, read) in [
            ("readinessProbe", readiness_probe.is_some()),
            ("livenessProbe", liveness_probe.is_some()),
            ("startupProbe", startup_probe.is_some()),
        ] {
            if !read && self.field(c, key).is_some() {
                unreadable.push(key);
            }
        }
        let lpath = format!("{label}.lifecycle");
        let pre_stop_node = self.map(c, "lifecycle", &lpath).and_then(|l| {
            let h = self.map(l, "preStop", &format!("{lpath}.preStop"))?;
            Some((l, h))
        });
        let lifecycle = self.field(c, "lifecycle");
        if pre_stop_node.is_none()
            && lifecycle.is_some_and(|l| !self.tree.is_map(l) || self.field(l, "preStop").is_some())
        {
            unreadable.push("lifecycle");
        }
        let pre_stop = pre_stop_node.map(|(l, h)| {
            let span = self.entry_span(l, "preStop").unwrap_or(self.span(h));
            Box::new(Spanned::new(
                self.handler(h, &format!("{lpath}.preStop")),
                span,
            ))
        });
        let pre_stop_wait = match (&pre_stop, pre_stop_node) {
            (Some(p), Some((_, h))) => p
                .value
                .wait()
                .map(|(wait, at)| Spanned::new(wait, self.wait_span(h, at).unwrap_or(p.span))),
            _ => None,
        };
        Some(Container {
            name,
            span,
            is_init,
            has_image: self.field(c, "image").is_some(),
            is_sidecar: is_init && restart.is_some_and(|r| r.value == "Always"),
            ports,
            readiness_probe,
            liveness_probe,
            startup_probe,
            pre_stop,
            pre_stop_wait,
            numbers_in_args: self.numbers_in_args(c),
            unreadable,
        })
    }

    /// The words of a preStop handler `h` that hold its wait (see [`Handler::wait`]).
    fn wait_span(&self, h: NodeId, at: WaitAt) -> Option<Span> {
        match at {
            WaitAt::Command { first, last } => {
                let command = self.tree.path(h, &["exec", "command"])?;
                // The same items, in the same order, as `Handler::Exec::command`.
                let words: Vec<NodeId> = self
                    .tree
                    .items(command)
                    .iter()
                    .copied()
                    .filter(|&i| matches!(self.tree.value(i), Some(Value::Str(_))))
                    .collect();
                let first = self.span(*words.get(first)?);
                let last = self.span(*words.get(last)?);
                // `["sleep", "20"]` as a whole; in a block list, the line of `- sleep`.
                Some(if first.start.line == last.end.line {
                    first.to(last)
                } else {
                    first
                })
            }
            WaitAt::SleepAction => {
                let sleep = self.tree.get(h, "sleep")?;
                self.entry_span(sleep, "seconds")
                    .or_else(|| self.entry_span(h, "sleep"))
            }
            WaitAt::HttpGet => self.entry_span(h, "httpGet"),
        }
    }

    fn probe(&mut self, c: NodeId, key: &str, label: &str) -> Option<Box<Probe>> {
        let path = format!("{label}.{key}");
        let p = self.map(c, key, &path)?;
        let span = self.entry_span(c, key).unwrap_or(self.span(p));
        let reported = self.errors.len();
        let handler = self.handler(p, &path);
        let mut probe = Probe {
            span,
            handler,
            initial_delay_seconds: self
                .int(
                    p,
                    "initialDelaySeconds",
                    &format!("{path}.initialDelaySeconds"),
                )
                .map(|v| v.value),
            period_seconds: self
                .int(p, "periodSeconds", &format!("{path}.periodSeconds"))
                .map(|v| v.value),
            timeout_seconds: self
                .int(p, "timeoutSeconds", &format!("{path}.timeoutSeconds"))
                .map(|v| v.value),
            failure_threshold: self
                .int(p, "failureThreshold", &format!("{path}.failureThreshold"))
                .map(|v| v.value),
            success_threshold: self
                .int(p, "successThreshold", &format!("{path}.successThreshold"))
                .map(|v| v.value),
            has_invalid_field: false,
            port: None,
        };
        probe.has_invalid_field = self.errors.len() > reported;
        probe.port = self.probe_port(p, &probe.handler);
        Some(Box::new(probe))
    }

    fn handler(&mut self, h: NodeId, path: &str) -> Handler {
        if let Some(e) = self.map(h, "exec", &format!("{path}.exec")) {
            let mut command = Vec::new();
            for part in self.list(e, "command", &format!("{path}.exec.command")) {
                match self.tree.value(part) {
                    Some(Value::Str(s)) => command.push(s.to_string()),
                    _ => self.wrong_type(part, &format!("{path}.exec.command"), "a string"),
                }
            }
            return Handler::Exec { command };
        }
        if let Some(g) = self.map(h, "httpGet", &format!("{path}.httpGet")) {
            let p = format!("{path}.httpGet");
            return Handler::HttpGet {
                path: self
                    .string(g, "path", &format!("{p}.path"))
                    .map(|v| v.value),
                port: self
                    .int_or_string(g, "port", &format!("{p}.port"))
                    .map(|v| v.value),
                host: self
                    .string(g, "host", &format!("{p}.host"))
                    .map(|v| v.value),
                scheme: self
                    .string(g, "scheme", &format!("{p}.scheme"))
                    .map(|v| v.value),
            };
        }
        if let Some(t) = self.map(h, "tcpSocket", &format!("{path}.tcpSocket")) {
            let p = format!("{path}.tcpSocket");
            return Handler::TcpSocket {
                port: self
                    .int_or_string(t, "port", &format!("{p}.port"))
                    .map(|v| v.value),
                host: self
                    .string(t, "host", &format!("{p}.host"))
                    .map(|v| v.value),
            };
        }
        if let Some(g) = self.map(h, "grpc", &format!("{path}.grpc")) {
            let p = format!("{path}.grpc");
            return Handler::Grpc {
                port: self.int(g, "port", &format!("{p}.port")).map(|v| v.value),
                service: self
                    .string(g, "service", &format!("{p}.service"))
                    .map(|v| v.value),
            };
        }
        if let Some(s) = self.map(h, "sleep", &format!("{path}.sleep")) {
            return Handler::Sleep {
                seconds: self
                    .int(s, "seconds", &format!("{path}.sleep.seconds"))
                    .map(|v| v.value),
            };
        }
        Handler::Unknown
    }

    fn pdb(&mut self, root: NodeId) -> Option<Pdb> {
        let spec = self.map(root, "spec", "spec")?;
        Some(Pdb {
            min_available: self.int_or_string(spec, "minAvailable", "spec.minAvailable"),
            max_unavailable: self.int_or_string(spec, "maxUnavailable", "spec.maxUnavailable"),
            selector: self.label_selector(spec, "selector", "spec.selector"),
        })
    }

    fn hpa(&mut self, root: NodeId) -> Option<Hpa> {
        let spec = self.map(root, "spec", "spec")?;
        let target = self.map(spec, "scaleTargetRef", "spec.scaleTargetRef");
        let target_span = self
            .entry_span(spec, "scaleTargetRef")
            .unwrap_or(self.span(spec));
        Some(Hpa {
            target_kind: target
                .and_then(|t| self.string(t, "kind", "spec.scaleTargetRef.kind"))
                .map(|v| v.value),
            target_name: target
                .and_then(|t| self.string(t, "name", "spec.scaleTargetRef.name"))
                .map(|v| v.value),
            target_span,
            min_replicas: self.int(spec, "minReplicas", "spec.minReplicas"),
            max_replicas: self.int(spec, "maxReplicas", "spec.maxReplicas"),
            min_default: 1,
        })
    }

    /// A KEDA ScaledObject (`keda.sh/v1alpha1`): it drives an HPA for its `scaleTargetRef`
    /// (kind `Deployment` when not written) between `minReplicaCount` (default 0: KEDA
    /// scales the target to zero while idle) and `maxReplicaCount`.
    fn scaled_object(&mut self, root: NodeId) -> Option<Hpa> {
        let spec = self.map(root, "spec", "spec")?;
        let target = self.map(spec, "scaleTargetRef", "spec.scaleTargetRef");
        let target_span = self
            .entry_span(spec, "scaleTargetRef")
            .unwrap_or(self.span(spec));
        let target_kind = match target {
            Some(t) => self
                .string(t, "kind", "spec.scaleTargetRef.kind")
                .map_or_else(|| "Deployment".to_string(), |v| v.value),
            None => "Deployment".to_string(),
        };
        Some(Hpa {
            target_kind: Some(target_kind),
            target_name: target
                .and_then(|t| self.string(t, "name", "spec.scaleTargetRef.name"))
                .map(|v| v.value),
            target_span,
            min_replicas: self.int(spec, "minReplicaCount", "spec.minReplicaCount"),
            max_replicas: self.int(spec, "maxReplicaCount", "spec.maxReplicaCount"),
            min_default: 0,
        })
    }

    fn service(&mut self, root: NodeId) -> Option<Service> {
        let spec = self.map(root, "spec", "spec")?;
        let service_type = self.string(spec, "type", "spec.type");
        let selector = self.map(spec, "selector", "spec.selector").map(|s| {
            let span = self.entry_span(spec, "selector").unwrap_or(self.span(s));
            let labels = self.labels(spec, "selector", "spec.selector");
            Spanned::new(Selector::from_labels(labels), span)
        });
        let (ports, ports_incomplete) = self.service_ports(spec);
        Some(Service {
            service_type,
            selector,
            ports,
            ports_incomplete,
            cluster_ip: self.quiet_string(spec, "clusterIP"),
            publish_not_ready_addresses: self.quiet_bool(spec, "publishNotReadyAddresses"),
        })
    }
}

/// What the traffic rules read (Service ports, routes, probe ports, Deployment timing). These
/// fields were not read before, so a value of the wrong type is left out here without an
/// `invalid-field-type` finding, and the rules stay silent on what they cannot read.
impl Extractor<'_, '_, '_> {
    fn quiet_string(&self, map: NodeId, key: &str) -> Option<Spanned<String>> {
        let v = self.field(map, key)?;
        match self.tree.value(v) {
            Some(Value::Str(s)) => Some(Spanned::new(s.to_string(), self.span(v))),
            _ => None,
        }
    }

    fn quiet_bool(&self, map: NodeId, key: &str) -> Option<Spanned<bool>> {
        let v = self.field(map, key)?;
        match self.tree.value(v) {
            Some(Value::Bool(b)) => Some(Spanned::new(b, self.span(v))),
            _ => None,
        }
    }

    /// `Ok(None)` when absent, `Err(())` when written with another type.
    fn quiet_int_or_string(
        &self,
        map: NodeId,
        key: &str,
    ) -> Result<Option<Spanned<IntOrString>>, ()> {
        let Some(v) = self.field(map, key) else {
            return Ok(None);
        };
        let value = match self.tree.value(v) {
            Some(Value::Int(i)) => IntOrString::Int(i),
            Some(Value::Str(s)) => IntOrString::Str(s.to_string()),
            _ => return Err(()),
        };
        Ok(Some(Spanned::new(value, self.span(v))))
    }

    fn quiet_int(&self, map: NodeId, key: &str) -> Result<Option<Spanned<i64>>, ()> {
        match self.quiet_int_or_string(map, key)? {
            None => Ok(None),
            Some(Spanned {
                value: IntOrString::Int(i),
                span,
            }) => Ok(Some(Spanned::new(i, span))),
            Some(_) => Err(()),
        }
    }

    fn quiet_items(&self, map: NodeId, key: &str) -> Vec<NodeId> {
        self.field(map, key).map_or_else(Vec::new, |v| {
            self.tree
                .items(v)
                .iter()
                .filter_map(|&i| self.tree.resolve(i))
                .filter(|&i| self.tree.is_map(i))
                .collect()
        })
    }

    /// A Service's `spec.ports`, and whether some port could not be read.
    fn service_ports(&self, spec: NodeId) -> (Vec<ServicePort>, bool) {
        let mut ports = Vec::new();
        let mut incomplete = false;
        let Some(list) = self.field(spec, "ports") else {
            return (ports, false);
        };
        for &item in self.tree.items(list) {
            let Some(p) = self.tree.resolve(item).filter(|&p| self.tree.is_map(p)) else {
                incomplete = true;
                continue;
            };
            let name = self.quiet_string(p, "name");
            match (
                self.quiet_int(p, "port"),
                self.quiet_int_or_string(p, "targetPort"),
            ) {
                (Ok(Some(port)), Ok(target_port)) => ports.push(ServicePort {
                    name,
                    port,
                    // `0` and `""` are defaulted to `port` by the API server, as is absence.
                    target_port: target_port.filter(|t| {
                        !matches!(&t.value, IntOrString::Int(0))
                            && !matches!(&t.value, IntOrString::Str(s) if s.is_empty())
                    }),
                }),
                _ => incomplete = true,
            }
        }
        (
            ports,
            incomplete
                || !matches!(
                    self.tree.node(list).kind,
                    crate::yaml::tree::NodeKind::Seq { .. }
                ),
        )
    }

    /// The port of a probe's handler, with its span.
    fn probe_port(&self, probe: NodeId, handler: &Handler) -> Option<Spanned<IntOrString>> {
        let key = match handler {
            Handler::HttpGet { .. } => "httpGet",
            Handler::TcpSocket { .. } => "tcpSocket",
            Handler::Grpc { .. } => "grpc",
            _ => return None,
        };
        let h = self.field(probe, key)?;
        self.quiet_int_or_string(h, "port").ok().flatten()
    }

    /// [`port_numbers`] of a container's `command`, `args` and `env` values.
    fn numbers_in_args(&self, c: NodeId) -> Vec<i64> {
        let mut out = Vec::new();
        for key in ["command", "args"] {
            if let Some(list) = self.field(c, key) {
                for &word in self.tree.items(list) {
                    if let Some(text) = self.tree.str(word) {
                        port_numbers(text, &mut out);
                    }
                }
            }
        }
        for var in self.quiet_items(c, "env") {
            if let Some(value) = self.quiet_string(var, "value") {
                port_numbers(&value.value, &mut out);
            }
        }
        out.sort_unstable();
        out.dedup();
        // Kept for the whole run: no room for the duplicates a dashboard's JSON repeats.
        out.shrink_to_fit();
        out
    }

    /// [`port_numbers`] of a ConfigMap's `data` values.
    fn config_map_numbers(&self, root: NodeId) -> Vec<i64> {
        let mut out = Vec::new();
        if let Some(data) = self.field(root, "data").filter(|&d| self.tree.is_map(d)) {
            for (_, v) in self.tree.pairs(data) {
                if let Some(text) = self.tree.str(v) {
                    port_numbers(text, &mut out);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        // Kept for the whole run: no room for the duplicates a dashboard's JSON repeats.
        out.shrink_to_fit();
        out
    }

    /// A Deployment's `minReadySeconds` and `progressDeadlineSeconds`.
    fn deployment_timing(
        &self,
        spec: NodeId,
        kind: Kind,
    ) -> (Option<Spanned<i64>>, Option<Spanned<i64>>) {
        if kind != Kind::Deployment {
            return (None, None);
        }
        (
            self.quiet_int(spec, "minReadySeconds").ok().flatten(),
            self.quiet_int(spec, "progressDeadlineSeconds")
                .ok()
                .flatten(),
        )
    }

    /// The Service backends of an Ingress (`networking.k8s.io/v1`: `defaultBackend` and the
    /// paths of `rules`) or of an HTTPRoute or GRPCRoute (`gateway.networking.k8s.io/v1` or
    /// `v1beta1`: the `backendRefs` of `rules`); `None` for other objects.
    fn route(&self, root: NodeId, api_version: &str, kind: Kind) -> Option<Route> {
        let ingress = api_version == "networking.k8s.io/v1" && kind == Kind::Ingress;
        let gateway = matches!(
            api_version,
            "gateway.networking.k8s.io/v1" | "gateway.networking.k8s.io/v1beta1"
        ) && matches!(kind, Kind::HTTPRoute | Kind::GRPCRoute);
        if !ingress && !gateway {
            return None;
        }
        let mut route = Route::default();
        let Some(spec) = self.field(root, "spec").filter(|&s| self.tree.is_map(s)) else {
            return Some(route);
        };
        if ingress {
            let mut backends: Vec<NodeId> =
                self.field(spec, "defaultBackend").into_iter().collect();
            for rule in self.quiet_items(spec, "rules") {
                let Some(http) = self.field(rule, "http") else {
                    continue;
                };
                for path in self.quiet_items(http, "paths") {
                    backends.extend(self.field(path, "backend"));
                }
            }
            for b in backends {
                let Some(svc) = self.field(b, "service").filter(|&s| self.tree.is_map(s)) else {
                    continue;
                };
                let Some(name) = self.quiet_string(svc, "name") else {
                    continue;
                };
                let port =
                    self.field(svc, "port")
                        .and_then(|p| match self.quiet_int(p, "number") {
                            Ok(Some(n)) => Some(Spanned::new(IntOrString::Int(n.value), n.span)),
                            _ => self
                                .quiet_string(p, "name")
                                .map(|n| Spanned::new(IntOrString::Str(n.value), n.span)),
                        });
                route.backends.push(Backend {
                    name,
                    namespace: None,
                    port,
                });
            }
        } else {
            for rule in self.quiet_items(spec, "rules") {
                for b in self.quiet_items(rule, "backendRefs") {
                    let group = self.quiet_string(b, "group").map(|g| g.value);
                    let kind = self.quiet_string(b, "kind").map(|k| k.value);
                    let is_service = group.as_deref().is_none_or(str::is_empty)
                        && kind.as_deref().is_none_or(|k| k == "Service");
                    if !is_service {
                        continue;
                    }
                    let Some(name) = self.quiet_string(b, "name") else {
                        continue;
                    };
                    let port = self
                        .quiet_int(b, "port")
                        .ok()
                        .flatten()
                        .map(|n| Spanned::new(IntOrString::Int(n.value), n.span));
                    route.backends.push(Backend {
                        name,
                        namespace: self.quiet_string(b, "namespace").map(|n| n.value),
                        port,
                    });
                }
            }
        }
        Some(route)
    }
}

#[cfg(test)]
mod traffic_tests {
    use super::*;

    #[test]
    fn port_names_follow_the_iana_service_name_rules() {
        for ok in ["http", "grpc-web", "h2c", "metrics9090", "a"] {
            assert!(is_port_name(ok), "{ok}");
        }
        for bad in [
            "",
            "8080",
            "HTTP",
            "-http",
            "http-",
            "a--b",
            "${PORT}",
            "way-too-long-name",
        ] {
            assert!(!is_port_name(bad), "{bad}");
        }
    }

    #[test]
    fn port_numbers_are_read_from_free_text() {
        let mut out = Vec::new();
        port_numbers(
            "--port=8080 --admin 0.0.0.0:9901, 70000 and 123456",
            &mut out,
        );
        // Zeros, numbers above 65535 and longer digit runs are not ports.
        assert_eq!(out, vec![8080, 9901]);
        // Characters outside ASCII separate numbers, digits of other scripts included.
        let mut out = Vec::new();
        port_numbers("é8080٣443\u{ff19}53 00080 0 65535 65536 99999", &mut out);
        assert_eq!(out, vec![8080, 443, 53, 80, 65535]);
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(40).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

trait SpanExt {
    fn first_line_or_self(self) -> Span;
}

impl SpanExt for Span {
    /// Multi-line values (a block mapping) are shown by their first line only.
    fn first_line_or_self(self) -> Span {
        if self.start.line == self.end.line {
            self
        } else {
            Span::new(
                self.start,
                crate::base::span::Pos {
                    line: self.start.line,
                    column: self.start.column + 1,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_kubernetes_validation_and_rounding() {
        let s = |v: &str| IntOrString::Str(v.into()).amount();
        assert_eq!(s("25%").map(|a| a.of(3, true)), Some(1));
        assert_eq!(s("25%").map(|a| a.of(3, false)), Some(0));
        assert_eq!(s("100%").map(|a| a.of(3, false)), Some(3));
        assert_eq!(s("150%").map(|a| a.value()), Some(150));
        assert!(s("25").is_none());
        assert!(s("abc%").is_none());
        assert!(s("-5%").is_none());
        assert!(s("%").is_none());
        assert!(IntOrString::Int(-1).amount().is_none());
        assert_eq!(
            IntOrString::Int(2).amount().map(|a| a.of(3, false)),
            Some(2)
        );
        assert_eq!(
            s("99999999999999999999%").map(|a| a.value()),
            Some(i64::MAX)
        );
    }

    #[test]
    fn percentages_scale_like_kubernetes() {
        let p = |s: &str| IntOrString::Str(s.into());
        assert_eq!(p("25%").scaled(3, true), Some(1));
        assert_eq!(p("25%").scaled(3, false), Some(0));
        assert_eq!(p("10%").scaled(3, false), Some(0));
        assert_eq!(p("50%").scaled(4, true), Some(2));
        assert_eq!(p("100%").scaled(3, true), Some(3));
        assert_eq!(IntOrString::Int(2).scaled(3, false), Some(2));
        assert_eq!(p("25").scaled(3, true), None);
        assert_eq!(p("abc%").scaled(3, true), None);
        assert_eq!(p("-5%").amount(), None);
        assert_eq!(p("+5%").amount(), None);
        assert_eq!(IntOrString::Int(-1).amount(), None);
        // An absurd percentage saturates instead of overflowing.
        assert_eq!(
            p("99999999999999999999%").scaled(7, true),
            Some(i64::MAX / 100)
        );
        assert!(p("0%").is_zero());
        assert!(IntOrString::Int(0).is_zero());
    }
}
