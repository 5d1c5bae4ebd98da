//! The binary as users run it: paths, stdin, exit codes, formats, determinism.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kube-contract"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run kube-contract")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("valid JSON output")
}

#[test]
fn exit_codes() {
    let clean = run(&["lint", "testdata/inputs/multi-document.yaml"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    let findings = run(&["lint", "testdata/inputs/helm-rendered.yaml"]);
    assert_eq!(findings.status.code(), Some(1));
    let only_errors = run(&[
        "lint",
        "--fail-on",
        "error",
        "testdata/inputs/helm-rendered.yaml",
    ]);
    assert_eq!(only_errors.status.code(), Some(0));
    let broken = run(&["lint", "testdata/inputs/broken-middle.yaml"]);
    assert_eq!(broken.status.code(), Some(2));
    // A missing path is a finding in the report (exit code 2), not a line on stderr.
    let missing = run(&["lint", "testdata/no-such-dir"]);
    assert_eq!(missing.status.code(), Some(2));
    let out = stdout(&missing);
    assert!(
        out.contains("cannot read testdata/no-such-dir: no such file or directory"),
        "{out}"
    );
    let bad_rule = run(&["lint", "--select", "no-such-rule", "testdata/inputs"]);
    assert_eq!(bad_rule.status.code(), Some(2));
    let bad_flag = run(&["lint", "--format", "xml"]);
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn stdin_is_named_by_stdin_filename() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/inputs/helm-rendered.yaml"
    ))
    .expect("read");
    let o = run_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "rendered.yaml",
            "--format",
            "json",
        ],
        &text,
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "rendered.yaml");
    assert_eq!(d["template"], "shop/templates/deployment.yaml");
    let plain = run_stdin(&["lint", "-"], &text);
    assert!(stdout(&plain).contains("<stdin>"));
}

#[test]
fn stdin_and_file_give_the_same_findings() {
    let path = "testdata/inputs/helm-rendered.yaml";
    let text = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("read");
    let from_file = json(&run(&["lint", path, "--format", "json"]));
    let from_stdin = json(&run_stdin(
        &["lint", "-", "--stdin-filename", path, "--format", "json"],
        &text,
    ));
    assert_eq!(from_file, from_stdin);
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = run(&["lint", "-j", "1", "testdata", "--format", "json"]);
    let two = run(&["lint", "-j", "2", "testdata", "--format", "json"]);
    let many = run(&["lint", "-j", "8", "testdata"]);
    let many_again = run(&["lint", "-j", "3", "testdata"]);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(many.stdout, many_again.stdout);
    assert!(!one.stdout.is_empty());
}

#[test]
fn machine_formats_leave_standard_error_empty() {
    // Editors and CI steps read these formats from standard output and show standard error
    // to the user: a run with findings, parse errors and custom resources without a schema,
    // on one thread and on several, says nothing there.
    for format in ["json", "sarif", "github", "junit"] {
        for jobs in ["1", "2"] {
            let o = run(&["lint", "-j", jobs, "testdata", "--format", format]);
            assert!(!o.stdout.is_empty(), "{format}");
            assert_eq!(
                String::from_utf8_lossy(&o.stderr),
                "",
                "--format {format} -j {jobs}"
            );
        }
    }
}

#[test]
fn json_output_shape() {
    let o = run(&[
        "lint",
        "testdata/inputs/list.yaml",
        "testdata/inputs/broken-middle.yaml",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let s = &v["summary"];
    assert_eq!(s["files"], 2);
    assert_eq!(s["objects"], 4);
    assert_eq!(s["errors"], 1);
    let diags = v["diagnostics"].as_array().expect("array");
    for d in diags {
        for key in [
            "rule",
            "severity",
            "message",
            "help",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "template",
            "object",
            "related",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
    }
    let parse = diags
        .iter()
        .find(|d| d["rule"] == "parse-error")
        .expect("parse error");
    assert!(parse["object"].is_null());
    let probe = diags
        .iter()
        .find(|d| d["rule"] == "missing-readiness-probe")
        .expect("finding");
    assert_eq!(probe["object"]["kind"], "Deployment");
    assert_eq!(probe["object"]["apiVersion"], "apps/v1");
    assert_eq!(probe["line"], 18);
    assert_eq!(probe["column"], 15);
    assert_eq!(probe["end_line"], 18);
    assert_eq!(probe["end_column"], 24, "just past `name: two`");
}

#[test]
fn directories_recurse_skip_hidden_and_honour_globs() {
    let dir = std::env::temp_dir().join(format!("kc-walk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["apps/web", ".hidden", "charts/x/templates"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}]}\n";
    for f in [
        "apps/web/pod.yaml",
        "apps/web/pod.yml",
        "apps/web/notes.txt",
        ".hidden/pod.yaml",
        "charts/x/templates/pod.yaml",
    ] {
        std::fs::write(dir.join(f), pod).expect("write");
    }
    let d = dir.to_string_lossy().to_string();
    let files = |extra: &[&str]| {
        let mut args = vec!["lint", d.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        json(&run(&args))["summary"]["files"].as_u64().unwrap_or(0)
    };
    assert_eq!(files(&[]), 3);
    assert_eq!(files(&["--exclude", "**/templates/**"]), 2);
    assert_eq!(files(&["--include", "*.yml"]), 1);
    assert_eq!(files(&["--include", "apps/**", "--exclude", "*.yml"]), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn human_output_shows_source_and_summary() {
    let o = run(&["lint", "testdata/inputs/list.yaml"]);
    let s = stdout(&o);
    assert!(s.contains("missing-readiness-probe"), "{s}");
    assert!(s.contains("testdata/inputs/list.yaml:18:15"), "{s}");
    assert!(s.contains("- name: two"), "{s}");
    assert!(s.contains("Linted 1 file and 2 objects"), "{s}");
    assert!(
        !s.contains('\u{1b}'),
        "no colour when NO_COLOR is set or not a terminal"
    );
    let quiet = stdout(&run(&["lint", "-q", "testdata/inputs/list.yaml"]));
    assert!(!quiet.contains("Linted"));
}

#[test]
fn rules_and_explain() {
    let rules = stdout(&run(&["rules"]));
    assert!(rules
        .lines()
        .any(|l| l.starts_with("missing-readiness-probe") && l.contains("warning")));
    let explain = run(&["explain", "missing-liveness-probe"]);
    assert_eq!(explain.status.code(), Some(0));
    let text = stdout(&explain);
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(text.contains(section), "{section}");
    }
    assert_eq!(run(&["explain", "nope"]).status.code(), Some(2));
    let typo = run(&["explain", "missing-readines-probe"]);
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("did you mean `missing-readiness-probe`?"),
        "explain suggests the closest id: {err}"
    );
}

/// The bundled examples honour the whole contract: every rule stays silent on them, so a
/// finding here is a false positive.
#[test]
fn bundled_examples_keep_the_contract() {
    let o = run(&["lint", "testdata/examples", "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{}", stdout(&o));
    assert_eq!(v["summary"]["objects"], 7);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn every_format_can_be_written_to_a_file() {
    let dir = std::env::temp_dir().join(format!("kc-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let input = "testdata/inputs/helm-rendered.yaml";
    for format in ["human", "json", "sarif", "github", "junit"] {
        let path = dir.join(format!("report.{format}"));
        let to_file = run(&[
            "lint",
            input,
            "--format",
            format,
            "--output-file",
            path.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(to_file.status.code(), Some(1), "{format}");
        assert!(to_file.stdout.is_empty(), "{format}: nothing on stdout");
        let written = std::fs::read(&path).expect("report written");
        let to_stdout = run(&["lint", input, "--format", format]);
        assert_eq!(written, to_stdout.stdout, "{format}: same report");
        assert!(!written.is_empty());
    }
    let unwritable = run(&[
        "lint",
        input,
        "--output-file",
        "testdata/no-such-dir/report.txt",
    ]);
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("cannot write"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quiet_prints_only_findings() {
    let input = "testdata/inputs/list.yaml";
    let probes = "missing-liveness-probe,missing-readiness-probe";
    let github = stdout(&run(&[
        "lint", "--format", "github", "--select", probes, input,
    ]));
    let tail: Vec<&str> = github.lines().rev().take(2).collect();
    assert!(
        tail.last().is_some_and(|l| l.starts_with("Linted 1 file"))
            && tail.first().is_some_and(|l| l.starts_with("exit 1: ")),
        "the summary ends with the counts and the reason for the exit code: {github}"
    );
    let quiet = stdout(&run(&[
        "lint", "--format", "github", "--quiet", "--select", probes, input,
    ]));
    assert_eq!(quiet.lines().count(), 2, "{quiet}");
    assert!(quiet
        .lines()
        .all(|l| l.starts_with("::warning file=testdata/inputs/list.yaml,line=18,")));
    let clean = run(&["lint", "-q", "testdata/examples"]);
    assert_eq!(clean.status.code(), Some(0));
    assert!(clean.stdout.is_empty(), "{}", stdout(&clean));
}

#[test]
fn sarif_and_github_paths_are_relative_to_the_working_directory() {
    let sarif = json(&run(&[
        "lint",
        "./testdata/inputs/../inputs/list.yaml",
        "--format",
        "sarif",
    ]));
    let run0 = &sarif["runs"][0];
    let loc = &run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "testdata/inputs/list.yaml");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("root");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(
        base.trim_end_matches('/')
            .ends_with(&*root.to_string_lossy()),
        "{base}"
    );
    // Standard input keeps its --stdin-filename.
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/inputs/list.yaml"
    ))
    .expect("read");
    let o = run_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "k8s/app.yaml",
            "--format",
            "sarif",
        ],
        &text,
    );
    let v = json(&o);
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/app.yaml"
    );
    let gh = run_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "k8s/app.yaml",
            "--format",
            "github",
            "-q",
            "--select",
            "missing-liveness-probe",
        ],
        &text,
    );
    assert!(stdout(&gh).starts_with("::warning file=k8s/app.yaml,line=18,"));
}
