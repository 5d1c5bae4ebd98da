//! The registry. Declaring a rule module and registering its rule are one line of
//! [`registry!`], so a rule cannot be half-registered; `tests/registry.rs` fails on a rule file
//! or fixture folder that is not registered, and on ids out of order.

use crate::rule::{Rule, RuleMeta};

pub mod support;

/// `module => Type`: declares `pub mod module;` and registers `module::Type` in [`RULES`].
macro_rules! registry {
    ($($module:ident => $rule:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule, sorted by id (a test checks it, so [`find`] can search it).
        pub static RULES: &[&dyn Rule] = &[$(&$module::$rule),*];

        /// The module of each rule of [`RULES`], in the same order.
        pub const MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

registry! {
    bare_pod => BarePod,
    deprecated_api => DeprecatedApi,
    duplicate_key => DuplicateKey,
    eviction_blocked => EvictionBlocked,
    hpa_replicas_conflict => HpaReplicasConflict,
    identical_probes => IdenticalProbes,
    invalid_field_type => InvalidFieldType,
    liveness_stricter_than_readiness => LivenessStricterThanReadiness,
    missing_liveness_probe => MissingLivenessProbe,
    missing_pdb => MissingPdb,
    missing_pod_anti_affinity => MissingPodAntiAffinity,
    missing_prestop_sleep => MissingPrestopSleep,
    missing_readiness_probe => MissingReadinessProbe,
    missing_zone_spread => MissingZoneSpread,
    not_ready_addresses_published => NotReadyAddressesPublished,
    overlapping_pdbs => OverlappingPdbs,
    parse_error => ParseError,
    pdb_blocks_drain => PdbBlocksDrain,
    pdb_matches_nothing => PdbMatchesNothing,
    prestop_exceeds_grace_period => PrestopExceedsGracePeriod,
    probe_port_unknown => ProbePortUnknown,
    progress_deadline_too_short => ProgressDeadlineTooShort,
    removed_api => RemovedApi,
    replicas_not_zone_multiple => ReplicasNotZoneMultiple,
    rollout_full_outage => RolloutFullOutage,
    rollout_strategy_invalid => RolloutStrategyInvalid,
    route_backend_missing => RouteBackendMissing,
    service_matches_nothing => ServiceMatchesNothing,
    service_port_mismatch => ServicePortMismatch,
    single_replica => SingleReplica,
    spread_selector_mismatch => SpreadSelectorMismatch,
    unknown_field => UnknownField,
    unknown_rule => UnknownRule,
    unused_suppression => UnusedSuppression,
    zero_grace_period => ZeroGracePeriod,
}

/// Metadata of every rule, sorted by id.
pub fn all_metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

/// The rule with this id (a binary search: [`RULES`] is sorted by id).
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES
        .binary_search_by(|r| r.meta().id.cmp(id))
        .ok()
        .and_then(|i| RULES.get(i))
        .map(|r| r.meta())
}
