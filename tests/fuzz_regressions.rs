//! Every file of `fuzz/regressions/` (inputs a fuzzer found, and the hostile cases) through
//! the fuzz targets' code on stable: the YAML reader, the fast reader against saphyr, a whole
//! lint with every rule in every format, and the configuration reader. Each must finish without a panic and with sane
//! output (the functions in `kube_contract::cli::fuzzing` check positions, messages and that
//! the JSON and SARIF reports parse).

mod common;

use std::path::{Path, PathBuf};

use kube_contract::cli::fuzzing;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_regression_file_runs_through_every_target() {
    let mut all = Vec::new();
    files(&common::root().join("fuzz/regressions"), &mut all);
    all.sort();
    assert!(
        all.len() >= 10,
        "fuzz/regressions holds {} files",
        all.len()
    );
    for path in &all {
        let data = std::fs::read(path).expect("readable");
        let name = path.display();
        let documents = fuzzing::yaml(&data);
        fuzzing::fast_reader(&data);
        let report = fuzzing::lint(&data);
        // Something came of every file: documents, objects or a finding that says why not.
        assert!(
            documents > 0 || report.objects > 0 || !report.diagnostics.is_empty() || {
                let t = String::from_utf8_lossy(&data);
                t.lines().all(|l| {
                    let l = l.trim();
                    l.is_empty() || l.starts_with('#') || l == "---"
                })
            },
            "{name}: no document, no object, no finding"
        );
        let _ = fuzzing::config(&data);
    }
}
