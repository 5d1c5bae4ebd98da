//! The machine-readable formats, checked with real parsers and validators rather than by eye:
//! SARIF against the official SARIF 2.1.0 schema, JSON against `docs/json-output.schema.json`,
//! JUnit with an XML parser, GitHub workflow commands with the problem matcher of
//! `docs/editors.md`. The SARIF written here is also kept under `CARGO_TARGET_TMPDIR/sarif/`
//! for `.ci/run`, which gives it to Microsoft's SARIF validator.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kube_contract::base::diagnostic::{Related, Severity};
use kube_contract::base::span::{Pos, Span};
use kube_contract::engine::{self, Report};
use kube_contract::output::{github, json, junit, sarif};
use kube_contract::rule::settings::Settings;
use kube_contract::rules;
use kube_contract::source::{self, Filters};
use serde_json::Value;

/// The working directory every test pretends to run in: the repository root.
fn cwd() -> PathBuf {
    common::root()
}

/// Every file under `testdata/` (fixtures of every rule, loader inputs with parse errors,
/// invalid UTF-8, Helm-rendered streams, the examples), linted with every rule.
fn all_fixtures() -> Report {
    let filters = Filters::new(&[], &[]).expect("no globs");
    let root = common::root();
    let mut inputs = source::discover(
        &[root.join("testdata").to_string_lossy().into_owned()],
        &filters,
        "<stdin>",
    )
    .expect("testdata exists");
    for i in &mut inputs {
        if let Some(p) = &i.path {
            i.display = p
                .strip_prefix(&root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned();
        }
    }
    assert!(inputs.len() > 40, "found {} inputs", inputs.len());
    engine::run(inputs, &Settings::default())
}

const RENDERED: &str = "\
# Source: shop/templates/web.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: \"wéb,50%:x\"
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: wéb
          image: nginx
---
# Source: shop/templates/reader.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: []
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
";

/// A report with what the fixtures lack: a related location in another file, a file name
/// that needs escaping in every format, a file outside the working directory, markup and
/// control characters in a message, a cluster-scoped object, an info finding, a parse error.
fn synthetic() -> Report {
    let inputs = vec![
        common::stdin_input("rendered <1>, 50%.yaml", RENDERED),
        common::stdin_input("../elsewhere/broken.yaml", "a: [\n"),
    ];
    let mut report = engine::run(inputs, &Settings::default());
    let first = report
        .diagnostics
        .iter()
        .position(|d| d.rule == "missing-readiness-probe")
        .expect("the Deployment has no readinessProbe");
    let d = &mut report.diagnostics[first];
    d.related.push(Related {
        file: 1,
        span: Span::new(Pos { line: 1, column: 1 }, Pos { line: 1, column: 5 }),
        message: "PodDisruptionBudget shop/web also selects these pods".into(),
    });
    d.related.push(Related {
        file: 0,
        span: Span::new(
            Pos {
                line: 23,
                column: 1,
            },
            Pos {
                line: 23,
                column: 12,
            },
        ),
        message: "Service shop/web sends traffic to them".into(),
    });
    d.message
        .push_str(" <b>&amp; \"quoted\" 'single' ]]> 100% a:b, c\r\nnext line \u{1}\u{7f}");
    d.help = Some("write\n  readinessProbe: {httpGet: {path: /ready, port: 8080}}".into());
    let info = report
        .diagnostics
        .iter()
        .position(|d| d.rule != "parse-error" && d.rule != "missing-readiness-probe")
        .expect("another finding");
    report.diagnostics[info].severity = Severity::Info;
    report
}

fn compile(schema: &Path, formats: bool) -> (boon::Schemas, boon::SchemaIndex) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    if formats {
        compiler.enable_format_assertions();
    }
    let index = compiler
        .compile(&schema.to_string_lossy(), &mut schemas)
        .unwrap_or_else(|e| panic!("{} does not compile: {e:#}", schema.display()));
    (schemas, index)
}

fn assert_valid(schemas: &boon::Schemas, index: boon::SchemaIndex, doc: &Value, what: &str) {
    if let Err(e) = schemas.validate(doc, index) {
        panic!("{what} does not match its schema:\n{e:#}");
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn sarif_matches_the_official_schema() {
    let (schemas, index) = compile(&common::root().join("tests/schemas/sarif-2.1.0.json"), true);
    let cwd = cwd();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    std::fs::create_dir_all(&dir).expect("create sample dir");
    for (name, report) in [("fixtures", all_fixtures()), ("synthetic", synthetic())] {
        let text = sarif::render(&report, &sarif::Options { cwd: Some(&cwd) });
        assert_valid(&schemas, index, &parse(&text), name);
        // For `.ci/run`'s SARIF validator.
        std::fs::write(dir.join(format!("{name}.sarif")), &text).expect("write sample");
    }
    // The validator is really validating: a result without a message is rejected.
    let mut bad = parse(&sarif::render(
        &synthetic(),
        &sarif::Options { cwd: Some(&cwd) },
    ));
    bad["runs"][0]["results"][0]
        .as_object_mut()
        .expect("result")
        .remove("message");
    assert!(schemas.validate(&bad, index).is_err());
}

#[test]
fn sarif_rules_come_from_the_rule_metadata() {
    let cwd = cwd();
    let v = parse(&sarif::render(
        &synthetic(),
        &sarif::Options { cwd: Some(&cwd) },
    ));
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "kube-contract");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules_out = driver["rules"].as_array().expect("rules");
    let metas = rules::all_metas();
    assert_eq!(rules_out.len(), metas.len());
    for (r, m) in rules_out.iter().zip(&metas) {
        assert_eq!(r["id"], m.id);
        assert_eq!(r["shortDescription"]["text"], format!("{}.", m.summary));
        assert_eq!(r["fullDescription"]["text"], m.what_it_does.trim());
        assert_eq!(
            r["helpUri"],
            format!(
                "https://github.com/kube-contract/kube-contract/blob/main/docs/rules/{}.md",
                m.id
            )
        );
        assert!(common::root()
            .join(format!("docs/rules/{}.md", m.id))
            .is_file());
        let level = match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(r["defaultConfiguration"]["level"], level);
        assert_eq!(
            r["help"]["markdown"],
            kube_contract::output::docs::rule_page(m).as_str()
        );
    }
    for result in run["results"].as_array().expect("results") {
        let i = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules_out[i]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_locations() {
    let cwd = cwd();
    let report = synthetic();
    let v = parse(&sarif::render(&report, &sarif::Options { cwd: Some(&cwd) }));
    let run = &v["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base uri");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics.len());
    for (r, d) in results.iter().zip(&report.diagnostics) {
        assert_eq!(r["ruleId"], d.rule);
        let loc = &r["locations"][0]["physicalLocation"];
        let region = &loc["region"];
        assert_eq!(region["startLine"], d.span.start.line);
        assert_eq!(region["startColumn"], d.span.start.column);
        assert_eq!(region["endLine"], d.span.end.line);
        assert_eq!(region["endColumn"], d.span.end.column);
        let artifact = &loc["artifactLocation"];
        if d.file == 0 {
            assert_eq!(artifact["uri"], "rendered%20%3C1%3E%2C%2050%25.yaml");
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        } else {
            // Outside the working directory: an absolute URI, no base id.
            let uri = artifact["uri"].as_str().expect("uri");
            assert!(uri.starts_with("file:///"), "{uri}");
            assert!(uri.ends_with("/elsewhere/broken.yaml"), "{uri}");
            assert!(artifact.get("uriBaseId").is_none());
        }
        let text = r["message"]["text"].as_str().expect("message");
        assert!(text.starts_with(&d.message), "{text}");
        assert!(text.ends_with('.'), "{text}");
    }
    let related = results
        .iter()
        .find(|r| r["ruleId"] == "missing-readiness-probe")
        .expect("the finding given related locations");
    let rel = related["relatedLocations"].as_array().expect("array");
    assert_eq!(rel.len(), 2);
    assert_eq!(rel[0]["id"], 1);
    assert_eq!(rel[1]["id"], 2);
    assert_eq!(
        rel[1]["message"]["text"],
        "Service shop/web sends traffic to them."
    );
    assert_eq!(
        rel[1]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    assert_eq!(rel[1]["physicalLocation"]["region"]["startLine"], 23);
    assert_eq!(
        related["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Deployment/shop/wéb,50%:x"
    );
    assert_eq!(related["properties"]["template"], "shop/templates/web.yaml");
    let levels: BTreeSet<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert!(
        levels.contains("note") && levels.contains("error"),
        "{levels:?}"
    );
}

#[test]
fn json_output_matches_its_schema() {
    let (schemas, index) = compile(&common::root().join("docs/json-output.schema.json"), true);
    for (name, report) in [("fixtures", all_fixtures()), ("synthetic", synthetic())] {
        let v = parse(&json::render(&report));
        assert_valid(&schemas, index, &v, name);
        assert!(!v["diagnostics"].as_array().expect("array").is_empty());
    }
    // With a baseline's outcome, stale entries included.
    let mut with_baseline = synthetic();
    with_baseline.baseline = Some(kube_contract::engine::BaselineOutcome {
        file: "baseline.json".into(),
        matched: 3,
        stale: vec![(
            kube_contract::engine::baseline::Fingerprint {
                file: "k8s/web.yaml".into(),
                kind: Some("Deployment".into()),
                namespace: Some("default".into()),
                name: Some("web".into()),
                path: "spec.template.spec.containers[name=web]".into(),
                rule: "missing-readiness-probe".into(),
            },
            2,
        )],
    });
    let v = parse(&json::render(&with_baseline));
    assert_valid(&schemas, index, &v, "a report with a baseline");
    assert_eq!(v["summary"]["baseline"]["stale"][0]["count"], 2);
    let v = parse(&json::render(&synthetic()));
    assert!(v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .any(|d| !d["related"].as_array().expect("related").is_empty()));
    // The schema is strict: an undocumented field or a missing one is rejected.
    let mut extra = v.clone();
    extra["diagnostics"][0]["undocumented"] = Value::Bool(true);
    assert!(schemas.validate(&extra, index).is_err());
    let mut missing = v;
    missing["summary"]
        .as_object_mut()
        .expect("summary")
        .remove("files");
    assert!(schemas.validate(&missing, index).is_err());
}

fn attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", n.tag_name().name()))
}

fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == tag)
        .collect()
}

#[test]
fn junit_is_well_formed_with_a_testcase_per_object_and_a_failure_per_finding() {
    for report in [all_fixtures(), synthetic()] {
        let xml = junit::render(&report);
        let doc =
            roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("invalid XML: {e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites = children(root, "testsuite");
        // Every input is a testsuite, those with parse errors included.
        assert_eq!(suites.len(), report.inputs.len());
        let mut objects = 0;
        let mut failures = 0;
        let mut errors = 0;
        let mut total_tests = 0;
        for (suite, input) in suites.iter().zip(&report.inputs) {
            assert_eq!(attr(*suite, "name"), input.display);
            let cases = children(*suite, "testcase");
            assert_eq!(attr(*suite, "tests"), cases.len().to_string());
            total_tests += cases.len();
            for c in &cases {
                assert_eq!(attr(*c, "file"), input.display);
                let class = attr(*c, "classname");
                assert!(
                    input.display.starts_with(class) && !class.ends_with(".yaml"),
                    "{class}"
                );
                let f = children(*c, "failure");
                let e = children(*c, "error");
                // Findings about no object (parse errors, suppression comments) go to one
                // testcase named after the file; every other testcase is an object.
                if attr(*c, "name") != input.display {
                    objects += 1;
                }
                for p in f.iter().chain(&e) {
                    assert!(rules::find(attr(*p, "type")).is_some());
                    assert!(!attr(*p, "message").is_empty());
                    assert!(p.text().is_some_and(|t| t.contains(attr(*p, "type"))));
                }
                failures += f.len();
                errors += e.len();
            }
        }
        assert_eq!(attr(root, "tests"), total_tests.to_string());
        assert_eq!(objects, report.listed().len(), "a testcase per object");
        let parse_errors = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "parse-error")
            .count();
        assert_eq!(errors, parse_errors, "an <error> per parse error");
        assert_eq!(
            failures,
            report.diagnostics.len() - parse_errors,
            "a <failure> per finding"
        );
    }
    // Names and messages survive escaping exactly.
    let report = synthetic();
    let xml = junit::render(&report);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let suite = children(doc.root_element(), "testsuite")[0];
    assert_eq!(attr(suite, "name"), "rendered <1>, 50%.yaml");
    let names: Vec<&str> = children(suite, "testcase")
        .iter()
        .map(|c| attr(*c, "name"))
        .collect();
    assert_eq!(
        names,
        [
            "Deployment/shop/wéb,50%:x",
            "ClusterRole/reader",
            "Service/shop/web"
        ]
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-readiness-probe")
        .expect("mutated finding");
    let failure = children(suite, "testcase")
        .iter()
        .flat_map(|c| children(*c, "failure"))
        .find(|f| attr(*f, "type") == d.rule)
        .expect("failure of the mutated finding");
    // C0 control characters cannot appear in XML 1.0 (not even escaped): U+FFFD stands in.
    let expected = format!("{}: {}", d.severity, d.message).replace('\u{1}', "\u{fffd}");
    assert_eq!(attr(failure, "message"), expected);
    let text = failure.text().expect("failure text");
    assert!(text.contains("related: ../elsewhere/broken.yaml:1:1: PodDisruptionBudget"));
    assert!(text.contains("Helm template: shop/templates/web.yaml"));
}

/// The problem matcher of the VS Code task in docs/editors.md.
struct Matcher {
    regex: regex::Regex,
    groups: serde_json::Map<String, Value>,
}

fn vscode_matcher() -> Matcher {
    let doc = std::fs::read_to_string(common::root().join("docs/editors.md")).expect("editors.md");
    let block = doc
        .split("```json\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .find(|b| b.contains("problemMatcher"))
        .expect("a tasks.json block with a problemMatcher");
    let tasks: Value = serde_json::from_str(block).expect("tasks.json is JSON");
    let pattern = tasks["tasks"][0]["problemMatcher"]["pattern"].clone();
    let regex = regex::Regex::new(pattern["regexp"].as_str().expect("regexp")).expect("regex");
    let groups = pattern.as_object().expect("pattern").clone();
    Matcher { regex, groups }
}

impl Matcher {
    fn get<'h>(&self, caps: &regex::Captures<'h>, what: &str) -> &'h str {
        let i = self.groups[what].as_u64().expect("group index") as usize;
        caps.get(i).map_or("", |m| m.as_str())
    }
}

#[test]
fn github_workflow_commands_match_the_editor_problem_matcher() {
    let cwd = cwd();
    let matcher = vscode_matcher();
    for report in [all_fixtures(), synthetic()] {
        let out = github::render(
            &report,
            &github::Options {
                cwd: Some(&cwd),
                quiet: true,
            },
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines.len(),
            report.diagnostics.len(),
            "one command per finding"
        );
        for (line, d) in lines.iter().zip(&report.diagnostics) {
            let caps = matcher
                .regex
                .captures(line)
                .unwrap_or_else(|| panic!("the problem matcher misses {line}"));
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            assert_eq!(matcher.get(&caps, "severity"), severity);
            assert_eq!(matcher.get(&caps, "line"), d.span.start.line.to_string());
            assert_eq!(
                matcher.get(&caps, "column"),
                d.span.start.column.to_string()
            );
            assert_eq!(matcher.get(&caps, "endLine"), d.span.end.line.to_string());
            assert_eq!(
                matcher.get(&caps, "endColumn"),
                d.span.end.column.to_string()
            );
            assert_eq!(matcher.get(&caps, "code"), d.rule);
            let message = matcher.get(&caps, "message");
            let first_line = github::escape_data(&d.message);
            let first_line = first_line.split("%0A").next().unwrap_or("");
            assert!(message.starts_with(first_line), "{message}");
            assert!(!message.contains("%0A"), "{message}");
            if d.file == 0 && report.inputs.len() == 2 {
                assert_eq!(matcher.get(&caps, "file"), "rendered <1>%2C 50%25.yaml");
            }
        }
    }
}

#[test]
fn github_escapes_and_quiet() {
    let cwd = cwd();
    let report = synthetic();
    let loud = github::render(
        &report,
        &github::Options {
            cwd: Some(&cwd),
            quiet: false,
        },
    );
    assert!(loud
        .lines()
        .rev()
        .nth(1)
        .is_some_and(|l| l.starts_with("Linted 2 files")));
    assert!(loud.lines().last().is_some_and(|l| l.starts_with("exit ")));
    let quiet = github::render(
        &report,
        &github::Options {
            cwd: Some(&cwd),
            quiet: true,
        },
    );
    assert!(quiet.lines().all(|l| l.starts_with("::")));
    let d = report
        .diagnostics
        .iter()
        .position(|d| d.rule == "missing-readiness-probe")
        .expect("mutated finding");
    let line = quiet.lines().nth(d).expect("its command");
    assert!(line.starts_with(
        "::warning file=rendered <1>%2C 50%25.yaml,line=14,endLine=14,col=11,endColumn="
    ));
    assert!(
        line.contains(",title=missing-readiness-probe (https%3A//github.com/kube-contract/kube-contract/blob/main/docs/rules/missing-readiness-probe.md)::container `wéb`"),
        "{line}"
    );
    assert!(line.contains("100%25 a:b, c%0D%0Anext line"), "{line}");
    assert!(
        line.contains("%0A%0Ahelp: write%0A  readinessProbe:"),
        "{line}"
    );
    assert!(line.contains("%0Arelated: "), "{line}");
    assert!(!line.contains('\n') && !line.contains('\r'));
    // A file outside the working directory keeps an absolute path.
    let broken = quiet
        .lines()
        .find(|l| l.contains("title=parse-error"))
        .expect("parse error");
    assert!(broken.starts_with("::error file=/"), "{broken}");
    assert!(broken.contains("/elsewhere/broken.yaml,line="), "{broken}");
}
