//! Benchmark: rendering many findings of one file. `cargo bench --bench findings` (options
//! after `--`: `--findings N`, default 8,000). Builds one file of small Deployments that
//! each draw the same few findings, lints it once, then renders the report as human output
//! and as JSON, side by side. Human output holds one line table per file and gives the report
//! library a few lines per finding, so it stays linear in findings: 8,000 findings render in
//! well under a second.

use std::time::Instant;

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
        stdin: Some(Ok(text.into_bytes())),
        ..Input::default()
    }
}
