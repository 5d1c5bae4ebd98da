//! The phases' layering: every module of `src/` imports only from its own layer or the layers
//! below it, and the imports between modules form no cycle. The table is the one the README's
//! design section shows.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules of `src/`, lowest layer first.
const LAYERS: &[(&str, &str)] = &[
    (
        "base",
        "spans, positions, diagnostics, Kubernetes versions, fuzzy matching, reading bytes",
    ),
    ("yaml", "splitting streams, the spanned tree, scalars"),
    (
        "model",
        "pure data: objects, workloads, pods, probes, waits, budgets, autoscalers, Services",
    ),
    (
        "index",
        "the cross-object index and its queries; objects made elsewhere",
    ),
    (
        "rule",
        "the Rule trait and hooks, metadata, settings, suppressions as data, API table",
    ),
    (
        "schema",
        "the API schema data and checker: unknown fields, duplicate keys, values, CRDs",
    ),
    ("rules", "one file per rule, and the registry"),
    (
        "suppress",
        "finding and applying suppression comments and annotations",
    ),
    ("config", "`.kube-contract.yaml`"),
    ("source", "discovering and naming inputs"),
    ("engine", "loading a file, the run, the workspace"),
    ("output", "renderers and generated docs"),
    ("cli", "the command line"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(m, _)| *m == module)
}

/// The top-level module a file under `src/` belongs to (`None` for `lib.rs` and `main.rs`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a file names as `crate::<module>`, outside comments.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

/// Module → the modules it imports (itself left out).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 20,
        "read too few files under {}",
        src.display()
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let Some(module) = module_of(&src, &f) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let entry = graph.entry(module.clone()).or_default();
        for m in imports(&text) {
            if m != module {
                entry.insert(m);
            }
        }
    }
    graph
}

#[test]
fn every_module_has_a_layer() {
    for module in graph().keys() {
        assert!(
            layer_of(module).is_some(),
            "src/{module} is in no layer of tests/layering.rs (and the README's table)"
        );
    }
}

#[test]
fn imports_point_to_lower_layers_only() {
    let mut wrong = Vec::new();
    for (module, deps) in graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for d in deps {
            match layer_of(&d) {
                Some(l) if l < own => {}
                _ => wrong.push(format!("{module} imports {d}")),
            }
        }
    }
    assert!(wrong.is_empty(), "imports upward or across: {wrong:#?}");
}

#[test]
fn modules_form_no_cycle() {
    let graph = graph();
    // Depth-first search with colours: grey on the stack, black done.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(m) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|s| *s == m).unwrap_or(0);
                let mut cycle: Vec<String> = stack[from..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        colour.insert(m, 1);
        stack.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, colour, stack) {
                return Some(c);
            }
        }
        stack.pop();
        colour.insert(m, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for m in graph.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &graph, &mut colour, &mut stack) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_model_is_pure_data() {
    let graph = graph();
    let deps = graph.get("model").cloned().unwrap_or_default();
    for higher in [
        "rule", "rules", "suppress", "config", "engine", "output", "index",
    ] {
        assert!(!deps.contains(higher), "src/model imports {higher}");
    }
}

#[test]
fn the_scanner_sees_imports_and_cycles() {
    // The test's own reading, on a made-up file: a `use` line, a path in code, a comment.
    let found =
        imports("use crate::model::Object;\nlet x = crate::base::io::decode(b);\n// crate::cli\n");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec!["base".to_string(), "model".to_string()]
    );
    assert!(layer_of("cli") > layer_of("engine"));
}

/// The README's design section shows the same table.
#[test]
fn readme_shows_the_layers() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    for (module, _) in LAYERS {
        assert!(
            readme.contains(&format!("| `{module}` |")),
            "README.md's layer table lacks `{module}`"
        );
    }
}
