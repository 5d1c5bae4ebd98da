//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kube_contract::engine::{self, Report};
use kube_contract::rule::settings::Settings;
use kube_contract::source::Input;

/// The repository root (tests run there, so paths in reports are relative and stable).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn input(path: &Path) -> Input {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    Input {
        display: rel.to_string_lossy().into_owned(),
        path: Some(path.to_path_buf()),
        stdin: None,
        ..Input::default()
    }
}

pub fn stdin_input(name: &str, text: &str) -> Input {
    Input {
        display: name.to_string(),
        path: None,
        stdin: Some(Box::new(Ok(text.as_bytes().to_vec()))),
        ..Input::default()
    }
}

pub fn lint(paths: &[PathBuf], settings: &Settings) -> Report {
    engine::run(paths.iter().map(|p| input(p)).collect(), settings)
}

pub fn lint_text(name: &str, text: &str, settings: &Settings) -> Report {
    engine::run(vec![stdin_input(name, text)], settings)
}

/// Settings a fixture asks for in a header line:
/// `# settings: zones=2 namespace=team-a kubernetes-version=1.25 select=a,b <rule>.<option>=<value>`.
pub fn fixture_settings(text: &str, rule: &str) -> Settings {
    let mut s = Settings::default();
    s.select.insert(rule.to_string());
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("# settings:") else {
            continue;
        };
        for pair in rest.split_whitespace() {
            let (k, v) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("bad settings pair `{pair}`"));
            apply_setting(&mut s, k, v);
        }
    }
    s
}

fn apply_setting(s: &mut Settings, k: &str, v: &str) {
    match k {
        "zones" => s.zones = v.parse().expect("zones"),
        "namespace" => s.namespace = v.to_string(),
        "kubernetes-version" => s.kubernetes_version = Some(v.parse().expect("kubernetes-version")),
        // More rules to run with the fixture's rule (for rules that report on the others).
        "select" => s.select.extend(v.split(',').map(str::to_string)),
        _ => match k.split_once('.') {
            Some((rule, option)) => {
                s.options
                    .entry(rule.to_string())
                    .or_default()
                    .insert(option.to_string(), v.to_string());
            }
            None => panic!("unknown fixture setting `{k}`"),
        },
    }
}

/// Lines marked `# expect: <id>` (several ids: `# expect: a, b`; the same id twice means
/// two findings on that line), sorted.
pub fn expected_lines(text: &str, rule: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            for id in line[pos + "# expect:".len()..].split(',') {
                if id.trim() == rule {
                    out.push(i as u32 + 1);
                }
            }
        }
    }
    out
}

/// Fixture files of a rule whose name starts with `prefix` (`bad-` or `ok-`), sorted.
pub fn fixtures(rule: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = root().join("testdata/rules").join(rule);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    name.starts_with(prefix)
                        && (name.ends_with(".yaml")
                            || name.ends_with(".yml")
                            || name.ends_with(".json"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A fresh directory under the system's temp dir, unique to this test and process.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("kc-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        TempDir(dir)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    pub fn mkdir(&self, rel: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(&path).expect("mkdir");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kube-contract"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run kube-contract")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
