//! The cross-object index, built once after every file is read and read-only while rules run.
//!
//! It answers the questions the contract asks about relations between objects: which
//! workloads a selector selects (through a label posting list, so matching is linear in the
//! objects of a namespace, not a scan of every pair), which HorizontalPodAutoscaler scales a
//! workload, which PodDisruptionBudgets and Services select a workload.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::diagnostic::FileId;
use crate::model::{api_group, Object, Spec, Workload, WORKLOAD_KINDS};
use crate::selector::{Operator, Selector};
use crate::span::Span;

pub type ObjectId = u32;

/// Kinds with a `spec.replicas`.
pub const REPLICATED_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
];

/// Effective replicas of a workload, and the HPA that decides them, if any.
#[derive(Debug, Clone, Copy)]
pub struct Replicas<'a> {
    pub count: i64,
    pub hpa: Option<&'a Object>,
}

/// The `matchLabels` of a workload's own selector that its pod template does not carry. The
/// API server accepts a workload only when its selector matches its template, so its pods
/// carry these; a fragment (a kustomize patch, a test fixture without a template) shows its
/// pods' labels only this way.
fn implied_labels(w: &Workload) -> impl Iterator<Item = (&String, &String)> {
    w.selector
        .iter()
        .flat_map(|s| s.value.match_labels.iter())
        .filter(|(k, _)| !w.template.labels.contains_key(k))
}

/// Whether `selector` matches the pods of workload `obj`: the labels of its pod template and
/// those its own selector implies, plus the labels the controllers add, which a selector may
/// ask for.
fn pod_matches(obj: &Object, w: &Workload, selector: &Selector) -> bool {
    let labels = &w.template.labels;
    let asks = |key: &str| {
        selector.match_labels.contains_key(key) || selector.expressions.iter().any(|r| r.key == key)
    };
    let mut extra: Vec<(&str, String)> = implied_labels(w)
        .filter(|(k, _)| asks(k))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    match (obj.kind.value.as_str(), obj.key.name.as_deref()) {
        ("Job", Some(name)) => {
            for k in JOB_NAME_LABELS {
                if asks(k) && !labels.contains_key(k) {
                    extra.push((k, name.to_string()));
                }
            }
        }
        ("StatefulSet", Some(name))
            if asks(STATEFULSET_POD_NAME) || asks(STATEFULSET_POD_INDEX) =>
        {
            // Every pod has its own name, `<statefulset>-<ordinal>`: the selector matches the
            // workload when it matches one of them, so take the ordinal it asks for.
            let wanted = selector
                .match_labels
                .get(STATEFULSET_POD_NAME)
                .and_then(|v| v.strip_prefix(name)?.strip_prefix('-').map(str::to_string))
                .or_else(|| selector.match_labels.get(STATEFULSET_POD_INDEX).cloned())
                .filter(|n| n.parse::<u32>().is_ok());
            let ordinal = wanted.unwrap_or_else(|| "0".to_string());
            extra.push((STATEFULSET_POD_NAME, format!("{name}-{ordinal}")));
            extra.push((STATEFULSET_POD_INDEX, ordinal));
        }
        _ => {}
    }
    if extra.is_empty() {
        return selector.matches(labels);
    }
    let mut with_extra = labels.clone();
    for (k, v) in extra {
        if !with_extra.contains_key(k) {
            with_extra.insert(k.to_string(), v);
        }
    }
    selector.matches(&with_extra)
}

/// Where a workload's effective replica count is decided, for messages and related locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicasOrigin {
    pub file: FileId,
    /// The HPA's `minReplicas`, the workload's `replicas`, or the workload's name when
    /// `replicas` is left to its default.
    pub span: Span,
    /// E.g. "Deployment web runs 3 replicas (spec.replicas)".
    pub text: String,
}

impl Replicas<'_> {
    /// The field that decides `count`: the HPA's `minReplicas` (its `scaleTargetRef` when
    /// `minReplicas` is left to its default), the workload's `replicas`, or the workload's
    /// name when `replicas` is left to its default. In the HPA's file when an HPA decides.
    pub fn origin_span(&self, workload: &Object) -> Span {
        match self.hpa.map(|h| (h, &h.spec)) {
            Some((_, Spec::HorizontalPodAutoscaler(spec))) => spec
                .min_replicas
                .as_ref()
                .map_or(spec.target_span, |m| m.span),
            Some((h, _)) => h.name_span(),
            None => workload
                .workload()
                .and_then(|w| w.replicas.as_ref())
                .map_or_else(|| workload.name_span(), |r| r.span),
        }
    }

    /// Where `count` comes from; `workload` is the object these replicas were computed for.
    pub fn origin(&self, workload: &Object) -> ReplicasOrigin {
        let what = format!("{} {}", workload.kind.value, workload.display_name());
        let n = self.count;
        let plural = if n == 1 { "replica" } else { "replicas" };
        let span = self.origin_span(workload);
        if let Some(h) = self.hpa {
            let written = matches!(&h.spec,
                Spec::HorizontalPodAutoscaler(spec) if spec.min_replicas.is_some());
            let how = if written {
                "minReplicas"
            } else {
                "minReplicas defaults to 1"
            };
            return ReplicasOrigin {
                file: h.file,
                span,
                text: format!(
                    "HorizontalPodAutoscaler {} scales {what} down to {n} {plural} ({how})",
                    h.display_name()
                ),
            };
        }
        let how = if workload.workload().is_some_and(|w| w.replicas.is_some()) {
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
}

#[derive(Default)]
pub struct Index {
    objects: Vec<Object>,
    /// (namespace, kind, name) → the first object of that identity.
    by_name: HashMap<(String, String, String), ObjectId>,
    /// The first object of an identity → the others of it (variants: one per environment
    /// directory, a kustomize base and its patches), in input order. Rare, so kept apart.
    variants: HashMap<ObjectId, Vec<ObjectId>>,
    /// Workloads per namespace, in input order.
    workloads_by_ns: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key, label value) → workloads whose pod template carries it.
    pods_by_label: HashMap<(String, String, String), Vec<ObjectId>>,
    /// Workload → HPAs bound to it (see `bind_hpas`).
    hpas_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// HPA → workloads bound to it, in input order.
    workloads_by_hpa: HashMap<ObjectId, Vec<ObjectId>>,
    /// (namespace, kind, name) of a scale target → HPAs that target it.
    hpas_by_target: HashMap<(String, String, String), Vec<ObjectId>>,
    /// Workload → PDBs that select its pods.
    pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// Workload → Services that select its pods.
    services_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// PDB or Service → workloads it selects.
    selected: HashMap<ObjectId, Vec<ObjectId>>,
    /// (namespace, name) → custom resources of that name that may run pods (objects of an
    /// API group that is not built in: an operator's Prometheus, Cluster, LeaderWorkerSet…).
    custom_by_name: HashMap<(String, String), Vec<ObjectId>>,
    /// (namespace, label key, label value) → custom resources whose own labels carry it.
    custom_by_label: HashMap<(String, String, String), Vec<ObjectId>>,
    /// Custom resources per namespace, in input order.
    custom_by_ns: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key) of every label some pod template of the namespace carries;
    /// only filled when the inputs define CRDs, for `labelled_by_controller`.
    pod_label_keys: HashSet<(String, String)>,
    /// CustomResourceDefinitions of the inputs: the API group each defines.
    crd_groups: Vec<String>,
}

/// Labels the pod controllers add to every pod they create, which selectors may use although
/// no pod template carries them: a Job's pods get its name, a StatefulSet's pods their own
/// name and ordinal.
const JOB_NAME_LABELS: &[&str] = &["job-name", "batch.kubernetes.io/job-name"];
const STATEFULSET_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
const STATEFULSET_POD_INDEX: &str = "apps.kubernetes.io/pod-index";

/// Built-in API groups with a dot in their name; any other dotted group is a custom resource.
const BUILTIN_DOTTED_GROUPS: &[&str] = &[
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Kinds of widespread custom resources that configure other objects and never run pods of
/// their own, although they are often named and labelled like the application: monitors,
/// routes and mesh and admission policies, certificates, secrets, autoscalers, queues, snapshots.
const NON_POD_CUSTOM_KINDS: &[&str] = &[
    "AlertmanagerConfig",
    "Application",
    "ApplicationSet",
    "AppProject",
    "AuthorizationPolicy",
    "BackendConfig",
    "BackendTLSPolicy",
    "Certificate",
    "CertificateRequest",
    "Challenge",
    "ChaosExperiment",
    "CiliumClusterwideNetworkPolicy",
    "CiliumNetworkPolicy",
    "ClusterExternalSecret",
    "ClusterIssuer",
    "ClusterPodMonitoring",
    "ClusterPolicy",
    "ClusterQueue",
    "ClusterSecretStore",
    "ClusterTriggerAuthentication",
    "ComputeClass",
    "DestinationRule",
    "EnvoyFilter",
    "ExternalSecret",
    "FrontendConfig",
    "Gateway",
    "GatewayClass",
    "GCPBackendPolicy",
    "GCPGatewayPolicy",
    "GKENetworkParamSet",
    "GRPCRoute",
    "HealthCheckPolicy",
    "HighAvailabilityApplication",
    "HTTPRoute",
    "InferenceModel",
    "InferencePool",
    "IngressRoute",
    "IngressRouteTCP",
    "Issuer",
    "KafkaTopic",
    "KafkaUser",
    "LocalQueue",
    "ManagedCertificate",
    "Middleware",
    "MultiClusterService",
    "Network",
    "Order",
    "PeerAuthentication",
    "PodMonitor",
    "PodMonitoring",
    "Policy",
    "Probe",
    "PrometheusRule",
    "ReferenceGrant",
    "RequestAuthentication",
    "ResourceFlavor",
    "Route",
    "ScaledObject",
    "ScrapeConfig",
    "SealedSecret",
    "SecretStore",
    "SecurityContextConstraints",
    "ServiceEntry",
    "ServiceMonitor",
    "Sidecar",
    "TCPRoute",
    "Telemetry",
    "TLSRoute",
    "TriggerAuthentication",
    "UDPRoute",
    "ValidatingPolicy",
    "VerticalPodAutoscaler",
    "VirtualService",
    "VolumeSnapshot",
    "VolumeSnapshotClass",
    "VolumeSnapshotContent",
    "WorkloadEntry",
    "WorkloadGroup",
];

/// Whether a label key's prefix lies in the domain of an API group, or the group in the
/// prefix's: `longhorn.io` and `recurring-job.longhorn.io` for group `longhorn.io`, `cnpg.io`
/// for group `postgresql.cnpg.io`. The bare `k8s.io` and `kubernetes.io` domains, which every
/// built-in group shares, match nothing.
fn same_domain(prefix: &str, group: &str) -> bool {
    let within = |sub: &str, domain: &str| {
        sub.len() > domain.len()
            && sub.ends_with(domain)
            && sub.as_bytes()[sub.len() - domain.len() - 1] == b'.'
    };
    let shared = ["k8s.io", "kubernetes.io"];
    prefix.contains('.')
        && !shared.contains(&prefix)
        && !shared.contains(&group)
        && (prefix == group || within(prefix, group) || within(group, prefix))
}

/// Whether an object is a custom resource that may run pods through its operator: its API
/// group has a dot and is not built in, and its kind is not one known to run none.
pub fn is_custom_resource(obj: &Object) -> bool {
    let group = api_group(&obj.api_version.value);
    group.contains('.')
        && !BUILTIN_DOTTED_GROUPS.contains(&group)
        && !NON_POD_CUSTOM_KINDS.contains(&obj.kind.value.as_str())
}

/// The identity of an object in a cluster: kind, namespace and name. Objects of one run that
/// share it (the same Deployment written once per environment directory, say) are variants
/// of one object, not several; rules that count or pair objects treat them as one. An object
/// without a name is its own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity<'a> {
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Result<&'a str, ObjectId>,
}

pub fn identity(obj: &Object) -> Identity<'_> {
    Identity {
        kind: &obj.kind.value,
        namespace: obj.namespace(),
        name: obj.key.name.as_deref().ok_or(obj.id),
    }
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

/// How near two files are: `usize::MAX` for the same file, else the number of leading
/// directories their paths share.
fn nearness(a: FileId, b: FileId, paths: &[&str]) -> usize {
    if a == b {
        return usize::MAX;
    }
    let (Some(pa), Some(pb)) = (paths.get(a as usize), paths.get(b as usize)) else {
        return 0;
    };
    let dirs = |p: &'_ str| -> Vec<String> {
        let mut v: Vec<String> = p.split('/').map(str::to_string).collect();
        v.pop();
        v
    };
    dirs(pa)
        .iter()
        .zip(dirs(pb).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

impl Index {
    /// The index of a run whose file paths are unknown (tests): HPAs bind to every workload
    /// they name unless one is in their own file.
    pub fn build(objects: Vec<Object>) -> Index {
        Index::build_with_paths(objects, &[])
    }

    /// Builds the index. `paths[file]` is each input's path, used to bind an autoscaler to
    /// the nearest of several workloads that share its target's kind, namespace and name.
    pub fn build_with_paths(objects: Vec<Object>, paths: &[&str]) -> Index {
        let mut objects = objects;
        for (i, o) in objects.iter_mut().enumerate() {
            o.id = i as ObjectId;
        }
        let mut ix = Index {
            objects,
            ..Index::default()
        };
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            if let Spec::CustomResourceDefinition(group) = &o.spec {
                ix.crd_groups.push(group.clone());
            }
            let Some(ns) = o.namespace() else { continue };
            if let Some(name) = &o.key.name {
                let first = *ix
                    .by_name
                    .entry(triple(ns, &o.kind.value, name))
                    .or_insert(id);
                if first != id {
                    ix.variants.entry(first).or_default().push(id);
                }
            }
            match &o.spec {
                Spec::Workload(w) => {
                    ix.workloads_by_ns
                        .entry(ns.to_string())
                        .or_default()
                        .push(id);
                    for (k, v) in w.template.labels.iter().chain(implied_labels(w)) {
                        ix.pods_by_label
                            .entry(triple(ns, k, v))
                            .or_default()
                            .push(id);
                    }
                    if let (Some(name), "Job") = (&o.key.name, o.kind.value.as_str()) {
                        for k in JOB_NAME_LABELS {
                            if !w.template.labels.contains_key(k) {
                                ix.pods_by_label
                                    .entry(triple(ns, k, name))
                                    .or_default()
                                    .push(id);
                            }
                        }
                    }
                }
                Spec::HorizontalPodAutoscaler(h) => {
                    if let (Some(kind), Some(name)) = (&h.target_kind, &h.target_name) {
                        ix.hpas_by_target
                            .entry(triple(ns, kind, name))
                            .or_default()
                            .push(id);
                    }
                }
                _ if is_custom_resource(o) => {
                    if let Some(name) = &o.key.name {
                        ix.custom_by_name
                            .entry((ns.to_string(), name.clone()))
                            .or_default()
                            .push(id);
                    }
                    for (k, v) in &o.labels {
                        ix.custom_by_label
                            .entry(triple(ns, k, v))
                            .or_default()
                            .push(id);
                    }
                    ix.custom_by_ns.entry(ns.to_string()).or_default().push(id);
                }
                _ => {}
            }
        }
        if !ix.crd_groups.is_empty() {
            ix.pod_label_keys = ix
                .pods_by_label
                .keys()
                .map(|(ns, k, _)| (ns.clone(), k.clone()))
                .collect();
        }
        ix.bind_hpas(paths);
        let mut selected = HashMap::new();
        let mut pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        let mut services_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            let Some(ns) = o.namespace() else { continue };
            let targets = match &o.spec {
                Spec::PodDisruptionBudget(p) => match &p.selector {
                    // policy/v1: an empty selector selects every pod of the namespace;
                    // policy/v1beta1: none. A missing selector selects nothing.
                    Some(s) if s.value.is_empty() => {
                        if o.api_version.value == "policy/v1beta1" {
                            Vec::new()
                        } else {
                            ix.workloads_in(ns).to_vec()
                        }
                    }
                    Some(s) => ix.select(ns, &s.value),
                    None => Vec::new(),
                },
                Spec::Service(s) => match &s.selector {
                    Some(sel) if !sel.value.is_empty() => ix.select(ns, &sel.value),
                    _ => continue,
                },
                _ => continue,
            };
            let reverse = if matches!(o.spec, Spec::Service(_)) {
                &mut services_by_workload
            } else {
                &mut pdbs_by_workload
            };
            for &t in &targets {
                reverse.entry(t).or_default().push(id);
            }
            selected.insert(id, targets);
        }
        ix.selected = selected;
        ix.pdbs_by_workload = pdbs_by_workload;
        ix.services_by_workload = services_by_workload;
        ix
    }

    /// Binds each HPA to the workload it scales. Objects with one kind, namespace and name are
    /// one object in a cluster, so several of them in one run are alternatives — the same
    /// app in two environment directories, or two unrelated samples that both call their
    /// Deployment `frontend`. An HPA then scales the nearest: the one in its own file, else
    /// the ones sharing the most leading directories with it. A unique target binds wherever
    /// it is (an HPA kept in an `hpa/` directory next to `deploy/`).
    fn bind_hpas(&mut self, paths: &[&str]) {
        let mut by_identity: HashMap<(String, String, String), Vec<ObjectId>> = HashMap::new();
        for o in &self.objects {
            if let (Some(ns), Some(name), Some(_)) = (o.namespace(), &o.key.name, o.workload()) {
                by_identity
                    .entry(triple(ns, &o.kind.value, name))
                    .or_default()
                    .push(o.id);
            }
        }
        let mut bound: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for (target, hpas) in &self.hpas_by_target {
            let Some(candidates) = by_identity.get(target) else {
                continue;
            };
            for &h in hpas {
                let hfile = self.objects[h as usize].file;
                let near = |w: ObjectId| nearness(hfile, self.objects[w as usize].file, paths);
                let best = candidates.iter().map(|&w| near(w)).max().unwrap_or(0);
                for &w in candidates {
                    if candidates.len() == 1 || near(w) == best {
                        bound.entry(w).or_default().push(h);
                    }
                }
            }
        }
        let mut scaled: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for (&w, hpas) in bound.iter_mut() {
            hpas.sort_unstable();
            for &h in hpas.iter() {
                scaled.entry(h).or_default().push(w);
            }
        }
        for v in scaled.values_mut() {
            v.sort_unstable();
        }
        self.hpas_by_workload = bound;
        self.workloads_by_hpa = scaled;
    }

    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    pub fn get(&self, id: ObjectId) -> &Object {
        &self.objects[id as usize]
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn find(&self, namespace: &str, kind: &str, name: &str) -> Option<&Object> {
        self.by_name
            .get(&triple(namespace, kind, name))
            .map(|&i| self.get(i))
    }

    /// Every object of a kind, namespace and name, in input order.
    fn same_identity<'a>(
        &'a self,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> {
        let first = self.by_name.get(&triple(namespace, kind, name)).copied();
        let others = first
            .and_then(|f| self.variants.get(&f))
            .map_or(&[][..], |v| v.as_slice());
        first
            .into_iter()
            .chain(others.iter().copied())
            .map(|id| self.get(id))
    }

    /// The complete variants of a workload fragment (a kustomize patch that sets only
    /// `replicas`, say): the other workloads of its kind, namespace and name whose pod template
    /// has containers, in input order. A fragment's labels and budgets are those of the base
    /// it is merged into.
    pub fn bases_of<'a>(&'a self, fragment: &'a Object) -> impl Iterator<Item = &'a Object> {
        let ns = fragment.namespace().unwrap_or_default();
        fragment
            .key
            .name
            .iter()
            .flat_map(move |name| self.same_identity(ns, &fragment.kind.value, name))
            .filter(move |o| o.id != fragment.id && o.workload().is_some_and(|w| !w.is_fragment()))
    }

    /// Whether a workload of `namespace` named `name` carries no labels at all (no template
    /// labels, no selector): a kustomize base whose labels the `labels` or `commonLabels`
    /// transformer adds at build time, as metrics-server's is.
    fn unlabelled_namesake(&self, namespace: &str, name: &str) -> bool {
        WORKLOAD_KINDS
            .iter()
            .flat_map(|kind| self.same_identity(namespace, kind, name))
            .any(|o| {
                o.workload().is_some_and(|w| {
                    w.template.labels.is_empty()
                        && w.selector.as_ref().is_none_or(|s| s.value.is_empty())
                })
            })
    }

    /// Whether the pods that `selector` (of the budget or Service `obj`) asks for probably
    /// exist once deployed, although no workload of the inputs shows them: pods an operator
    /// runs for a custom resource of the inputs (`custom_resource_for`), labels a controller
    /// of the inputs sets at run time (`labelled_by_controller`), or the pods of a same-named
    /// kustomize base whose labels are added at build time (`unlabelled_namesake`).
    pub fn pods_made_elsewhere(&self, obj: &Object, selector: &Selector) -> bool {
        let ns = obj.namespace().unwrap_or("default");
        self.custom_resource_for(ns, selector)
            || self.labelled_by_controller(ns, selector)
            || obj
                .key
                .name
                .as_deref()
                .is_some_and(|n| self.unlabelled_namesake(ns, n))
    }

    pub fn workloads_in(&self, namespace: &str) -> &[ObjectId] {
        self.workloads_by_ns
            .get(namespace)
            .map_or(&[], |v| v.as_slice())
    }

    /// Workloads of `namespace` whose pods `selector` matches, in input order: the labels of
    /// their pod template, plus those the controllers add to every pod (`job-name` on a Job's
    /// pods, `statefulset.kubernetes.io/pod-name` on a StatefulSet's). An empty selector
    /// matches every workload; callers that mean otherwise check first.
    pub fn select(&self, namespace: &str, selector: &Selector) -> Vec<ObjectId> {
        self.candidates(
            namespace,
            selector,
            &self.pods_by_label,
            self.workloads_in(namespace),
        )
        .iter()
        .copied()
        .filter(|&c| {
            let o = self.get(c);
            o.workload().is_some_and(|w| pod_matches(o, w, selector))
        })
        .collect()
    }

    /// The objects of `all` (a namespace's workloads or custom resources) that `select`
    /// tests against a selector, in input order: the posting list of one `key=value` pair
    /// every match must carry; else, for an `In` expression, the union of the posting lists
    /// of its values (disjoint, since an object has one value per key); only a selector with
    /// neither (`NotIn`, `Exists`, `DoesNotExist` alone) scans `all`. Labels that differ
    /// from pod to pod (a StatefulSet pod's name) are not in the posting lists, so they are
    /// not used to look up candidates.
    fn candidates<'s>(
        &'s self,
        namespace: &str,
        selector: &Selector,
        posting: &'s HashMap<(String, String, String), Vec<ObjectId>>,
        all: &'s [ObjectId],
    ) -> Cow<'s, [ObjectId]> {
        let list = |k: &str, v: &str| {
            posting
                .get(&triple(namespace, k, v))
                .map_or(&[][..], |v| v.as_slice())
        };
        let indexed = |k: &str| k != STATEFULSET_POD_NAME && k != STATEFULSET_POD_INDEX;
        if let Some((k, v)) = selector.match_labels.iter().find(|(k, _)| indexed(k)) {
            return Cow::Borrowed(list(k, v));
        }
        let one_of = selector
            .expressions
            .iter()
            .find(|r| r.operator == Operator::In && indexed(&r.key));
        match one_of {
            Some(r) => {
                let mut ids: Vec<ObjectId> = r
                    .values
                    .iter()
                    .flat_map(|v| list(&r.key, v).iter().copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                Cow::Owned(ids)
            }
            None => Cow::Borrowed(all),
        }
    }

    /// Whether a custom resource in `namespace` probably runs the pods `selector` asks for,
    /// although no workload of the inputs does: one named like a value of the selector (an
    /// operator labels the pods it creates with the name of its resource: `cnpg.io/cluster:
    /// pg`, `app.kubernetes.io/instance: k8s`), or one whose own labels the selector
    /// matches (operators often copy them onto the pods); for an empty selector, any.
    fn custom_resource_for(&self, namespace: &str, selector: &Selector) -> bool {
        let values = selector.match_labels.values().chain(
            selector
                .expressions
                .iter()
                .filter(|r| r.operator == Operator::In)
                .flat_map(|r| r.values.iter()),
        );
        for v in values {
            let key = (namespace.to_string(), v.clone());
            if self.custom_by_name.contains_key(&key) {
                return true;
            }
        }
        let all = self
            .custom_by_ns
            .get(namespace)
            .map_or(&[][..], |v| v.as_slice());
        self.candidates(namespace, selector, &self.custom_by_label, all)
            .iter()
            .any(|&c| selector.matches(&self.get(c).labels))
    }

    /// Whether the controller of a CustomResourceDefinition of the inputs probably sets a
    /// label `selector` asks for at run time, although no pod template carries it: a controller labels pods under
    /// the domain of the API group it serves (Longhorn's manager adds
    /// `longhorn.io/admission-webhook` to its own pod once it runs the webhook). Such a label
    /// is a key of the selector that no pod template of `namespace` carries at all, under the
    /// domain of a group a CRD of the inputs defines (`longhorn.io`, `recurring-job.longhorn.io`
    /// for `longhorn.io`; `cnpg.io` for `postgresql.cnpg.io`). The rest of the selector must
    /// still select a workload of the namespace, or be empty in a namespace that has
    /// workloads, for the pods to be there.
    fn labelled_by_controller(&self, namespace: &str, selector: &Selector) -> bool {
        if self.crd_groups.is_empty() {
            return false;
        }
        let runtime = |key: &str| {
            key.split_once('/').is_some_and(|(prefix, _)| {
                !self
                    .pod_label_keys
                    .contains(&(namespace.to_string(), key.to_string()))
                    && self.crd_groups.iter().any(|g| same_domain(prefix, g))
            })
        };
        let mut found = false;
        let mut rest = Selector::default();
        for (k, v) in &selector.match_labels {
            if runtime(k) {
                found = true;
            } else {
                rest.match_labels.insert(k.clone(), v.clone());
            }
        }
        for r in &selector.expressions {
            // `NotIn` and `DoesNotExist` hold for pods without the label anyway.
            if matches!(r.operator, Operator::In | Operator::Exists) && runtime(&r.key) {
                found = true;
            } else {
                rest.expressions.push(r.clone());
            }
        }
        found
            && if rest.is_empty() {
                !self.workloads_in(namespace).is_empty()
            } else {
                !self.select(namespace, &rest).is_empty()
            }
    }

    /// HorizontalPodAutoscalers in the workload's namespace that target it by kind and name
    /// and are bound to it (the nearest of same-named alternatives, see `bind_hpas`).
    pub fn hpas_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.hpas_by_workload, obj)
    }

    /// Workloads an HPA is bound to, in input order (several when same-named alternatives are
    /// equally near it).
    pub fn scaled_by(&self, hpa: &Object) -> Vec<&Object> {
        self.reverse(&self.workloads_by_hpa, hpa)
    }

    /// The replicas a workload runs with: `spec.replicas` (absent = 1), unless a
    /// HorizontalPodAutoscaler in its namespace targets it by kind and name, in which case
    /// the HPA's `minReplicas` (absent = 1). `None` for kinds without replicas (Pod,
    /// DaemonSet, Job, CronJob) and for non-workloads.
    pub fn effective_replicas<'a>(&'a self, obj: &'a Object) -> Option<Replicas<'a>> {
        let w = obj.workload()?;
        if !REPLICATED_KINDS.contains(&obj.kind.value.as_str()) {
            return None;
        }
        // Variants of one workload (one per environment directory) each have theirs: prefer
        // the autoscaler written in the workload's own file.
        let hpas = self.hpas_for(obj);
        let hpa = hpas
            .iter()
            .find(|h| h.file == obj.file)
            .or(hpas.first())
            .copied();
        if let Some(h) = hpa {
            if let Spec::HorizontalPodAutoscaler(spec) = &h.spec {
                return Some(Replicas {
                    count: spec.min_replicas.as_ref().map_or(1, |m| m.value),
                    hpa: Some(h),
                });
            }
        }
        // A count that is not an integer is reported by `invalid-field-type`; it is unknown,
        // not the default 1.
        if w.replicas_invalid {
            return None;
        }
        Some(Replicas {
            count: w.replicas.as_ref().map_or(1, |r| r.value),
            hpa: None,
        })
    }

    /// PodDisruptionBudgets that select the workload's pods.
    pub fn pdbs_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.pdbs_by_workload, obj)
    }

    /// Ids of the PodDisruptionBudgets that select the workload's pods, in input order,
    /// without building a list: for rules that look at one of them only.
    pub fn pdb_ids_for(&self, obj: &Object) -> &[ObjectId] {
        self.pdbs_by_workload
            .get(&obj.id)
            .map_or(&[], |v| v.as_slice())
    }

    /// Services whose selector selects the workload's pods.
    pub fn services_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.services_by_workload, obj)
    }

    /// Workloads a PDB or Service selects.
    pub fn selected_by(&self, obj: &Object) -> Vec<&Object> {
        self.selected
            .get(&obj.id)
            .map(|v| v.iter().map(|&i| self.get(i)).collect())
            .unwrap_or_default()
    }

    fn reverse<'a>(
        &'a self,
        map: &HashMap<ObjectId, Vec<ObjectId>>,
        obj: &Object,
    ) -> Vec<&'a Object> {
        map.get(&obj.id)
            .map(|v| v.iter().map(|&i| self.get(i)).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{self, Extracted};

    fn index_of(text: &str) -> Index {
        let mut out = Extracted::default();
        for doc in crate::yaml::parse_stream(text, false) {
            if let Ok(tree) = doc.tree {
                model::extract(&tree, 0, None, "default", &mut out);
            }
        }
        Index::build(out.objects)
    }

    fn deployment(name: &str, ns: &str, labels: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {labels}\n    \
             spec:\n      containers: [{{name: app, image: app}}]\n---\n"
        )
    }

    fn pdb(api: &str, name: &str, ns: &str, selector: &str) -> String {
        format!(
            "apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  maxUnavailable: 1\n  selector: {selector}\n---\n"
        )
    }

    fn names<'a>(objs: &[&'a Object]) -> Vec<&'a str> {
        objs.iter().map(|o| o.display_name()).collect()
    }

    /// Many workloads and as many PDBs in one namespace: every selector is tested against the
    /// workloads of its posting list only, so the total work grows with the number of
    /// objects, not with its square.
    #[test]
    fn matching_uses_the_label_index_not_every_pair() {
        const N: usize = 2000;
        let mut text = String::new();
        for i in 0..N {
            text.push_str(&deployment(
                &format!("w{i}"),
                "team",
                &format!("{{app: w{i}, tier: web}}"),
            ));
        }
        for i in 0..N {
            let selector = if i % 2 == 0 {
                format!("{{matchLabels: {{app: w{i}}}}}")
            } else {
                format!("{{matchExpressions: [{{key: app, operator: In, values: [w{i}, gone]}}]}}")
            };
            text.push_str(&pdb("policy/v1", &format!("p{i}"), "team", &selector));
        }
        let ix = index_of(&text);
        assert_eq!(ix.len(), 2 * N);
        let mut tested = 0;
        for o in ix.objects() {
            if let Spec::PodDisruptionBudget(p) = &o.spec {
                let sel = p.selector.as_ref().map(|s| &s.value);
                tested += sel.map_or(0, |s| {
                    ix.candidates("team", s, &ix.pods_by_label, ix.workloads_in("team"))
                        .len()
                });
            }
        }
        assert_eq!(
            tested, N,
            "each selector is tested against its own workload only"
        );
        for o in ix.objects().iter().take(N) {
            let pdbs = ix.pdbs_for(o);
            assert_eq!(pdbs.len(), 1);
            assert_eq!(&pdbs[0].display_name()[1..], &o.display_name()[1..]);
        }
    }

    #[test]
    fn pdb_selectors_follow_the_api_version_and_namespace() {
        let mut text = deployment("web", "team", "{app: web}");
        text.push_str(&deployment("api", "team", "{app: api}"));
        text.push_str(&deployment("web", "other", "{app: web}"));
        text.push_str(&pdb("policy/v1", "all", "team", "{}"));
        text.push_str(&pdb("policy/v1beta1", "none", "team", "{}"));
        text.push_str(&pdb(
            "policy/v1",
            "expr",
            "team",
            "{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}",
        ));
        text.push_str(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\n\
             metadata: {name: null-selector, namespace: team}\nspec: {maxUnavailable: 1}\n",
        );
        let ix = index_of(&text);
        let by_name = |n: &str| ix.find("team", "PodDisruptionBudget", n);
        let selected = |n: &str| by_name(n).map(|p| names(&ix.selected_by(p)));
        assert_eq!(selected("all"), Some(vec!["web", "api"]));
        assert_eq!(selected("none"), Some(vec![]));
        assert_eq!(selected("expr"), Some(vec!["web"]));
        assert_eq!(selected("null-selector"), Some(vec![]));
        let web = ix.find("team", "Deployment", "web");
        assert_eq!(
            web.map(|w| names(&ix.pdbs_for(w))),
            Some(vec!["all", "expr"])
        );
        let other = ix.find("other", "Deployment", "web");
        assert_eq!(other.map(|w| ix.pdbs_for(w).len()), Some(0));
    }
}

#[cfg(test)]
mod hpa_binding_tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::settings::Settings;

    fn objects(files: &[&str]) -> Vec<Object> {
        let mut out = crate::model::Extracted::default();
        for (i, text) in files.iter().enumerate() {
            for doc in crate::yaml::parse_stream(text, false) {
                if let Ok(tree) = doc.tree {
                    crate::model::extract(
                        &tree,
                        i as FileId,
                        None,
                        &Settings::default().namespace,
                        &mut out,
                    );
                }
            }
        }
        out.objects
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec:\n  replicas: 2\n  template: {metadata: {labels: {app: f}}, spec: {containers: [{name: c, image: i}]}}\n";
    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: f}\nspec:\n  scaleTargetRef: {kind: Deployment, name: frontend}\n  minReplicas: 6\n";

    #[test]
    fn an_hpa_binds_to_the_nearest_of_same_named_workloads() {
        let paths = [
            "shop/prod/deploy.yaml",
            "shop/prod/hpa.yaml",
            "demo/frontend.yaml",
        ];
        let ix = Index::build_with_paths(objects(&[DEPLOY, HPA, DEPLOY]), &paths);
        let scaled: Vec<usize> = ix
            .objects()
            .iter()
            .filter(|o| o.workload().is_some())
            .map(|o| ix.hpas_for(o).len())
            .collect();
        assert_eq!(scaled, vec![1, 0]);
    }

    #[test]
    fn a_unique_target_binds_wherever_it_is() {
        let paths = ["deploy/frontend.yaml", "autoscaling/hpa.yaml"];
        let ix = Index::build_with_paths(objects(&[DEPLOY, HPA]), &paths);
        let w = ix
            .objects()
            .iter()
            .find(|o| o.workload().is_some())
            .expect("workload");
        assert_eq!(ix.effective_replicas(w).map(|r| r.count), Some(6));
    }

    #[test]
    fn label_domains_of_api_groups() {
        assert!(same_domain("longhorn.io", "longhorn.io"));
        assert!(same_domain("recurring-job.longhorn.io", "longhorn.io"));
        assert!(same_domain("cnpg.io", "postgresql.cnpg.io"));
        // A shared suffix is not a domain: `horn.io` is not `longhorn.io`'s parent.
        assert!(!same_domain("horn.io", "longhorn.io"));
        assert!(!same_domain("app.kubernetes.io", "networking.k8s.io"));
        assert!(!same_domain("kubernetes.io", "foo.kubernetes.io"));
        assert!(!same_domain("k8s.io", "gateway.networking.k8s.io"));
        assert!(!same_domain("io", "longhorn.io"));
    }
}
