//! Benchmark: rendering many findings of one file. `cargo bench --bench findings` (options
//! after `--`: `--findings N`, default 8,000; `--many-files` for the memory case below). Builds one file of small Deployments that
//! each draw the same few findings, lints it once, then renders the report as human output
//! and as JSON, side by side. Human output holds one line table per file and gives the report
//! library a few lines per finding, so it stays linear in findings: 8,000 findings render in
//! well under a second.

use std::time::Instant;

#[path = "support/mod.rs"]
mod support;

use kube_contract::engine;
use kube_contract::output;
use kube_contract::rule::settings::Settings;
use kube_contract::source::Input;

fn deployment(i: usize) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\nspec:\n  \
         replicas: 1\n  selector: {{matchLabels: {{app: web-{i}}}}}\n  template:\n    metadata: \
         {{labels: {{app: web-{i}}}}}\n    spec:\n      containers:\n      - name: web\n        \
         image: nginx:1\n"
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        measure(&args[i + 1..]);
        return;
    }
    if args.iter().any(|a| a == "--many-files") {
        many_files();
        return;
    }
    let wanted: usize = args
        .iter()
        .position(|a| a == "--findings")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(8_000);
    // Findings per Deployment, measured on one.
    let one = engine::run(vec![input(deployment(0))], &Settings::default());
    let per = one.diagnostics.len().max(1);
    let count = wanted.div_ceil(per);
    let text: String = (0..count).map(deployment).collect();
    let report = engine::run(vec![input(text.clone())], &Settings::default());
    let findings = report.diagnostics.len();

    let started = Instant::now();
    let human = output::human::render(
        &report,
        &output::human::Options {
            color: false,
            width: 100,
            quiet: false,
            show_suppressed: false,
        },
    );
    let human_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let json = output::json::render(&report);
    let json_secs = started.elapsed().as_secs_f64();

    println!(
        "one file, {} bytes, {} objects, {findings} findings ({per} per Deployment)",
        text.len(),
        report.objects
    );
    println!(
        "  human  {human_secs:>8.3} s  {:>10} bytes  {:>9.0} findings/s",
        human.len(),
        findings as f64 / human_secs
    );
    println!(
        "  json   {json_secs:>8.3} s  {:>10} bytes  {:>9.0} findings/s",
        json.len(),
        findings as f64 / json_secs
    );
    if findings >= 8_000 && human_secs >= 1.0 {
        eprintln!(
            "findings: human output of {findings} findings took {human_secs:.2} s (over 1 s)"
        );
        std::process::exit(1);
    }
}

fn input(text: String) -> Input {
    Input {
        display: "many.yaml".into(),
        path: None,
        stdin: Some(Box::new(Ok(text.into_bytes()))),
        ..Input::default()
    }
}

/// `--many-files`: 200,000 Deployments in 200 files that draw 5 findings each (1,000,000
/// findings), linted by the release binary as a whole process per output format; prints each
/// one's wall time and peak memory, and fails when one of them peaks at 1 GB or more.
fn many_files() {
    let dir = std::env::temp_dir().join(format!("kube-contract-many-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("findings: {}: {e}", dir.display());
        std::process::exit(2);
    }
    let mut bytes = 0;
    for f in 0..200 {
        // 3 replicas: missing-pdb, missing-pod-anti-affinity, missing-zone-spread,
        // missing-liveness-probe and missing-readiness-probe.
        let text: String = (f * 1000..(f + 1) * 1000)
            .map(|i| deployment(i).replace("replicas: 1", "replicas: 3"))
            .collect();
        bytes += text.len();
        if let Err(e) = std::fs::write(dir.join(format!("f{f:03}.yaml")), text) {
            eprintln!("findings: {e}");
            std::process::exit(2);
        }
    }
    println!(
        "200 files, {:.1} MB, 200,000 Deployments, 1,000,000 findings; one process per format",
        bytes as f64 / 1e6
    );
    let bin = env!("CARGO_BIN_EXE_kube-contract");
    let mut over = Vec::new();
    for format in ["json", "sarif", "human"] {
        // Each format in a child of its own, so that the children's peak is that process's.
        let child = std::process::Command::new(std::env::current_exe().unwrap_or_default())
            .args(["--measure", bin, format])
            .arg(&dir)
            .output();
        match child {
            Ok(o) => {
                let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
                println!("  {line}");
                let mib: f64 = line
                    .rsplit(' ')
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::MAX);
                if mib * 1024.0 * 1024.0 >= 1e9 {
                    over.push(format);
                }
            }
            Err(e) => {
                eprintln!("findings: {e}");
                std::process::exit(2);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if !over.is_empty() {
        eprintln!("findings: peak memory of {over:?} at or over 1 GB");
        std::process::exit(1);
    }
}

/// Child mode: `--measure BIN FORMAT DIR` lints DIR as a whole process, output to /dev/null,
/// and prints its wall time and peak memory.
fn measure(args: &[String]) {
    let [bin, format, dir, ..] = args else {
        eprintln!("findings: --measure BIN FORMAT DIR");
        std::process::exit(2);
    };
    let started = Instant::now();
    let status = std::process::Command::new(bin)
        .args(["lint", "--no-config", "--format", format, dir])
        .stdout(std::process::Stdio::null())
        .status();
    let secs = started.elapsed().as_secs_f64();
    if let Err(e) = status {
        eprintln!("findings: {bin}: {e}");
        std::process::exit(2);
    }
    println!(
        "{format:<6} {secs:>7.2} s  peak {:.0} MiB",
        support::children_peak_mib()
    );
}
