//! A small YAML tree with a span on every node, built from saphyr-parser's event iterator.
//!
//! Nodes live in one flat vector; a mapping or sequence owns a contiguous range of a second
//! vector of child ids (mappings alternate key, value). Scalars borrow from the input where the
//! parser allows. Aliases stay references to their anchor's node and are never expanded, so
//! an alias fan-out ("billion laughs") costs one node per alias. Depth is checked before a
//! node is pushed. The parser's `Iterator` is used, never its recursive `load()`, so deep
//! input cannot overflow the stack.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::merge::{self, Merges};
use super::scalar::{self, CoreTag, Value};
use crate::base::span::{Pos, Span};

pub type NodeId = u32;

/// Nesting deeper than this is refused (Kubernetes objects nest about 15 levels).
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone)]
pub enum NodeKind<'a> {
    Scalar {
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<CoreTag>,
    },
    Map {
        first: u32,
        len: u32,
    },
    Seq {
        first: u32,
        len: u32,
    },
    /// An alias, resolved to the anchored node when the anchor was seen before it.
    Alias(Option<NodeId>),
}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub span: Span,
}

/// A syntax error inside one document.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub pos: Pos,
}

#[derive(Debug, Default)]
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    children: Vec<NodeId>,
    root: Option<NodeId>,
    /// Byte-free record of where quoted and block scalars are, for the Helm check.
    pub(crate) string_spans: Vec<Span>,
    /// A mapping had a non-scalar key (`{{ … }}` parses that way).
    pub(crate) complex_key: Option<Pos>,
    /// The pairs mappings inherit through `<<` merge keys, resolved once (see `merge`).
    merges: Merges,
}

struct Frame {
    node: NodeId,
    scratch_start: usize,
    is_map: bool,
}

/// Builds a [`Tree`] from a reader's events (saphyr's, or the fast reader's), so that both
/// readers lay out nodes, children and spans the same way.
pub(crate) struct Builder<'a> {
    tree: Tree<'a>,
    frames: Vec<Frame>,
    scratch: Vec<NodeId>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(text_len: usize) -> Self {
        // About one node per 12 bytes of manifest; presizing avoids regrowth copies.
        let estimate = text_len / 12 + 8;
        Builder {
            tree: Tree {
                nodes: Vec::with_capacity(estimate),
                children: Vec::with_capacity(estimate),
                ..Tree::default()
            },
            frames: Vec::with_capacity(32),
            scratch: Vec::with_capacity(64),
        }
    }

    /// How many collections are open.
    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    pub(crate) fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<CoreTag>,
        span: Span,
    ) -> NodeId {
        if style != ScalarStyle::Plain {
            self.tree.string_spans.push(span);
        }
        let id = self.tree.push(NodeKind::Scalar { text, style, tag }, span);
        self.tree.attach(&self.frames, &mut self.scratch, id);
        id
    }

    fn alias(&mut self, target: Option<NodeId>, span: Span) {
        let id = self.tree.push(NodeKind::Alias(target), span);
        self.tree.attach(&self.frames, &mut self.scratch, id);
    }

    /// Opens a mapping or a sequence; `span` is its start event's.
    pub(crate) fn open(&mut self, is_map: bool, span: Span) -> Result<NodeId, ParseError> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(ParseError {
                message: format!("nesting is deeper than {MAX_DEPTH} levels"),
                pos: span.start,
            });
        }
        let kind = if is_map {
            NodeKind::Map { first: 0, len: 0 }
        } else {
            NodeKind::Seq { first: 0, len: 0 }
        };
        let id = self.tree.push(kind, span);
        self.tree.attach(&self.frames, &mut self.scratch, id);
        self.frames.push(Frame {
            node: id,
            scratch_start: self.scratch.len(),
            is_map,
        });
        Ok(id)
    }

    /// Closes the innermost collection; `start` and `end` are its end event's.
    pub(crate) fn close(&mut self, start: Pos, end: Pos) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let tree = &mut self.tree;
        let scratch = &mut self.scratch;
        let first = tree.children.len() as u32;
        let len = (scratch.len() - frame.scratch_start) as u32;
        let mut last_end = None;
        if let Some(&last) = scratch.last() {
            if len > 0 {
                last_end = Some(tree.nodes[last as usize].span.end);
            }
        }
        tree.children.extend(scratch.drain(frame.scratch_start..));
        let node = &mut tree.nodes[frame.node as usize];
        node.kind = if frame.is_map {
            NodeKind::Map { first, len }
        } else {
            NodeKind::Seq { first, len }
        };
        // Flow collections end just past their closing bracket, where the end event starts
        // (the event itself runs on over blanks and a comment); block ones at their last child
        // (the end event sits on the next line).
        let flow = node.span.end.column > node.span.start.column
            || node.span.end.line > node.span.start.line;
        let new_end = if flow {
            Pos {
                line: start.line,
                column: start.column + 1,
            }
        } else {
            last_end.unwrap_or(end)
        };
        node.span = Span::new(node.span.start, new_end.max(node.span.end));
    }

    /// The tree, or `None` for a document with no content. Merge keys are resolved when
    /// `merges` is set (the fast reader leaves documents with `<<` keys to saphyr).
    pub(crate) fn finish(self, merges: bool) -> Result<Option<Tree<'a>>, ParseError> {
        let mut tree = self.tree;
        // A document holding only `---` or comments yields one empty plain scalar.
        let empty = match tree.root.map(|r| &tree.nodes[r as usize].kind) {
            None => true,
            Some(NodeKind::Scalar { text, style, .. }) => {
                *style == ScalarStyle::Plain && text.is_empty()
            }
            Some(_) => false,
        };
        if empty {
            return Ok(None);
        }
        if merges {
            tree.merges = merge::resolve(&tree)?;
        }
        Ok(Some(tree))
    }
}

fn to_pos(m: &saphyr_parser::Marker, line_offset: u32) -> Pos {
    Pos {
        line: (m.line() as u32).saturating_add(line_offset),
        column: m.col() as u32 + 1,
    }
}

fn core_tag(tag: &Option<Cow<'_, saphyr_parser::Tag>>) -> Option<CoreTag> {
    let tag = tag.as_ref()?;
    if !tag.is_yaml_core_schema() {
        return None;
    }
    match tag.suffix.as_str() {
        "str" => Some(CoreTag::Str),
        "int" => Some(CoreTag::Int),
        "float" => Some(CoreTag::Float),
        "bool" => Some(CoreTag::Bool),
        "null" => Some(CoreTag::Null),
        _ => None,
    }
}

impl<'a> Tree<'a> {
    /// Parses one document. `first_line` is the 1-based line of `text` in its file, so that
    /// every span is a position in the file. Returns `Ok(None)` for a document with no content.
    pub fn parse(text: &'a str, first_line: u32) -> Result<Option<Tree<'a>>, ParseError> {
        // The fast reader builds the tree of the common subset directly from the bytes; on
        // anything it does not read exactly as saphyr does, it steps aside.
        if let Some(tree) = super::fast::parse(text, first_line) {
            return Ok(tree);
        }
        Tree::parse_saphyr(text, first_line)
    }

    /// Parses one document with saphyr-parser's events, never with the fast reader: the
    /// reference the fast reader is tested against, and the reader of everything it leaves.
    pub fn parse_saphyr(text: &'a str, first_line: u32) -> Result<Option<Tree<'a>>, ParseError> {
        let line_offset = first_line.saturating_sub(1);
        let mut b = Builder::new(text.len());
        let mut anchors: Vec<Option<NodeId>> = Vec::new();
        let mut documents = 0usize;
        let source = text;
        let mut cursor = Cursor::default();

        for event in Parser::new_from_str(text) {
            let (event, span) = event.map_err(|e| ParseError {
                message: e.info().to_string(),
                pos: to_pos(e.marker(), line_offset),
            })?;
            let start = to_pos(&span.start, line_offset);
            let end = to_pos(&span.end, line_offset);
            match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(ParseError {
                            message: "a second document without a `---` separator".into(),
                            pos: start,
                        });
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let end = match style {
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => quoted_end(
                            source,
                            &mut cursor,
                            &span.start,
                            style == ScalarStyle::SingleQuoted,
                            line_offset,
                        )
                        .unwrap_or(end),
                        _ => end,
                    };
                    let id = b.scalar(text, style, core_tag(&tag), Span::new(start, end));
                    if anchor > 0 {
                        record_anchor(&mut anchors, anchor, id);
                    }
                }
                Event::Alias(anchor) => {
                    let target = anchors.get(anchor).copied().flatten();
                    b.alias(target, Span::new(start, end));
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let id = b.open(is_map, Span::new(start, end))?;
                    if anchor > 0 {
                        record_anchor(&mut anchors, anchor, id);
                    }
                }
                Event::MappingEnd | Event::SequenceEnd => b.close(start, end),
            }
        }
        b.finish(true)
    }

    /// The same tree owning all of its text.
    pub fn into_owned(self) -> Tree<'static> {
        Tree {
            nodes: self
                .nodes
                .into_iter()
                .map(|n| Node {
                    span: n.span,
                    kind: match n.kind {
                        NodeKind::Scalar { text, style, tag } => NodeKind::Scalar {
                            text: Cow::Owned(text.into_owned()),
                            style,
                            tag,
                        },
                        NodeKind::Map { first, len } => NodeKind::Map { first, len },
                        NodeKind::Seq { first, len } => NodeKind::Seq { first, len },
                        NodeKind::Alias(t) => NodeKind::Alias(t),
                    },
                })
                .collect(),
            children: self.children,
            root: self.root,
            string_spans: self.string_spans,
            complex_key: self.complex_key,
            merges: self.merges,
        }
    }

    /// Moves spans on `line` left by `pad` columns: undoes padding the lenient reader added to
    /// that line, so positions stay those of the file.
    pub(crate) fn unshift_line(&mut self, line: u32, pad: u32) {
        let fix = |p: &mut Pos| {
            if p.line == line {
                p.column = p.column.saturating_sub(pad).max(1);
            }
        };
        for n in &mut self.nodes {
            fix(&mut n.span.start);
            fix(&mut n.span.end);
        }
        for s in &mut self.string_spans {
            fix(&mut s.start);
            fix(&mut s.end);
        }
        if let Some(p) = &mut self.complex_key {
            fix(p);
        }
    }

    /// Plain scalars that hold `{{`, with their spans.
    pub(crate) fn plain_scalars_with_braces(&self) -> impl Iterator<Item = (&str, Span)> {
        self.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Scalar {
                text,
                style: ScalarStyle::Plain,
                ..
            } if text.contains("{{") => Some((text.as_ref(), n.span)),
            _ => None,
        })
    }

    fn push(&mut self, kind: NodeKind<'a>, span: Span) -> NodeId {
        self.nodes.push(Node { kind, span });
        (self.nodes.len() - 1) as NodeId
    }

    fn attach(&mut self, frames: &[Frame], scratch: &mut Vec<NodeId>, id: NodeId) {
        match frames.last() {
            Some(f) => {
                if f.is_map
                    && (scratch.len() - f.scratch_start).is_multiple_of(2)
                    && !matches!(self.nodes[id as usize].kind, NodeKind::Scalar { .. })
                    && self.complex_key.is_none()
                {
                    self.complex_key = Some(self.nodes[f.node as usize].span.start);
                }
                scratch.push(id);
            }
            None => {
                if self.root.is_none() {
                    self.root = Some(id);
                }
            }
        }
    }

    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.nodes[id as usize].span
    }

    /// Follows an alias to its anchored node (anchors point at nodes, never at aliases).
    pub fn resolve(&self, id: NodeId) -> Option<NodeId> {
        match self.nodes[id as usize].kind {
            NodeKind::Alias(target) => target,
            _ => Some(id),
        }
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.nodes[id as usize].kind, NodeKind::Map { .. })
    }

    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(self.value(id), Some(Value::Null))
    }

    /// The scalar text of a node (after following an alias).
    pub fn str(&self, id: NodeId) -> Option<&str> {
        let id = self.resolve(id)?;
        match &self.nodes[id as usize].kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value Kubernetes reads from a scalar node; `None` for collections.
    pub fn value(&self, id: NodeId) -> Option<Value<'_>> {
        let id = self.resolve(id)?;
        match &self.nodes[id as usize].kind {
            NodeKind::Scalar { text, style, tag } => Some(scalar::resolve(text, *style, *tag)),
            _ => None,
        }
    }

    /// What a node is, for messages: "a mapping", "a list", "a string", …
    pub fn type_name(&self, id: NodeId) -> &'static str {
        let Some(id) = self.resolve(id) else {
            return "an unresolved alias";
        };
        match &self.nodes[id as usize].kind {
            NodeKind::Map { .. } => "a mapping",
            NodeKind::Seq { .. } => "a list",
            NodeKind::Alias(_) => "an alias",
            NodeKind::Scalar { .. } => self.value(id).map_or("a scalar", |v| v.type_name()),
        }
    }

    fn range(&self, first: u32, len: u32) -> &[NodeId] {
        &self.children[first as usize..(first + len) as usize]
    }

    /// Items of a sequence (aliases not yet followed); empty for anything else.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.resolve(id).map(|i| &self.nodes[i as usize].kind) {
            Some(NodeKind::Seq { first, len }) => self.range(*first, *len),
            _ => &[],
        }
    }

    /// Children of a mapping node (alternating key, value), aliases not followed; empty for
    /// anything else.
    pub(crate) fn map_children(&self, id: NodeId) -> &[NodeId] {
        match self.nodes.get(id as usize).map(|n| &n.kind) {
            Some(NodeKind::Map { first, len }) => self.range(*first, *len),
            _ => &[],
        }
    }

    /// Own key/value pairs of a mapping, `<<` merge keys included as written.
    pub fn own_pairs(&self, id: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let kids = self.resolve(id).map_or(&[][..], |i| self.map_children(i));
        kids.chunks_exact(2).map(|p| (p[0], p[1]))
    }

    pub(crate) fn node_count(&self) -> NodeId {
        self.nodes.len() as NodeId
    }

    /// Key/value pairs of a mapping with `<<` merges applied: the inherited pairs first (each
    /// key once), then the mapping's own pairs as written, so a consumer that lets later keys
    /// win gets YAML's merge semantics. Merges were resolved when the document was parsed, so
    /// this costs the size of the result.
    pub fn pairs(&self, id: NodeId) -> Vec<(NodeId, NodeId)> {
        let Some(id) = self.resolve(id) else {
            return Vec::new();
        };
        let own = self.map_children(id);
        let mut out = self.merges.of(id).to_vec();
        out.extend(
            own.chunks_exact(2)
                .map(|p| (p[0], p[1]))
                .filter(|&(k, _)| !self.is_merge_key(k)),
        );
        out
    }

    /// The value of `key` in a mapping (the last one written wins, as in Kubernetes' JSON
    /// decoding; `<<` merges are consulted when the key is not written). Aliases are followed.
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.get_entry(map, key).and_then(|(_, v)| self.resolve(v))
    }

    /// Every entry of a mapping as [`Tree::get`] finds them, without allocating: the
    /// `<<`-inherited pairs first, then the mapping's own (merge keys left out), so that a
    /// consumer keeping the last value of each key gets what `get` gives. Values have their
    /// alias followed (`None`: an alias to nothing); keys that are not scalars are skipped.
    pub fn each_entry(&self, map: NodeId, mut f: impl FnMut(&str, Option<NodeId>)) {
        let Some(map) = self.resolve(map) else {
            return;
        };
        for &(k, v) in self.merges.of(map) {
            if let Some(key) = self.key_text(k) {
                f(key, self.resolve(v));
            }
        }
        for p in self.map_children(map).chunks_exact(2) {
            if self.is_merge_key(p[0]) {
                continue;
            }
            if let Some(key) = self.key_text(p[0]) {
                f(key, self.resolve(p[1]));
            }
        }
    }

    /// Like [`Tree::get`], returning the key node too.
    pub fn get_entry(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let map = self.resolve(map)?;
        let own = self
            .map_children(map)
            .chunks_exact(2)
            .rev()
            .find(|p| self.key_text(p[0]) == Some(key))
            .map(|p| (p[0], p[1]));
        own.or_else(|| {
            self.merges
                .of(map)
                .iter()
                .find(|&&(k, _)| self.key_text(k) == Some(key))
                .copied()
        })
    }

    /// Follows a path of keys.
    pub fn path(&self, mut node: NodeId, keys: &[&str]) -> Option<NodeId> {
        for k in keys {
            node = self.get(node, k)?;
        }
        Some(node)
    }
}

/// Byte offsets of line starts, and the last position found, so that finding where each
/// quoted scalar starts costs the distance from the previous one, not from its line's start
/// (a one-line JSON file holds every scalar on one line).
#[derive(Default)]
struct Cursor {
    line_starts: Vec<usize>,
    /// 1-based line, 0-based column in characters, byte offset.
    last: Option<(usize, usize, usize)>,
    /// Characters stepped over so far (the work done, for a test).
    stepped: usize,
}

impl Cursor {
    /// The byte offset of (1-based `line`, 0-based character `col`) in `source`.
    fn byte_at(&mut self, source: &str, line: usize, col: usize) -> Option<usize> {
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
            self.line_starts
                .extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        }
        let (from, skip) = match self.last {
            Some((l, c, byte)) if l == line && c <= col => (byte, col - c),
            _ => (*self.line_starts.get(line.checked_sub(1)?)?, col),
        };
        let rest = source.get(from..)?;
        let at = if skip == 0 {
            from
        } else {
            from + rest.char_indices().nth(skip).map(|(i, _)| i)?
        };
        self.stepped += skip;
        self.last = Some((line, col, at));
        Some(at)
    }
}

/// Where a quoted scalar ends: after its closing quote. saphyr ends its span after the blanks
/// and the comment that follow the scalar on its line. `None` when the text at `start` is not
/// the expected quote (the caller then keeps the parser's end).
fn quoted_end(
    source: &str,
    cursor: &mut Cursor,
    start: &saphyr_parser::Marker,
    single: bool,
    line_offset: u32,
) -> Option<Pos> {
    let from = cursor.byte_at(source, start.line(), start.col())?;
    let quote = if single { '\'' } else { '"' };
    let mut chars = source.get(from..)?.char_indices().peekable();
    if chars.next()?.1 != quote {
        return None;
    }
    let mut line = start.line();
    // 0-based column of the next character.
    let mut col = start.col() + 1;
    while let Some((_, c)) = chars.next() {
        col += 1;
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '\\' if !single => match chars.next() {
                Some((_, '\n')) => {
                    line += 1;
                    col = 0;
                }
                Some(_) => col += 1,
                None => return None,
            },
            '\'' if single && chars.peek().map(|p| p.1) == Some('\'') => {
                chars.next();
                col += 1;
            }
            c if c == quote => {
                return Some(Pos {
                    line: (line as u32).saturating_add(line_offset),
                    column: col as u32 + 1,
                })
            }
            _ => {}
        }
    }
    None
}

fn record_anchor(anchors: &mut Vec<Option<NodeId>>, anchor: usize, id: NodeId) {
    if anchors.len() <= anchor {
        anchors.resize(anchor + 1, None);
    }
    anchors[anchor] = Some(id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(s: &str) -> Tree<'_> {
        Tree::parse(s, 1).unwrap().unwrap()
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let t = tree(
            "a: \"x/y\"   # note \"q\"\nb: 'it''s' # c\nc: \"\\\"é\\\"\" #\nd: {e: \"f\" }\ng: \"h\n  i\"  # c\n",
        );
        let root = t.root().unwrap();
        let end = |k: &str| t.span(t.get(root, k).unwrap()).end;
        assert_eq!(end("a"), Pos { line: 1, column: 9 });
        assert_eq!(
            end("b"),
            Pos {
                line: 2,
                column: 11
            }
        );
        assert_eq!(t.str(t.get(root, "c").unwrap()), Some("\"é\""));
        assert_eq!(
            end("c"),
            Pos {
                line: 3,
                column: 11
            }
        );
        let e = t.path(root, &["d", "e"]).unwrap();
        assert_eq!(
            t.span(e).end,
            Pos {
                line: 4,
                column: 11
            }
        );
        assert_eq!(end("g"), Pos { line: 6, column: 5 });
    }

    /// Finding each quoted scalar of a long line costs the distance from the previous one:
    /// the characters stepped over add up to the line's length, not to its square.
    #[test]
    fn quoted_scalars_of_one_long_line_are_found_in_linear_work() {
        let n = 5000;
        let line = format!("[{}]", vec!["\"é\""; n].join(","));
        let mut cursor = Cursor::default();
        let mut ends = 0;
        for (col, c) in line.chars().enumerate() {
            if c == '"' && ends % 2 == 0 {
                let m = saphyr_parser::Marker::new(0, 1, col);
                let from = cursor.byte_at(&line, m.line(), m.col());
                assert_eq!(
                    line.get(from.unwrap_or(0)..).and_then(|r| r.chars().next()),
                    Some('"')
                );
            }
            if c == '"' {
                ends += 1;
            }
        }
        assert!(
            cursor.stepped <= line.chars().count(),
            "{} steps",
            cursor.stepped
        );
        let t = Tree::parse_saphyr(&line, 1).unwrap().unwrap();
        assert_eq!(t.items(t.root().unwrap()).len(), n);
    }

    #[test]
    fn spans_point_at_fields() {
        let t = tree("a: b\nspec:\n  containers:\n  - name: web\n    image: x\n");
        let root = t.root().unwrap();
        let c = t.path(root, &["spec", "containers"]).unwrap();
        let first = t.items(c)[0];
        let s = t.span(first);
        assert_eq!(s.start, Pos { line: 4, column: 5 });
        assert_eq!(
            s.end,
            Pos {
                line: 5,
                column: 13
            }
        );
        let name = t.get(first, "name").unwrap();
        assert_eq!(t.str(name), Some("web"));
        assert_eq!(
            t.span(name).start,
            Pos {
                line: 4,
                column: 11
            }
        );
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote_with_escapes() {
        let t = tree("a: \"x\\\"y\" # note\nb: 'it''s'   \nc: \"two\n  lines\"\n");
        let root = t.root().unwrap();
        let span = |k: &str| t.span(t.get(root, k).unwrap());
        assert_eq!(span("a").start, Pos { line: 1, column: 4 });
        assert_eq!(
            span("a").end,
            Pos {
                line: 1,
                column: 10
            }
        );
        assert_eq!(
            span("b").end,
            Pos {
                line: 2,
                column: 11
            }
        );
        assert_eq!(span("c").end.line, 4);
    }

    #[test]
    fn flow_collections_end_at_their_closing_bracket() {
        let t = tree("a: {b: 1}   # note\nd: [1, 2] # e\nf: {}\ng: [\n  1,\n  ]  # x\n");
        let root = t.root().unwrap();
        let span = |k: &str| t.span(t.get(root, k).unwrap());
        assert_eq!(
            span("a").end,
            Pos {
                line: 1,
                column: 10
            }
        );
        assert_eq!(
            span("d").end,
            Pos {
                line: 2,
                column: 10
            }
        );
        assert_eq!(span("f").end, Pos { line: 3, column: 6 });
        assert_eq!(span("g").end, Pos { line: 6, column: 4 });
    }

    #[test]
    fn line_offset_is_applied() {
        let t = Tree::parse("---\na: 1\n", 10).unwrap().unwrap();
        let a = t.get(t.root().unwrap(), "a").unwrap();
        assert_eq!(
            t.span(a).start,
            Pos {
                line: 11,
                column: 4
            }
        );
    }

    #[test]
    fn aliases_and_merge_keys() {
        let t = tree("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nr: *b\n");
        let root = t.root().unwrap();
        let m = t.get(root, "m").unwrap();
        assert_eq!(t.str(t.get(m, "x").unwrap()), Some("1"));
        assert_eq!(t.str(t.get(m, "y").unwrap()), Some("3"));
        let r = t.get(root, "r").unwrap();
        assert_eq!(t.str(t.get(r, "y").unwrap()), Some("2"));
        let pairs: Vec<_> = t
            .pairs(m)
            .iter()
            .map(|(k, v)| (t.str(*k).unwrap(), t.str(*v).unwrap()))
            .collect();
        assert_eq!(pairs, vec![("x", "1"), ("y", "2"), ("y", "3")]);
    }

    #[test]
    fn alias_fan_out_is_not_expanded() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            s.push_str(&format!("{name}: &{name} ["));
            s.push_str(&vec![format!("*{prev}"); 10].join(", "));
            s.push_str("]\n");
            prev = name;
        }
        let t = tree(&s);
        assert!(t.nodes.len() < 200);
    }

    #[test]
    fn depth_is_capped() {
        let deep = "- ".repeat(MAX_DEPTH + 5) + "x\n";
        let err = Tree::parse(&deep, 1).unwrap_err();
        assert!(err.message.contains("deeper"), "{err:?}");
        let flow = "[".repeat(50_000);
        assert!(Tree::parse(&flow, 1).is_err());
    }

    #[test]
    fn errors_have_positions() {
        let err = Tree::parse("a: b\n  c: d\n", 5).unwrap_err();
        assert_eq!(err.pos, Pos { line: 6, column: 4 });
    }

    #[test]
    fn empty_documents() {
        assert!(Tree::parse("# only a comment\n", 1).unwrap().is_none());
        assert!(Tree::parse("---\n", 1).unwrap().is_none());
    }
}
