//! Adopting kube-contract on a repository with many findings (issue 17): nothing passes
//! silently, the summary triages, a baseline accepts today's findings, overrides scope rules,
//! every finding links its docs, and help snippets paste as YAML.

mod common;

use common::{run_in, stderr, stdout, TempDir};

const BROKEN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: {}\n";

#[test]
fn select_ignore_and_off_never_hide_a_parse_error() {
    let dir = TempDir::new("adopt-parse-error");
    dir.write("broken.yaml", BROKEN);
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--select", "removed-api"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).contains("parse-error"), "{}", stdout(&o));
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--ignore", "parse-error"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`parse-error` cannot be ignored"),
        "{}",
        stderr(&o)
    );
    dir.write(".kube-contract.yaml", "rules:\n  parse-error: off\n");
    let o = run_in(&dir.0, &["lint", "broken.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains(".kube-contract.yaml:2:16")
            && stdout(&o).contains("`parse-error` cannot be turned off"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn no_manifest_found_is_exit_2_unless_allowed() {
    let dir = TempDir::new("adopt-empty");
    dir.mkdir("empty");
    let o = run_in(&dir.0, &["lint", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no manifest found")
            && e.contains("*.yaml, *.yml and *.json")
            && e.contains("`empty`"),
        "{e}"
    );
    let o = run_in(&dir.0, &["lint", "empty", "--allow-empty"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Every file excluded: the message names the glob.
    dir.write(
        "k8s/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    let o = run_in(&dir.0, &["lint", "k8s", "--exclude", "**/cm.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("excluding **/cm.yaml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unknown_release_is_an_error_naming_the_range() {
    let dir = TempDir::new("adopt-release");
    dir.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    for v in ["1.7", "1.99"] {
        let o = run_in(&dir.0, &["lint", "cm.yaml", "--kubernetes-version", v]);
        assert_eq!(o.status.code(), Some(2), "{v}");
        assert!(stderr(&o).contains("(1.8–1.3"), "{v}: {}", stderr(&o));
    }
}

/// Every copy-paste snippet of every rule's help, as the fixtures fire them, is printed on a
/// line of its own in the human output, and parses as YAML.
#[test]
fn every_help_snippet_pastes_as_yaml() {
    use kube_contract::output::{human, snippets};
    let mut seen = 0;
    let mut rules_with_snippets = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for meta in kube_contract::rules::all_metas() {
        for path in common::fixtures(meta.id, "bad-") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let settings = common::fixture_settings(&text, meta.id);
            let report = common::lint(std::slice::from_ref(&path), &settings);
            let out = human::render(
                &report,
                &human::Options {
                    color: false,
                    width: 100,
                    quiet: false,
                    show_suppressed: false,
                },
            );
            let lines: std::collections::HashSet<&str> = out.lines().collect();
            for d in &report.diagnostics {
                for snippet in snippets(d.help.as_deref().unwrap_or("")) {
                    seen += 1;
                    rules_with_snippets.insert(d.rule);
                    if !lines.contains(format!("          {snippet}").as_str()) {
                        failures.push(format!("{}: `{snippet}` is not a line of its own", d.rule));
                    }
                    for doc in kube_contract::yaml::parse_stream(&snippet, false) {
                        if let Err(e) = doc.tree {
                            failures.push(format!(
                                "{} ({}): `{snippet}` is not YAML: {}",
                                d.rule,
                                path.display(),
                                e.message
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(
        seen > 50 && rules_with_snippets.len() > 15,
        "{seen} snippets of {rules_with_snippets:?}"
    );
}
