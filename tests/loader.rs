//! The input side: multi-document streams, Lists, JSON, Helm-rendered streams, broken and
//! hostile input. Nothing here may panic or hang, and every position must be one of the file.

mod common;

use kube_contract::base::diagnostic::Diagnostic;
use kube_contract::engine::Report;
use kube_contract::rule::settings::Settings;

fn lint_input(name: &str) -> Report {
    common::lint(
        &[common::root().join("testdata/inputs").join(name)],
        &Settings::default(),
    )
}

fn only<'a>(report: &'a Report, rule: &str) -> Vec<&'a Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .collect()
}

fn names(report: &Report, rule: &str) -> Vec<(u32, u32, Option<String>)> {
    only(report, rule)
        .iter()
        .map(|d| {
            (
                d.span.start.line,
                d.span.start.column,
                d.object.as_ref().and_then(|o| o.name.clone()),
            )
        })
        .collect()
}

#[test]
fn multi_document_stream() {
    let r = lint_input("multi-document.yaml");
    assert_eq!(r.objects, 2);
    assert_eq!(r.skipped, 1);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn list_items_are_objects_with_positions_inside_the_list() {
    let r = lint_input("list.yaml");
    assert_eq!(r.objects, 2);
    assert_eq!(r.skipped, 1, "the scalar item is not an object");
    assert_eq!(
        names(&r, "missing-readiness-probe"),
        vec![(18, 15, Some("two".into()))]
    );
    let d = only(&r, "missing-readiness-probe")[0];
    let obj = d.object.as_ref().expect("object");
    assert_eq!(obj.kind, "Deployment");
    assert_eq!(obj.namespace.as_deref(), Some("default"));
}

#[test]
fn json_files() {
    let r = lint_input("deployment.json");
    assert_eq!(r.objects, 1);
    // Tabs count as one column each.
    assert_eq!(
        names(&r, "missing-liveness-probe"),
        vec![(11, 7, Some("from-json".into()))]
    );
}

#[test]
fn helm_source_comments_attach_the_template() {
    let r = lint_input("helm-rendered.yaml");
    assert_eq!(r.objects, 2);
    let d = only(&r, "missing-readiness-probe");
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].template.as_deref(),
        Some("shop/templates/deployment.yaml")
    );
    assert_eq!((d[0].span.start.line, d[0].span.start.column), (28, 11));
}

#[test]
fn a_broken_document_does_not_hide_the_others() {
    let r = lint_input("broken-middle.yaml");
    assert_eq!(r.objects, 2);
    let errors = only(&r, "parse-error");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].span.start.line, 8,
        "the unclosed mapping ends on line 8"
    );
    assert!(r.incomplete());
}

#[test]
fn invalid_utf8_names_the_file_and_position() {
    let r = lint_input("invalid-utf8.yaml");
    let e = only(&r, "parse-error");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].message.contains("invalid-utf8.yaml"),
        "{}",
        e[0].message
    );
    assert!(e[0].message.contains("UTF-8"));
    assert_eq!((e[0].span.start.line, e[0].span.start.column), (4, 12));
}

#[test]
fn byte_order_mark_is_ignored() {
    let r = lint_input("bom.yaml");
    assert_eq!(r.objects, 1);
    assert!(r.diagnostics.is_empty());
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let r = lint_input("anchors.yaml");
    assert!(
        only(&r, "missing-readiness-probe").is_empty(),
        "{:?}",
        r.diagnostics
    );
    // `main` has no liveness probe; `copy` merges `main` and adds one.
    let live: Vec<_> = only(&r, "missing-liveness-probe")
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(live.len(), 1);
    assert!(live[0].contains("`main`"), "{live:?}");
}

#[test]
fn unrendered_helm_templates_are_parse_errors() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n";
    let r = common::lint_text("chart.yaml", text, &Settings::default());
    let e = only(&r, "parse-error");
    assert_eq!(e.len(), 1);
    assert!(e[0].message.contains("helm template"));
    assert_eq!((e[0].span.start.line, e[0].span.start.column), (4, 9));
}

#[test]
fn crlf_line_endings_keep_positions() {
    let text = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: i\r\n";
    let r = common::lint_text("crlf.yaml", text, &Settings::default());
    let d = only(&r, "missing-readiness-probe");
    assert_eq!((d[0].span.start.line, d[0].span.start.column), (7, 5));
}

#[test]
fn content_on_the_document_marker_line() {
    let text = "--- {apiVersion: v1, kind: Pod, metadata: {name: inline}, spec: {containers: [{name: c, image: i}]}}\n";
    let r = common::lint_text("inline.yaml", text, &Settings::default());
    assert_eq!(r.objects, 1);
    let d = only(&r, "missing-readiness-probe");
    assert_eq!((d[0].span.start.line, d[0].span.start.column), (1, 80));
}

#[test]
fn odd_but_valid_documents_are_skipped_not_errors() {
    for text in [
        "",
        "\n\n",
        "# only a comment\n",
        "---\n",
        "just a scalar\n",
        "- a\n- b\n",
        "kind: Pod\n",
        "apiVersion: v1\n",
    ] {
        let r = common::lint_text("odd.yaml", text, &Settings::default());
        assert_eq!(r.objects, 0, "{text:?}");
        assert!(r.diagnostics.is_empty(), "{text:?}: {:?}", r.diagnostics);
    }
}

// ---- hostile input: bounded time and memory, no panic ----

#[test]
fn billion_laughs_is_not_expanded() {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = "a".to_string();
    for i in 0..12 {
        let name = format!("l{i}");
        s.push_str(&format!(
            "  {name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = name;
    }
    let r = common::lint_text("lol.yaml", &s, &Settings::default());
    assert_eq!(r.objects, 1);
    // ConfigMap data holds strings, so each list is reported once where it is written; the
    // aliases are not followed.
    assert!(
        r.diagnostics.iter().all(|d| d.rule == "invalid-field-type"),
        "{:?}",
        r.diagnostics
    );
    assert_eq!(r.diagnostics.len(), 13, "{:?}", r.diagnostics);
}

#[test]
fn aliases_in_place_of_containers_do_not_multiply_work() {
    let mut s = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - &c {name: c, image: i}\n");
    for _ in 0..5000 {
        s.push_str("  - *c\n");
    }
    let r = common::lint_text("many.yaml", &s, &Settings::default());
    assert_eq!(r.objects, 1);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // 50,000 nested block sequences: the parser's recursive loader overflows the stack on this.
    let block = "- ".repeat(50_000) + "x\n";
    let flow = "[".repeat(100_000);
    let mapping: String = (0..20_000)
        .map(|i| format!("{}k:\n", " ".repeat(i % 4000)))
        .collect();
    for (name, text) in [("block", block), ("flow", flow), ("mapping", mapping)] {
        // Run on a small stack, like a rayon worker's.
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || common::lint_text("deep.yaml", &text, &Settings::default()))
            .expect("spawn");
        let r = handle.join().unwrap_or_else(|_| panic!("{name}: panicked"));
        assert!(r.objects == 0, "{name}");
    }
}

#[test]
fn binary_files_are_reported_by_name() {
    let dir = std::env::temp_dir().join(format!("kc-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("image.yaml");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    let r = common::lint(std::slice::from_ref(&path), &Settings::default());
    let e = only(&r, "parse-error");
    assert_eq!(e.len(), 1);
    assert!(e[0].message.contains("binary"), "{}", e[0].message);
    assert!(e[0].message.contains("image.yaml"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic fuzz: mutate valid manifests byte by byte.
    let seed =
        std::fs::read_to_string(common::root().join("testdata/inputs/anchors.yaml")).expect("seed");
    let bytes = seed.as_bytes();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..400 {
        let mut b = bytes.to_vec();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let i = (state as usize) % b.len();
            const ALPHABET: &[u8] = b"[]{}:-&*!|>'\"#%@` \n\t,?";
            b[i] = ALPHABET[(state >> 32) as usize % ALPHABET.len()];
        }
        if let Ok(text) = String::from_utf8(b) {
            let r = common::lint_text("fuzz.yaml", &text, &Settings::default());
            for d in &r.diagnostics {
                let lines = text.split('\n').count() as u32;
                assert!(
                    d.span.start.line >= 1 && d.span.start.line <= lines,
                    "{d:?}"
                );
            }
        }
    }
}
