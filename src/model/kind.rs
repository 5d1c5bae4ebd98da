//! The kinds rules and the index tell apart, as an enum; every other kind is [`Kind::Other`]
//! (its name stays in `Object::kind_name`). A kind is read from the `kind` value alone, as the
//! rules always compared it; which API group makes it a built-in is the extractor's business.

use std::fmt;

#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
    PodDisruptionBudget,
    HorizontalPodAutoscaler,
    Service,
    ConfigMap,
    CustomResourceDefinition,
    Ingress,
    HTTPRoute,
    GRPCRoute,
    /// Argo Rollouts `Rollout` (`argoproj.io`).
    Rollout,
    /// OpenShift `DeploymentConfig` (`apps.openshift.io`).
    DeploymentConfig,
    /// KEDA `ScaledObject` (`keda.sh`), an autoscaler like the HorizontalPodAutoscaler.
    ScaledObject,
    /// A controller the configuration declares (`controllers`), judged like a Deployment; its
    /// name is the object's `kind_name`.
    Declared,
    Other,
}

impl Kind {
    /// Every kind but `Other`, with its name.
    const NAMED: &'static [(Kind, &'static str)] = &[
        (Kind::Pod, "Pod"),
        (Kind::Deployment, "Deployment"),
        (Kind::StatefulSet, "StatefulSet"),
        (Kind::DaemonSet, "DaemonSet"),
        (Kind::ReplicaSet, "ReplicaSet"),
        (Kind::ReplicationController, "ReplicationController"),
        (Kind::Job, "Job"),
        (Kind::CronJob, "CronJob"),
        (Kind::PodDisruptionBudget, "PodDisruptionBudget"),
        (Kind::HorizontalPodAutoscaler, "HorizontalPodAutoscaler"),
        (Kind::Service, "Service"),
        (Kind::ConfigMap, "ConfigMap"),
        (Kind::CustomResourceDefinition, "CustomResourceDefinition"),
        (Kind::Ingress, "Ingress"),
        (Kind::HTTPRoute, "HTTPRoute"),
        (Kind::GRPCRoute, "GRPCRoute"),
        (Kind::Rollout, "Rollout"),
        (Kind::DeploymentConfig, "DeploymentConfig"),
        (Kind::ScaledObject, "ScaledObject"),
    ];

    /// The kind a `kind:` value names.
    pub fn parse(name: &str) -> Kind {
        Self::NAMED
            .iter()
            .find(|(_, n)| *n == name)
            .map_or(Kind::Other, |(k, _)| *k)
    }

    /// Its name as manifests write it (`Other` has none of its own).
    pub fn name(self) -> &'static str {
        Self::NAMED.iter().find(|(k, _)| *k == self).map_or(
            if self == Kind::Declared {
                "(declared controller)"
            } else {
                "(other kind)"
            },
            |(_, n)| n,
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Kinds that run pods, with where their pod template sits.
pub const WORKLOAD_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Deployment,
    Kind::StatefulSet,
    Kind::DaemonSet,
    Kind::ReplicaSet,
    Kind::ReplicationController,
    Kind::Job,
    Kind::CronJob,
    Kind::Rollout,
    Kind::DeploymentConfig,
    Kind::Declared,
];

/// Workload kinds whose pods run until stopped (not Jobs and CronJobs).
pub const LONG_RUNNING_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Deployment,
    Kind::StatefulSet,
    Kind::DaemonSet,
    Kind::ReplicaSet,
    Kind::ReplicationController,
    Kind::Rollout,
    Kind::DeploymentConfig,
    Kind::Declared,
];

/// Workloads whose replica count is set in the manifest (or by an autoscaler).
pub const REPLICATED_KINDS: &[Kind] = &[
    Kind::Deployment,
    Kind::StatefulSet,
    Kind::ReplicaSet,
    Kind::ReplicationController,
    Kind::Rollout,
    Kind::DeploymentConfig,
    Kind::Declared,
];

/// Workloads that keep a set of interchangeable pods running, the way a Deployment does: the
/// kinds a PodDisruptionBudget is expected for.
pub const DEPLOYMENT_LIKE_KINDS: &[Kind] = &[
    Kind::Deployment,
    Kind::StatefulSet,
    Kind::Rollout,
    Kind::DeploymentConfig,
    Kind::Declared,
];

/// Autoscalers that set a workload's replica count: HorizontalPodAutoscalers and KEDA
/// ScaledObjects.
pub const AUTOSCALER_KINDS: &[Kind] = &[Kind::HorizontalPodAutoscaler, Kind::ScaledObject];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (k, n) in Kind::NAMED {
            assert_eq!(Kind::parse(n), *k);
            assert_eq!(k.name(), *n);
        }
        assert_eq!(Kind::parse("Rollouts"), Kind::Other);
        assert_eq!(Kind::parse("deployment"), Kind::Other);
    }
}
