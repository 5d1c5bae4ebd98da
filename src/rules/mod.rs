//! The registry: one line per rule. Ids are kept sorted (a test checks it).

use crate::rule::{Rule, RuleMeta};

pub mod availability;
pub mod hpa_replicas_conflict;
pub mod invalid_field_type;
pub mod missing_liveness_probe;
pub mod missing_pod_anti_affinity;
pub mod missing_readiness_probe;
pub mod missing_zone_spread;
pub mod parse_error;
pub mod replicas_not_zone_multiple;
pub mod rollout_full_outage;
pub mod rollout_strategy_invalid;
pub mod single_replica;
pub mod spread_selector_mismatch;

/// Rules that check objects.
pub static RULES: &[&dyn Rule] = &[
    &hpa_replicas_conflict::HpaReplicasConflict,
    &missing_liveness_probe::MissingLivenessProbe,
    &missing_pod_anti_affinity::MissingPodAntiAffinity,
    &missing_readiness_probe::MissingReadinessProbe,
    &missing_zone_spread::MissingZoneSpread,
    &replicas_not_zone_multiple::ReplicasNotZoneMultiple,
    &rollout_full_outage::RolloutFullOutage,
    &rollout_strategy_invalid::RolloutStrategyInvalid,
    &single_replica::SingleReplica,
    &spread_selector_mismatch::SpreadSelectorMismatch,
];

/// Findings the loader itself reports (no object check).
pub static LOADER_RULES: &[&RuleMeta] = &[&invalid_field_type::META, &parse_error::META];

/// Metadata of every rule, sorted by id.
pub fn all_metas() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = LOADER_RULES
        .iter()
        .copied()
        .chain(RULES.iter().map(|r| r.meta()))
        .collect();
    v.sort_by_key(|m| m.id);
    v
}

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    all_metas().into_iter().find(|m| m.id == id)
}
