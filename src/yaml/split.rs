//! Splits a YAML stream into documents before parsing, so that one broken document cannot hide
//! the next. A `---` or `...` marker at column 0 always ends a document (the YAML spec forbids
//! them inside scalars at column 0), so splitting on them is exact.

/// One document of a stream: its text and where it starts in the file.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// The document's text, including its leading `---` line if any.
    pub text: &'a str,
    /// 1-based line of `text`'s first line in the file.
    pub first_line: u32,
    /// The Helm template path from a `# Source: …` comment heading the document.
    pub template: Option<&'a str>,
}

fn is_marker(line: &str, marker: &str) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t', '\r']),
        None => false,
    }
}

/// Splits `text` at `---` (a new document starts on that line) and `...` (the document ends
/// after that line). Chunks holding only comments and blank lines are dropped.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    // Line number of `start`, advanced lazily by counting newlines between split points.
    let bytes = text.as_bytes();
    for at in marker_lines(text) {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let bare = text[at..line_end].trim_end_matches(['\n', '\r']);
        let (cut, next) = if is_marker(bare, "---") {
            // `%YAML` and `%TAG` directives belong to the document their `---` starts.
            if only_directives(&text[start..at]) {
                continue;
            }
            (at, at)
        } else if is_marker(bare, "...") {
            (line_end, line_end)
        } else {
            continue;
        };
        if cut > start {
            push_chunk(&mut chunks, &text[start..cut], start_line);
            start_line += count_newlines(&bytes[start..next]);
            start = next;
        }
    }
    if start < text.len() {
        push_chunk(&mut chunks, &text[start..], start_line);
    }
    chunks
}

/// Byte offsets of lines that start with `---` or `...`, in order. Both are searched for with
/// their line break (`memmem`), not line by line: a stream has few markers and many lines, and
/// stopping at every line break was 2.4 % of a run on the corpus.
fn marker_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let first = (bytes.starts_with(b"---") || bytes.starts_with(b"...")).then_some(0);
    let mut found: Vec<usize> = memchr::memmem::find_iter(bytes, b"\n---")
        .chain(memchr::memmem::find_iter(bytes, b"\n..."))
        .map(|i| i + 1)
        .collect();
    found.sort_unstable();
    first.into_iter().chain(found)
}

/// Whether `text` holds directives (`%YAML 1.2`, `%TAG ! tag:…`) and nothing else but
/// comments and blank lines: the prologue of the document that follows.
fn only_directives(text: &str) -> bool {
    let mut directive = false;
    for line in text.lines() {
        let t = line.trim();
        if line.starts_with('%') {
            directive = true;
        } else if !(t.is_empty() || t.starts_with('#') || t == "...") {
            return false;
        }
    }
    directive
}

fn count_newlines(bytes: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', bytes).count() as u32
}

fn push_chunk<'a>(chunks: &mut Vec<Chunk<'a>>, text: &'a str, first_line: u32) {
    let mut template = None;
    let mut has_content = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t == "---" || t == "..." {
            continue;
        }
        if let Some(comment) = t.strip_prefix('#') {
            if template.is_none() {
                if let Some(path) = comment.trim_start().strip_prefix("Source:") {
                    let path = path.trim();
                    if !path.is_empty() {
                        template = Some(path);
                    }
                }
            }
            continue;
        }
        has_content = true;
        break;
    }
    if has_content {
        chunks.push(Chunk {
            text,
            first_line,
            template,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line by line: what [`marker_lines`] must give.
    fn marker_lines_by_line(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let starts_marker = |i: usize| {
            bytes
                .get(i..i + 3)
                .is_some_and(|b| b == b"---" || b == b"...")
        };
        let first = starts_marker(0).then_some(0);
        first
            .into_iter()
            .chain(
                memchr::memchr_iter(b'\n', bytes)
                    .map(|i| i + 1)
                    .filter(|&i| starts_marker(i)),
            )
            .collect()
    }

    #[test]
    fn markers_found_with_their_line_break_as_line_by_line() {
        // Every text of up to seven characters from an alphabet of line breaks, dashes, dots,
        // carriage returns and a letter.
        let alphabet = ['\n', '-', '.', '\r', 'a'];
        let mut texts = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..7 {
            let mut next = Vec::new();
            for t in &texts {
                for c in alphabet {
                    let mut u = t.clone();
                    u.push(c);
                    next.push(u);
                }
            }
            all.extend(texts);
            texts = next;
        }
        all.extend(texts);
        for t in &all {
            let fast: Vec<usize> = marker_lines(t).collect();
            assert_eq!(fast, marker_lines_by_line(t), "{t:?}");
        }
    }

    #[test]
    fn splits_at_markers_and_keeps_line_numbers() {
        let s =
            "a: 1\n---\n# Source: c/templates/x.yaml\nb: 2\n--- \n\n---\nc: |\n  ---x\n...\nd: 4\n";
        let c = split_documents(s);
        let firsts: Vec<_> = c.iter().map(|c| c.first_line).collect();
        assert_eq!(firsts, vec![1, 2, 7, 11]);
        assert_eq!(c[1].template, Some("c/templates/x.yaml"));
        assert_eq!(c[0].template, None);
        assert!(c[2].text.contains("---x"));
    }

    #[test]
    fn directives_stay_with_the_document_they_precede() {
        let s = "%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n";
        let c = split_documents(s);
        let firsts: Vec<_> = c.iter().map(|c| c.first_line).collect();
        assert_eq!(firsts, vec![1, 6]);
        assert!(c[0].text.starts_with("%YAML") && c[0].text.contains("a: 1"));
        assert!(c[1].text.starts_with("%YAML") && c[1].text.contains("b: 2"));
    }

    #[test]
    fn marker_needs_a_separator() {
        let c = split_documents("a: 1\n----\nb: 2\n---a\n");
        assert_eq!(c.len(), 1);
    }
}
