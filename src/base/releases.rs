//! The Kubernetes releases kube-contract knows: those of the embedded API schema data
//! (`src/schema/builtin.txt`, read by `schema::builtin`). Its `releases` line is all the lower
//! layers need (the default `--kubernetes-version`, the check of a target), so it is read here
//! without loading the rest.

use std::sync::OnceLock;

use crate::base::kube_version::KubeVersion;

/// The embedded schema data.
pub const SCHEMA_DATA: &str = include_str!("../schema/builtin.txt");

/// The releases of the schema data, oldest first.
pub fn releases() -> &'static [KubeVersion] {
    static RELEASES: OnceLock<Vec<KubeVersion>> = OnceLock::new();
    RELEASES.get_or_init(|| read_releases(SCHEMA_DATA).unwrap_or_default())
}

/// The newest release of the schema data: the default target.
pub fn newest() -> Option<KubeVersion> {
    releases().last().copied()
}

/// The `releases` line.
fn read_releases(text: &str) -> Option<Vec<KubeVersion>> {
    let line = text.lines().find_map(|l| l.strip_prefix("releases "))?;
    line.split_ascii_whitespace()
        .map(|r| r.parse().ok())
        .collect()
}
