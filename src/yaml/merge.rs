//! `<<` merge keys, resolved once per document in bounded work.
//!
//! Aliases are never expanded, but a merge key copies the pairs of the mappings it names, and
//! those may merge others: nine anchors each merging the previous one sixteen times make a
//! 700-byte document whose last mapping holds 16⁹ merged pairs. So merges are resolved once,
//! when the document is parsed: for every mapping that has a `<<` key, the pairs it inherits
//! are collected into one list (each key once, the winning value), and every later lookup —
//! [`super::Tree::get`], [`super::Tree::pairs`], so labels, selectors, annotations, the model's
//! field reads and the configuration reader — reads that list and never follows `<<` again.
//!
//! Collecting counts every node it visits against one budget per document,
//! [`MAX_MERGE_VISITS`]; a document whose merges need more, or that nest deeper than
//! [`MAX_MERGE_DEPTH`] (a mapping merging itself does), is a parse error located at the `<<`
//! key where the budget ran out. Only that document is lost; the rest of the stream is linted.
//!
//! Semantics are YAML's merge key (and go-yaml's, so Kubernetes'): a mapping's own keys win
//! over merged ones; of the mappings in a `<<: [*a, *b]` list, the earlier wins; a merged
//! mapping brings the keys it merged itself, below its own.

use std::collections::HashSet;

use saphyr_parser::ScalarStyle;

use super::tree::{NodeId, NodeKind, ParseError, Tree};

/// Node visits that resolving the merge keys of one document may take. Real manifests that
/// use merges (a shared block of labels or resources merged into a few dozen places) take a
/// few thousand.
pub const MAX_MERGE_VISITS: u32 = 100_000;

/// How many merge levels may nest (a mapping that merges one that merges another …).
pub const MAX_MERGE_DEPTH: usize = 32;

/// The resolved merges of one document: for each mapping with a `<<` key, the pairs it
/// inherits, in priority order (each scalar key once).
#[derive(Debug, Default, Clone)]
pub(crate) struct Merges {
    /// (mapping, first, len) into `pairs`, sorted by mapping id.
    index: Vec<(NodeId, u32, u32)>,
    pairs: Vec<(NodeId, NodeId)>,
}

impl Merges {
    /// The inherited pairs of `map` (empty when it has no `<<` key).
    pub(crate) fn of(&self, map: NodeId) -> &[(NodeId, NodeId)] {
        match self.index.binary_search_by_key(&map, |e| e.0) {
            Ok(i) => {
                let (_, first, len) = self.index[i];
                self.pairs
                    .get(first as usize..first as usize + len as usize)
                    .unwrap_or(&[])
            }
            Err(_) => &[],
        }
    }
}

struct Walk<'t, 'a> {
    tree: &'t Tree<'a>,
    visits: u32,
}

enum Stop {
    Budget,
    Depth,
}

impl<'t> Walk<'t, '_> {
    fn visit(&mut self) -> Result<(), Stop> {
        self.visits += 1;
        if self.visits > MAX_MERGE_VISITS {
            Err(Stop::Budget)
        } else {
            Ok(())
        }
    }

    /// Adds the pairs `src` contributes (its own, then what it merged) to `out`, skipping
    /// keys already there.
    fn source(
        &mut self,
        src: NodeId,
        depth: usize,
        seen: &mut HashSet<&'t str>,
        out: &mut Vec<(NodeId, NodeId)>,
    ) -> Result<(), Stop> {
        if depth > MAX_MERGE_DEPTH {
            return Err(Stop::Depth);
        }
        let tree = self.tree;
        let own = tree.map_children(src);
        let mut merges = Vec::new();
        // The last written of a repeated key wins, as in a lookup; the pairs kept stay in
        // written order.
        let start = out.len();
        for pair in own.chunks_exact(2).rev() {
            let (k, v) = (pair[0], pair[1]);
            self.visit()?;
            if tree.is_merge_key(k) {
                merges.push(v);
            } else if tree.key_text(k).is_none_or(|text| seen.insert(text)) {
                out.push((k, v));
            }
        }
        out[start..].reverse();
        // Written order: the first `<<` key and the first mapping of a list win.
        for m in merges.into_iter().rev() {
            for s in self.sources(m)? {
                self.source(s, depth + 1, seen, out)?;
            }
        }
        Ok(())
    }

    /// The mappings a `<<` value names: one mapping, or a list of them; anything else merges
    /// nothing.
    fn sources(&mut self, value: NodeId) -> Result<Vec<NodeId>, Stop> {
        let tree = self.tree;
        let Some(v) = tree.resolve(value) else {
            return Ok(Vec::new());
        };
        match &tree.node(v).kind {
            NodeKind::Map { .. } => Ok(vec![v]),
            NodeKind::Seq { .. } => {
                let mut out = Vec::new();
                for &i in tree.items(v) {
                    self.visit()?;
                    if let Some(i) = tree.resolve(i).filter(|&i| tree.is_map(i)) {
                        out.push(i);
                    }
                }
                Ok(out)
            }
            _ => Ok(Vec::new()),
        }
    }
}

/// Resolves the merge keys of a parsed document, or says where they fan out too far.
pub(crate) fn resolve(tree: &Tree<'_>) -> Result<Merges, ParseError> {
    let mut merges = Merges::default();
    let mut walk = Walk { tree, visits: 0 };
    for id in 0..tree.node_count() {
        let own = tree.map_children(id);
        if !own.chunks_exact(2).any(|p| tree.is_merge_key(p[0])) {
            continue;
        }
        let mut seen = HashSet::new();
        let mut inherited = Vec::new();
        let mut result = Ok(());
        for pair in own.chunks_exact(2) {
            let (k, v) = (pair[0], pair[1]);
            if !tree.is_merge_key(k) {
                continue;
            }
            let sources = match walk.sources(v) {
                Ok(s) => s,
                Err(e) => {
                    result = Err((e, k));
                    break;
                }
            };
            for s in sources {
                if let Err(e) = walk.source(s, 1, &mut seen, &mut inherited) {
                    result = Err((e, k));
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        if let Err((stop, key)) = result {
            let message = match stop {
                Stop::Budget => format!(
                    "the document's merges fan out too far: following `<<` merge keys takes \
                     more than {MAX_MERGE_VISITS} node visits (the limit per document)"
                ),
                Stop::Depth => format!(
                    "the document's merges nest deeper than {MAX_MERGE_DEPTH} levels (or a \
                     mapping merges itself)"
                ),
            };
            return Err(ParseError {
                message,
                pos: tree.span(key).start,
            });
        }
        let first = merges.pairs.len() as u32;
        merges.pairs.extend(inherited);
        let len = merges.pairs.len() as u32 - first;
        merges.index.push((id, first, len));
    }
    Ok(merges)
}

impl Tree<'_> {
    /// Whether `key` is a merge key: a plain `<<`.
    pub(crate) fn is_merge_key(&self, key: NodeId) -> bool {
        matches!(&self.node(key).kind,
            NodeKind::Scalar { text, style: ScalarStyle::Plain, .. } if text == "<<")
    }

    /// The text of a scalar key as written (an alias key is not looked through, as in
    /// [`Tree::get`]).
    pub(crate) fn key_text(&self, key: NodeId) -> Option<&str> {
        match &self.node(key).kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::yaml::Tree;

    fn tree(s: &str) -> Tree<'_> {
        Tree::parse(s, 1).unwrap().unwrap()
    }

    #[test]
    fn own_keys_win_then_earlier_sources() {
        let t = tree(
            "a: &a {x: a, y: a, z: a}\nb: &b {x: b, w: b, <<: *a}\nm:\n  <<: [*b, *a]\n  y: own\n",
        );
        let root = t.root().unwrap();
        let m = t.get(root, "m").unwrap();
        let get = |k: &str| t.str(t.get(m, k).unwrap());
        assert_eq!(get("x"), Some("b"), "the first mapping of the list wins");
        assert_eq!(get("y"), Some("own"));
        assert_eq!(get("z"), Some("a"), "b brings what it merged");
        assert_eq!(get("w"), Some("b"));
        let keys: Vec<_> = t.pairs(m).iter().map(|(k, _)| t.str(*k).unwrap()).collect();
        assert_eq!(keys, vec!["x", "w", "y", "z", "y"]);
    }

    #[test]
    fn fan_out_is_a_located_error() {
        let mut s = String::from("a: &a {k: v}\n");
        let names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
        for (i, pair) in names.windows(2).enumerate() {
            let list = vec![format!("*{}", pair[0]); 16].join(", ");
            s.push_str(&format!("x{i}: &{} {{<<: [{list}]}}\n", pair[1]));
        }
        s.push_str("labels: {<<: *j}\n");
        let err = Tree::parse(&s, 1).unwrap_err();
        assert!(err.message.contains("fan out too far"), "{err:?}");
        // Each level costs sixteen times the one before: the budget runs out at x3's `<<`.
        assert_eq!((err.pos.line, err.pos.column), (5, 9));
    }

    #[test]
    fn self_merge_is_a_located_error() {
        let err = Tree::parse("a: &a {k: v, <<: *a}\n", 1).unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err:?}");
        assert_eq!((err.pos.line, err.pos.column), (1, 14));
    }

    #[test]
    fn merges_of_non_mappings_merge_nothing() {
        let t = tree("s: &s x\nm: {<<: *s, k: v}\nn: {<<: [*s, 1], k: w}\n");
        let root = t.root().unwrap();
        let m = t.get(root, "m").unwrap();
        assert_eq!(t.pairs(m).len(), 1);
        let n = t.get(root, "n").unwrap();
        assert_eq!(t.str(t.get(n, "k").unwrap()), Some("w"));
    }
}
