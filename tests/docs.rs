//! Generated docs are fresh, and the rule registry keeps its invariants.
//! `UPDATE_DOCS=1 cargo test --test docs` rewrites the generated files.

mod common;

use kube_contract::output::docs;
use kube_contract::rule::settings::Settings;
use kube_contract::rule::Hook;
use kube_contract::rules;

#[test]
fn docs_are_fresh() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (rel, content) in docs::generated_files() {
        let path = common::root().join(&rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != content {
            if update {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).expect("create docs dir");
                }
                std::fs::write(&path, content).expect("write docs");
            } else {
                stale.push(rel);
            }
        }
    }
    // No page for a rule that no longer exists.
    let known: Vec<String> = docs::generated_files()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    if let Ok(rd) = std::fs::read_dir(common::root().join("docs/rules")) {
        for e in rd.flatten() {
            let rel = format!("docs/rules/{}", e.file_name().to_string_lossy());
            if !known.contains(&rel) {
                stale.push(format!("{rel} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs: {stale:?}; run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

#[test]
fn registry_invariants() {
    let metas = rules::all_metas();
    let ids: Vec<&str> = metas.iter().map(|m| m.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rule ids must be unique");
    let registered: Vec<&str> = rules::RULES.iter().map(|r| r.meta().id).collect();
    let mut reg_sorted = registered.clone();
    reg_sorted.sort();
    assert_eq!(
        registered, reg_sorted,
        "RULES in src/rules/mod.rs must be sorted by id"
    );
    for m in &metas {
        assert!(is_kebab(m.id), "{} is not kebab-case", m.id);
        for bad in ["use-", "prefer-", "avoid-", "do-not-"] {
            assert!(
                !m.id.starts_with(bad),
                "{}: name the problem, not the advice",
                m.id
            );
        }
        let file = common::root()
            .join("src/rules")
            .join(format!("{}.rs", m.id.replace('-', "_")));
        assert!(
            file.exists(),
            "{}: expected its file at {}",
            m.id,
            file.display()
        );
        for (section, text) in [
            ("summary", m.summary),
            ("what it does", m.what_it_does),
            ("why it matters", m.why_it_matters),
            ("example", m.example),
            ("use instead", m.use_instead),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {section}", m.id);
        }
        assert!(
            !m.summary.ends_with('.'),
            "{}: summary ends with a period",
            m.id
        );
        assert!(!m.references.is_empty(), "{}: no references", m.id);
    }
}

/// The docs' Example fires the rule and its Use instead does not. Each rule runs alone,
/// except the document and suppressions hooks: `unused-suppression` judges the other rules'
/// findings, so those run with every rule.
#[test]
fn doc_examples_fire_and_use_instead_does_not() {
    for m in rules::all_metas() {
        let mut settings = Settings::default();
        if !matches!(m.hook, Hook::Document | Hook::Suppressions) {
            settings.select.insert(m.id.to_string());
        }
        let fired = |text: &str| {
            common::lint_text("example.yaml", text, &settings)
                .diagnostics
                .iter()
                .any(|d| d.rule == m.id)
        };
        assert!(fired(m.example), "{}: its Example does not fire", m.id);
        assert!(!fired(m.use_instead), "{}: its Use instead fires", m.id);
    }
}

/// Every pre-commit snippet of the README and docs pins a revision that exists: a tag `git tag`
/// lists, or, while no release is tagged, the `PIN-A-COMMIT` placeholder that says to pin one.
#[test]
fn pre_commit_snippets_name_a_revision_that_exists() {
    let root = common::root();
    let tags = std::process::Command::new("git")
        .current_dir(&root)
        .args(["tag", "--list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let tags: Vec<&str> = tags.lines().map(str::trim).collect();
    let mut docs = vec![root.join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        docs.extend(
            dir.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    let mut seen = 0;
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap_or_default();
        for line in text.lines() {
            let Some(rev) = line.trim().strip_prefix("rev:") else {
                continue;
            };
            seen += 1;
            let (rev, comment) = rev.split_once('#').unwrap_or((rev, ""));
            let rev = rev.trim();
            if rev == "PIN-A-COMMIT" {
                assert!(comment.contains("pin"), "{}: {line}", doc.display());
            } else {
                assert!(
                    tags.contains(&rev),
                    "{}: `rev: {rev}` is not a tag of this repository",
                    doc.display()
                );
            }
        }
    }
    assert!(
        seen >= 2,
        "the README and docs/integrations.md show pre-commit"
    );
}
