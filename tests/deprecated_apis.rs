//! Every row of the deprecated-API table (`rules/deprecated-apis.yaml`), checked at its
//! boundaries on a manifest built from the row: the release before deprecated-in is silent,
//! deprecated-in and the release before removed-in are `deprecated-api`, removed-in is
//! `removed-api`. The finding is on the apiVersion value, also inside a `kind: List`.

mod common;

use kube_contract::base::kube_version::KubeVersion;
use kube_contract::rule::deprecated_apis::{self, ApiRow};
use kube_contract::rule::settings::Settings;
use kube_contract::schema::{self, builtin};

/// The rule ids that fire on the row's manifest at `target`, with their positions.
fn fired(text: &str, target: KubeVersion) -> Vec<(&'static str, u32, u32)> {
    let mut settings = Settings {
        kubernetes_version: Some(target),
        ..Settings::default()
    };
    settings.select.insert("removed-api".into());
    settings.select.insert("deprecated-api".into());
    let report = common::lint_text("row.yaml", text, &settings);
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.span.start.line, d.span.start.column))
        .collect()
}

fn manifest(row: &ApiRow, i: usize) -> String {
    format!(
        "apiVersion: {}\nkind: {}\nmetadata:\n  name: row-{i}\n",
        row.api_version, row.kind
    )
}

fn list_manifest(row: &ApiRow, i: usize) -> String {
    format!(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: {}\n    kind: {}\n    metadata:\n      name: row-{i}\n",
        row.api_version, row.kind
    )
}

#[test]
fn every_row_at_its_boundaries() {
    let table = deprecated_apis::table().expect("the embedded table loads");
    assert!(!table.rows.is_empty());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, row) in table.rows.iter().enumerate() {
        let name = format!("{} {}", row.api_version, row.kind);
        let plain = manifest(row, i);
        let listed = list_manifest(row, i);
        let mut cases: Vec<(KubeVersion, Option<&str>)> = Vec::new();
        match row.deprecated_in.previous() {
            Some(before) => cases.push((before, None)),
            None => failures.push(format!("{name}: deprecated-in has no previous release")),
        }
        cases.push((row.deprecated_in, Some("deprecated-api")));
        match row.removed_in {
            Some(removed) => {
                let last = removed.previous().unwrap_or(removed);
                cases.push((last, Some("deprecated-api")));
                cases.push((removed, Some("removed-api")));
                cases.push((removed.next(), Some("removed-api")));
            }
            // Not scheduled for removal: deprecated at every later release.
            None => cases.push((KubeVersion::new(1, 99), Some("deprecated-api"))),
        }
        for (target, want) in cases {
            for (text, line, column) in [(&plain, 1, 13), (&listed, 4, 17)] {
                checked += 1;
                let got = fired(text, target);
                let want: Vec<(&str, u32, u32)> =
                    want.iter().map(|id| (*id, line, column)).collect();
                if got != want {
                    failures.push(format!(
                        "{name} at {target}: expected {want:?}, got {got:?}\n{text}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(checked >= table.rows.len() * 6);
}

/// The message names the release that removes the apiVersion and the replacement.
#[test]
fn messages_name_the_release_and_the_replacement() {
    let table = deprecated_apis::table().expect("the embedded table loads");
    for (i, row) in table.rows.iter().enumerate() {
        let mut settings = Settings {
            kubernetes_version: Some(row.removed_in.unwrap_or(row.deprecated_in)),
            ..Settings::default()
        };
        settings.select.insert("removed-api".into());
        settings.select.insert("deprecated-api".into());
        let report = common::lint_text("row.yaml", &manifest(row, i), &settings);
        let [d] = report.diagnostics.as_slice() else {
            panic!("{} {}: {:?}", row.api_version, row.kind, report.diagnostics);
        };
        let release = row.removed_in.map(|r| format!("removed in Kubernetes {r}"));
        let release = release.as_deref().unwrap_or("not scheduled for removal");
        assert!(d.message.contains(release), "{}", d.message);
        assert!(d.message.contains(&format!("row-{i}")), "{}", d.message);
        let target = row.removed_in.unwrap_or(row.deprecated_in);
        match table.replacement_at(row, target) {
            Some(r) => assert!(
                d.message.contains(&format!(" {} ", r.name())),
                "{}",
                d.message
            ),
            None => assert!(d.message.contains("no replacement API"), "{}", d.message),
        }
        let help = d.help.as_deref().unwrap_or("");
        for note in &row.notes {
            assert!(help.contains(note.as_str()), "{help}");
        }
    }
}

/// Without `--kubernetes-version`, the target is the newest release of the schema data, which
/// the table keeps up with (its newest rows are the removals of 1.37).
#[test]
fn the_default_target_is_the_newest_release_of_the_schema_data() {
    let table = deprecated_apis::table().expect("the embedded table loads");
    let newest = schema::newest_release().expect("the schema data loads");
    assert_eq!(newest.to_string(), "1.37");
    assert_eq!(table.newest, newest);
    assert!(table
        .rows
        .iter()
        .any(|r| r.deprecated_in == table.newest || r.removed_in == Some(table.newest)));
    assert_eq!(deprecated_apis::target(&Settings::default()), Some(newest));
    let mut settings = Settings::default();
    settings.select.insert("removed-api".into());
    let text = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: x\n";
    let report = common::lint_text("x.yaml", text, &settings);
    let [d] = report.diagnostics.as_slice() else {
        panic!("{:?}", report.diagnostics);
    };
    assert!(
        d.message
            .contains(&format!("target {}, the default", table.newest)),
        "{}",
        d.message
    );
}

/// Every apiVersion/kind that one release of the schema data serves and the next does not is a
/// row of the table with that removed-in (alpha versions aside: they are off by default and
/// not in the table).
#[test]
fn every_removal_in_the_schemas_is_in_the_table() {
    let table = deprecated_apis::table().expect("the embedded table loads");
    let data = builtin::builtin().expect("the schema data loads");
    let mut missing = Vec::new();
    let mut removals = 0;
    for (api_version, kind, served) in data.served() {
        if api_version.contains("alpha") {
            continue;
        }
        for release in &served {
            let next = release.next();
            if data.releases.contains(&next) && !served.contains(&next) {
                removals += 1;
                match table.find(api_version, kind) {
                    Some(row) if row.removed_in == Some(next) => {}
                    Some(row) => missing.push(format!(
                        "{api_version} {kind}: the schemas stop serving it in {next}, the table says removed-in {:?}",
                        row.removed_in.map(|v| v.to_string())
                    )),
                    None => missing.push(format!(
                        "{api_version} {kind}: served by {release}, not by {next}, and not in {}",
                        deprecated_apis::TABLE_PATH
                    )),
                }
            }
        }
    }
    // 1.25–1.37: eight removals already in the table before this test, six added with it.
    assert!(removals >= 14, "{removals}");
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}

/// A target outside the known releases (older than the deprecated-API table, newer than the
/// schema data) is refused, naming the known range.
#[test]
fn a_target_outside_the_known_releases_is_an_error() {
    let newest = schema::newest_release().expect("the schema data loads");
    for v in ["1.99", "2.0", &newest.next().to_string()] {
        let e = schema::check_target(v.parse().expect("a release")).expect_err(v);
        assert!(e.contains(&newest.to_string()), "{e}");
    }
    assert_eq!(schema::check_target(newest), Ok(newest));
    let old = KubeVersion::new(1, 16);
    assert_eq!(
        schema::check_target(old),
        Ok(old),
        "the API table covers older releases"
    );
    for v in ["1.7", "1.0"] {
        let e = schema::check_target(v.parse().expect("a release")).expect_err(v);
        assert!(
            e.contains(&format!("(1.8–{newest})")),
            "names the known range: {e}"
        );
    }
}
