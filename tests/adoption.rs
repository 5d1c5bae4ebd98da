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
