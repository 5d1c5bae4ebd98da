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
