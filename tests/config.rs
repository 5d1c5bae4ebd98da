//! `.kube-contract.yaml` as users meet it: discovery, `--config`, `--no-config`, errors with
//! positions, flags over the file, `init`, and options reaching the rules.

mod common;

use std::path::Path;
use std::process::Output;

use common::{run_in, stderr, stdout, TempDir};

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// (rule, line) of every finding of a JSON report.
fn findings(o: &Output) -> Vec<(String, u64)> {
    json(o)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A Deployment whose preStop sleep of 22s leaves 8s of its 30s grace period: clean with the
/// default `min-shutdown-seconds` (5), a warning with 10.
const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: web
          image: nginx:1.27
          readinessProbe: {httpGet: {path: /ready, port: 80}}
          livenessProbe: {httpGet: {path: /live, port: 80}}
          lifecycle:
            preStop:
              exec: {command: [sleep, \"22\"]}
";

/// The rule these tests tune; other rules (PDBs, spread) would fire on `WEB` too.
const PRESTOP: &str = "prestop-exceeds-grace-period";

const MIN_SHUTDOWN_10: &str =
    "rules:\n  prestop-exceeds-grace-period:\n    min-shutdown-seconds: 10\n";

fn prestop(o: &Output) -> usize {
    findings(o)
        .iter()
        .filter(|(r, _)| r == "prestop-exceeds-grace-period")
        .count()
}

#[test]
fn discovered_from_a_subdirectory_and_options_reach_the_rule() {
    let t = TempDir::new("discover");
    t.mkdir(".git");
    t.write(".kube-contract.yaml", MIN_SHUTDOWN_10);
    t.write("k8s/web.yaml", WEB);
    let sub = t.mkdir("k8s/overlays/prod");
    let o = run_in(
        &sub,
        &["lint", "../..", "--format", "json", "--select", PRESTOP],
    );
    assert_eq!(prestop(&o), 1, "{}", stdout(&o));
    let d = &json(&o)["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("min-shutdown-seconds 10s"),
        "{d}"
    );
    assert_eq!(o.status.code(), Some(1));
    // --no-config: the default of 5 seconds, no finding.
    let o = run_in(
        &sub,
        &[
            "lint",
            "../..",
            "--format",
            "json",
            "--no-config",
            "--select",
            PRESTOP,
        ],
    );
    assert_eq!(prestop(&o), 0);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_severity_other_than_the_default_applies_to_every_finding() {
    let t = TempDir::new("severity");
    t.mkdir(".git");
    t.write("web.yaml", WEB);
    // The rule's default is error; this finding is one it reports as a warning.
    t.write(".kube-contract.yaml", MIN_SHUTDOWN_10);
    let severity = || {
        let o = run_in(
            &t.0,
            &["lint", "web.yaml", "--format", "json", "--select", PRESTOP],
        );
        json(&o)["diagnostics"][0]["severity"].clone()
    };
    assert_eq!(severity(), "warning");
    t.write(
        ".kube-contract.yaml",
        &format!("{MIN_SHUTDOWN_10}    severity: error\n"),
    );
    assert_eq!(
        severity(),
        "warning",
        "the default written down changes nothing"
    );
    t.write(
        ".kube-contract.yaml",
        &format!("{MIN_SHUTDOWN_10}    severity: info\n"),
    );
    assert_eq!(severity(), "info");
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let t = TempDir::new("stop");
    // Above the repository: would be an error if it were read.
    t.write(".kube-contract.yaml", "zone: 3\n");
    t.mkdir("repo/.git");
    t.write("repo/web.yaml", WEB);
    let sub = t.mkdir("repo/sub");
    let o = run_in(
        &sub,
        &["lint", "..", "--format", "json", "--select", PRESTOP],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The search starts at the linted files, not the current directory: from outside the
    // repository it still stops at the repository's root.
    let o = run_in(&t.0, &["lint", "repo", "--select", PRESTOP]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Outside a repository the search goes on up, and finds it.
    t.write("loose/web.yaml", WEB);
    let o = run_in(&t.0, &["lint", "loose"]);
    assert_eq!(o.status.code(), Some(2));
    // Configuration errors are findings of the report (here the human format).
    assert!(
        stdout(&o).contains("unknown setting `zone`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_explicit_config_file() {
    let t = TempDir::new("explicit");
    t.mkdir(".git");
    t.write("web.yaml", WEB);
    t.write("ci/strict.yaml", MIN_SHUTDOWN_10);
    // The discovered file would turn the rule off; --config replaces it.
    t.write(
        ".kube-contract.yaml",
        "rules:\n  prestop-exceeds-grace-period: off\n",
    );
    let o = run_in(&t.0, &["lint", "web.yaml", "--format", "json"]);
    assert_eq!(prestop(&o), 0);
    let o = run_in(
        &t.0,
        &[
            "lint",
            "web.yaml",
            "--format",
            "json",
            "--config",
            "ci/strict.yaml",
        ],
    );
    assert_eq!(prestop(&o), 1);
    let o = run_in(&t.0, &["lint", "web.yaml", "--config", "ci/missing.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("cannot read ci/missing.yaml: no such file or directory"),
        "{}",
        stdout(&o)
    );
    let o = run_in(
        &t.0,
        &[
            "lint",
            "web.yaml",
            "--config",
            "ci/strict.yaml",
            "--no-config",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "the two flags conflict");
}

#[test]
fn config_errors_name_the_file_line_and_column() {
    let t = TempDir::new("errors");
    t.mkdir(".git");
    t.write("web.yaml", WEB);
    let cases: &[(&str, &str, &str)] = &[
        (
            "zones: 3\nzone: 2\n",
            ":2:1",
            "unknown setting `zone`; did you mean `zones`?",
        ),
        (
            "rules:\n  missing-readines-probe: off\n",
            ":2:3",
            "did you mean `missing-readiness-probe`?",
        ),
        (
            "rules:\n  prestop-exceeds-grace-period:\n    min-shutdown-second: 10\n",
            ":3:5",
            "is not an option of `prestop-exceeds-grace-period`",
        ),
        (
            "rules:\n  prestop-exceeds-grace-period: {min-shutdown-seconds: 1.5}\n",
            ":2:56",
            "must be an integer (0 or more), not a number",
        ),
        (
            "rules:\n  bare-pod: loud\n",
            ":2:13",
            "`loud` is not a severity",
        ),
        ("zones: none\n", ":1:8", "`zones` must be an integer"),
        (
            "kubernetes-version: \"1.x\"\n",
            ":1:21",
            "not a Kubernetes release",
        ),
        ("exclude: [\"a/{b\"]\n", ":1:11", "invalid glob"),
        ("zones: [3\n", ":1:", "zones"),
    ];
    for (text, at, message) in cases {
        t.write(".kube-contract.yaml", text);
        let o = run_in(&t.0, &["lint", "web.yaml"]);
        // The mistakes are the report, on standard output; nothing else is.
        let err = stdout(&o);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains(&format!(".kube-contract.yaml{at}")),
            "{text}: {err}"
        );
        // The human format wraps long messages.
        let flat = err.replace("\n  │ ", " ");
        assert!(flat.contains(message), "{text}: {err}");
        assert!(!err.contains("web.yaml"), "nothing is linted: {err}");
    }
    // Several mistakes are all reported, each with its source line.
    t.write(".kube-contract.yaml", "zones: 0\nnamespace: Shop\n");
    let err = stdout(&run_in(&t.0, &["lint", "web.yaml"]));
    assert!(err.contains(".kube-contract.yaml:1:8"), "{err}");
    assert!(err.contains(".kube-contract.yaml:2:12"), "{err}");
    assert!(err.contains(" 2 │ namespace: Shop"), "{err}");
}

/// A manifest with findings in three rules, a namespace-less object and a removed apiVersion.
const MIXED: &str = "apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: legacy
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
        - name: app
          image: legacy:1
";

#[test]
fn flags_override_the_file() {
    let t = TempDir::new("precedence");
    t.mkdir(".git");
    t.write("legacy.yaml", MIXED);
    t.write(
        ".kube-contract.yaml",
        "kubernetes-version: \"1.15\"\nnamespace: shop\nfail-on: never\nrules:\n  \
         missing-readiness-probe: off\n  missing-liveness-probe: error\n",
    );
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "legacy.yaml", "--format", "json"];
        args.extend_from_slice(extra);
        run_in(&t.0, &args)
    };
    let rules_of =
        |o: &Output| -> Vec<String> { findings(o).into_iter().map(|(r, _)| r).collect() };

    // The file alone.
    let o = lint(&[]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "fail-on: never");
    let rules = rules_of(&o);
    assert!(
        rules.contains(&"deprecated-api".to_string()),
        "1.15 still serves apps/v1beta1: {rules:?}"
    );
    assert!(!rules.contains(&"removed-api".to_string()));
    assert!(!rules.contains(&"missing-readiness-probe".to_string()));
    let liveness = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["rule"] == "missing-liveness-probe"))
        .expect("liveness finding");
    assert_eq!(liveness["severity"], "error");
    assert_eq!(liveness["object"]["namespace"], "shop");

    // Each flag wins over the file.
    let o = lint(&["--kubernetes-version", "1.16"]);
    assert!(rules_of(&o).contains(&"removed-api".to_string()));
    let o = lint(&["--fail-on", "error"]);
    assert_eq!(o.status.code(), Some(1));
    let o = lint(&["--namespace", "team-b"]);
    assert_eq!(json(&o)["diagnostics"][0]["object"]["namespace"], "team-b");
    let o = lint(&["--select", "missing-readiness-probe"]);
    assert_eq!(
        rules_of(&o),
        vec!["missing-readiness-probe".to_string()],
        "select runs a rule the file turned off"
    );
    let o = lint(&["--ignore", "missing-liveness-probe,deprecated-api"]);
    let rules = rules_of(&o);
    assert!(!rules.contains(&"missing-liveness-probe".to_string()));
    assert!(!rules.contains(&"deprecated-api".to_string()));
}

#[test]
fn config_globs_are_relative_to_the_config_file() {
    let t = TempDir::new("globs");
    t.mkdir(".git");
    t.write(
        ".kube-contract.yaml",
        "include: [\"apps/**\", \"*.yaml\"]\nexclude: [\"apps/generated/**\"]\n",
    );
    t.write("top.yaml", WEB);
    t.write("apps/web.yaml", WEB);
    t.write("apps/generated/web.yaml", WEB);
    t.write("other/web.yaml", WEB);
    let files = |dir: &Path, args: &[&str]| {
        let mut all = vec!["lint", "--format", "json"];
        all.extend_from_slice(args);
        json(&run_in(dir, &all))["summary"]["files"]
            .as_u64()
            .unwrap_or(0)
    };
    // From the root: top.yaml and apps/web.yaml.
    assert_eq!(files(&t.0, &[]), 2);
    // From a subdirectory the globs still mean the same files.
    let sub = t.0.join("apps");
    assert_eq!(files(&sub, &[".."]), 2);
    assert_eq!(files(&sub, &["."]), 1);
    // --include replaces the file's include; its exclude still applies.
    assert_eq!(files(&t.0, &["--include", "**/web.yaml"]), 2);
    // --exclude adds to it.
    assert_eq!(files(&t.0, &["--exclude", "top.yaml"]), 1);
    // `*` stays in one directory.
    t.write(".kube-contract.yaml", "include: [\"*.yaml\"]\n");
    assert_eq!(files(&t.0, &[]), 1);
}

#[test]
fn init_writes_a_file_that_changes_nothing() {
    let t = TempDir::new("init");
    t.mkdir(".git");
    let o = run_in(&t.0, &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = t.0.join(".kube-contract.yaml");
    let text = std::fs::read_to_string(&path).expect("written");
    for m in kube_contract::rules::all_metas() {
        assert!(
            text.contains(&format!("  {}: {}\n", m.id, m.severity))
                || text.contains(&format!("  {}:\n    severity: {}\n", m.id, m.severity)),
            "{} missing from:\n{text}",
            m.id
        );
        for o in m.options {
            assert!(text.contains(&format!("    {}: {}\n", o.name, o.default)));
        }
    }
    // Refuses to overwrite, unless --force.
    std::fs::write(&path, "zones: 2\n").expect("edit");
    let o = run_in(&t.0, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), "zones: 2\n");
    assert_eq!(run_in(&t.0, &["init", "--force"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).expect("rewritten"), text);

    // It loads, and every fixture lints exactly as without a configuration.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rules");
    let with = run_in(
        &t.0,
        &[
            "lint",
            fixtures,
            "--format",
            "json",
            "--no-context",
            "--config",
            ".kube-contract.yaml",
        ],
    );
    let without = run_in(
        &t.0,
        &[
            "lint",
            fixtures,
            "--format",
            "json",
            "--no-context",
            "--no-config",
        ],
    );
    assert_eq!(
        with.status.code(),
        without.status.code(),
        "{}",
        stderr(&with)
    );
    assert!(stderr(&with).is_empty(), "{}", stderr(&with));
    // The same findings and counts; only the summary's list of configuration files differs.
    let (mut a, mut b) = (json(&with), json(&without));
    assert_eq!(a["summary"]["configurations"][0], ".kube-contract.yaml");
    for v in [&mut a, &mut b] {
        v["summary"]["configurations"] = serde_json::Value::Null;
    }
    assert_eq!(a, b);
    assert!(findings(&with).len() > 20);
}

#[test]
fn suppressed_findings_in_human_and_json_output() {
    let root = env!("CARGO_MANIFEST_DIR");
    let file = "testdata/inputs/suppress-helm.yaml";
    let human = run_in(Path::new(root), &["lint", file, "--show-suppressed"]);
    let text = stdout(&human);
    assert!(text.contains("Suppressed findings (3):"), "{text}");
    assert!(
        text.contains("silenced by the comment at testdata/inputs/suppress-helm.yaml:3:1: batch consumer, no traffic"),
        "{text}"
    );
    assert!(text.contains("3 suppressed"), "{text}");
    let plain = stdout(&run_in(Path::new(root), &["lint", file]));
    assert!(!plain.contains("Suppressed findings"), "{plain}");
    assert!(plain.contains("`--show-suppressed` lists"), "{plain}");

    let v = json(&run_in(
        Path::new(root),
        &["lint", file, "--format", "json"],
    ));
    assert_eq!(v["summary"]["suppressed"], 3);
    let s = &v["suppressed"][2];
    assert_eq!(s["rule"], "missing-liveness-probe");
    assert_eq!(s["file"], file);
    assert_eq!(s["line"], 43);
    assert_eq!(s["column"], 11);
    assert_eq!(s["template"], "shop/templates/web.yaml");
    assert_eq!(s["reason"], "liveness is checked by the service mesh");
    assert_eq!(s["suppression"]["kind"], "annotation");
    assert_eq!(s["suppression"]["file"], file);
    assert_eq!(s["suppression"]["line"], 30);
    assert_eq!(s["suppression"]["column"], 30);
}

#[test]
fn explain_shows_the_options() {
    let o = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["explain", "prestop-exceeds-grace-period"],
    );
    let text = stdout(&o);
    assert!(
        text.contains("| `min-shutdown-seconds` | integer ≥ 0 | `5` |"),
        "{text}"
    );
    assert!(text.contains("rules:\n  prestop-exceeds-grace-period:\n    severity: error\n    min-shutdown-seconds: 5\n"), "{text}");
}

#[test]
fn zones_from_the_file_and_the_flag_reach_the_rule() {
    let t = TempDir::new("zones");
    t.mkdir(".git");
    let four = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n";
    t.write("api.yaml", four);
    let zone_findings = |extra: &[&str]| {
        let mut args = vec![
            "lint",
            "api.yaml",
            "--format",
            "json",
            "--select",
            "replicas-not-zone-multiple",
        ];
        args.extend_from_slice(extra);
        let o = run_in(&t.0, &args);
        findings(&o).len()
    };
    // 4 replicas over the default 3 zones.
    assert_eq!(zone_findings(&[]), 1);
    t.write(".kube-contract.yaml", "zones: 2\n");
    assert_eq!(zone_findings(&[]), 0, "4 replicas over 2 zones");
    assert_eq!(
        zone_findings(&["--zones", "3"]),
        1,
        "the flag overrides the file"
    );
    assert_eq!(zone_findings(&["--no-config"]), 1);
}

const CLONESET: &str = "apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 8080}]
";

const WEBSERVICE: &str = "apiVersion: example.com/v1
kind: WebService
metadata:
  name: api
spec:
  size: 1
  match: {matchLabels: {app: api}}
  pod:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
";

#[test]
fn declared_controllers_are_judged_like_deployments() {
    let t = TempDir::new("controllers");
    t.write("cloneset.yaml", CLONESET);
    let lint = |file: &str| {
        let o = run_in(&t.0, &["lint", file, "--format", "json", "--no-context"]);
        findings(&o)
            .into_iter()
            .map(|(rule, line)| format!("{rule}:{line}"))
            .collect::<Vec<_>>()
    };
    let unknown = lint("cloneset.yaml");
    assert!(
        !unknown
            .iter()
            .any(|f| f.starts_with("missing-readiness-probe")),
        "an undeclared custom kind is not judged: {unknown:?}"
    );
    t.write(
        ".kube-contract.yaml",
        "controllers:\n  - {group: apps.kruise.io, kind: CloneSet}\n  - {group: example.com, kind: WebService, template: spec.pod, selector: spec.match, replicas: spec.size}\n",
    );
    let declared = lint("cloneset.yaml");
    for want in ["missing-readiness-probe:14", "missing-pdb:6"] {
        assert!(
            declared.contains(&want.to_string()),
            "{want} in {declared:?}"
        );
    }
    t.write("webservice.yaml", WEBSERVICE);
    let custom_paths = lint("webservice.yaml");
    assert!(
        custom_paths.contains(&"single-replica:6".to_string()),
        "the declared `replicas` path is read: {custom_paths:?}"
    );
    // A mistake in an entry is located, and stops the run.
    t.write(
        ".kube-contract.yaml",
        "controllers:\n  - {group: apps.kruise.io, knd: CloneSet}\n",
    );
    let o = run_in(&t.0, &["lint", "cloneset.yaml", "--no-context"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains("unknown key `knd`") && out.contains("did you mean `kind`?"),
        "{out}"
    );
}
