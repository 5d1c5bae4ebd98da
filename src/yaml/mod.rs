//! The YAML reader: the one module that knows the parser crate, so that a faster reader can
//! replace it without touching the model or the rules.

pub mod scalar;
pub mod split;
pub mod tree;

pub use scalar::Value;
pub use split::{split_documents, Chunk};
pub use tree::{NodeId, ParseError, Tree};

use crate::span::{Pos, Span};

/// One document of a file, parsed.
pub struct Document<'a> {
    pub chunk: Chunk<'a>,
    pub tree: Result<Tree<'a>, ParseError>,
}

/// Parses every document of a YAML stream (or the single document of a JSON file). Empty
/// documents are left out; a broken document is kept as its error and the others go on.
pub fn parse_stream(text: &str, json: bool) -> Vec<Document<'_>> {
    let chunks = if json {
        vec![Chunk {
            text,
            first_line: 1,
            template: None,
        }]
    } else {
        split_documents(text)
    };
    let mut docs = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let tree = match Tree::parse(chunk.text, chunk.first_line) {
            Ok(Some(tree)) => match unrendered_template(&chunk, Some(&tree)) {
                Some(pos) => Err(helm_error(pos)),
                None => Ok(tree),
            },
            Ok(None) => continue,
            Err(err) => Err(match unrendered_template(&chunk, None) {
                Some(pos) => helm_error(pos),
                None => err,
            }),
        };
        docs.push(Document { chunk, tree });
    }
    docs
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
    if let Some(tree) = tree {
        if tree.complex_key.is_none() && !has_template_outside_strings(chunk, &tree.string_spans)
        {
            return None;
        }
    }
    let spans: &[Span] = tree.map_or(&[], |t| &t.string_spans);
    first_template_outside(chunk, spans)
}

fn has_template_outside_strings(chunk: &Chunk<'_>, spans: &[Span]) -> bool {
    first_template_outside(chunk, spans).is_some()
}

fn first_template_outside(chunk: &Chunk<'_>, spans: &[Span]) -> Option<Pos> {
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
            let inside = spans.iter().any(|s| s.start <= pos && pos < s.end);
            if !inside {
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
