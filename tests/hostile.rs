//! Hostile input: merge-key fan-out (bounded work, a located finding, the rest of the stream
//! linted).

mod common;

use std::time::{Duration, Instant};

use kube_contract::rule::settings::Settings;

/// Lints one file of `testdata/inputs/hostile/` with every rule; returns the parse errors as
/// (line, column, message) and whether the Deployment after the broken document was linted.
fn fan_out(name: &str) -> (Vec<(u32, u32, String)>, bool) {
    let path = common::root().join("testdata/inputs/hostile").join(name);
    let started = Instant::now();
    let report = common::lint(&[path], &Settings::default());
    // Resolving these merges without a budget visits 16⁹ nodes (minutes); with it, a few
    // hundred thousand. The bound is loose so that a busy CI machine cannot fail it.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{name} took {:?}",
        started.elapsed()
    );
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "parse-error")
        .map(|d| (d.span.start.line, d.span.start.column, d.message.clone()))
        .collect();
    let after = report.diagnostics.iter().any(|d| {
        d.object
            .as_ref()
            .is_some_and(|o| o.name.as_deref() == Some("after"))
    });
    (errors, after)
}

fn assert_fans_out(name: &str, line: u32, column: u32) {
    let (errors, after) = fan_out(name);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (l, c, message) = &errors[0];
    assert_eq!((*l, *c), (line, column), "{message}");
    assert!(message.contains("merges fan out too far"), "{message}");
    assert!(
        message.contains("100000"),
        "the message names the limit: {message}"
    );
    assert!(after, "the next document of the stream is still linted");
}

#[test]
fn merge_fan_out_in_labels() {
    assert_fans_out("merge-fan-out.yaml", 8, 11);
}

#[test]
fn merge_fan_out_in_a_list() {
    assert_fans_out("merge-fan-out-list.yaml", 11, 13);
}

#[test]
fn merge_fan_out_through_sequences_of_mappings() {
    assert_fans_out("merge-fan-out-sequences.yaml", 8, 52);
}

/// Integers in a text.
fn integers(text: &str) -> Vec<&str> {
    let re = regex::Regex::new(r"-?\d+").expect("valid");
    re.find_iter(text).map(|m| m.as_str()).collect()
}

/// i64::MAX, i64::MIN, numbers past i64, u32 and i32, and a huge float in every integer field
/// of a Deployment, its budgets, autoscaler and Service, linted with every rule under several
/// zone counts. Tests run with overflow checks, so an unchecked operation panics here; and no
/// message may show a number it computed that is negative or absurd (numbers written in the
/// input may be echoed).
#[test]
fn extreme_integers_in_every_field_with_every_rule() {
    let path = common::root().join("testdata/inputs/hostile/extreme-integers.yaml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let written: std::collections::HashSet<&str> = integers(&text).into_iter().collect();
    for zones in [1, 2, 3, 5, u32::MAX] {
        let settings = Settings {
            zones,
            ..Settings::default()
        };
        let report = common::lint(std::slice::from_ref(&path), &settings);
        assert!(report.objects >= 20, "{} objects", report.objects);
        for d in &report.diagnostics {
            let texts = [Some(d.message.as_str()), d.help.as_deref()];
            for n in texts.into_iter().flatten().flat_map(integers) {
                let sane = n.parse::<i64>().is_ok_and(|v| (0..=1 << 53).contains(&v));
                assert!(
                    sane || written.contains(n),
                    "zones {zones}: {} computed {n}: {} / {:?}",
                    d.rule,
                    d.message,
                    d.help
                );
            }
        }
        let issue = |rule: &str| {
            report
                .diagnostics
                .iter()
                .filter(|d| {
                    d.rule == rule
                        && d.object
                            .as_ref()
                            .is_some_and(|o| o.name.as_deref() == Some("issue-replicas"))
                })
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(issue("replicas-not-zone-multiple"), Vec::<String>::new());
        let prestop = issue("prestop-exceeds-grace-period");
        assert!(
            prestop.iter().all(|m| !m.contains("leaves")),
            "a negative sleep leaves nothing: {prestop:?}"
        );
        assert!(
            prestop
                .iter()
                .any(|m| m.contains("`forever`") && m.contains("infinity")),
            "{prestop:?}"
        );
    }
}

/// Lines ended by a lone `\r` (old Mac style) count as lines for the YAML reader; the human
/// format shows the same positions as JSON, on lines of the file, with their source.
#[test]
fn cr_only_line_breaks_keep_human_positions_in_the_file() {
    let text = "apiVersion: apps/v1\rkind: Deployment\rmetadata:\r  name: web\rspec:\r  \
                replicas: 3\r  selector: {matchLabels: {app: web}}\r  template:\r    \
                metadata: {labels: {app: web}}\r    spec:\r      containers:\r      - name: \
                web\r        image: nginx:1\r";
    let lines = text.matches('\r').count() as u32;
    let report = common::lint_text("cr.yaml", text, &Settings::default());
    assert!(report.objects == 1 && !report.diagnostics.is_empty());
    let human = kube_contract::output::human::render(
        &report,
        &kube_contract::output::human::Options {
            color: false,
            width: 100,
            quiet: true,
            show_suppressed: false,
        },
    );
    let re = regex::Regex::new(r"\[cr\.yaml:(\d+):(\d+)\]").expect("valid");
    let shown: Vec<(u32, u32)> = re
        .captures_iter(&human)
        .map(|c| (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0)))
        .collect();
    let expected: Vec<(u32, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.span.start.line, d.span.start.column))
        .collect();
    assert_eq!(shown, expected, "{human}");
    assert!(
        shown.iter().all(|&(l, _)| (1..=lines).contains(&l)),
        "{human}"
    );
    assert!(
        human.contains(" 6 │   replicas: 3"),
        "the source line is shown: {human}"
    );
}

/// The bounds of the reader (README, "Resource bounds"): a document over 64 MiB and the
/// documents of a file past the millionth are one located finding each, not an out-of-memory;
/// the rest is read.
#[test]
fn documents_over_the_bounds_are_findings() {
    use kube_contract::yaml::{MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
    let mut big = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    while big.len() <= MAX_DOCUMENT_BYTES {
        big.push_str(
            "  k: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n",
        );
    }
    let text = format!("a: 1\n---\n{big}");
    let report = common::lint_text("big.yaml", &text, &Settings::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "parse-error")
        .map(|d| (d.span.start.line, d.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 2);
    assert!(errors[0]
        .1
        .contains("larger than the 67108864 bytes (64 MiB)"));
    drop(report);

    let many = "---\nx\n".repeat(MAX_DOCUMENTS + 2);
    let report = common::lint_text("many.yaml", &many, &Settings::default());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "parse-error")
        .map(|d| (d.span.start.line, d.message.clone()))
        .collect();
    let first_unread = 2 * MAX_DOCUMENTS as u32 + 1;
    assert_eq!(
        errors,
        vec![(
            first_unread,
            "this file has more than 1000000 documents: the 2 from here on are not read".into()
        )]
    );
    assert_eq!(report.skipped, MAX_DOCUMENTS, "the first million are read");
}

/// Thousands of same-named kustomize patches of one base in one file: each is judged merged
/// with the base in bounded work (one base, a bounded number of sibling patches compared), so
/// the run stays linear. Compared with every earlier sibling, 3,000 patches took
/// 3,000 × 3,000 / 2 merged lints.
#[test]
fn thousands_of_patches_of_one_base_are_linear() {
    let base = "apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  replicas: 1
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: a, image: a:1}]
";
    let patch = "---
apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  replicas: 3
";
    let dir = std::env::temp_dir().join(format!("kube-contract-patches-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("patches.yaml");
    std::fs::write(&path, format!("{base}{}", patch.repeat(3000))).expect("write");
    let started = Instant::now();
    let report = common::lint(&[path], &Settings::default());
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    // About a second in a debug build; quadratic, it was minutes. Loose for a busy machine.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    // Past the sibling bound, each patch says what its merge with the base lacks.
    let spread = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "missing-pod-anti-affinity")
        .count();
    assert_eq!(spread, 3000);
}
