//! The registry cannot be half-edited: every rule file under `src/rules/` and every fixture
//! folder under `testdata/rules/` belongs to a registered rule, ids are sorted and unique, and
//! each rule's module is named after its id.

mod common;

use std::collections::BTreeSet;

use kube_contract::rules;

fn names_in(dir: &std::path::Path, want_dirs: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() != want_dirs {
            continue;
        }
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if want_dirs {
            out.insert(name.to_string());
        } else if let Some(stem) = name.strip_suffix(".rs") {
            out.insert(stem.to_string());
        }
    }
    out
}

#[test]
fn ids_are_sorted_unique_and_name_their_module() {
    let ids: Vec<&str> = rules::RULES.iter().map(|r| r.meta().id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "registry! in src/rules/mod.rs must list rules sorted by id, each once: {ids:?}"
    );
    assert_eq!(rules::MODULES.len(), ids.len());
    for (module, id) in rules::MODULES.iter().zip(&ids) {
        assert_eq!(
            *module,
            id.replace('-', "_"),
            "the module of `{id}` must be named after it"
        );
    }
}

#[test]
fn every_rule_file_is_registered() {
    let files = names_in(&common::root().join("src/rules"), false);
    let registered: BTreeSet<String> = rules::MODULES.iter().map(|m| m.to_string()).collect();
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| *f != "mod" && !registered.contains(*f))
        .collect();
    assert!(
        missing.is_empty(),
        "rule files not in registry! (src/rules/mod.rs); shared helpers go under \
         src/rules/support/: {missing:?}"
    );
    assert!(files.len() > 20, "read too few rule files");
}

#[test]
fn every_fixture_folder_is_a_registered_rule() {
    let folders = names_in(&common::root().join("testdata/rules"), true);
    let unknown: Vec<&String> = folders
        .iter()
        .filter(|f| rules::find(f).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "fixture folders of no registered rule: {unknown:?}"
    );
    for meta in rules::all_metas() {
        assert!(folders.contains(meta.id), "{}: no fixture folder", meta.id);
    }
}

#[test]
fn find_is_exact() {
    for meta in rules::all_metas() {
        assert_eq!(rules::find(meta.id).map(|m| m.id), Some(meta.id));
    }
    assert!(rules::find("missing-readyness-probe").is_none());
    assert!(rules::find("").is_none());
    assert!(rules::find("zzz").is_none());
}
