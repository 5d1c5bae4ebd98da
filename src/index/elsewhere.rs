//! Heuristics about pods made elsewhere: pods a budget or Service selects that no workload of
//! the inputs shows, but that probably exist once deployed — run by an operator for a custom
//! resource of the inputs, labelled at run time by a controller of the inputs, or made from a
//! kustomize base whose labels are added at build time. The cross-object rules ask
//! [`Index::pods_made_elsewhere`] before reporting a selector that matches nothing.

use super::*;

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
    let group = api_group(&obj.key.api_version);
    group.contains('.')
        && !BUILTIN_DOTTED_GROUPS.contains(&group)
        && !NON_POD_CUSTOM_KINDS.contains(&obj.key.kind.as_str())
}

impl Index {
    /// Whether a workload of `namespace` named `name` carries no labels at all (no template
    /// labels, no selector): a kustomize base whose labels the `labels` or `commonLabels`
    /// transformer adds at build time, as metrics-server's is.
    fn unlabelled_namesake(&self, from: FileId, namespace: &str, name: &str) -> bool {
        WORKLOAD_KINDS
            .iter()
            .flat_map(|kind| self.same_identity(namespace, kind.name(), name))
            .filter(|o| self.linked(from, o.file))
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
                .is_some_and(|n| self.unlabelled_namesake(obj.file, ns, n))
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
            let key = self.symbols.find2(namespace, v);
            if key.is_some_and(|key| self.custom_by_name.contains_key(&key)) {
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
                    .symbols
                    .find2(namespace, key)
                    .is_some_and(|k| self.pod_label_keys.contains(&k))
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
