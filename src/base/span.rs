//! Source positions.
//!
//! Lines are 1-based. Columns are 1-based and count Unicode scalar values (characters), which
//! is what the YAML parser reports; the end points just past the last character, as ESLint's
//! `endColumn` does. Byte offsets are derived from line and column only when a renderer needs
//! them (see [`Span::byte_range`]), so the hot path never converts.

use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(start: Pos, end: Pos) -> Span {
        let end = if end < start { start } else { end };
        Span { start, end }
    }

    /// A span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// A one-line span; when the span runs over several lines it is cut at the end of its first
    /// line so that editors underline the field, not a whole block.
    pub fn first_line(self, source: &str) -> Span {
        if self.start.line == self.end.line {
            return self;
        }
        let len = line_text(source, self.start.line)
            .map(|l| l.chars().count() as u32)
            .unwrap_or(self.start.column);
        Span::new(
            self.start,
            Pos {
                line: self.start.line,
                column: (len + 1).max(self.start.column + 1),
            },
        )
    }

    /// Byte range of this span in `source` (clamped to the text; never panics).
    pub fn byte_range(&self, source: &str) -> std::ops::Range<usize> {
        let s = byte_offset(source, self.start);
        let e = byte_offset(source, self.end).max(s);
        s..e
    }
}

/// The text of 1-based line `line`, without its line break.
pub fn line_text(source: &str, line: u32) -> Option<&str> {
    if line == 0 {
        return None;
    }
    source
        .split('\n')
        .nth(line as usize - 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// Byte offset of a position, clamped to the end of its line and of the text.
pub fn byte_offset(source: &str, pos: Pos) -> usize {
    let mut line_start = 0usize;
    let mut line = 1u32;
    if pos.line > 1 {
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line += 1;
                if line == pos.line {
                    line_start = i + 1;
                    break;
                }
            }
        }
        if line < pos.line {
            return source.len();
        }
    }
    let rest = &source[line_start..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    for (col, (i, _)) in (1u32..).zip(rest[..line_end].char_indices()) {
        if col == pos.column {
            return line_start + i;
        }
    }
    line_start + line_end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_count_characters() {
        let src = "a: é1\nbb: 2\n";
        assert_eq!(byte_offset(src, Pos { line: 1, column: 4 }), 3);
        assert_eq!(byte_offset(src, Pos { line: 1, column: 5 }), 5);
        assert_eq!(byte_offset(src, Pos { line: 2, column: 1 }), 7);
        assert_eq!(byte_offset(src, Pos { line: 9, column: 1 }), src.len());
        assert_eq!(
            byte_offset(
                src,
                Pos {
                    line: 2,
                    column: 99
                }
            ),
            12
        );
    }

    #[test]
    fn first_line_cuts_multi_line_spans() {
        let src = "x: |\n  hi\n";
        let s = Span::new(Pos { line: 1, column: 4 }, Pos { line: 3, column: 1 });
        assert_eq!(s.first_line(src).end, Pos { line: 1, column: 5 });
    }
}
