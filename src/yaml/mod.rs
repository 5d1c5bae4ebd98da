//! The YAML reader: the one module that knows the parser crate, so that a faster reader can
//! replace it without touching the model or the rules.

mod fast;
pub mod merge;
pub mod scalar;
pub mod split;
pub mod tree;

pub use scalar::Value;
pub use split::{split_documents, Chunk};
pub use tree::{NodeId, ParseError, Tree};

use crate::base::span::Pos;

/// One document of a file, parsed.
pub struct Document<'a> {
    pub chunk: Chunk<'a>,
    pub tree: Result<Tree<'a>, ParseError>,
}

/// Parses every document of a YAML stream (or the single document of a JSON file). Empty
/// documents are left out; a broken document is kept as its error and the others go on.
pub fn parse_stream(text: &str, json: bool) -> Vec<Document<'_>> {
    chunks(text, json)
        .into_iter()
        .filter_map(parse_chunk)
        .collect()
}

/// The documents of a file, unparsed: split at document markers, or the whole text for JSON.
pub fn chunks(text: &str, json: bool) -> Vec<Chunk<'_>> {
    if json {
        vec![Chunk {
            text,
            first_line: 1,
            template: None,
        }]
    } else {
        split_documents(text)
    }
}

/// The largest document read, in bytes: 64 MiB. Its tree takes about four times its size; a
/// larger document is a parse error at its first line, not an out-of-memory.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The most documents read from one file; the ones after are one parse error.
pub const MAX_DOCUMENTS: usize = 1_000_000;

/// Parses one document; `None` for a document with no content.
pub fn parse_chunk(chunk: Chunk<'_>) -> Option<Document<'_>> {
    if chunk.text.len() > MAX_DOCUMENT_BYTES {
        let tree = Err(ParseError {
            message: format!(
                "this document is {} bytes, larger than the {MAX_DOCUMENT_BYTES} bytes (64 MiB) \
                 a document may be: not read",
                chunk.text.len()
            ),
            pos: Pos {
                line: chunk.first_line,
                column: 1,
            },
        });
        return Some(Document { chunk, tree });
    }
    let tree = match parse_lenient(chunk.text, chunk.first_line) {
        Ok(Some(tree)) => match unrendered_template(&chunk, Some(&tree)) {
            Some(pos) => Err(helm_error(pos)),
            None => Ok(tree),
        },
        Ok(None) => return None,
        Err(err) => Err(match unrendered_template(&chunk, None) {
            Some(pos) => helm_error(pos),
            None => clamp_to_chunk(err, &chunk),
        }),
    };
    Some(Document { chunk, tree })
}

/// Why the fast reader leaves a document to saphyr: `fast.rs:<line>` of the decision and the
/// document line it was reading; `None` when it reads the document itself.
pub fn fast_fallback_reason(text: &str, first_line: u32) -> Option<String> {
    fast::read(text, first_line)
        .err()
        .map(|(at, line)| format!("fast.rs:{at} (line {line})"))
}

/// What the fast reader did with one document, checked against saphyr.
#[derive(Debug, PartialEq, Eq)]
pub enum FastCheck {
    /// The fast reader read it, and gave exactly saphyr's tree.
    Same,
    /// The fast reader stepped aside (saphyr reads it).
    Fallback,
}

/// Reads one document with the fast reader and with saphyr, and compares the trees node by
/// node (kinds, scalar values and styles, spans, children, string spans). An `Err` describes
/// the first difference: the fast reader gave a tree where saphyr gave another, or an error.
/// For the differential tests and the fuzz target.
pub fn check_fast_reader(text: &str, first_line: u32) -> Result<FastCheck, String> {
    let Some(fast) = fast::parse(text, first_line) else {
        return Ok(FastCheck::Fallback);
    };
    let slow = Tree::parse_saphyr(text, first_line)
        .map_err(|e| format!("fast reader accepted what saphyr rejects: {e:?}"))?;
    match (fast, slow) {
        (None, None) => Ok(FastCheck::Same),
        (Some(f), Some(s)) => {
            let (f, s) = (format!("{f:#?}"), format!("{s:#?}"));
            if f == s {
                return Ok(FastCheck::Same);
            }
            let at = f
                .lines()
                .zip(s.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let window = |t: &str| {
                t.lines()
                    .skip(at.saturating_sub(12))
                    .take(16)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Err(format!(
                "trees differ at line {at} of their dumps:\n--- fast\n{}\n--- saphyr\n{}",
                window(&f),
                window(&s)
            ))
        }
        (f, s) => Err(format!(
            "fast reader: {}, saphyr: {}",
            if f.is_some() { "a tree" } else { "empty" },
            if s.is_some() { "a tree" } else { "empty" }
        )),
    }
}

/// How many lines of one document the lenient reader re-indents at most.
const MAX_REINDENTS: usize = 16;

/// Parses a document, accepting what libyaml (and so go-yaml and Kubernetes) accepts but the
/// YAML spec and saphyr do not: lines of a flow collection (`args: [` … `]`) indented less
/// than the block around them. On such an "invalid indentation" error inside an open flow
/// collection, the offending line is padded to the previous line's indentation and the
/// document read again (a bounded number of times); spans on padded lines are moved back, so
/// every position is still one of the file.
pub fn parse_lenient(text: &str, first_line: u32) -> Result<Option<Tree<'_>>, ParseError> {
    let first = match Tree::parse(text, first_line) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let mut owned: Option<String> = None;
    let mut pads: Vec<(u32, u32)> = Vec::new();
    let mut err = first.clone();
    for _ in 0..MAX_REINDENTS {
        if err.message != "invalid indentation" {
            break;
        }
        let current = owned.as_deref().unwrap_or(text);
        let rel = (err.pos.line - first_line) as usize;
        if !inside_flow(current, rel) {
            break;
        }
        let Some(padded) = reindent(current, rel) else {
            break;
        };
        pads.push((err.pos.line, padded.1));
        owned = Some(padded.0);
        match Tree::parse(owned.as_deref().unwrap_or(text), first_line) {
            Ok(tree) => {
                return Ok(tree.map(|t| {
                    let mut t = t.into_owned();
                    for &(line, pad) in &pads {
                        t.unshift_line(line, pad);
                    }
                    t
                }))
            }
            Err(e) => err = e,
        }
    }
    Err(first)
}

/// Whether more flow brackets are open than closed before line `rel` (quotes ignored: this
/// only gates a retry).
fn inside_flow(text: &str, rel: usize) -> bool {
    let mut depth = 0i64;
    for line in text.lines().take(rel) {
        let code = match line.find(" #") {
            Some(i) => &line[..i],
            None if line.trim_start().starts_with('#') => "",
            None => line,
        };
        for c in code.chars() {
            match c {
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                _ => {}
            }
        }
    }
    depth > 0
}

/// Pads line `rel` to the indentation of the previous non-blank line plus one.
fn reindent(text: &str, rel: usize) -> Option<(String, u32)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = lines.get(rel)?;
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let prev = lines[..rel]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let want = indent(prev) + 1;
    let have = indent(line);
    if want <= have {
        return None;
    }
    let pad = want - have;
    let mut out = String::with_capacity(text.len() + pad);
    for (i, l) in lines.iter().enumerate() {
        if i == rel {
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(l);
    }
    Some((out, pad as u32))
}

/// An error found at the end of input (an unclosed bracket) is reported on the document's
/// last line, not on the next document's `---`.
fn clamp_to_chunk(mut err: ParseError, chunk: &Chunk<'_>) -> ParseError {
    let body = chunk.text.trim_end_matches(['\n', '\r']);
    let last_line = chunk.first_line + body.matches('\n').count() as u32;
    if err.pos.line > last_line {
        let last = body.rsplit('\n').next().unwrap_or("");
        err.pos = Pos {
            line: last_line,
            column: last.trim_end_matches('\r').chars().count() as u32 + 1,
        };
    }
    err
}

fn helm_error(pos: Pos) -> ParseError {
    ParseError {
        message: "unrendered Helm template syntax `{{ … }}`: this is a chart template, not a \
                  manifest; run `helm template` and lint its output"
            .into(),
        pos,
    }
}

/// Finds `{{` outside quoted and block scalars and outside comments. On a parsed tree only a
/// plain scalar or a `{{ … }}`-shaped complex key can hold it; on a broken document any
/// occurrence that is not inside a string the parser had read counts.
fn unrendered_template(chunk: &Chunk<'_>, tree: Option<&Tree<'_>>) -> Option<Pos> {
    if !chunk.text.contains("{{") {
        return None;
    }
    match tree {
        // A parsed document: `{{ … }}` written bare parses as a flow mapping used as a key;
        // inside a plain scalar (`name: web-{{ .Release.Name }}`) it is Helm only when it
        // reads like Helm, since Prometheus and Alertmanager templates (`{{ $labels.pod }}`)
        // are legitimate text.
        Some(tree) => {
            if let Some(pos) = tree.complex_key {
                return Some(pos);
            }
            tree.plain_scalars_with_braces()
                .find(|(text, _)| looks_like_helm(text))
                .map(|(_, span)| span.start)
        }
        None => first_template_outside(chunk),
    }
}

/// Helm's built-in objects and Helm-only functions (plain Go-template syntax such as `{{-`,
/// `with` or `template` is shared with Prometheus and Alertmanager templates).
fn looks_like_helm(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        ".Values.",
        ".Release.",
        ".Chart.",
        ".Capabilities.",
        ".Files.",
        ".Template.",
        "include \"",
        "toYaml",
        "nindent",
        "tpl ",
    ];
    MARKERS.iter().any(|m| text.contains(m))
}

/// The first `{{` of a broken document outside comments and outside quotes on its line.
fn first_template_outside(chunk: &Chunk<'_>) -> Option<Pos> {
    for (i, line) in chunk.text.lines().enumerate() {
        let line_no = chunk.first_line + i as u32;
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let mut search_from = 0;
        while let Some(found) = line[search_from..].find("{{") {
            let byte = search_from + found;
            search_from = byte + 2;
            // A ` #` before it starts a comment.
            if line[..byte].contains(" #") {
                break;
            }
            let column = line[..byte].chars().count() as u32 + 1;
            let pos = Pos {
                line: line_no,
                column,
            };
            let before = &line[..byte];
            let quoted =
                before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1;
            if !quoted {
                return Some(pos);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_templates_are_reported() {
        let d = parse_stream("a: b\nimage: {{ .Values.image }}\n", false);
        let e = d[0].tree.as_ref().err().unwrap();
        assert!(e.message.contains("helm template"));
        assert_eq!(e.pos, Pos { line: 2, column: 8 });
        let d = parse_stream("{{- if .Values.x }}\na: b\n{{- end }}\n", false);
        assert!(d[0].tree.as_ref().err().unwrap().message.contains("helm"));
        let d = parse_stream("name: foo-{{ .Release.Name }}\n", false);
        assert!(d[0].tree.is_err());
    }

    #[test]
    fn templates_in_strings_are_fine() {
        let d = parse_stream(
            "a: '{{ $labels.x }}'\nb: \"{{ y }}\"\nc: |\n  {{ z }}\n# {{ c }}\nd: e # {{ f }}\n",
            false,
        );
        assert!(d[0].tree.is_ok(), "{:?}", d[0].tree.as_ref().err());
    }

    #[test]
    fn one_bad_document_does_not_hide_the_next() {
        let d = parse_stream("a: 1\n---\nb: [\n---\nc: 3\n", false);
        assert_eq!(d.len(), 3);
        assert!(d[0].tree.is_ok());
        assert!(d[1].tree.is_err());
        assert!(d[2].tree.is_ok());
    }
}

#[cfg(test)]
mod lenient_tests {
    use super::*;

    #[test]
    fn flow_lines_indented_like_libyaml_accepts() {
        let s = "spec:\n  c:\n    - name: x\n      args: [\n          \"-a\", \"b\",\n      ]\n      env: []\n";
        let d = parse_stream(s, false);
        let tree = d[0].tree.as_ref().expect("libyaml accepts this");
        let root = tree.root().unwrap();
        let c = tree.items(tree.path(root, &["spec", "c"]).unwrap())[0];
        let env = tree.get(c, "env").unwrap();
        assert_eq!(
            tree.span(env).start,
            Pos {
                line: 7,
                column: 12
            }
        );
        let args = tree.get(c, "args").unwrap();
        assert_eq!(tree.span(args).end, Pos { line: 6, column: 8 });
    }

    #[test]
    fn real_indentation_errors_stay_errors() {
        let d = parse_stream("a:\n  b: 1\n c: 2\n", false);
        assert!(d[0].tree.is_err());
    }

    #[test]
    fn prometheus_templates_are_not_helm() {
        let d = parse_stream(
            "description: Pod {{ $labels.pod }} failed {{ $value | humanize }}.\n",
            false,
        );
        assert!(d[0].tree.is_ok());
    }
}
