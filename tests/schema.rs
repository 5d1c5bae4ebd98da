//! The schema checks across inputs: custom resources checked against a CRD in another file or
//! in the configured `schemas` paths, counted when no schema is in reach, and the rules turned
//! off like any other.

mod common;

use std::path::PathBuf;

use kube_contract::rule::settings::Settings;

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  size: 1
  colour: red
";

const OTHERS: &str = "apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: a}
spec: {whatever: 1}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: b}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c}
spec: {whatever: 1}
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: []
";

fn rules_of(report: &kube_contract::engine::Report) -> Vec<(&'static str, u32)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.span.start.line))
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kube-contract-schema-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_crd_in_another_input_checks_its_resources() {
    let inputs = vec![
        common::stdin_input("widget.yaml", WIDGET),
        common::stdin_input("crd.yaml", CRD),
    ];
    let mut settings = Settings::default();
    settings.select.insert("unknown-field".into());
    let report = kube_contract::engine::run(inputs, &settings);
    assert_eq!(rules_of(&report), vec![("unknown-field", 6)]);
    assert_eq!(report.diagnostics[0].file, 0);
    assert_eq!(report.no_schema.objects, 0);
}

#[test]
fn custom_resources_without_a_schema_are_counted_not_checked() {
    let report = common::lint_text("others.yaml", OTHERS, &Settings::default());
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| !matches!(d.rule, "unknown-field" | "invalid-field-type")),
        "{:?}",
        report.diagnostics
    );
    // Two ServiceMonitors and a Certificate; kustomize's own file is not counted.
    assert_eq!(report.no_schema.objects, 3);
    assert_eq!(report.no_schema.kinds, 2);
    let summary = kube_contract::output::human::summary(&report);
    assert!(
        summary.contains("3 objects of 2 custom kinds had no schema"),
        "{summary}"
    );
}

#[test]
fn the_schemas_setting_reads_crds_kept_elsewhere() {
    let dir = temp_dir("setting");
    std::fs::create_dir_all(dir.join("crds/nested")).expect("dir");
    std::fs::write(dir.join("crds/nested/widget-crd.yaml"), CRD).expect("write");
    let mut settings = Settings::default();
    settings.select.insert("unknown-field".into());
    let report = common::lint_text("widget.yaml", WIDGET, &settings);
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.no_schema.objects, 1);

    settings.schema_paths.push(dir.join("crds"));
    let report = common::lint_text("widget.yaml", WIDGET, &settings);
    assert_eq!(rules_of(&report), vec![("unknown-field", 6)]);
    assert_eq!(report.no_schema.objects, 0);

    // The same through a configuration file, relative to its directory.
    std::fs::write(dir.join("widget.yaml"), WIDGET).expect("write");
    std::fs::write(dir.join(".kube-contract.yaml"), "schemas: [crds]\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kube-contract"))
        .args(["lint", "--format", "json", "--select", "unknown-field"])
        .arg(dir.join("widget.yaml"))
        .arg("--config")
        .arg(dir.join(".kube-contract.yaml"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"rule\": \"unknown-field\""), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_rules_turn_off_and_down_like_others() {
    let text = format!("{WIDGET}---\n{CRD}");
    let mut settings = Settings::default();
    settings.ignore.insert("unknown-field".into());
    let report = common::lint_text("w.yaml", &text, &settings);
    assert!(report.diagnostics.iter().all(|d| d.rule != "unknown-field"));

    let mut settings = Settings::default();
    settings.severities.insert(
        "unknown-field".into(),
        Some(kube_contract::base::diagnostic::Severity::Info),
    );
    let report = common::lint_text("w.yaml", &text, &settings);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-field")
        .expect("still reported");
    assert_eq!(d.severity, kube_contract::base::diagnostic::Severity::Info);
}

#[test]
fn a_target_older_than_the_data_reads_its_oldest_release() {
    let mut settings = Settings {
        kubernetes_version: Some("1.21".parse().expect("release")),
        ..Settings::default()
    };
    settings.select.insert("unknown-field".into());
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndataa: {}\n";
    let report = common::lint_text("a.yaml", text, &settings);
    let [d] = report.diagnostics.as_slice() else {
        panic!("{:?}", report.diagnostics)
    };
    assert!(
        d.message.contains("Kubernetes 1.25 (the oldest release"),
        "{}",
        d.message
    );
}

#[test]
fn a_huge_mapping_is_checked_in_linear_time() {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for i in 0..60_000 {
        text.push_str(&format!("  key-{i}: v\n"));
    }
    text.push_str("  key-7: again\n");
    let started = std::time::Instant::now();
    let report = common::lint_text("big.yaml", &text, &Settings::default());
    let dups: Vec<u32> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "duplicate-key")
        .map(|d| d.span.start.line)
        .collect();
    assert_eq!(dups, vec![60_005]);
    assert_eq!(report.diagnostics[0].related[0].span.start.line, 12);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn a_deeply_nested_crd_schema_and_resource_do_not_overflow() {
    // Lists cost one level of nesting per schema level, so the schema goes past the reader's
    // schema depth limit (64) while the documents stay under the YAML nesting limit (128).
    let depth = 100;
    let mut schema = String::from("{type: integer}");
    let mut value = String::from("x");
    for _ in 0..depth {
        schema = format!("{{type: array, items: {schema}}}");
        value = format!("[{value}]");
    }
    let crd = CRD.replace(
        "                size: {type: integer}\n",
        &format!("                size: {{type: integer}}\n                deep: {schema}\n"),
    );
    let text = format!(
        "{crd}---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w}}\nspec:\n  size: x\n  deep: {value}\n"
    );
    let mut settings = Settings::default();
    settings.select.insert("invalid-field-type".into());
    let report = common::lint_text("deep.yaml", &text, &settings);
    assert_eq!(report.objects, 2, "{:?}", report.diagnostics);
    // `size` is checked; the string 100 lists down is past the schema depth read and accepted.
    let lines: Vec<u32> = report
        .diagnostics
        .iter()
        .map(|d| d.span.start.line)
        .collect();
    let size_line = text.lines().position(|l| l == "  size: x").expect("size") as u32 + 1;
    assert_eq!(lines, vec![size_line], "{:?}", report.diagnostics);
}

#[test]
fn the_first_crd_of_a_kind_judges_however_many_copies_follow() {
    // The same kind defined again in many later files, differently: the first in input order
    // judges, whichever file a worker thread reads first. A CRD without any schema before it
    // is not a definition and does not count as first.
    let later = CRD.replace("size: {type: integer}", "size: {type: string}");
    let no_schema = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  versions:
    - {name: v1, served: true, storage: true}
";
    let mut inputs = vec![
        common::stdin_input(
            "widget.yaml",
            WIDGET.replace("size: 1", "size: big").as_str(),
        ),
        common::stdin_input("a-no-schema.yaml", no_schema),
        common::stdin_input("b-crd.yaml", CRD),
    ];
    for i in 0..64 {
        inputs.push(common::stdin_input(&format!("c-{i:02}.yaml"), &later));
    }
    let mut settings = Settings {
        jobs: 2,
        ..Settings::default()
    };
    settings.select.insert("invalid-field-type".into());
    let report = kube_contract::engine::run(inputs, &settings);
    assert_eq!(rules_of(&report), vec![("invalid-field-type", 5)]);
    let related = &report.diagnostics[0].related;
    assert_eq!(related.first().map(|r| r.file), Some(2), "{related:?}");
}
