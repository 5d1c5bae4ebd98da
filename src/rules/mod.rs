//! The registry: one line per rule. Ids are kept sorted (a test checks it).

use crate::rule::{Rule, RuleMeta};

pub mod availability;
pub mod bare_pod;
pub mod deprecated_api;
pub mod duplicate_key;
pub mod hpa_replicas_conflict;
pub mod identical_probes;
pub mod invalid_field_type;
pub mod missing_liveness_probe;
pub mod missing_pdb;
pub mod missing_pod_anti_affinity;
pub mod missing_prestop_sleep;
pub mod missing_readiness_probe;
pub mod missing_zone_spread;
pub mod overlapping_pdbs;
pub mod parse_error;
pub mod pdb_blocks_drain;
pub mod pdb_matches_nothing;
pub mod prestop_exceeds_grace_period;
pub mod removed_api;
pub mod replicas_not_zone_multiple;
pub mod rollout_full_outage;
pub mod rollout_strategy_invalid;
pub mod service_matches_nothing;
pub mod single_replica;
pub mod spread_selector_mismatch;
pub mod unknown_field;
pub mod unknown_rule;
pub mod unused_suppression;
pub mod zero_grace_period;

/// Rules that check objects.
pub static RULES: &[&dyn Rule] = &[
    &bare_pod::BarePod,
    &deprecated_api::DeprecatedApi,
    &hpa_replicas_conflict::HpaReplicasConflict,
    &identical_probes::IdenticalProbes,
    &missing_liveness_probe::MissingLivenessProbe,
    &missing_pdb::MissingPdb,
    &missing_pod_anti_affinity::MissingPodAntiAffinity,
    &missing_prestop_sleep::MissingPrestopSleep,
    &missing_readiness_probe::MissingReadinessProbe,
    &missing_zone_spread::MissingZoneSpread,
    &overlapping_pdbs::OverlappingPdbs,
    &pdb_blocks_drain::PdbBlocksDrain,
    &pdb_matches_nothing::PdbMatchesNothing,
    &prestop_exceeds_grace_period::PrestopExceedsGracePeriod,
    &removed_api::RemovedApi,
    &replicas_not_zone_multiple::ReplicasNotZoneMultiple,
    &rollout_full_outage::RolloutFullOutage,
    &rollout_strategy_invalid::RolloutStrategyInvalid,
    &service_matches_nothing::ServiceMatchesNothing,
    &single_replica::SingleReplica,
    &spread_selector_mismatch::SpreadSelectorMismatch,
    &zero_grace_period::ZeroGracePeriod,
];

/// Findings the loader and the engine report themselves (no object check).
pub static LOADER_RULES: &[&RuleMeta] = &[
    &duplicate_key::META,
    &invalid_field_type::META,
    &parse_error::META,
    &unknown_field::META,
    &unknown_rule::META,
    &unused_suppression::META,
];

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
