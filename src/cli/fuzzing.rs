//! What the fuzz targets under `fuzz/` run, and what `tests/fuzz_regressions.rs` runs on every
//! file of `fuzz/regressions/` on stable. Each function takes arbitrary bytes, must not panic,
//! and panics itself when the output is not sane (a position outside the input, an empty
//! message, a JSON report that does not parse), so a fuzzer reports that as a crash too.

use crate::base::diagnostic::Diagnostic;
use crate::base::io;
use crate::config::{self, Config};
use crate::engine::{self, Report};
use crate::output;
use crate::rule::settings::Settings;
use crate::source::Input;
use crate::yaml;

/// Line breaks a position may be past: `\n`, `\r\n` and a lone `\r` each end a line.
fn max_line(text: &str) -> u32 {
    let breaks = text.bytes().filter(|&b| b == b'\n' || b == b'\r').count();
    u32::try_from(breaks).unwrap_or(u32::MAX).saturating_add(2)
}

/// The fast reader against saphyr: every document of the input (read as YAML, and as JSON)
/// that the fast reader reads must give exactly saphyr's tree. Panics on a difference, with
/// it; returns the documents seen and how many the fast reader left to saphyr.
pub fn fast_reader(data: &[u8]) -> (usize, usize) {
    let Ok(text) = io::decode(data.to_vec(), "fuzz.yaml") else {
        return (0, 0);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (mut documents, mut fallbacks) = (0, 0);
    for json in [false, true] {
        for chunk in yaml::chunks(text, json) {
            if chunk.text.len() > yaml::MAX_DOCUMENT_BYTES {
                continue;
            }
            documents += 1;
            match yaml::check_fast_reader(chunk.text, chunk.first_line) {
                Ok(yaml::FastCheck::Same) => {}
                Ok(yaml::FastCheck::Fallback) => fallbacks += 1,
                Err(e) => panic!(
                    "the fast reader differs from saphyr on the document at line {} (json: \
                     {json}): {e}",
                    chunk.first_line
                ),
            }
        }
    }
    (documents, fallbacks)
}

/// The YAML reader: decoding, splitting, the tree with its merges resolved, every scalar's
/// value and every mapping's pairs. Returns the number of documents read.
pub fn yaml(data: &[u8]) -> usize {
    let Ok(text) = io::decode(data.to_vec(), "fuzz.yaml") else {
        return 0;
    };
    let limit = max_line(&text);
    let mut documents = 0;
    for json in [false, true] {
        for doc in yaml::parse_stream(&text, json) {
            documents += 1;
            let tree = match &doc.tree {
                Ok(tree) => tree,
                Err(e) => {
                    assert!(!e.message.is_empty(), "an error without a message");
                    assert!(
                        (1..=limit).contains(&e.pos.line) && e.pos.column >= 1,
                        "error outside the input: {e:?}"
                    );
                    continue;
                }
            };
            for id in 0..tree.node_count() {
                let span = tree.span(id);
                assert!(
                    span.start <= span.end,
                    "span ends before it starts: {span:?}"
                );
                assert!(span.end.line <= limit && span.start.column >= 1, "{span:?}");
                let _ = tree.value(id);
                let _ = tree.type_name(id);
                let _ = tree.items(id);
                for (k, v) in tree.pairs(id) {
                    if let Some(key) = tree.str(k) {
                        assert!(
                            tree.get_entry(id, key).is_some(),
                            "a pair its own lookup misses"
                        );
                    }
                    let _ = tree.value(v);
                }
            }
        }
    }
    documents
}

/// Positions of a finding are inside the input.
fn check_diagnostic(d: &Diagnostic, limit: u32) {
    assert!(!d.message.is_empty(), "a finding without a message: {d:?}");
    assert!(d.span.start <= d.span.end, "{d:?}");
    assert!(
        d.span.start.line >= 1 && d.span.start.column >= 1 && d.span.end.line <= limit,
        "a finding outside the input: {d:?}"
    );
}

/// A whole lint of one input with every rule, rendered in every format. Returns the report.
pub fn lint(data: &[u8]) -> Report {
    let json = matches!(data.first(), Some(b'{') | Some(b'['));
    let input = Input {
        display: if json { "fuzz.json" } else { "fuzz.yaml" }.into(),
        path: None,
        stdin: Some(Box::new(Ok(data.to_vec()))),
        ..Input::default()
    };
    let report = engine::run(vec![input], &Settings::default());
    let limit = max_line(&String::from_utf8_lossy(data));
    for d in &report.diagnostics {
        check_diagnostic(d, limit);
        for r in &d.related {
            assert!(r.span.start.line >= 1 && r.span.start.column >= 1, "{d:?}");
        }
    }
    let rendered = output::json::render(&report);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&rendered) {
        panic!("the JSON report does not parse: {e}");
    }
    let sarif = output::sarif::render(&report, &output::sarif::Options { cwd: None });
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&sarif) {
        panic!("the SARIF report does not parse: {e}");
    }
    let _ = output::junit::render(&report);
    let _ = output::github::render(
        &report,
        &output::github::Options {
            cwd: None,
            quiet: false,
        },
    );
    let human = output::human::render(
        &report,
        &output::human::Options {
            color: false,
            width: 100,
            quiet: false,
            show_suppressed: true,
        },
    );
    assert!(
        report.diagnostics.is_empty() || !human.is_empty(),
        "findings rendered as nothing"
    );
    report
}

/// The configuration file reader, and applying what it read to the settings. Returns the
/// errors, rendered.
pub fn config(data: &[u8]) -> Option<String> {
    let Ok(text) = io::decode(data.to_vec(), ".kube-contract.yaml") else {
        return None;
    };
    let limit = max_line(&text);
    match Config::parse(&text, ".kube-contract.yaml") {
        Ok(c) => {
            let mut settings = Settings::default();
            c.apply(&mut settings);
            None
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failed read without an error");
            for e in &errors {
                assert!(!e.message.is_empty());
                assert!(
                    e.span.start.line >= 1 && e.span.start.line <= limit,
                    "a configuration error outside the file: {e:?}"
                );
            }
            Some(config::render_errors(&errors))
        }
    }
}
