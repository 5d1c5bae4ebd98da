//! Suppressions: the `kube-contract.io/ignore` annotation of an object (or of its pod template)
//! and `# kube-contract: ignore[rule-a, rule-b] reason` comments.
//!
//! Both are read while a file is loaded — comments are not in the tree, and the text is
//! dropped once the file is read — and carried with the file's results. Once every rule has
//! run, [`apply`] moves the findings they cover to the report's `suppressed` list and records
//! which ids silenced something; the `unused-suppression` and `unknown-rule` rules then judge
//! the suppressions themselves (their suppressions hook).

use std::collections::HashMap;
use std::sync::Arc;

use crate::base::diagnostic::{Diagnostic, FileId};
use crate::base::span::{line_text, Pos, Span};
use crate::model::{Object, Spanned};
pub use crate::rule::suppression::{
    Entry, Origin, Scope, Suppressed, Suppression, IGNORE_ANNOTATION, REASON_ANNOTATION,
};
use crate::rules::parse_error;
use crate::yaml::{Chunk, Tree};

/// What a suppression comment starts with, after `#`.
const DIRECTIVE: &str = "kube-contract:";
const SYNTAX: &str = "# kube-contract: ignore[rule-a, rule-b] reason";

/// Splits a list of rule ids written as `a, b` or `a b`.
fn split_ids(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0usize;
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(move |part| {
            let at = offset;
            offset += part.len() + 1;
            (at, part)
        })
        .filter(|(_, part)| !part.is_empty())
}

fn column_of(line: &str, byte: usize) -> u32 {
    line.get(..byte).map_or(0, |p| p.chars().count()) as u32 + 1
}

fn span_in_line(line_no: u32, line: &str, start: usize, len: usize) -> Span {
    let start_col = column_of(line, start);
    let end_col = column_of(line, start + len);
    Span::new(
        Pos {
            line: line_no,
            column: start_col,
        },
        Pos {
            line: line_no,
            column: end_col,
        },
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    /// `---` or `...`, alone or with a comment.
    Marker,
    Content,
}

fn line_kind(line: &str) -> LineKind {
    let t = line.trim();
    if t.is_empty() {
        LineKind::Blank
    } else if t.starts_with('#') {
        LineKind::Comment
    } else if (line.starts_with("---") || line.starts_with("..."))
        && line[3..]
            .trim_start()
            .chars()
            .next()
            .is_none_or(|c| c == '#')
    {
        LineKind::Marker
    } else {
        LineKind::Content
    }
}

/// Byte offset of the `#` that starts a comment on this line: at the start of the line or
/// after a blank, and not inside a quoted or block scalar (known exactly from the tree when
/// the document parsed; guessed from quote parity when it did not).
fn comment_start(line: &str, line_no: u32, strings: Option<&[Span]>) -> Option<usize> {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'#' || (i > 0 && !matches!(bytes[i - 1], b' ' | b'\t')) {
            continue;
        }
        let inside = match strings {
            Some(spans) => {
                let pos = Pos {
                    line: line_no,
                    column: column_of(line, i),
                };
                spans.iter().any(|s| s.start <= pos && pos < s.end)
            }
            None => {
                let before = &line[..i];
                before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1
            }
        };
        if !inside {
            return Some(i);
        }
    }
    None
}

/// A suppression comment: its ids with their byte offsets in the line, and its reason.
struct Directive<'l> {
    ids: Vec<(usize, &'l str)>,
    reason: Option<&'l str>,
}

/// Reads `kube-contract: ignore[a, b] reason` after the `#` at `hash`. `None` when the comment
/// is not a kube-contract directive; `Err` when it is one that cannot be read.
fn parse_directive(line: &str, hash: usize) -> Option<Result<Directive<'_>, String>> {
    let body_start = hash + 1;
    let body = &line[body_start..];
    let lead = body.len() - body.trim_start().len();
    let rest = body[lead..].strip_prefix(DIRECTIVE)?;
    let after_directive = body_start + lead + DIRECTIVE.len();
    let trimmed = rest.trim_start();
    let at = after_directive + (rest.len() - trimmed.len());
    let Some(inner) = trimmed.strip_prefix("ignore[") else {
        let word: String = trimmed.chars().take_while(|c| !c.is_whitespace()).collect();
        return Some(Err(if word.is_empty() {
            format!("the suppression comment names no action; write `{SYNTAX}`")
        } else {
            format!("cannot read the suppression comment `{word}`; write `{SYNTAX}`")
        }));
    };
    let Some(close) = inner.find(']') else {
        return Some(Err(format!(
            "the suppression comment has no closing `]`; write `{SYNTAX}`"
        )));
    };
    let ids_at = at + "ignore[".len();
    let ids: Vec<(usize, &str)> = split_ids(&inner[..close])
        .map(|(o, id)| (ids_at + o, id))
        .collect();
    if ids.is_empty() {
        return Some(Err(format!(
            "the suppression comment names no rule; write `{SYNTAX}`"
        )));
    }
    let reason = inner[close + 1..].trim();
    Some(Ok(Directive {
        ids,
        reason: (!reason.is_empty()).then_some(reason),
    }))
}

/// Reads the suppression comments of one document.
pub fn scan_comments(
    chunk: &Chunk<'_>,
    tree: Option<&Tree<'_>>,
    file: FileId,
    out: &mut Vec<Suppression>,
) {
    if memchr::memmem::find(chunk.text.as_bytes(), DIRECTIVE.as_bytes()).is_none() {
        return;
    }
    let lines: Vec<&str> = chunk.text.lines().collect();
    let kinds: Vec<LineKind> = lines.iter().map(|l| line_kind(l)).collect();
    let first_content = kinds
        .iter()
        .position(|k| *k == LineKind::Content)
        .unwrap_or(lines.len());
    let line_no = |i: usize| chunk.first_line.saturating_add(i as u32);
    let last_line = line_no(lines.len().saturating_sub(1));
    let strings = tree.map(|t| t.string_spans.as_slice());
    let template: Option<Arc<str>> = chunk.template.map(Arc::from);
    for (i, line) in lines.iter().enumerate() {
        if !line.contains(DIRECTIVE) {
            continue;
        }
        let no = line_no(i);
        let Some(comment) = comment_start(line, no, strings) else {
            continue;
        };
        // The directive may follow another comment: `- name: web  # main  # kube-contract: …`.
        let Some((hash, parsed)) = line[comment..]
            .match_indices('#')
            .find_map(|(at, _)| parse_directive(line, comment + at).map(|p| (comment + at, p)))
        else {
            continue;
        };
        let scope = if i < first_content {
            Scope::Document {
                first: chunk.first_line,
                last: last_line,
            }
        } else if kinds.get(i) == Some(&LineKind::Comment) {
            let target = (i + 1..lines.len())
                .find(|&j| kinds.get(j) != Some(&LineKind::Comment))
                .unwrap_or(i + 1);
            Scope::Above {
                line: no,
                target: line_no(target),
            }
        } else {
            Scope::Trailing { line: no }
        };
        let comment = line[hash..].trim_end();
        let span = span_in_line(no, line, hash, comment.len());
        let (entries, reason, malformed) = match parsed {
            Ok(Directive { ids, reason }) => (
                ids.into_iter()
                    .map(|(at, id)| Entry {
                        id: id.to_string(),
                        span: span_in_line(no, line, at, id.len()),
                    })
                    .collect(),
                reason.map(str::to_string),
                None,
            ),
            Err(why) => (Vec::new(), None, Some(why)),
        };
        out.push(Suppression {
            file,
            origin: Origin::Comment,
            span,
            scope,
            entries,
            reason,
            template: template.clone(),
            object: None,
            malformed,
        });
    }
}

/// Byte offset of 1-based column `column` in `line` (its length when past the end).
fn byte_of_column(line: &str, column: u32) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(b, _)| b)
}

/// The position of each id inside an annotation value: found in the value's source line when
/// the value is written on one line, the whole value otherwise.
fn annotation_entries(chunk: &Chunk<'_>, value: &Spanned<String>) -> Vec<Entry> {
    let span = value.span;
    let line = (span.start.line == span.end.line)
        .then(|| {
            line_text(
                chunk.text,
                span.start.line.saturating_sub(chunk.first_line) + 1,
            )
        })
        .flatten();
    let mut cursor = line.map_or(0, |l| byte_of_column(l, span.start.column));
    let end = line.map_or(0, |l| byte_of_column(l, span.end.column));
    split_ids(&value.value)
        .map(|(_, id)| {
            let found = line.and_then(|l| {
                let at = cursor + l.get(cursor..end)?.find(id)?;
                cursor = at + id.len();
                Some(span_in_line(span.start.line, l, at, id.len()))
            });
            Entry {
                id: id.to_string(),
                span: found.unwrap_or(span),
            }
        })
        .collect()
}

/// Reads the `kube-contract.io/ignore` annotations of an object and of its pod template.
pub fn from_annotations(obj: &Object, chunk: &Chunk<'_>, out: &mut Vec<Suppression>) {
    let own = obj.annotations.as_slice();
    let template = obj
        .workload()
        .map_or(&[][..], |w| w.template.annotations.as_slice());
    let find = |list: &'_ [(String, Spanned<String>)], key: &str| {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    let mut seen: Vec<Span> = Vec::new();
    for (list, other) in [(own, template), (template, own)] {
        let Some(ignore) = find(list, IGNORE_ANNOTATION) else {
            continue;
        };
        // A Pod's template is the Pod itself: the same annotation, read once.
        if seen.contains(&ignore.span) {
            continue;
        }
        seen.push(ignore.span);
        let reason = find(list, REASON_ANNOTATION)
            .or_else(|| find(other, REASON_ANNOTATION))
            .map(|r| r.value.trim().to_string())
            .filter(|r| !r.is_empty());
        let entries = annotation_entries(chunk, &ignore);
        let malformed = entries.is_empty().then(|| {
            format!(
                "the `{IGNORE_ANNOTATION}` annotation names no rule; write the rule ids \
                 separated by commas"
            )
        });
        out.push(Suppression {
            file: obj.file,
            origin: Origin::Annotation,
            span: ignore.span,
            scope: Scope::Object(obj.span),
            entries,
            reason,
            template: obj.template.clone(),
            object: Some(obj.key.clone()),
            malformed,
        });
    }
}

/// Moves the findings that a suppression covers out of `diagnostics` (order kept) and returns
/// them, with which ids of each suppression silenced something (parallel to `suppressions`,
/// then to each one's entries): what the suppressions hook of the rules judges.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &[Suppression],
) -> (Vec<Suppressed>, Vec<Vec<bool>>) {
    if suppressions.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        by_file.entry(s.file).or_default().push(i);
    }
    for v in by_file.values_mut() {
        v.sort_by_key(|&i| suppressions.get(i).map(|s| s.scope.breadth()));
    }
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.entries.len()])
        .collect();
    let mut silenced = Vec::new();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        // Nothing of a document that could not be read was linted: its error always shows.
        if d.rule == parse_error::META.id {
            kept.push(d);
            continue;
        }
        let mut by: Option<&Suppression> = None;
        for &i in by_file.get(&d.file).map_or(&[][..], Vec::as_slice) {
            let (Some(s), Some(flags)) = (suppressions.get(i), used.get_mut(i)) else {
                continue;
            };
            if !s.scope.covers(&d) {
                continue;
            }
            for (entry, flag) in s.entries.iter().zip(flags.iter_mut()) {
                if entry.id == d.rule {
                    *flag = true;
                    by.get_or_insert(s);
                }
            }
        }
        match by {
            Some(s) => silenced.push(Suppressed {
                diagnostic: d,
                origin: s.origin,
                span: s.span,
                reason: s.reason.clone(),
            }),
            None => kept.push(d),
        }
    }
    *diagnostics = kept;
    (silenced, used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    fn comments(text: &str) -> Vec<Suppression> {
        let mut out = Vec::new();
        for doc in parse_stream(text, false) {
            scan_comments(&doc.chunk, doc.tree.as_ref().ok(), 0, &mut out);
        }
        out
    }

    #[test]
    fn reads_ids_positions_and_reason() {
        let s = comments("a: 1\nb: 2  # kube-contract: ignore[x-y, z] because  \n");
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.scope, Scope::Trailing { line: 2 });
        assert_eq!(s.reason.as_deref(), Some("because"));
        let ids: Vec<(&str, u32, u32)> = s
            .entries
            .iter()
            .map(|e| (e.id.as_str(), e.span.start.column, e.span.end.column))
            .collect();
        assert_eq!(ids, vec![("x-y", 31, 34), ("z", 36, 37)]);
        assert_eq!(s.span.start.column, 7);
    }

    #[test]
    fn scopes_follow_placement() {
        let text = "---\n# Source: c/t.yaml\n# kube-contract: ignore[a] top\nk: v\n# kube-contract: ignore[b]\n# other comment\nl: w\nm: x # kube-contract: ignore[c]\n";
        let s = comments(text);
        let scopes: Vec<Scope> = s.iter().map(|s| s.scope).collect();
        assert_eq!(
            scopes,
            vec![
                Scope::Document { first: 1, last: 8 },
                Scope::Above { line: 5, target: 7 },
                Scope::Trailing { line: 8 },
            ]
        );
        assert_eq!(s[0].template.as_deref(), Some("c/t.yaml"));
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn strings_are_not_comments() {
        let text = "a: \"x # kube-contract: ignore[q]\"\nb: |\n  echo # kube-contract: ignore[r]\n  # kube-contract: ignore[s]\nc: 'it''s' # kube-contract: ignore[t]\n";
        let ids: Vec<String> = comments(text)
            .iter()
            .flat_map(|s| s.entries.iter().map(|e| e.id.clone()))
            .collect();
        assert_eq!(ids, vec!["t"]);
    }

    #[test]
    fn comment_after_a_block_scalar_is_a_comment() {
        let text = "a:\n  b: |\n    text\n  # kube-contract: ignore[u] r\n  c: 1\n";
        let s = comments(text);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].scope, Scope::Above { line: 4, target: 5 });
    }

    #[test]
    fn broken_directives_are_kept_as_malformed() {
        for text in [
            "a: 1 # kube-contract: ignore x\n",
            "a: 1 # kube-contract: ignore[x\n",
            "a: 1 # kube-contract: ignore[ , ]\n",
            "a: 1 # kube-contract:\n",
        ] {
            let s = comments(text);
            assert_eq!(s.len(), 1, "{text}");
            assert!(s[0].malformed.is_some(), "{text}");
            assert!(s[0].entries.is_empty());
        }
        assert!(comments("a: 1 # kube-contractor: ignore[x]\n").is_empty());
        let after = comments("a: 1 # note # kube-contract: ignore[x] why\n");
        assert_eq!(after[0].entries[0].span.start.column, 37);
        assert_eq!(after[0].span.start.column, 13);
        assert_eq!(after[0].reason.as_deref(), Some("why"));
        assert!(comments("a: 1 #kube-contract:ignore[x]\n")[0]
            .malformed
            .is_none());
    }

    #[test]
    fn split_ids_accepts_commas_and_blanks() {
        let ids: Vec<(usize, &str)> = split_ids("a,b  c, d").collect();
        assert_eq!(ids, vec![(0, "a"), (2, "b"), (5, "c"), (8, "d")]);
    }
}
