//! Runs every rule, one at a time, on its fixtures under `testdata/rules/<id>/`:
//! `bad-*` files must fire exactly on the lines marked `# expect: <id>`, `ok-*` files must not
//! fire at all. The JSON and human output of the `bad-*` files is snapshotted with insta next
//! to the fixtures (`testdata/rules/<id>/snapshots/`).

mod common;

use kube_contract::output::{human, json};
use kube_contract::rules;

#[test]
fn every_rule_fires_exactly_where_marked() {
    let mut failures = Vec::new();
    for meta in rules::all_metas() {
        let id = meta.id;
        let bad = common::fixtures(id, "bad-");
        let ok = common::fixtures(id, "ok-");
        if bad.is_empty() || ok.is_empty() {
            failures.push(format!(
                "{id}: needs at least one bad-* and one ok-* fixture"
            ));
            continue;
        }
        for path in &bad {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let settings = common::fixture_settings(&text, id);
            let report = common::lint(std::slice::from_ref(path), &settings);
            let mut got: Vec<u32> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == id)
                .map(|d| d.span.start.line)
                .collect();
            got.sort();
            let want = common::expected_lines(&text, id);
            if want.is_empty() {
                failures.push(format!("{}: no `# expect: {id}` marker", path.display()));
            }
            if got != want {
                failures.push(format!(
                    "{}: {id} fired on lines {got:?}, expected {want:?}",
                    path.display()
                ));
            }
        }
        for path in &ok {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let settings = common::fixture_settings(&text, id);
            let report = common::lint(std::slice::from_ref(path), &settings);
            let fired: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == id)
                .map(|d| {
                    format!(
                        "{}:{} {}",
                        d.span.start.line, d.span.start.column, d.message
                    )
                })
                .collect();
            if !fired.is_empty() {
                failures.push(format!(
                    "{}: must not fire, fired {fired:?}",
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn snapshots_of_bad_fixtures() {
    for meta in rules::all_metas() {
        let id = meta.id;
        let bad = common::fixtures(id, "bad-");
        if bad.is_empty() {
            continue;
        }
        let mut human_out = String::new();
        let mut json_out = String::new();
        for path in &bad {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let settings = common::fixture_settings(&text, id);
            let report = common::lint(std::slice::from_ref(path), &settings);
            human_out.push_str(&human::render(
                &report,
                &human::Options {
                    color: false,
                    width: 100,
                    quiet: false,
                    show_suppressed: false,
                },
            ));
            json_out.push_str(&json::render(&report));
        }
        insta::with_settings!({
            snapshot_path => format!("../testdata/rules/{id}/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{id}.human"), human_out);
            insta::assert_snapshot!(format!("{id}.json"), json_out);
        });
    }
}
