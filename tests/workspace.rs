//! The workspace: replacing one file's text and linting again gives exactly what a fresh run
//! over the same texts gives; source lines come from memory.

mod common;

use std::path::{Path, PathBuf};

use kube_contract::engine::{self, Retain, Workspace};
use kube_contract::output::{human, json};
use kube_contract::rule::settings::Settings;
use kube_contract::source::Input;

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(common::root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Writes `files` (name, text) under a fresh directory and returns their inputs.
fn write(dir: &Path, files: &[(&str, String)]) -> Vec<Input> {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Input {
                display: (*name).to_string(),
                path: Some(path),
                stdin: None,
                ..Input::default()
            }
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = common::root().join("target/tmp/workspace").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn replacing_a_file_gives_what_a_fresh_run_gives() {
    let deployment = fixture("testdata/rules/missing-pdb/bad-replicated.yaml");
    let covered = fixture("testdata/rules/missing-pdb/ok-covered-and-exempt.yaml");
    let broken = fixture("testdata/inputs/broken-middle.yaml");
    let suppressed = fixture("testdata/inputs/suppress-plain.yaml");
    let before = [
        ("a.yaml", deployment.clone()),
        ("b.yaml", covered.clone()),
        ("c.yaml", suppressed.clone()),
    ];
    let settings = Settings::default();
    let mut ws = Workspace::load(
        write(&scratch("before"), &before),
        vec![settings.clone()],
        Retain::Everything,
    );
    let first = ws.lint();
    assert!(!first.diagnostics.is_empty());

    // b.yaml's budgets disappear behind a broken document; a.yaml gets c's text.
    let b = ws.file_id("b.yaml").expect("b.yaml is an input");
    let a = ws.file_id("a.yaml").expect("a.yaml is an input");
    assert!(ws.replace(b, broken.clone()));
    assert!(ws.replace(a, suppressed.clone()));
    assert!(!ws.replace(99, String::new()));
    let replaced = ws.lint();

    let after = [
        ("a.yaml", suppressed.clone()),
        ("b.yaml", broken),
        ("c.yaml", suppressed),
    ];
    let fresh = engine::run(write(&scratch("after"), &after), &settings);
    assert_eq!(json::render(&replaced), json::render(&fresh));
    let opts = human::Options {
        color: false,
        width: 100,
        quiet: false,
        show_suppressed: true,
    };
    assert_eq!(
        human::render(&replaced, &opts),
        human::render(&fresh, &opts)
    );
    assert_ne!(json::render(&first), json::render(&replaced));
    assert!(
        replaced.incomplete(),
        "the broken document is a parse error"
    );
}

#[test]
fn sources_come_from_memory() {
    let dir = scratch("memory");
    let inputs = write(
        &dir,
        &[(
            "web.yaml",
            fixture("testdata/rules/missing-readiness-probe/bad-workloads.yaml"),
        )],
    );
    let ws = Workspace::load(inputs, vec![Settings::default()], Retain::Everything);
    std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let report = ws.lint();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-readiness-probe")
        .expect("the fixture fires");
    let text = report.source(d.file).expect("held in memory");
    assert!(text.contains("kind: Deployment"));
    let rendered = human::render(
        &report,
        &human::Options {
            color: false,
            width: 100,
            quiet: true,
            show_suppressed: false,
        },
    );
    assert!(
        rendered.contains(&format!("{} │", d.span.start.line)),
        "the finding's source line is shown: {rendered}"
    );
}
