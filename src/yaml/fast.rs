//! The fast reader: the manifest subset of YAML (and JSON) read in one pass straight from the
//! bytes into the same flat spanned tree the saphyr path builds, with the same spans, through
//! the same [`Builder`].
//!
//! It reads block mappings and sequences (indentless ones included), plain, single- and
//! double-quoted scalars on one line, flow collections over any number of lines, comments,
//! literal and folded block scalars with their chomping and indentation indicators, and the
//! `---` / `...` markers. Anything else — anchors, aliases, tags, `<<` merge keys, complex
//! keys, directives, tabs, carriage returns, multi-line plain or quoted scalars, unusual
//! indentation, and every error — makes it step aside (`None`): the document is then read by
//! saphyr, which gives the tree or the located error it always gave. So correctness never
//! depends on this reader; it is checked against saphyr on every corpus, fixture and hostile
//! file and by a fuzz target (`tests/fast_reader.rs`, `fuzz/fuzz_targets/fast.rs`).

use std::borrow::Cow;

use saphyr_parser::ScalarStyle;

use super::tree::{Builder, Tree, MAX_DEPTH};
use crate::base::span::{Pos, Span};

/// The reader stepped aside: saphyr reads this document. Holds the line of this file that
/// decided so, for the benchmark's and tests' account of fallbacks.
pub(crate) struct Bail(u32);

#[track_caller]
fn bail() -> Bail {
    Bail(std::panic::Location::caller().line())
}

type R<T> = Result<T, Bail>;

/// A simple key longer than this (in bytes) is left to saphyr, which limits keys to 1024
/// characters.
const MAX_KEY_BYTES: usize = 1000;

/// Reads one document (the text of a [`super::Chunk`]); `None` when it must be read by saphyr.
/// `Some(None)` is a document with no content.
pub(crate) fn parse(text: &str, first_line: u32) -> Option<Option<Tree<'_>>> {
    read(text, first_line).ok()
}

/// Like [`parse`], saying why the reader stepped aside: the line of this file that decided,
/// and the line of the document it was reading.
pub(crate) fn read(text: &str, first_line: u32) -> Result<Option<Tree<'_>>, (u32, u32)> {
    let b = text.as_bytes();
    if memchr::memchr3(b'\t', b'\r', 0, b).is_some() || text.contains('\u{feff}') {
        return Err((line!(), first_line));
    }
    let mut r = Reader {
        src: text,
        b,
        pos: 0,
        line: 0,
        line_start: 0,
        line_offset: first_line.saturating_sub(1),
        cache: (0, 0),
        counted: 0,
        ascii: text.is_ascii(),
        out: Builder::new(text.len()),
    };
    match r.document() {
        Ok(true) => r.out.finish(false).map_err(|_| (line!(), first_line)),
        Ok(false) => Ok(None),
        Err(Bail(at)) => Err((at, r.line + first_line)),
    }
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// 0-based line of `pos` within the document.
    line: u32,
    line_start: usize,
    line_offset: u32,
    /// A byte offset on the current line and its column in characters, so that columns are
    /// counted once however long the line (a one-line JSON file).
    cache: (usize, u32),
    /// Bytes looked at to count columns (the work done, for a test).
    counted: usize,
    /// Whether the whole document is ASCII: then a column is a byte offset, nothing to count.
    ascii: bool,
    out: Builder<'a>,
}

fn is_flow_char(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// Whether the byte at `i` is a space, a line break or the end of input.
    fn blank_or_end(&self, i: usize) -> bool {
        matches!(self.at(i), None | Some(b' ' | b'\n'))
    }

    /// The position of byte `i`, which must be on the current line.
    fn pos_of(&mut self, i: usize) -> Pos {
        if self.ascii {
            return Pos {
                line: (self.line + 1).saturating_add(self.line_offset),
                column: (i - self.line_start) as u32 + 1,
            };
        }
        let (mut cb, mut cc) = self.cache;
        if cb < self.line_start || cb > i {
            cb = self.line_start;
            cc = 0;
        }
        self.counted += i - cb;
        let between = &self.b[cb..i];
        // Columns count characters; most lines are ASCII, checked a word at a time.
        let chars = if between.is_ascii() {
            between.len()
        } else {
            between.iter().filter(|&&c| c & 0xC0 != 0x80).count()
        } as u32;
        cc += chars;
        self.cache = (i, cc);
        Pos {
            line: (self.line + 1).saturating_add(self.line_offset),
            column: cc + 1,
        }
    }

    fn here(&mut self) -> Pos {
        self.pos_of(self.pos)
    }

    /// Steps over the line break at `pos`.
    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
        self.cache = (self.pos, 0);
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// The 0-based column of `pos` when only spaces precede it on its line.
    fn indent(&self) -> usize {
        self.pos - self.line_start
    }

    /// From anywhere in the leading spaces of a line, or at the end of a line: skips blank
    /// lines and comment lines up to the first character of the next content line, and
    /// returns its column; `None` at the end of the document (after a `...` marker, only
    /// blank and comment lines may follow).
    fn settle(&mut self) -> R<Option<usize>> {
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Ok(None),
                Some(b'\n') => self.newline(),
                Some(b'#') => self.skip_to_eol(),
                Some(_) => {
                    let col = self.indent();
                    if col == 0 {
                        let rest = &self.b[self.pos..];
                        if rest.starts_with(b"---") && self.blank_or_end(self.pos + 3) {
                            return Err(bail());
                        }
                        if rest.starts_with(b"...") && self.blank_or_end(self.pos + 3) {
                            self.pos += 3;
                            return self.only_comments_left().map(|()| None);
                        }
                        if rest[0] == b'%' {
                            return Err(bail());
                        }
                    }
                    return Ok(Some(col));
                }
            }
        }
    }

    fn only_comments_left(&mut self) -> R<()> {
        loop {
            let before = self.pos;
            self.skip_spaces();
            match self.peek() {
                None => return Ok(()),
                Some(b'\n') => self.newline(),
                Some(b'#') if self.pos > before || self.pos == self.line_start => {
                    self.skip_to_eol()
                }
                Some(_) => return Err(bail()),
            }
        }
    }

    fn skip_to_eol(&mut self) {
        match memchr::memchr(b'\n', &self.b[self.pos..]) {
            Some(i) => self.pos += i,
            None => self.pos = self.b.len(),
        }
    }

    /// After a node on a line: blanks, perhaps a comment (after a blank), then the end of the
    /// line, which is stepped over.
    fn end_line(&mut self) -> R<()> {
        let before = self.pos;
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            if self.pos == before {
                return Err(bail());
            }
            self.skip_to_eol();
        }
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.newline();
                Ok(())
            }
            Some(_) => Err(bail()),
        }
    }

    /// The whole document; whether it had content.
    fn document(&mut self) -> R<bool> {
        // A leading `---` line (nothing but a comment may follow the marker).
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Ok(false),
                Some(b'\n') => self.newline(),
                Some(b'#') => self.skip_to_eol(),
                Some(_) => break,
            }
        }
        if self.indent() == 0 && self.b[self.pos..].starts_with(b"---") {
            if !self.blank_or_end(self.pos + 3) {
                return Err(bail());
            }
            self.pos += 3;
            self.end_line()?;
        }
        let Some(col) = self.settle()? else {
            return Ok(false);
        };
        match self.peek() {
            Some(b'[' | b'{') => {
                self.flow(-1)?;
                self.end_line()?;
            }
            _ => self.block_node(col, -1)?,
        }
        match self.settle()? {
            None => Ok(true),
            Some(_) => Err(bail()),
        }
    }

    /// A block collection starting at `pos` (column `col`), inside a block collection at
    /// column `parent` (-1 at the root). Scalars alone on their line are read too, except at
    /// the root.
    fn block_node(&mut self, col: usize, parent: i64) -> R<()> {
        if self.out.depth() + 2 >= MAX_DEPTH {
            return Err(bail());
        }
        if self.is_entry() {
            return self.block_seq(col, false);
        }
        if self.is_key()? {
            return self.block_map(col);
        }
        if parent < 0 {
            return Err(bail());
        }
        match self.peek() {
            // Alone on its line after a key or a `-`: saphyr's indentation is one column
            // past the collection's.
            Some(b'"' | b'\'') => {
                self.quoted(Some(parent as usize + 1))?;
                self.end_line()
            }
            // `annotations:` then `{}` on the next line, as Helm renders an empty map.
            Some(b'[' | b'{') => {
                self.flow(parent)?;
                self.end_line()
            }
            _ => {
                self.plain_block(parent as usize)?;
                self.end_line()
            }
        }
    }

    /// Whether `pos` is at a block sequence entry: `-` followed by a blank or a line break.
    fn is_entry(&self) -> bool {
        self.peek() == Some(b'-') && self.blank_or_end(self.pos + 1)
    }

    /// Whether the line at `pos` starts with a simple key and its `:`; `pos` is left as it
    /// was.
    fn is_key(&mut self) -> R<bool> {
        let save = (self.pos, self.cache);
        let quoted = match self.peek() {
            Some(b'"') => Some(self.scan_double()),
            Some(b'\'') => Some(self.scan_single()),
            _ => None,
        };
        let end = match quoted {
            // Not closed on its line: a value over several lines (saphyr refuses it as a
            // key), read by `quoted`, which steps aside on anything else.
            Some(Err(_)) => return Ok(false),
            Some(Ok((end, _))) => end,
            None => match self.scan_plain(false) {
                Some((end, _)) => end,
                None => {
                    self.pos = save.0;
                    self.cache = save.1;
                    return Ok(false);
                }
            },
        };
        let mut i = end;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        let key = self.at(i) == Some(b':') && self.blank_or_end(i + 1);
        self.pos = save.0;
        self.cache = save.1;
        Ok(key)
    }

    /// A block mapping whose keys are at column `col`; `pos` is at its first key.
    fn block_map(&mut self, col: usize) -> R<()> {
        let start = self.here();
        self.out
            .open(true, Span::new(start, start))
            .map_err(|_| bail())?;
        loop {
            // A key and its `:`.
            let key_start = self.pos;
            match self.peek() {
                Some(b'"' | b'\'') => self.quoted(None)?,
                Some(b'<') if self.b[self.pos..].starts_with(b"<<") => return Err(bail()),
                _ => self.plain(false)?,
            }
            self.skip_spaces();
            if self.peek() != Some(b':') || !self.blank_or_end(self.pos + 1) {
                return Err(bail());
            }
            if self.pos - key_start > MAX_KEY_BYTES {
                return Err(bail());
            }
            let colon = self.here();
            self.pos += 1;
            self.value(col, colon)?;
            match self.settle()? {
                Some(next) if next == col => {
                    if self.is_entry() {
                        return Err(bail());
                    }
                }
                Some(next) if next > col => return Err(bail()),
                _ => break,
            }
        }
        self.out.close(Pos::default(), Pos::default());
        Ok(())
    }

    /// The value after a key's `:` (at `pos`), in a mapping at column `col`.
    fn value(&mut self, col: usize, colon: Pos) -> R<()> {
        let before = self.pos;
        self.skip_spaces();
        match self.peek() {
            None | Some(b'\n') | Some(b'#') => {
                if self.peek() == Some(b'#') && self.pos == before {
                    return Err(bail());
                }
                self.skip_to_eol();
                match self.settle()? {
                    Some(next) if next > col => self.block_node(next, col as i64),
                    Some(next) if next == col && self.is_entry() => self.block_seq(col, true),
                    _ => {
                        self.empty(colon);
                        Ok(())
                    }
                }
            }
            // saphyr's indentation after a key's `:` is one column past the key.
            Some(_) => self.inline(col, col + 1),
        }
    }

    fn empty(&mut self, at: Pos) {
        self.out.scalar(
            Cow::Borrowed(""),
            ScalarStyle::Plain,
            None,
            Span::new(at, at),
        );
    }

    /// A node that starts on the line of its key or its `-`, inside a block collection at
    /// column `col`; the line is finished. A quoted scalar may go on over lines that start
    /// at `min_col` or further right.
    fn inline(&mut self, col: usize, min_col: usize) -> R<()> {
        match self.peek() {
            Some(b'|') => self.block_scalar(true, col),
            Some(b'>') => self.block_scalar(false, col),
            Some(b'[' | b'{') => {
                self.flow(col as i64)?;
                self.end_line()
            }
            Some(b'"' | b'\'') => {
                self.quoted(Some(min_col))?;
                self.end_line()
            }
            _ => {
                self.plain_block(col)?;
                self.end_line()
            }
        }
    }

    /// A block sequence whose `-` are at column `col`; `pos` is at the first `-`. An
    /// indentless sequence (the value of a key at the same column) starts where its first
    /// entry's content does; others at their first `-`.
    fn block_seq(&mut self, col: usize, indentless: bool) -> R<()> {
        let mut first = true;
        loop {
            let dash = self.here();
            self.pos += 1;
            // Where saphyr's entry token sits: after the `-`, its blanks and a comment.
            let before = self.pos;
            self.skip_spaces();
            if self.peek() == Some(b'#') {
                if self.pos == before {
                    return Err(bail());
                }
                self.skip_to_eol();
            }
            let entry = self.here();
            if first {
                let start = if indentless { entry } else { dash };
                self.out
                    .open(false, Span::new(start, start))
                    .map_err(|_| bail())?;
                first = false;
            }
            match self.peek() {
                None | Some(b'\n') => match self.settle()? {
                    Some(next) if next > col => self.block_node(next, col as i64)?,
                    _ => self.empty(entry),
                },
                Some(_) => {
                    if self.out.depth() + 2 >= MAX_DEPTH {
                        return Err(bail());
                    }
                    let here = self.indent_of_pos();
                    if self.is_entry() {
                        self.block_seq(here, false)?;
                    } else if matches!(self.peek(), Some(b'|' | b'>' | b'[' | b'{')) {
                        self.inline(col, col)?;
                    } else if self.is_key()? {
                        self.block_map(here)?;
                    } else {
                        self.inline(col, col)?;
                    }
                }
            }
            match self.settle()? {
                Some(next) if next == col && self.is_entry() => {}
                Some(next) if next == col && indentless => break,
                Some(next) if next >= col => return Err(bail()),
                _ => break,
            }
        }
        self.out.close(Pos::default(), Pos::default());
        Ok(())
    }

    /// The column of `pos` when everything before it on the line is ASCII (`- ` and spaces).
    fn indent_of_pos(&self) -> usize {
        self.pos - self.line_start
    }

    /// A plain scalar at `pos`, on one line. In block context it ends before `: `, ` #` or
    /// the end of the line; in flow context before `,[]{}` and `:` followed by one of them
    /// too. The end of the scalar is its last non-blank character.
    fn plain(&mut self, flow: bool) -> R<()> {
        let start = self.pos;
        let Some((end, _)) = self.scan_plain(flow) else {
            return Err(bail());
        };
        let s = self.here();
        let e = self.pos_of(end);
        self.pos = end;
        let text = &self.src[start..end];
        self.out.scalar(
            Cow::Borrowed(text),
            ScalarStyle::Plain,
            None,
            Span::new(s, e),
        );
        Ok(())
    }

    /// A plain scalar in block context, inside a block collection at column `parent`: it
    /// goes on over the following lines indented past `parent` (not comments), folded as
    /// saphyr folds them (a line break is a space, each empty line a line break).
    fn plain_block(&mut self, parent: usize) -> R<()> {
        let start = self.pos;
        let Some((first_end, stop)) = self.scan_plain(false) else {
            return Err(bail());
        };
        let s = self.here();
        let b = self.b;
        let mut text: Option<String> = None;
        let mut end = first_end;
        let mut i = stop;
        // `i` is where the last line's content stopped: a line break, or the end.
        while b.get(i) == Some(&b'\n') {
            let mut breaks = 0usize;
            let mut j = i;
            let mut line_start;
            loop {
                j += 1;
                breaks += 1;
                line_start = j;
                while b.get(j) == Some(&b' ') {
                    j += 1;
                }
                if b.get(j) != Some(&b'\n') {
                    break;
                }
            }
            match b.get(j) {
                None | Some(b'#') => break,
                Some(_) if j - line_start <= parent => break,
                Some(_) => {}
            }
            let (line_end, line_stop) = self.scan_plain_from(j, false);
            if b.get(line_stop) == Some(&b':') || line_end == j {
                return Err(bail());
            }
            let t = text.get_or_insert_with(|| self.src[start..end].to_string());
            if breaks == 1 {
                t.push(' ');
            } else {
                t.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            t.push_str(&self.src[j..line_end]);
            end = line_end;
            i = line_stop;
        }
        // Move the reader to the scalar's last line.
        while let Some(nl) = memchr::memchr(b'\n', &b[self.pos..end]) {
            self.pos += nl;
            self.newline();
        }
        let e = self.pos_of(end);
        self.pos = end;
        let text = match text {
            Some(t) => Cow::Owned(t),
            None => Cow::Borrowed(&self.src[start..end]),
        };
        self.out
            .scalar(text, ScalarStyle::Plain, None, Span::new(s, e));
        Ok(())
    }

    /// The end of the plain scalar at `pos` and where its scanning stopped (`pos` itself is
    /// not moved); `None` when no plain scalar this reader reads starts there.
    fn scan_plain(&self, flow: bool) -> Option<(usize, usize)> {
        let first = self.peek()?;
        match first {
            b'-' => {
                let next = self.at(self.pos + 1)?;
                if next == b' ' || next == b'\n' || (flow && is_flow_char(next)) {
                    return None;
                }
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => return None,
            _ => {}
        }
        Some(self.scan_plain_from(self.pos, flow))
    }

    /// Scans plain scalar characters from `i` on one line: the end of the content (after its
    /// last non-blank character) and the byte where scanning stopped (a line break, the end,
    /// the blank before ` #`, a `:` followed by a blank, or a flow indicator).
    fn scan_plain_from(&self, mut i: usize, flow: bool) -> (usize, usize) {
        let b = self.b;
        let mut end = i;
        while let Some(&c) = b.get(i) {
            match c {
                b'\n' => break,
                b' ' => {
                    if b.get(i + 1) == Some(&b'#') {
                        break;
                    }
                }
                b':' => {
                    let next = b.get(i + 1).copied();
                    if matches!(next, None | Some(b' ' | b'\n'))
                        || (flow && next.is_some_and(is_flow_char))
                    {
                        break;
                    }
                    end = i + 1;
                }
                c if flow && is_flow_char(c) => break,
                _ => end = i + 1,
            }
            i += 1;
        }
        (end, i)
    }

    /// A quoted scalar at `pos`. `indent` is saphyr's indentation level where it is a block
    /// value: then it may go on over several lines, none of them starting left of `indent`
    /// (one column past a mapping's keys, or past a `-` with nothing after it on its line;
    /// the `-`'s own column for a scalar on the line of its `-`). Keys and scalars in flow collections
    /// (`None`) are read on one line only.
    fn quoted(&mut self, indent: Option<usize>) -> R<()> {
        let s = self.here();
        let single = self.peek() == Some(b'\'');
        let one_line = if single {
            self.scan_single()
        } else {
            self.scan_double()
        };
        let (end, text) = match (one_line, indent) {
            (Ok(read), _) => read,
            (Err(e), None) => return Err(e),
            (Err(_), Some(indent)) => {
                let (end, text) = self.scan_quoted_lines(single, indent)?;
                // Move the reader to the scalar's last line.
                while let Some(nl) = memchr::memchr(b'\n', &self.b[self.pos..end]) {
                    self.pos += nl;
                    self.newline();
                }
                (end, Cow::Owned(text))
            }
        };
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        let e = self.pos_of(end);
        self.pos = end;
        self.out.scalar(text, style, None, Span::new(s, e));
        Ok(())
    }

    /// A quoted scalar at `pos` over any number of lines, folded as saphyr's
    /// `scan_flow_scalar` folds it: blanks before a line break are dropped, and so are the
    /// leading blanks of the next line; one line break is a space, each empty line after it
    /// a line break; in double quotes a `\` at the end of a line joins the lines with
    /// nothing between them. The byte after the closing quote, and the value. Steps aside
    /// where saphyr reports an error: a line starting left of `indent`, a document marker,
    /// the end of the document.
    fn scan_quoted_lines(&self, single: bool, indent: usize) -> R<(usize, String)> {
        let b = self.b;
        let quote = if single { b'\'' } else { b'"' };
        let mut i = self.pos + 1;
        let mut line_start = self.line_start;
        let mut new_line = false;
        let mut s = String::new();
        loop {
            if new_line {
                // Only spaces precede `i` on its line.
                let col = i - line_start;
                if col == 0
                    && (b[i..].starts_with(b"---") || b[i..].starts_with(b"..."))
                    && self.blank_or_end(i + 3)
                {
                    return Err(bail());
                }
                if col < indent {
                    return Err(bail());
                }
                new_line = false;
            }
            if i >= b.len() {
                return Err(bail());
            }
            let mut leading_blanks = false;
            // The characters up to a blank, a line break or the closing quote.
            loop {
                match b.get(i) {
                    None | Some(b' ' | b'\n') => break,
                    Some(&c) if c == quote => {
                        if single && b.get(i + 1) == Some(&b'\'') {
                            s.push('\'');
                            i += 2;
                        } else {
                            break;
                        }
                    }
                    Some(b'\\') if !single => {
                        if b.get(i + 1) == Some(&b'\n') {
                            i += 2;
                            line_start = i;
                            new_line = true;
                            leading_blanks = true;
                            break;
                        }
                        let (c, len) = self.escape(i)?;
                        s.push(c);
                        i += len;
                    }
                    Some(_) => {
                        let from = i;
                        while let Some(&c) = b.get(i) {
                            if c == b' ' || c == b'\n' || c == quote || (!single && c == b'\\') {
                                break;
                            }
                            i += 1;
                        }
                        s.push_str(&self.src[from..i]);
                    }
                }
            }
            if b.get(i) == Some(&quote) {
                return Ok((i + 1, s));
            }
            // Blanks and line breaks, then how they join the text.
            let blanks = i;
            let mut leading_break = false;
            let mut trailing_breaks = 0usize;
            while let Some(&c) = b.get(i) {
                match c {
                    b' ' => i += 1,
                    b'\n' => {
                        if leading_blanks {
                            trailing_breaks += 1;
                        } else {
                            leading_break = true;
                            leading_blanks = true;
                        }
                        i += 1;
                        line_start = i;
                        new_line = true;
                    }
                    _ => break,
                }
            }
            if !leading_blanks {
                s.push_str(&self.src[blanks..i]);
            } else if leading_break && trailing_breaks == 0 {
                s.push(' ');
            } else {
                s.extend(std::iter::repeat_n('\n', trailing_breaks));
            }
        }
    }

    /// A single-quoted scalar at `pos` on one line: the byte after its closing quote, and
    /// its value.
    fn scan_single(&self) -> R<(usize, Cow<'a, str>)> {
        let b = self.b;
        let start = self.pos + 1;
        let mut i = start;
        let mut owned: Option<String> = None;
        let mut from = start;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err(bail()),
                Some(b'\'') => {
                    if b.get(i + 1) == Some(&b'\'') {
                        let s = owned.get_or_insert_with(String::new);
                        s.push_str(&self.src[from..=i]);
                        i += 2;
                        from = i;
                    } else {
                        let text = match owned {
                            Some(mut s) => {
                                s.push_str(&self.src[from..i]);
                                Cow::Owned(s)
                            }
                            None => Cow::Borrowed(&self.src[start..i]),
                        };
                        return Ok((i + 1, text));
                    }
                }
                Some(_) => i += 1,
            }
        }
    }

    /// A double-quoted scalar at `pos` on one line: the byte after its closing quote, and
    /// its value with escapes resolved as saphyr does.
    fn scan_double(&self) -> R<(usize, Cow<'a, str>)> {
        let b = self.b;
        let start = self.pos + 1;
        let mut i = start;
        let mut owned: Option<String> = None;
        let mut from = start;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err(bail()),
                Some(b'"') => {
                    let text = match owned {
                        Some(mut s) => {
                            s.push_str(&self.src[from..i]);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(&self.src[start..i]),
                    };
                    return Ok((i + 1, text));
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.src[from..i]);
                    let (c, len) = self.escape(i)?;
                    s.push(c);
                    i += len;
                    from = i;
                }
                Some(_) => i += 1,
            }
        }
    }

    /// The escape sequence at `i` (a `\\` in a double-quoted scalar) as saphyr resolves it:
    /// the character and the bytes it takes.
    fn escape(&self, i: usize) -> R<(char, usize)> {
        let b = self.b;
        let esc = b.get(i + 1).copied().ok_or(bail())?;
        let len = match esc {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        if len > 0 {
            let hex = b.get(i + 2..i + 2 + len).ok_or(bail())?;
            let mut value = 0u32;
            for &h in hex {
                let d = (h as char).to_digit(16).ok_or(bail())?;
                value = (value << 4) | d;
            }
            return Ok((char::from_u32(value).ok_or(bail())?, 2 + len));
        }
        let c = match esc {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            _ => return Err(bail()),
        };
        Ok((c, 2))
    }

    /// A flow collection at `pos` (`[` or `{`), inside a block collection at column
    /// `parent` (-1: none). A token that starts a line must be indented past `parent`.
    fn flow(&mut self, parent: i64) -> R<()> {
        if self.out.depth() + 2 >= MAX_DEPTH {
            return Err(bail());
        }
        let map = self.peek() == Some(b'{');
        let close = if map { b'}' } else { b']' };
        let start = self.here();
        self.pos += 1;
        // saphyr's start token runs over the blanks and a comment that follow the bracket.
        let before = self.pos;
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            if self.pos == before {
                return Err(bail());
            }
            self.skip_to_eol();
        }
        let token_end = self.here();
        self.out
            .open(map, Span::new(start, token_end))
            .map_err(|_| bail())?;
        loop {
            self.flow_space(parent)?;
            match self.peek() {
                Some(c) if c == close => break,
                None => return Err(bail()),
                _ => {}
            }
            if map {
                // A key on one line, its `:`, a value.
                let key_start = self.pos;
                let quoted = matches!(self.peek(), Some(b'"' | b'\''));
                match self.peek() {
                    Some(b'"' | b'\'') => self.quoted(None)?,
                    Some(b'<') if self.b[self.pos..].starts_with(b"<<") => return Err(bail()),
                    _ => self.plain(true)?,
                }
                let key_end = self.pos;
                self.skip_spaces();
                if self.peek() != Some(b':') {
                    return Err(bail());
                }
                let next = self.at(self.pos + 1);
                let separated = matches!(next, None | Some(b' ' | b'\n'));
                if !(separated || (quoted && self.pos == key_end)) {
                    return Err(bail());
                }
                if self.pos - key_start > MAX_KEY_BYTES {
                    return Err(bail());
                }
                self.pos += 1;
                self.flow_space(parent)?;
                self.flow_node(parent)?;
            } else {
                self.flow_node(parent)?;
            }
            self.flow_space(parent)?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    // saphyr ends a mapping with a trailing comma at that comma.
                    if map {
                        self.flow_space(parent)?;
                        if self.peek() == Some(close) {
                            return Err(bail());
                        }
                    }
                }
                Some(c) if c == close => break,
                _ => return Err(bail()),
            }
        }
        let end = self.here();
        self.pos += 1;
        self.out.close(end, end);
        Ok(())
    }

    /// One node inside a flow collection.
    fn flow_node(&mut self, parent: i64) -> R<()> {
        match self.peek() {
            Some(b'[' | b'{') => self.flow(parent),
            Some(b'"' | b'\'') => self.quoted(None),
            _ => self.plain(true),
        }
    }

    /// Blanks, line breaks and comments inside a flow collection; the first token of a line
    /// must be past column `parent`.
    fn flow_space(&mut self, parent: i64) -> R<()> {
        let mut blank = self.pos == self.line_start
            || matches!(self.pos.checked_sub(1).and_then(|i| self.at(i)), Some(b' '));
        let mut fresh = false;
        loop {
            match self.peek() {
                Some(b' ') => {
                    self.pos += 1;
                    blank = true;
                }
                Some(b'\n') => {
                    self.newline();
                    blank = true;
                    fresh = true;
                }
                Some(b'#') if blank => {
                    self.skip_to_eol();
                    fresh = false;
                }
                Some(b'#') => return Err(bail()),
                None => return Ok(()),
                Some(_) => {
                    if fresh {
                        let col = self.pos - self.line_start;
                        if (col as i64) <= parent {
                            return Err(bail());
                        }
                        if col == 0 {
                            let rest = &self.b[self.pos..];
                            if (rest.starts_with(b"---") || rest.starts_with(b"..."))
                                && self.blank_or_end(self.pos + 3)
                            {
                                return Err(bail());
                            }
                        }
                    }
                    return Ok(());
                }
            }
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at `pos`, inside a
    /// block collection at column `parent`: saphyr's algorithm, step by step.
    fn block_scalar(&mut self, literal: bool, parent: usize) -> R<()> {
        self.pos += 1;
        #[derive(PartialEq)]
        enum Chomp {
            Strip,
            Clip,
            Keep,
        }
        let mut chomp = Chomp::Clip;
        let mut increment = 0usize;
        let chomp_of = |c: u8| match c {
            b'+' => Some(Chomp::Keep),
            b'-' => Some(Chomp::Strip),
            _ => None,
        };
        if let Some(c) = self.peek().and_then(chomp_of) {
            chomp = c;
            self.pos += 1;
            if let Some(d @ b'1'..=b'9') = self.peek() {
                increment = (d - b'0') as usize;
                self.pos += 1;
            }
        } else if let Some(d @ b'1'..=b'9') = self.peek() {
            increment = (d - b'0') as usize;
            self.pos += 1;
            if let Some(c) = self.peek().and_then(chomp_of) {
                chomp = c;
                self.pos += 1;
            }
        }
        // The rest of the header line: blanks and a comment.
        let before = self.pos;
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            if self.pos == before {
                return Err(bail());
            }
            self.skip_to_eol();
        }
        if self.peek() != Some(b'\n') {
            return Err(bail());
        }
        self.newline();
        let mut indent = if increment > 0 { parent + increment } else { 0 };
        let mut trailing_breaks = String::new();
        if indent == 0 {
            let mut max = 0;
            loop {
                self.skip_spaces();
                max = max.max(self.indent());
                if self.peek() == Some(b'\n') {
                    trailing_breaks.push('\n');
                    self.newline();
                } else {
                    break;
                }
            }
            indent = max.max(parent + 1).max(1);
        } else {
            self.block_indent(indent, &mut trailing_breaks);
        }
        if self.peek().is_none() {
            return Err(bail());
        }
        let col = self.indent();
        if col < indent && col > parent {
            return Err(bail());
        }
        let start = self.here();
        let mut string = String::new();
        let mut leading_break = String::new();
        let mut leading_blank = false;
        while self.indent() == indent && !matches!(self.peek(), None | Some(b'\n')) {
            let trailing_blank = self.peek() == Some(b' ');
            if !literal && !leading_break.is_empty() && !leading_blank && !trailing_blank {
                string.push_str(&trailing_breaks);
                if trailing_breaks.is_empty() {
                    string.push(' ');
                }
            } else {
                string.push_str(&leading_break);
                string.push_str(&trailing_breaks);
            }
            leading_break.clear();
            trailing_breaks.clear();
            leading_blank = self.peek() == Some(b' ');
            let from = self.pos;
            self.skip_to_eol();
            string.push_str(&self.src[from..self.pos]);
            if self.peek().is_none() {
                return Err(bail());
            }
            leading_break.push('\n');
            self.newline();
            self.block_indent(indent, &mut trailing_breaks);
        }
        if self.peek().is_none() && self.indent() > 0 {
            return Err(bail());
        }
        if chomp != Chomp::Strip {
            string.push_str(&leading_break);
        }
        if chomp == Chomp::Keep {
            string.push_str(&trailing_breaks);
        }
        let end = self.here();
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.out
            .scalar(Cow::Owned(string), style, None, Span::new(start, end));
        Ok(())
    }

    /// saphyr's `skip_block_scalar_indent`: up to `indent` spaces of each line, and the empty
    /// lines, whose breaks are kept.
    fn block_indent(&mut self, indent: usize, breaks: &mut String) {
        loop {
            while self.indent() < indent && self.peek() == Some(b' ') {
                self.pos += 1;
            }
            if self.peek() == Some(b'\n') {
                breaks.push('\n');
                self.newline();
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns on a one-line JSON file are counted once each, not from the line's start for
    /// every scalar: the bytes looked at stay within a small multiple of the line.
    #[test]
    fn one_long_line_costs_linear_work() {
        let n = 20_000;
        let item = "{\"name\":\"é-x\",\"v\":[1,\"a\"]}";
        let line = format!("{{\"items\":[{}]}}", vec![item; n].join(","));
        let mut r = Reader {
            src: &line,
            b: line.as_bytes(),
            pos: 0,
            line: 0,
            line_start: 0,
            line_offset: 0,
            cache: (0, 0),
            counted: 0,
            ascii: line.is_ascii(),
            out: Builder::new(line.len()),
        };
        assert!(matches!(r.document(), Ok(true)));
        assert!(
            r.counted <= 2 * line.len(),
            "{} bytes looked at for a line of {}",
            r.counted,
            line.len()
        );
        let tree = r.out.finish(false).ok().flatten();
        let items = tree.as_ref().and_then(|t| t.get(t.root()?, "items"));
        assert_eq!(tree.zip(items).map(|(t, i)| t.items(i).len()), Some(n));
    }
}
