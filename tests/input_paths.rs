//! Every input path behaves the same, and every failure is a finding in the report: standard
//! input, files and directories give the same located `parse-error` in every format for
//! malformed bytes; FIFOs, symbolic link loops, unreadable directories and missing paths are
//! findings (never a hang, never only a line on stderr); a report that cannot be written is
//! exit code 2; a configuration error is a located finding in JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const FORMATS: &[&str] = &["json", "sarif", "junit", "github", "human"];

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kube-contract"));
    c.current_dir(dir);
    c.env("NO_COLOR", "1");
    c.arg("lint").arg("--no-config");
    c
}

/// Runs with a deadline: a blocked read (a FIFO) fails the test instead of hanging it.
fn finish(mut c: Command, input: Option<&[u8]>) -> Output {
    c.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    if let Some(bytes) = input {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write stdin");
    }
    // Read the output on another thread (a full pipe would block the child) and wait for it
    // with a deadline.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(output) => output.expect("output"),
        Err(_) => panic!("kube-contract did not finish within 20 s"),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("input-paths")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const DEPLOYMENT: &[u8] = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1\n";

/// (case, bytes, the parse-error message expected, or `None` for bytes that read fine).
fn malformed() -> Vec<(&'static str, Vec<u8>, Option<&'static str>)> {
    let mut invalid = DEPLOYMENT.to_vec();
    invalid.splice(40..40, [0xff, 0xfe]);
    let mut nul = DEPLOYMENT.to_vec();
    nul.splice(20..20, [0]);
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(DEPLOYMENT);
    let binary: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
    vec![
        (
            "invalid-utf8",
            invalid,
            Some("m.yaml is not valid UTF-8 text (invalid byte at line 3, column 4)"),
        ),
        (
            "nul",
            nul,
            Some("m.yaml is a binary file, not YAML or JSON text"),
        ),
        (
            "binary",
            binary,
            Some("m.yaml is a binary file, not YAML or JSON text"),
        ),
        ("bom", bom, None),
    ]
}

#[test]
fn malformed_bytes_give_the_same_report_from_stdin_files_and_directories() {
    for (case, bytes, expected) in malformed() {
        let dir = scratch(case);
        std::fs::write(dir.join("m.yaml"), &bytes).expect("write");
        for format in FORMATS {
            let mut file = bin(&dir);
            file.args(["m.yaml", "--format", format]);
            let file = finish(file, None);
            let mut walked = bin(&dir);
            walked.args([".", "--format", format]);
            let walked = finish(walked, None);
            let mut stdin = bin(&dir);
            stdin.args(["-", "--stdin-filename", "m.yaml", "--format", format]);
            let stdin = finish(stdin, Some(&bytes));
            let out = text(&file.stdout);
            assert_eq!(out, text(&stdin.stdout), "{case} {format}: stdin differs");
            assert_eq!(out, text(&walked.stdout), "{case} {format}: walk differs");
            assert_eq!(file.status.code(), stdin.status.code(), "{case} {format}");
            assert!(stdin.stderr.is_empty(), "{case}: {}", text(&stdin.stderr));
            match expected {
                Some(message) => {
                    assert_eq!(stdin.status.code(), Some(2), "{case} {format}");
                    assert!(out.contains("parse-error"), "{case} {format}: {out}");
                    assert!(out.contains(message), "{case} {format}: {out}");
                }
                None => {
                    // Findings, none of them a parse error (exit code 1, not 2).
                    assert_eq!(stdin.status.code(), Some(1), "{case} {format}: {out}");
                    assert!(out.contains("missing-readiness-probe"), "{case} {format}");
                }
            }
        }
        // The position is the invalid byte's, in JSON from standard input.
        if case == "invalid-utf8" {
            let mut c = bin(&dir);
            c.args(["-", "--stdin-filename", "m.yaml", "--format", "json"]);
            let v: serde_json::Value =
                serde_json::from_slice(&finish(c, Some(&bytes)).stdout).expect("JSON");
            let d = &v["diagnostics"][0];
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(3), Some(4))
            );
        }
    }
}

fn json_findings(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn fifos_are_refused_not_opened() {
    let dir = scratch("fifo");
    std::fs::create_dir_all(dir.join("d")).expect("dir");
    for fifo in ["p.yaml", "d/q.yaml"] {
        let status = Command::new("mkfifo")
            .arg(dir.join(fifo))
            .status()
            .expect("mkfifo");
        assert!(status.success());
    }
    std::fs::write(dir.join("ok.yaml"), DEPLOYMENT).expect("write");
    let mut c = bin(&dir);
    c.args(["p.yaml", "d", "ok.yaml", "--format", "json"]);
    let o = finish(c, None);
    assert_eq!(o.status.code(), Some(2));
    let found = json_findings(&o);
    for name in ["p.yaml", "d/q.yaml"] {
        assert!(
            found.iter().any(|(f, m)| f == name
                && m.contains("is a FIFO (named pipe), not a regular file: skipped")),
            "{name}: {found:?}"
        );
    }
    assert!(
        found.iter().any(|(f, _)| f == "ok.yaml"),
        "the other paths are linted: {found:?}"
    );
    // As the configuration file, too.
    let mut c = bin(&dir);
    c.args(["ok.yaml", "--format", "json"]);
    let mut c2 = Command::new(env!("CARGO_BIN_EXE_kube-contract"));
    c2.current_dir(&dir)
        .args(["lint", "--config", "p.yaml", "ok.yaml", "--format", "json"]);
    let o = finish(c2, None);
    assert_eq!(o.status.code(), Some(2));
    let found = json_findings(&o);
    assert!(
        found
            .iter()
            .any(|(f, m)| f == "p.yaml" && m.contains("FIFO")),
        "{found:?}"
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_loops_and_missing_paths_are_findings() {
    let dir = scratch("links");
    std::fs::create_dir_all(dir.join("d")).expect("dir");
    std::fs::write(dir.join("real.yaml"), DEPLOYMENT).expect("write");
    std::os::unix::fs::symlink("../real.yaml", dir.join("d/link.yaml")).expect("link");
    std::os::unix::fs::symlink("loop-b.yaml", dir.join("d/loop-a.yaml")).expect("link");
    std::os::unix::fs::symlink("loop-a.yaml", dir.join("d/loop-b.yaml")).expect("link");
    let mut c = bin(&dir);
    c.args(["d", "missing.yaml", "d/loop-a.yaml", "--format", "json"]);
    let o = finish(c, None);
    assert_eq!(o.status.code(), Some(2));
    let found = json_findings(&o);
    let has = |file: &str, text: &str| found.iter().any(|(f, m)| f == file && m.contains(text));
    assert!(
        has("d/link.yaml", "has no readinessProbe"),
        "followed once: {found:?}"
    );
    assert!(has("d/loop-a.yaml", "a symbolic link loop"), "{found:?}");
    assert!(has("d/loop-b.yaml", "a symbolic link loop"), "{found:?}");
    assert!(
        has(
            "missing.yaml",
            "cannot read missing.yaml: no such file or directory"
        ),
        "{found:?}"
    );
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_a_finding() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    std::fs::create_dir_all(dir.join("d/locked")).expect("dir");
    std::fs::write(dir.join("d/ok.yaml"), DEPLOYMENT).expect("write");
    let locked = dir.join("d/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let root = std::fs::read_dir(&locked).is_ok();
    // As root (a container's CI), the linter runs as `nobody` through `setpriv` when the
    // system has it, so that the directory is unreadable to it.
    let unprivileged = root
        && Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|s| s.success());
    let mut c = if unprivileged {
        let mut c = Command::new("setpriv");
        c.current_dir(&dir).env("NO_COLOR", "1");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        c.arg(env!("CARGO_BIN_EXE_kube-contract"));
        c.arg("lint").arg("--no-config");
        c
    } else {
        bin(&dir)
    };
    c.args(["d", "--format", "json"]);
    let o = finish(c, None);
    let root = root && !unprivileged;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let found = json_findings(&o);
    assert!(found.iter().any(|(f, _)| f == "d/ok.yaml"), "{found:?}");
    if root {
        // Root reads any directory: nothing is unreadable, and nothing is reported about it.
        assert!(
            !found.iter().any(|(f, _)| f.contains("locked")),
            "{found:?}"
        );
        return;
    }
    assert_eq!(o.status.code(), Some(2));
    assert!(
        found
            .iter()
            .any(|(f, m)| f == "d/locked"
                && m == "cannot read directory d/locked: permission denied"),
        "{found:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_exit_code_2() {
    let dir = scratch("full");
    std::fs::write(dir.join("ok.yaml"), DEPLOYMENT).expect("write");
    for format in FORMATS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let o = bin(&dir)
            .args(["ok.yaml", "--format", format])
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(2), "{format}");
        let err = text(&o.stderr);
        assert!(
            err.contains("cannot write the report to standard output: No space left"),
            "{format}: {err}"
        );
    }
}

#[test]
fn configuration_errors_are_located_findings_in_json() {
    let dir = scratch("config");
    std::fs::write(dir.join("ok.yaml"), DEPLOYMENT).expect("write");
    let long = "x".repeat(5_000_000);
    std::fs::write(
        dir.join(".kube-contract.yaml"),
        format!("zones: many\nnamespace: [a]\nfail-on: {long}\n"),
    )
    .expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_kube-contract"))
        .current_dir(&dir)
        .args(["lint", "ok.yaml", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    assert!(
        o.stdout.len() < 10_000,
        "a 5 MB value is not echoed: {} bytes",
        o.stdout.len()
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let found: Vec<(String, u64, u64, String)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (".kube-contract.yaml".into(), 1, 8, "parse-error".into()),
            (".kube-contract.yaml".into(), 2, 12, "parse-error".into()),
            (".kube-contract.yaml".into(), 3, 10, "parse-error".into()),
        ]
    );
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn too_many_jobs_are_capped_with_a_note() {
    let dir = scratch("jobs");
    std::fs::write(dir.join("ok.yaml"), DEPLOYMENT).expect("write");
    let mut c = bin(&dir);
    c.args(["ok.yaml", "-j", "100000", "--format", "json"]);
    let o = finish(c, None);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("note: -j 100000 capped at"), "{err}");
}
