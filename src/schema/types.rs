//! The shape of a field, as the schema checks read it. Types live in an arena (`&[Ty]`) and
//! refer to each other by index, so a type shared by many kinds and releases exists once.
//! Names borrow from the embedded data for built-in types and are owned for a CRD's.

use std::borrow::Cow;

/// A name: borrowed from the embedded data, or owned (read from a CRD).
pub type Name = Cow<'static, str>;

/// An index into a type arena.
pub type TyId = u32;

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// Anything is accepted (`RawExtension`, a CRD's `x-kubernetes-preserve-unknown-fields`
    /// without properties, recursion cut short).
    Any,
    Str,
    Int,
    /// A JSON number: integers are numbers too.
    Num,
    Bool,
    /// `x-kubernetes-int-or-string` (`IntOrString`): a whole number or a string.
    IntOrStr,
    /// `resource.Quantity`: a string or a number (`cpu: 0.5`, `memory: 1Gi`).
    Quantity,
    /// A string from a closed set; the empty string is accepted as "unset".
    Enum(Box<[Name]>),
    List(TyId),
    Object(Obj),
}

/// A mapping: named fields, and what other keys may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Obj {
    /// How messages name the type: `Container`, `DeploymentSpec`.
    pub name: Name,
    /// Sorted by name.
    pub fields: Box<[(Name, TyId)]>,
    pub rest: Rest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Only the named fields.
    Closed,
    /// Any other key, with any value (`x-kubernetes-preserve-unknown-fields`).
    Open,
    /// Any other key, with a value of this type (`labels`, `data`, `resources.limits`).
    Typed(TyId),
}

impl Obj {
    pub fn field(&self, name: &str) -> Option<TyId> {
        self.fields
            .binary_search_by(|(n, _)| n.as_ref().cmp(name))
            .ok()
            .map(|i| self.fields[i].1)
    }

    /// The field closest to a misspelled key: same letters in another case, or at most one
    /// edit away for short names and two for longer ones (a transposition counts once).
    pub fn nearest(&self, key: &str) -> Option<&str> {
        let lower = key.to_ascii_lowercase();
        let mut best: Option<(usize, &str)> = None;
        for (name, _) in self.fields.iter() {
            let d = if name.to_ascii_lowercase() == lower {
                0
            } else {
                edit_distance(&lower, &name.to_ascii_lowercase())
            };
            let limit = if name.len().min(key.len()) >= 6 { 2 } else { 1 };
            if d <= limit && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, name));
            }
        }
        best.map(|(_, n)| n)
    }
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions, each costing one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(fields: &[&'static str]) -> Obj {
        let mut f: Vec<(Name, TyId)> = fields.iter().map(|n| (Name::from(*n), 0)).collect();
        f.sort();
        Obj {
            name: Name::from("T"),
            fields: f.into(),
            rest: Rest::Closed,
        }
    }

    #[test]
    fn misspellings_find_their_field() {
        let c = obj(&["readinessProbe", "livenessProbe", "lifecycle", "name"]);
        assert_eq!(c.nearest("readinesProbe"), Some("readinessProbe"));
        assert_eq!(c.nearest("Name"), Some("name"));
        assert_eq!(c.nearest("image"), None);
        let l = obj(&["postStart", "preStop"]);
        assert_eq!(l.nearest("prestop"), Some("preStop"));
        let r = obj(&["maxSurge", "maxUnavailable"]);
        assert_eq!(r.nearest("maxUnavaliable"), Some("maxUnavailable"));
        let s = obj(&["selector", "type", "ports"]);
        assert_eq!(s.nearest("selectr"), Some("selector"));
        assert_eq!(s.nearest("tpye"), Some("type"));
        assert_eq!(s.nearest("foo"), None);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("a", "abcdef"), usize::MAX);
    }
}
