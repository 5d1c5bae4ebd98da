//! Repository scope as a pre-commit hook meets it: the changed file is linted with the whole
//! repository as context, nothing is said about the other files, results do not depend on the
//! current directory or on how directories sort, and applications never link.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{run_in, stderr, TempDir};

const DEPLOYMENT: &str = include_str!("../testdata/scope/apps/shop/deployment.yaml");

const PDB: &str = include_str!("../testdata/scope/apps/shop/pdb.yaml");

const SERVICE: &str = include_str!("../testdata/scope/apps/shop/service.yaml");

/// An unrelated file with findings of its own.
const BARE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: debug
      image: busybox
";

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", common::stdout(o), stderr(o)))
}

/// (rule, file name, line, column, message) of every finding, file names as the base name so
/// that runs from different directories compare.
fn findings(o: &Output) -> Vec<(String, String, u64, u64, String)> {
    let v = json(o);
    let mut out: Vec<_> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("");
            let base = Path::new(file)
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                base,
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn rules(o: &Output) -> Vec<String> {
    findings(o).into_iter().map(|f| f.0).collect()
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "git {args:?} failed in {}", dir.display());
}

/// A repository: one application (Deployment, budget, Service) and an unrelated bare Pod.
fn shop_repo(name: &str) -> TempDir {
    let t = TempDir::new(name);
    t.write("apps/shop/deployment.yaml", DEPLOYMENT);
    t.write("apps/shop/pdb.yaml", PDB);
    t.write("apps/shop/service.yaml", SERVICE);
    t.write("tools/debug.yaml", BARE_POD);
    git(&t.0, &["init", "-q"]);
    t
}

#[test]
fn one_changed_file_is_linted_with_the_repository_as_context() {
    let t = shop_repo("one-file");
    let from_root = run_in(
        &t.0,
        &["lint", "apps/shop/deployment.yaml", "--format", "json"],
    );
    assert_eq!(
        from_root.status.code(),
        Some(0),
        "{}",
        common::stdout(&from_root)
    );
    assert!(
        findings(&from_root).is_empty(),
        "{:?}",
        findings(&from_root)
    );
    let summary = &json(&from_root)["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["context_files"], 3);

    let sub = t.0.join("apps/shop");
    let from_dir = run_in(&sub, &["lint", "deployment.yaml", "--format", "json"]);
    assert_eq!(
        from_dir.status.code(),
        Some(0),
        "{}",
        common::stdout(&from_dir)
    );
    assert!(findings(&from_dir).is_empty());

    // Without the context, the budget one file away is not seen.
    let alone = run_in(
        &t.0,
        &[
            "lint",
            "apps/shop/deployment.yaml",
            "--no-context",
            "--format",
            "json",
        ],
    );
    assert!(
        rules(&alone).contains(&"missing-pdb".to_string()),
        "{:?}",
        rules(&alone)
    );

    // The unrelated file's findings are not reported for the Deployment's commit, but a run
    // over the whole repository reports them.
    assert!(!rules(&from_root).contains(&"bare-pod".to_string()));
    let whole = run_in(&t.0, &["lint", "--format", "json"]);
    assert_eq!(whole.status.code(), Some(1));
    assert!(rules(&whole).contains(&"bare-pod".to_string()));
    assert!(!rules(&whole).contains(&"missing-pdb".to_string()));
}

#[test]
fn a_finding_elsewhere_that_points_into_the_named_file_is_reported() {
    let t = shop_repo("points-in");
    // A second budget in another file overlaps the first: the finding sits on one budget and
    // names the other; either way it names the file of the commit.
    t.write(
        "apps/shop/pdb-extra.yaml",
        &PDB.replace("name: shop\n", "name: extra\n"),
    );
    let o = run_in(
        &t.0,
        &["lint", "apps/shop/pdb-extra.yaml", "--format", "json"],
    );
    assert!(
        rules(&o).contains(&"overlapping-pdbs".to_string()),
        "{:?}",
        rules(&o)
    );
}

#[test]
fn the_same_file_gives_the_same_findings_from_any_directory() {
    let t = shop_repo("any-dir");
    t.write(
        "apps/shop/deployment.yaml",
        &DEPLOYMENT.replace(
            "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n",
            "",
        ),
    );
    let file = t.0.join("apps/shop/deployment.yaml");
    let abs = file.to_string_lossy().into_owned();
    let from_root = run_in(
        &t.0,
        &["lint", "apps/shop/deployment.yaml", "--format", "json"],
    );
    let from_dir = run_in(
        &t.0.join("apps/shop"),
        &["lint", "deployment.yaml", "--format", "json"],
    );
    let from_slash = run_in(Path::new("/"), &["lint", &abs, "--format", "json"]);
    let want = findings(&from_root);
    assert_eq!(
        want.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        vec!["missing-readiness-probe"]
    );
    assert_eq!(findings(&from_dir), want);
    assert_eq!(findings(&from_slash), want);
}

const CART: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  replicas: 4
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
        - name: cart
          image: registry.example.com/cart:1.0
";

fn hpa(min: u32) -> String {
    format!(
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: cart
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: cart}}
  minReplicas: {min}
  maxReplicas: 12
"
    )
}

const CART_PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: cart
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: cart}
";

/// The budget's findings, linting the cart application's files, with an unrelated fixture
/// directory called `other`.
fn cart_findings(t: &TempDir, other: &str) -> Vec<(String, String, u64, u64, String)> {
    t.write("apps/cart/deployment.yaml", CART);
    t.write("apps/cart/hpa.yaml", &hpa(4));
    t.write("apps/cart/pdb.yaml", CART_PDB);
    t.write(&format!("{other}/fixtures/hpa.yaml"), &hpa(1));
    let o = run_in(&t.0, &["lint", "apps/cart", "--format", "json"]);
    findings(&o)
}

#[test]
fn autoscalers_bind_by_proximity_never_by_path_order() {
    let t = TempDir::new("cart");
    git(&t.0, &["init", "-q"]);
    let first = cart_findings(&t, "aa");
    assert!(
        !first.iter().any(|f| f.0 == "pdb-blocks-drain"),
        "the unrelated HPA decided cart's replicas: {first:?}"
    );
    std::fs::rename(t.0.join("aa"), t.0.join("zzz")).expect("rename");
    let renamed = cart_findings(&t, "zzz");
    assert_eq!(first, renamed, "renaming a directory changed the findings");
    // The same with the whole repository named: the fixture's own HPA is reported for what it
    // is, and the cart budget is not.
    let whole = run_in(&t.0, &["lint", "--format", "json"]);
    assert!(!findings(&whole).iter().any(|f| f.0 == "pdb-blocks-drain"));
}

#[test]
fn applications_never_link() {
    let t = TempDir::new("apps");
    git(&t.0, &["init", "-q"]);
    // Two applications in one namespace, each a kustomization: the budget of one does not
    // cover the other's workload.
    t.write(
        "a/kustomization.yaml",
        "resources: [deployment.yaml, pdb.yaml]\n",
    );
    t.write("a/deployment.yaml", DEPLOYMENT);
    t.write("a/pdb.yaml", PDB);
    t.write("b/kustomization.yaml", "resources: [deployment.yaml]\n");
    t.write(
        "b/deployment.yaml",
        &DEPLOYMENT.replace("name: shop\n  namespace", "name: shop2\n  namespace"),
    );
    let o = run_in(&t.0, &["lint", "b/deployment.yaml", "--format", "json"]);
    assert!(
        rules(&o).contains(&"missing-pdb".to_string()),
        "{:?}",
        rules(&o)
    );
    let o = run_in(&t.0, &["lint", "a/deployment.yaml", "--format", "json"]);
    assert!(
        !rules(&o).contains(&"missing-pdb".to_string()),
        "{:?}",
        rules(&o)
    );

    // An overlay names its base: the base's budget covers the overlay's workload.
    t.write("base/kustomization.yaml", "resources: [pdb.yaml]\n");
    t.write("base/pdb.yaml", PDB);
    t.write(
        "overlay/kustomization.yaml",
        "resources: [../base, deployment.yaml]\n",
    );
    t.write("overlay/deployment.yaml", DEPLOYMENT);
    let o = run_in(
        &t.0,
        &["lint", "overlay/deployment.yaml", "--format", "json"],
    );
    assert!(
        !rules(&o).contains(&"missing-pdb".to_string()),
        "{:?}",
        rules(&o)
    );

    // Declared in the configuration: `applications` globs.
    let d = TempDir::new("declared");
    git(&d.0, &["init", "-q"]);
    d.write(".kube-contract.yaml", "applications: [\"teams/*\"]\n");
    d.write("teams/x/pdb.yaml", PDB);
    d.write("teams/y/deployment.yaml", DEPLOYMENT);
    let o = run_in(
        &d.0,
        &["lint", "teams/y/deployment.yaml", "--format", "json"],
    );
    assert!(
        rules(&o).contains(&"missing-pdb".to_string()),
        "{:?}",
        rules(&o)
    );
    assert_eq!(
        json(&o)["summary"]["configurations"][0],
        ".kube-contract.yaml"
    );
}

#[test]
fn each_file_is_judged_under_the_nearest_configuration() {
    let t = shop_repo("nearest");
    t.write(".kube-contract.yaml", "rules:\n  bare-pod: off\n");
    t.write("tools/.kube-contract.yaml", "zones: 3\n");
    // tools/ has its own configuration, which leaves bare-pod on.
    let o = run_in(&t.0, &["lint", "tools/debug.yaml", "--format", "json"]);
    assert!(rules(&o).contains(&"bare-pod".to_string()));
    assert_eq!(
        json(&o)["summary"]["configurations"],
        serde_json::json!(["tools/.kube-contract.yaml"])
    );
    let o = run_in(
        &t.0.join("tools"),
        &["lint", "debug.yaml", "--format", "json"],
    );
    assert!(rules(&o).contains(&"bare-pod".to_string()));
    std::fs::remove_file(t.0.join("tools/.kube-contract.yaml")).expect("rm");
    let o = run_in(
        &t.0.join("tools"),
        &["lint", "debug.yaml", "--format", "json"],
    );
    assert!(
        !rules(&o).contains(&"bare-pod".to_string()),
        "{:?}",
        rules(&o)
    );
}

#[test]
fn standard_input_named_into_the_repository_has_its_context() {
    let t = shop_repo("stdin");
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kube-contract"))
            .current_dir(&t.0)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(mut i) = child.stdin.take() {
            use std::io::Write;
            let _ = i.write_all(DEPLOYMENT.as_bytes());
        }
        child.wait_with_output().expect("wait")
    };
    let named = run(&[
        "lint",
        "-",
        "--stdin-filename",
        "apps/shop/deployment.yaml",
        "--format",
        "json",
    ]);
    assert!(findings(&named).is_empty(), "{:?}", findings(&named));
    let anonymous = run(&["lint", "-", "--format", "json"]);
    assert!(rules(&anonymous).contains(&"missing-pdb".to_string()));
}

/// A kustomize overlay's patch is judged merged with the base its kustomization names: what it
/// adds counts (a readiness probe), and what it changes is judged with the base's fields (its
/// replica count with the base's spreading), at the patch, the base given as related.
#[test]
fn an_overlay_patch_is_judged_merged_with_its_base() {
    let t = TempDir::new("overlay-patch");
    git(&t.0, &["init", "-q"]);
    let base = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{containerPort: 8080}]
          lifecycle: {preStop: {sleep: {seconds: 5}}}
";
    t.write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
    t.write("base/deployment.yaml", base);
    t.write(
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: patch.yaml\n",
    );
    let patch = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: api
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /live, port: 8080}, failureThreshold: 6}
";
    t.write("overlays/prod/patch.yaml", patch);
    let o = run_in(
        &t.0,
        &["lint", "overlays/prod/patch.yaml", "--format", "json"],
    );
    let found = findings(&o);
    let on_patch: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    // The merged workload has its probes (the patch adds them) and its preStop (the base has
    // it); its 3 replicas are not spread.
    for absent in [
        "missing-readiness-probe",
        "missing-liveness-probe",
        "missing-prestop-sleep",
    ] {
        assert!(!on_patch.contains(&absent), "{found:?}");
    }
    let spread = found
        .iter()
        .find(|f| f.0 == "missing-pod-anti-affinity")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(
        (spread.1.as_str(), spread.2, spread.3),
        ("patch.yaml", 4, 9)
    );
    assert!(spread.4.contains("merged with its base"), "{}", spread.4);
    let v = json(&o);
    let related = v["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["rule"] == "missing-pod-anti-affinity"))
        .map(|d| d["related"][0]["file"].as_str().unwrap_or("").to_string());
    assert_eq!(related.as_deref(), Some("base/deployment.yaml"));

    // A second patch file of the overlay with the same count: the finding about the base's
    // spreading is said once, on the first patch file.
    t.write(
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: patch.yaml\n  - path: limits.yaml\n",
    );
    t.write(
        "overlays/prod/limits.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
    );
    let o = run_in(&t.0, &["lint", "overlays", "--format", "json"]);
    let spread: Vec<_> = findings(&o)
        .into_iter()
        .filter(|f| f.0 == "missing-pod-anti-affinity")
        .map(|f| f.1)
        .collect();
    // (The first in input order: files sort by path.)
    assert_eq!(spread, ["limits.yaml"]);

    // Outside the overlay, a file that only shares the name is not its base.
    let u = TempDir::new("unrelated-patch");
    git(&u.0, &["init", "-q"]);
    u.write("a/kustomization.yaml", "resources: [deployment.yaml]\n");
    u.write("a/deployment.yaml", base);
    u.write("b/kustomization.yaml", "patches:\n  - path: patch.yaml\n");
    u.write("b/patch.yaml", patch);
    let o = run_in(&u.0, &["lint", "b/patch.yaml", "--format", "json"]);
    assert_eq!(findings(&o), vec![], "{}", common::stdout(&o));
}

#[test]
fn files_an_applications_glob_names_stand_apart_from_the_files_beside_them() {
    // The files of one directory share their home, found once for the directory; a file a
    // glob names is its own application whatever comes before or after it in the directory.
    let d = TempDir::new("glob-files");
    git(&d.0, &["init", "-q"]);
    d.write(
        ".kube-contract.yaml",
        "applications: [\"samples/own-*.yaml\"]\n",
    );
    let renamed = |name: &str, text: &str| text.replace("shop", name);
    d.write("samples/a.yaml", &renamed("web", DEPLOYMENT));
    d.write("samples/b.yaml", &renamed("web", PDB));
    d.write("samples/own-cart-pdb.yaml", &renamed("cart", PDB));
    d.write("samples/own-cart.yaml", &renamed("cart", DEPLOYMENT));
    d.write("samples/y.yaml", &renamed("zed", PDB));
    d.write("samples/z.yaml", &renamed("zed", DEPLOYMENT));
    let o = run_in(&d.0, &["lint", "samples", "--format", "json"]);
    let unprotected: Vec<String> = findings(&o)
        .into_iter()
        .filter(|f| f.0 == "missing-pdb")
        .map(|f| f.1)
        .collect();
    assert_eq!(unprotected, ["own-cart.yaml"], "{:?}", findings(&o));
}
