//! Adopting kube-contract on a repository with many findings (issue 17): nothing passes
//! silently, the summary triages, a baseline accepts today's findings, overrides scope rules,
//! every finding links its docs, and help snippets paste as YAML.

mod common;

use common::{run_in, stderr, stdout, TempDir};

const BROKEN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: {}\n";

#[test]
fn select_ignore_and_off_never_hide_a_parse_error() {
    let dir = TempDir::new("adopt-parse-error");
    dir.write("broken.yaml", BROKEN);
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--select", "removed-api"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).contains("parse-error"), "{}", stdout(&o));
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--ignore", "parse-error"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`parse-error` cannot be ignored"),
        "{}",
        stderr(&o)
    );
    dir.write(".kube-contract.yaml", "rules:\n  parse-error: off\n");
    let o = run_in(&dir.0, &["lint", "broken.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains(".kube-contract.yaml:2:16")
            && stdout(&o).contains("`parse-error` cannot be turned off"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn no_manifest_found_is_exit_2_unless_allowed() {
    let dir = TempDir::new("adopt-empty");
    dir.mkdir("empty");
    let o = run_in(&dir.0, &["lint", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no manifest found")
            && e.contains("*.yaml, *.yml and *.json")
            && e.contains("`empty`"),
        "{e}"
    );
    let o = run_in(&dir.0, &["lint", "empty", "--allow-empty"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Every file excluded: the message names the glob.
    dir.write(
        "k8s/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    let o = run_in(&dir.0, &["lint", "k8s", "--exclude", "**/cm.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("excluding **/cm.yaml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unknown_release_is_an_error_naming_the_range() {
    let dir = TempDir::new("adopt-release");
    dir.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    for v in ["1.7", "1.99"] {
        let o = run_in(&dir.0, &["lint", "cm.yaml", "--kubernetes-version", v]);
        assert_eq!(o.status.code(), Some(2), "{v}");
        assert!(stderr(&o).contains("(1.8–1.3"), "{v}: {}", stderr(&o));
    }
}

/// Every copy-paste snippet of every rule's help, as the fixtures fire them, is printed on a
/// line of its own in the human output, and parses as YAML.
#[test]
fn every_help_snippet_pastes_as_yaml() {
    use kube_contract::output::{human, snippets};
    let mut seen = 0;
    let mut rules_with_snippets = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for meta in kube_contract::rules::all_metas() {
        for path in common::fixtures(meta.id, "bad-") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let settings = common::fixture_settings(&text, meta.id);
            let report = common::lint(std::slice::from_ref(&path), &settings);
            let out = human::render(
                &report,
                &human::Options {
                    color: false,
                    width: 100,
                    quiet: false,
                    show_suppressed: false,
                },
            );
            let lines: std::collections::HashSet<&str> = out.lines().collect();
            for d in &report.diagnostics {
                for snippet in snippets(d.help.as_deref().unwrap_or("")) {
                    seen += 1;
                    rules_with_snippets.insert(d.rule);
                    if !lines.contains(format!("          {snippet}").as_str()) {
                        failures.push(format!("{}: `{snippet}` is not a line of its own", d.rule));
                    }
                    for doc in kube_contract::yaml::parse_stream(&snippet, false) {
                        if let Err(e) = doc.tree {
                            failures.push(format!(
                                "{} ({}): `{snippet}` is not YAML: {}",
                                d.rule,
                                path.display(),
                                e.message
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(
        seen > 50 && rules_with_snippets.len() > 15,
        "{seen} snippets of {rules_with_snippets:?}"
    );
}

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
      containers:
        - name: web
          image: web:1
          ports:
            - containerPort: 8080
";

/// The same Deployment reformatted: flow style, other indentation, keys reordered.
const WEB_REFORMATTED: &str = "kind: Deployment
apiVersion: apps/v1
metadata: {name: web}
spec:
    replicas: 3
    selector: {matchLabels: {app: web}}
    template:
        metadata: {labels: {app: web}}
        spec:
            containers:
            -   image: web:1
                name: web
                ports: [{containerPort: 8080}]
";

const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {a: b}\n";

fn json_of(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn rules_of(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["file"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_baseline_survives_edits_above_and_reformatting_and_hides_only_what_it_holds() {
    let dir = TempDir::new("adopt-baseline");
    dir.mkdir(".git");
    dir.write("k8s/web.yaml", WEB);
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "k8s", "--format", "json"];
        args.extend_from_slice(extra);
        run_in(&dir.0, &args)
    };
    let before = json_of(&lint(&[]));
    let n = before["diagnostics"].as_array().map_or(0, Vec::len);
    assert!(n >= 3, "the Deployment has findings: {before}");

    // Recorded: nothing is reported, and the run passes.
    let o = lint(&["--write-baseline", "baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.0.join("baseline.json")).expect("written");
    assert!(text.contains("\"version\": 1"), "{text}");
    assert!(
        text.contains("\"path\": \"spec.template.spec.containers[name=web]\""),
        "field paths, not lines: {text}"
    );
    assert!(!text.contains("\"line\""), "{text}");

    // A document inserted above, then the file reformatted: still accepted.
    dir.write("k8s/web.yaml", &format!("{CONFIGMAP}---\n{WEB}"));
    let o = lint(&["--baseline", "baseline.json"]);
    let v = json_of(&o);
    assert_eq!(rules_of(&v), vec![], "{v}");
    assert_eq!(v["summary"]["baseline"]["accepted"], n);
    assert_eq!(o.status.code(), Some(0));
    dir.write(
        "k8s/web.yaml",
        &format!("{WEB_REFORMATTED}---\n{CONFIGMAP}"),
    );
    let v = json_of(&lint(&["--baseline", "baseline.json"]));
    assert_eq!(rules_of(&v), vec![], "reformatted and reordered: {v}");

    // The same findings in another file and another object are new: one old finding never
    // hides a new one (count-aware matching).
    dir.write("k8s/copy.yaml", WEB);
    dir.write(
        "k8s/api.yaml",
        &WEB.replace("name: web\nspec", "name: api\nspec"),
    );
    let o = lint(&["--baseline", "baseline.json"]);
    let v = json_of(&o);
    let files: std::collections::BTreeSet<String> =
        rules_of(&v).into_iter().map(|(_, f)| f).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["k8s/api.yaml".to_string(), "k8s/copy.yaml".to_string()],
        "{v}"
    );
    assert_eq!(o.status.code(), Some(1));

    // Fixed findings leave stale entries, reported in both formats.
    std::fs::remove_file(dir.0.join("k8s/copy.yaml")).expect("rm");
    std::fs::remove_file(dir.0.join("k8s/api.yaml")).expect("rm");
    dir.write(
        "k8s/web.yaml",
        &WEB.replace(
            "          ports:\n",
            "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n          ports:\n",
        ),
    );
    let v = json_of(&lint(&["--baseline", "baseline.json"]));
    let stale = v["summary"]["baseline"]["stale"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        stale.iter().any(|s| s["rule"] == "missing-readiness-probe"
            && s["path"] == "spec.template.spec.containers[name=web]"
            && s["file"] == "k8s/web.yaml"),
        "{v}"
    );
    // A run over other files says nothing of this file's entries.
    dir.write("other/cm.yaml", CONFIGMAP);
    let v = json_of(&run_in(
        &dir.0,
        &[
            "lint",
            "other",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
        ],
    ));
    assert_eq!(
        v["summary"]["baseline"]["stale"],
        serde_json::json!([]),
        "{v}"
    );
    let o = run_in(&dir.0, &["lint", "k8s", "--baseline", "baseline.json"]);
    assert!(
        stdout(&o).contains("stale: missing-readiness-probe k8s/web.yaml Deployment default/web at `spec.template.spec.containers[name=web]`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_baseline_never_hides_a_parse_error_and_refuses_newer_formats() {
    let dir = TempDir::new("adopt-baseline-errors");
    dir.mkdir(".git");
    dir.write("broken.yaml", BROKEN);
    let o = run_in(
        &dir.0,
        &["lint", "broken.yaml", "--write-baseline", "b.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    dir.write(
        "b2.json",
        "{\"version\": 2, \"findings\": [], \"signature\": \"x\"}",
    );
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--baseline", "b2.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("written by a newer kube-contract"),
        "{}",
        stderr(&o)
    );
    dir.write(
        "b3.json",
        "{\"version\": 1, \"findings\": [], \"signature\": \"x\"}",
    );
    let o = run_in(&dir.0, &["lint", "broken.yaml", "--baseline", "b3.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `signature`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn overrides_apply_by_glob_namespace_and_kind_in_order() {
    let dir = TempDir::new("adopt-overrides");
    dir.mkdir(".git");
    let web = |name: &str, ns: &str| {
        WEB.replace(
            "name: web\nspec",
            &format!("name: {name}\n  namespace: {ns}\nspec"),
        )
    };
    dir.write("apps/web.yaml", &web("web", "shop"));
    dir.write("vendor/chart/web.yaml", &web("vendored", "shop"));
    dir.write("apps/batch.yaml", &web("batch", "jobs"));
    dir.write(
        "apps/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: one, namespace: shop}\nspec:\n  containers:\n    - {name: a, image: a:1}\n",
    );
    dir.write(
        ".kube-contract.yaml",
        "overrides:\n\
         \x20 - files: [\"vendor/**\"]\n\
         \x20   rules: {missing-readiness-probe: off, missing-liveness-probe: off}\n\
         \x20 - namespaces: [jobs]\n\
         \x20   rules: {missing-pdb: off, missing-readiness-probe: info}\n\
         \x20 - kinds: [Pod]\n\
         \x20   rules: {bare-pod: info}\n\
         \x20 - namespaces: [jobs]\n\
         \x20   rules: {missing-readiness-probe: error}\n",
    );
    let o = run_in(&dir.0, &["lint", ".", "--format", "json"]);
    let v = json_of(&o);
    let found: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["file"].as_str().unwrap_or("").to_string(),
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["severity"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let has = |file: &str, rule: &str| {
        found
            .iter()
            .find(|(f, r, _)| f.ends_with(file) && r == rule)
    };
    // By glob: the vendored chart's probes are off, the app's are not.
    assert!(
        has("vendor/chart/web.yaml", "missing-readiness-probe").is_none(),
        "{found:?}"
    );
    assert!(has("vendor/chart/web.yaml", "missing-liveness-probe").is_none());
    assert!(has("vendor/chart/web.yaml", "missing-pdb").is_some());
    assert_eq!(
        has("apps/web.yaml", "missing-readiness-probe").map(|f| f.2.as_str()),
        Some("warning")
    );
    // By namespace, in order: the later entry wins.
    assert!(has("apps/batch.yaml", "missing-pdb").is_none());
    assert_eq!(
        has("apps/batch.yaml", "missing-readiness-probe").map(|f| f.2.as_str()),
        Some("error")
    );
    // By kind.
    assert_eq!(
        has("apps/pod.yaml", "bare-pod").map(|f| f.2.as_str()),
        Some("info")
    );
}

#[test]
fn override_mistakes_are_located() {
    let dir = TempDir::new("adopt-override-errors");
    dir.mkdir(".git");
    dir.write("cm.yaml", CONFIGMAP);
    dir.write(
        ".kube-contract.yaml",
        "overrides:\n  - file: [\"x/**\"]\n    rules: {bare-pod: off}\n  - kinds: [deployment]\n    namespaces: [Not_A_Namespace]\n    rules: {no-such-rule: off, parse-error: off, bare-pod: {colour: red}}\n  - files: [\"a/[\"]\n  - 3\ndocs-url: https://example.com/rules\n",
    );
    let o = run_in(&dir.0, &["lint", "cm.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    for (at, what) in [
        (
            ".kube-contract.yaml:2:5",
            "unknown key `file` in an `overrides` entry; did you mean `files`?",
        ),
        (".kube-contract.yaml:4:13", "`deployment` is not a kind"),
        (
            ".kube-contract.yaml:5:18",
            "`Not_A_Namespace` is not a namespace name",
        ),
        (".kube-contract.yaml:6:13", "unknown rule `no-such-rule`"),
        (
            ".kube-contract.yaml:6:45",
            "`parse-error` cannot be turned off",
        ),
        (
            ".kube-contract.yaml:6:61",
            "`colour` is not an option of `bare-pod`",
        ),
        (".kube-contract.yaml:7:13", "invalid glob `a/[` in `files`"),
        (
            ".kube-contract.yaml:7:5",
            "an `overrides` entry needs `rules`",
        ),
        (
            ".kube-contract.yaml:8:5",
            "each entry of `overrides` must be a mapping",
        ),
        (".kube-contract.yaml:9:11", "`docs-url` must hold `{rule}`"),
    ] {
        assert!(
            out.contains(&format!("[{at}]")) && out.contains(what),
            "{at} {what}:\n{out}"
        );
    }
}

#[test]
fn docs_url_is_configurable() {
    let dir = TempDir::new("adopt-docs-url");
    dir.mkdir(".git");
    dir.write("web.yaml", WEB);
    dir.write(
        ".kube-contract.yaml",
        "docs-url: \"https://wiki.example.com/k8s/{rule}\"\n",
    );
    let v = json_of(&run_in(&dir.0, &["lint", "web.yaml", "--format", "json"]));
    assert_eq!(
        v["diagnostics"][0]["url"],
        format!(
            "https://wiki.example.com/k8s/{}",
            v["diagnostics"][0]["rule"].as_str().unwrap_or("")
        )
    );
    let human = stdout(&run_in(&dir.0, &["lint", "web.yaml"]));
    assert!(
        human.contains("  docs: https://wiki.example.com/k8s/missing-pdb\n"),
        "{human}"
    );
    let github = stdout(&run_in(&dir.0, &["lint", "web.yaml", "--format", "github"]));
    assert!(
        github.contains("title=missing-pdb (https%3A//wiki.example.com/k8s/missing-pdb)::"),
        "{github}"
    );
}

/// The summary that triages (per rule and severity, the files with the most findings, the
/// exit code's reason) and `--statistics`, as snapshots.
#[test]
fn triage_summary_and_statistics() {
    let root = common::root();
    let run = |extra: &[&str]| {
        let mut args = vec!["lint", "testdata/inputs", "--no-context"];
        args.extend_from_slice(extra);
        let o = run_in(&root, &args);
        assert_eq!(o.status.code(), Some(2), "the inputs hold parse errors");
        stdout(&o)
    };
    let human = run(&[]);
    let summary = human
        .find("Findings by rule:")
        .map_or("", |at| &human[at..]);
    insta::assert_snapshot!("triage-summary", summary);
    insta::assert_snapshot!("statistics", run(&["--statistics"]));
    let v: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).expect("JSON");
    let rules = v["summary"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let table: String = rules
        .iter()
        .map(|r| {
            format!(
                "{:>2}  {:<7}  {}\n",
                r["count"].as_u64().unwrap_or(0),
                r["severity"].as_str().unwrap_or(""),
                r["rule"].as_str().unwrap_or("")
            )
        })
        .collect();
    let statistics = run(&["--statistics"]);
    assert_eq!(
        table, statistics,
        "JSON's summary.rules carries the same counts"
    );
    assert_eq!(v["summary"]["exit_code"], 2);
    assert_eq!(
        v["summary"]["exit_reason"],
        "exit 2: 5 files or documents could not be read (parse-error)"
    );
}

/// An override's options reach the rule, for the objects it matches only.
#[test]
fn override_options_reach_the_rules() {
    let dir = TempDir::new("adopt-override-options");
    dir.mkdir(".git");
    let deploy = |ns: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {ns}}}\nspec:\n  \
             replicas: 3\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: \
             {{labels: {{app: web}}}}\n    spec:\n      terminationGracePeriodSeconds: 12\n      \
             containers:\n        - name: web\n          image: web:1\n          lifecycle: \
             {{preStop: {{sleep: {{seconds: 10}}}}}}\n"
        )
    };
    dir.write("strict.yaml", &deploy("strict"));
    dir.write("relaxed.yaml", &deploy("relaxed"));
    dir.write(
        ".kube-contract.yaml",
        "overrides:\n  - namespaces: [relaxed]\n    rules:\n      prestop-exceeds-grace-period: {min-shutdown-seconds: 1}\n",
    );
    let v = json_of(&run_in(
        &dir.0,
        &[
            "lint",
            ".",
            "--format",
            "json",
            "--select",
            "prestop-exceeds-grace-period",
        ],
    ));
    let files: Vec<String> = rules_of(&v).into_iter().map(|(_, f)| f).collect();
    assert_eq!(files, vec!["strict.yaml".to_string()], "{v}");
}
