//! Suppressions on plain and Helm-rendered input: annotations and comments silence the rules
//! they name, with their reasons; unused and unknown ids are reported, but an id whose rule did
//! not run is not judged.

mod common;

use kube_contract::engine::Report;
use kube_contract::rule::settings::Settings;
use kube_contract::suppress::Origin;

/// Rules these fixtures do not exercise: their Deployments are not meant to satisfy the
/// availability and disruption-budget contract, and findings of those rules would only add
/// noise to what these tests check.
const NOT_UNDER_TEST: &[&str] = &[
    "hpa-replicas-conflict",
    "missing-pdb",
    "missing-pod-anti-affinity",
    "missing-zone-spread",
    "pdb-matches-nothing",
    "replicas-not-zone-multiple",
    "service-matches-nothing",
    "single-replica",
];

fn lint(name: &str, settings: &Settings) -> Report {
    let mut settings = settings.clone();
    settings
        .ignore
        .extend(NOT_UNDER_TEST.iter().map(|s| s.to_string()));
    common::lint(
        &[common::root().join("testdata/inputs").join(name)],
        &settings,
    )
}

/// (rule, line) of every finding.
fn findings(r: &Report) -> Vec<(&'static str, u32)> {
    r.diagnostics
        .iter()
        .map(|d| (d.rule, d.span.start.line))
        .collect()
}

/// (rule, finding line, suppression kind, suppression line, reason) of every silenced finding.
fn silenced(r: &Report) -> Vec<(&'static str, u32, Origin, u32, Option<&str>)> {
    r.suppressed
        .iter()
        .map(|s| {
            (
                s.diagnostic.rule,
                s.diagnostic.span.start.line,
                s.origin,
                s.span.start.line,
                s.reason.as_deref(),
            )
        })
        .collect()
}

#[test]
fn plain_input_comments_and_annotations() {
    let r = lint("suppress-plain.yaml", &Settings::default());
    assert_eq!(
        findings(&r),
        vec![("unknown-rule", 34), ("unused-suppression", 44)],
        "{:#?}",
        r.diagnostics
    );
    let queue = Some("consumes a queue, serves no traffic");
    let stuck = Some("exits by itself when the queue is stuck");
    assert_eq!(
        silenced(&r),
        vec![
            ("missing-liveness-probe", 19, Origin::Comment, 18, stuck),
            ("missing-readiness-probe", 19, Origin::Annotation, 7, queue),
            ("missing-liveness-probe", 38, Origin::Annotation, 34, None),
            (
                "prestop-exceeds-grace-period",
                43,
                Origin::Comment,
                43,
                Some("nginx drains in 1s")
            ),
            ("missing-liveness-probe", 44, Origin::Annotation, 34, None),
        ]
    );
    let unknown = &r.diagnostics[0];
    assert_eq!(unknown.span.start.column, 58, "at the misspelt id");
    assert_eq!(
        unknown.help.as_deref(),
        Some("did you mean `missing-readiness-probe`?")
    );
    let unused = &r.diagnostics[1];
    assert!(unused.message.contains("`missing-readiness-probe`"));
    assert!(
        unused.message.contains("on line 44 or 45"),
        "{}",
        unused.message
    );
}

#[test]
fn helm_rendered_input_comments_and_annotations() {
    let r = lint("suppress-helm.yaml", &Settings::default());
    assert_eq!(findings(&r), vec![("unused-suppression", 30)]);
    let d = &r.diagnostics[0];
    assert_eq!(d.template.as_deref(), Some("shop/templates/web.yaml"));
    assert!(d.message.contains("`zero-grace-period`"), "{}", d.message);
    assert_eq!(d.span.start.column, 53);
    let batch = Some("batch consumer, no traffic");
    assert_eq!(
        silenced(&r),
        vec![
            ("missing-liveness-probe", 21, Origin::Comment, 3, batch),
            ("missing-readiness-probe", 21, Origin::Comment, 3, batch),
            (
                "missing-liveness-probe",
                43,
                Origin::Annotation,
                30,
                Some("liveness is checked by the service mesh")
            ),
        ]
    );
    for s in &r.suppressed {
        assert!(s.diagnostic.template.is_some(), "Helm template kept");
    }
}

#[test]
fn ids_of_rules_that_did_not_run_are_not_judged() {
    // `zero-grace-period` is unused in the Helm file; it is only reported when it runs.
    let mut ignore = Settings::default();
    ignore.ignore.insert("zero-grace-period".into());
    assert!(findings(&lint("suppress-helm.yaml", &ignore)).is_empty());

    let mut off = Settings::default();
    off.severities.insert("zero-grace-period".into(), None);
    assert!(findings(&lint("suppress-helm.yaml", &off)).is_empty());

    // With a subset selected, `unused-suppression` itself runs but the other ids are not judged.
    let mut select = Settings::default();
    for id in ["unused-suppression", "missing-liveness-probe"] {
        select.select.insert(id.into());
    }
    let r = lint("suppress-helm.yaml", &select);
    assert!(findings(&r).is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(
        r.suppressed.len(),
        2,
        "liveness findings are still silenced"
    );

    // Unknown ids are reported whichever rules run.
    let mut unknown_only = Settings::default();
    unknown_only.select.insert("unknown-rule".into());
    let r = lint("suppress-plain.yaml", &unknown_only);
    assert_eq!(findings(&r), vec![("unknown-rule", 34)]);
}

#[test]
fn suppression_findings_take_the_configured_severity() {
    let mut s = Settings::default();
    s.severities.insert(
        "unused-suppression".into(),
        Some(kube_contract::base::diagnostic::Severity::Error),
    );
    let r = lint("suppress-helm.yaml", &s);
    assert_eq!(
        r.diagnostics[0].severity,
        kube_contract::base::diagnostic::Severity::Error
    );
    s.severities.insert("unused-suppression".into(), None);
    assert!(lint("suppress-helm.yaml", &s).diagnostics.is_empty());
}

#[test]
fn a_finding_covered_twice_uses_both_suppressions() {
    let text = "# kube-contract: ignore[missing-liveness-probe] whole document\n\
apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    \
kube-contract.io/ignore: missing-liveness-probe\nspec:\n  containers:\n    \
# kube-contract: ignore[missing-liveness-probe] this container\n    \
- name: c\n      image: i\n      readinessProbe: {exec: {command: [\"true\"]}}\n";
    let r = common::lint_text("twice.yaml", text, &Settings::default());
    let rules: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
    assert!(
        !rules.contains(&"unused-suppression"),
        "{:#?}",
        r.diagnostics
    );
    assert_eq!(r.suppressed.len(), 1);
    // The narrowest suppression gives the reason.
    assert_eq!(r.suppressed[0].reason.as_deref(), Some("this container"));
}

#[test]
fn comments_in_json_and_strings_are_not_suppressions() {
    let json = r##"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"x": "# kube-contract: ignore[nope]"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}"##;
    let r = common::lint_text("pod.json", json, &Settings::default());
    assert!(r.diagnostics.iter().all(|d| d.rule != "unknown-rule"));
}

#[test]
fn a_parse_error_cannot_be_suppressed() {
    let text = "# kube-contract: ignore[parse-error] generated by a script\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n   labels: {app: web}\n";
    let r = common::lint_text("broken.yaml", text, &Settings::default());
    let rules: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        vec!["unused-suppression", "parse-error"],
        "{:#?}",
        r.diagnostics
    );
    assert!(r.incomplete(), "exit code 2: the document was not linted");
    assert!(r.suppressed.is_empty());
    let help = r.diagnostics[0].help.as_deref().unwrap_or("");
    assert!(help.contains("cannot be suppressed"), "{help}");
}

/// The docs of the cross-object rules tell users whose PDB, Service or workload lives outside
/// the inputs to silence the finding with a comment at the top of the object's document: that
/// advice must work. Every bad fixture of such a rule, with the comment written at the top of
/// each document, reports nothing of that rule, and the findings it had are all suppressed.
#[test]
fn documented_suppression_comment_silences_cross_object_rules() {
    let advised: Vec<_> = kube_contract::rules::all_metas()
        .into_iter()
        .filter(|m| m.what_it_does.contains("at the top of its document"))
        .collect();
    assert!(
        advised.len() >= 5,
        "the cross-object rules document the comment: {:?}",
        advised.iter().map(|m| m.id).collect::<Vec<_>>()
    );
    for meta in advised {
        let id = meta.id;
        let dir = common::root().join("testdata/rules").join(id);
        let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
            .expect("fixture directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("bad-"))
            })
            .collect();
        fixtures.sort();
        assert!(!fixtures.is_empty(), "{id} has bad fixtures");
        for path in fixtures {
            let text = std::fs::read_to_string(&path).expect("fixture");
            let settings = common::fixture_settings(&text, id);
            let name = path.display().to_string();
            let before = common::lint_text(&name, &text, &settings);
            let fired = before.diagnostics.iter().filter(|d| d.rule == id).count();
            assert!(fired > 0, "{name} fires {id}");
            let comment = format!("# kube-contract: ignore[{id}] kept in another repository\n");
            let mut silenced = comment.clone();
            for line in text.split_inclusive('\n') {
                silenced.push_str(line);
                if line.trim_end() == "---" {
                    silenced.push_str(&comment);
                }
            }
            let after = common::lint_text(&name, &silenced, &settings);
            let left: Vec<_> = after
                .diagnostics
                .iter()
                .filter(|d| d.rule == id)
                .map(|d| d.span.start.line)
                .collect();
            assert!(
                left.is_empty(),
                "{name}: {id} still fires on lines {left:?}"
            );
            let quiet = after
                .suppressed
                .iter()
                .filter(|s| s.diagnostic.rule == id)
                .count();
            assert_eq!(quiet, fired, "{name}: every {id} finding is suppressed");
        }
    }
}
