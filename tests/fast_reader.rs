//! The fast YAML reader against saphyr: on every document of the corpus (`../shared/corpus`,
//! when it is there), of `testdata/`, of `fuzz/regressions/` and `fuzz/seeds/`, and on the
//! hostile inputs, every document the fast reader reads gives exactly saphyr's tree: nodes,
//! scalar values and styles, spans, children and string spans. Documents it leaves to saphyr
//! are counted, and on the corpus at least 95 % must be read without falling back.

mod common;

use std::path::{Path, PathBuf};

use kube_contract::cli::fuzzing;
use kube_contract::yaml::{check_fast_reader, FastCheck};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (documents, fallbacks) over every file under `dirs`; panics on the first difference.
fn check_all(dirs: &[PathBuf]) -> (usize, usize, usize) {
    let mut all = Vec::new();
    for d in dirs {
        files(d, &mut all);
    }
    all.sort();
    let (mut docs, mut fallbacks) = (0, 0);
    for path in &all {
        let data = std::fs::read(path).expect("readable");
        let result = std::panic::catch_unwind(|| fuzzing::fast_reader(&data));
        match result {
            Ok((d, f)) => {
                docs += d;
                fallbacks += f;
            }
            Err(_) => panic!("{}: the fast reader differs from saphyr", path.display()),
        }
    }
    (all.len(), docs, fallbacks)
}

#[test]
fn same_trees_on_testdata_fuzz_seeds_and_regressions() {
    let root = common::root();
    let (files, docs, fallbacks) = check_all(&[
        root.join("testdata"),
        root.join("fuzz/regressions"),
        root.join("fuzz/seeds"),
        root.join("tests/schemas"),
    ]);
    assert!(files > 100 && docs > 100, "{files} files, {docs} documents");
    eprintln!("testdata, fuzz: {files} files, {docs} documents (as YAML and as JSON), {fallbacks} left to saphyr");
}

#[test]
fn same_trees_on_the_corpus() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    // Only the YAML reading of each file counts for the rate (a `.json` file is read once
    // more as JSON by `fast_reader`, which differs for multi-document YAML).
    let mut all = Vec::new();
    files(&corpus, &mut all);
    all.sort();
    let (mut docs, mut fallbacks) = (0usize, 0usize);
    let mut left = Vec::new();
    all.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
    });
    for path in &all {
        let Ok(data) = std::fs::read(path) else {
            continue;
        };
        let result = std::panic::catch_unwind(|| fuzzing::fast_reader(&data));
        assert!(
            result.is_ok(),
            "{}: the fast reader differs from saphyr",
            path.display()
        );
        let Ok(text) = String::from_utf8(data) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let json = path.extension().is_some_and(|e| e == "json");
        for chunk in kube_contract::yaml::chunks(text, json) {
            docs += 1;
            if check_fast_reader(chunk.text, chunk.first_line) == Ok(FastCheck::Fallback) {
                fallbacks += 1;
                let why = kube_contract::yaml::fast_fallback_reason(chunk.text, chunk.first_line);
                left.push(format!("{}: {}", path.display(), why.unwrap_or_default()));
            }
        }
    }
    let rate = 100.0 * (docs - fallbacks) as f64 / docs.max(1) as f64;
    eprintln!(
        "corpus: {} files, {docs} documents, {fallbacks} left to saphyr: {rate:.1} % read by the fast reader",
        all.len()
    );
    for l in left.iter().take(400) {
        eprintln!("  fallback: {l}");
    }
    assert!(
        rate >= 95.0,
        "only {rate:.1} % of the corpus read by the fast reader"
    );
}

#[test]
fn hand_written_cases() {
    let cases = [
        "a: 1\n",
        "---\n# c\napiVersion: v1   # x\nkind: \"Svc\"  # y\nmeta:\n  a:\n  b: c d  \n  l:\n  - x\n  -\n  - k: v\n    j: [1, \"a\", {b: c}]   # c\n  - {}\n  e: []\nz: |\n  line1\n   l2\n\ny: >-\n  fo\n  ld\n\nw: 'it''s'\n...\n",
        "l:\n- x\n-\n- k: v\n  j: 1\n- - a\n  - b\n",
        "l:\n  -\n  - x\n",
        "l:\n- - a\n",
        "a:   # c\nb: 1\nc:\n",
        "a: |\n  x\n  # not comment\n# comment\nb: 1\n",
        "a:\n  b: |\n    x\n  # c\n  c: 1\n",
        "a: |\n\n  x\nb: 1\n",
        "a: |\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |2-\n    x\nb: |\n  x\n",
        "a: >\n  x\n  y\n\n  z\n   w\n  v\n",
        "a: |\n  x",
        "{\"a\":1,\"b\":[1,2,],\"c\":{\"d\":\"e\"}}",
        "{\n  \"a\": \"x\",\n  \"b\": [\n    1\n  ]\n}\n",
        "a: [x, y] # c\nb: {c: d}\n",
        "a: foo   # c\n  # d\nb: x\n",
        "l:\n-\n- x\n",
        "l:\n-\n  x: 1\n",
        "l:\n- |\n  x\n",
        "a:\n  x\n",
        "a: x:y\n",
        "a: \"x\\u00e9\\x41\\\"\"\n",
        "- a\n- b\n",
        "é: ü # ö\nb: [é, \"ü\"]\n",
        "a: foo\n  bar\n",
        "a: {b: 1,}\n",
        "a: [ ]\nb: { }\nc: [   # c\n  ]\n",
        "- # c\n- x\n",
        "a:\n- # c\n  b: 1\n",
        "metadata:\n  annotations:\n    {}\n  labels:\n    {a: b,\n     c: d}\nl:\n-\n  [x]\n",
        "a:\n  [x,\n y]\n",
    ];
    for (i, c) in cases.iter().enumerate() {
        match check_fast_reader(c, 1) {
            Ok(_) => {}
            Err(e) => panic!("case {i} {c:?}: {e}"),
        }
    }
    // The common shapes are read by the fast reader, not left to saphyr.
    for c in [cases[0], cases[1], cases[2], cases[7], cases[14], cases[15]] {
        assert_eq!(check_fast_reader(c, 1), Ok(FastCheck::Same), "{c:?}");
    }
}

/// Quoted scalars over several lines, as `controller-gen` writes CRD descriptions and
/// `kubectl` long strings: folded exactly as saphyr folds them, read by the fast reader when
/// they are block values, and left to saphyr where saphyr reports an error.
#[test]
fn quoted_scalars_over_several_lines() {
    let read_fast = [
        // A description folded over two lines, continued deeper than its key.
        "d: 'Refresh indicates if the latest revision should\n    be used on retry (default: false)'\ntype: boolean\n",
        // Continued one column past the key; a sequence entry continued at its `-`'s column
        // (saphyr's indentation there), in an indentless sequence at column 0 too.
        "a:\n  b: 'x\n   y'\n",
        "a: 'x\n y'\n",
        "- 'x\ny'\n",
        "l:\n- 'x\ny'\n",
        "a:\n  - - 'x\n    y'\n",
        "-\n  'x\n y'\n",
        // Empty lines are line breaks; blanks around a break are dropped.
        "a: 'x   \n\n\n     y  z  '\n",
        "a: \"x\n\n  y\"\n",
        // Escapes on every line, an escaped quote, a `\` joining lines.
        "a: \"p\\t\\u00e9 \\\"q\\\"\n  r\\\n   s\\\n\n  t\"\n",
        "a: 'it''s\n  ''x'''\n",
        // A sequence entry, an indentless sequence, a value alone on its line, and a comment
        // after the closing quote.
        "l:\n- 'x\n  y'\n- \"z\n   w\"  # c\nm:\n  - 'a\n    b'\nn:\n  'c\n   d'\n",
        // Non-ASCII text on a continued line: spans count characters.
        "a: 'é\n  ü ö'\nb: x\n",
    ];
    for c in read_fast {
        assert_eq!(check_fast_reader(c, 1), Ok(FastCheck::Same), "{c:?}");
        assert_eq!(
            check_fast_reader(c, 40),
            Ok(FastCheck::Same),
            "{c:?} at line 40"
        );
    }
    // Errors in saphyr (or shapes it reads some other way): the fast reader steps aside, and
    // the result is saphyr's.
    let left = [
        // A continued line left of saphyr's indentation: at a key's column, at a `-`'s
        // column when the scalar starts on the next line, left of a `-`.
        "a:\n  b: 'x\n  y'\n",
        "a: 'x\ny'\n",
        "a:\n  'x\ny'\n",
        "- a: 'x\n  y'\n",
        "-\n  'x\ny'\n",
        "a:\n  -\n    'x\n  y'\n",
        "a:\n  - - 'x\n   y'\n",
        "a: \"x\\\ny\"\n",
        // Never closed.
        "a: 'x\n  y\n",
        "a: \"x\\\n",
        // A document marker inside.
        "a: 'x\n---\ny'\n",
        "a: 'x\n...\n'\n",
        // A key over two lines, and text after the closing quote.
        "'a\n  b': c\n",
        "a: 'x\n  y' z\n",
        "a: 'x\n  y': z\n",
        // In a flow collection.
        "a: ['x\n  y']\n",
        // A bad escape on the second line.
        "a: \"x\n  \\q\"\n",
    ];
    for c in left {
        assert_eq!(check_fast_reader(c, 1), Ok(FastCheck::Fallback), "{c:?}");
    }
}

/// Generated hostile shapes: nesting past the depth limit (block and flow), keys past saphyr's
/// simple-key limit, alias fan-outs, extreme integers, long one-line JSON, empty values at the
/// end of input. Each either gives saphyr's tree or is left to saphyr.
#[test]
fn generated_hostile_inputs() {
    let mut cases: Vec<String> = vec![
        "- ".repeat(200) + "x\n",
        "- ".repeat(120) + "x\n",
        "[".repeat(200) + &"]".repeat(200),
        "[".repeat(126) + &"]".repeat(126),
        "{a: ".repeat(150) + "1" + &"}".repeat(150) + "\n",
        (0..150)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect::<String>(),
        format!("{}: 1\n", "k".repeat(1100)),
        format!("{}: 1\n", "k".repeat(999)),
        format!("{{\"{}\": 1}}", "k".repeat(1100)),
        format!("a: \"{}\"\n", "x".repeat(100_000)),
        "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n".into(),
        "spec:\n  replicas: 9223372036854775808\n  x: -9223372036854775809\n  y: 0x7fffffffffffffff\n"
            .into(),
        "a:".into(),
        "a:\n".into(),
        "- ".into(),
        "-".into(),
        "a: |".into(),
        "a: |\n".into(),
        "a: >-\n  x".into(),
        "a: 'x".into(),
        "a: \"x\\".into(),
        "{".into(),
        "[a, b".into(),
        "a: [b,\nc]\n".into(),
        "a:\n  - b\n  c: d\n".into(),
        "a: b\n  c: d\n".into(),
        "a:\n b:\n  c:\n   d: e\n".into(),
    ];
    let mut json = String::from("{\"items\":[");
    for i in 0..10_000 {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "{{\"name\":\"x{i}\",\"v\":[{i},\"\\u00e9\\\"\"]}}"
        ));
    }
    json.push_str("]}");
    cases.push(json);
    for (i, c) in cases.iter().enumerate() {
        if let Err(e) = check_fast_reader(c, 1) {
            panic!("case {i}: {e}");
        }
        fuzzing::fast_reader(c.as_bytes());
    }
}
