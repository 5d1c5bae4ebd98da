//! The walk: one object's spanned tree against its type, reporting `unknown-field`,
//! `invalid-field-type` and `duplicate-key` at the exact key or value.
//!
//! Scalars are read the way the API server decodes them (YAML 1.1 through sigs.k8s.io/yaml,
//! then Go's JSON): `8080` unquoted is a number, so a `string` field refuses it while an
//! int-or-string accepts it; `null` is "unset" everywhere; a whole float (`3.0`) is an integer.
//! Keys starting with `$` are strategic-merge-patch directives (kustomize patches) and are not
//! fields. Aliases are not followed (their anchor is checked where it is written), and `<<`
//! merge keys are left alone.

use std::sync::Arc;

use super::types::{Obj, Rest, Ty, TyId};
use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey, Related, Severity};
use crate::base::span::Span;
use crate::yaml::tree::NodeKind;
use crate::yaml::{NodeId, Tree, Value};

/// Fields of `metadata` the API server sets; never judged.
const SERVER_SET_METADATA: &[&str] = &[
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
];

/// What one object is checked against.
pub struct Schema<'s> {
    pub types: &'s [Ty],
    pub root: TyId,
    /// The type of `metadata` (the built-in ObjectMeta), for custom resources whose schema
    /// does not describe it.
    pub meta: Option<(&'s [Ty], TyId)>,
    /// How messages name what was checked: `Kubernetes 1.37`, `CustomResourceDefinition
    /// widgets.example.com (v1)`.
    pub against: std::borrow::Cow<'s, str>,
}

/// Where findings go, and which of the three rules are on.
pub struct Sink<'o> {
    pub file: FileId,
    pub template: Option<Arc<str>>,
    pub object: Option<Arc<ObjectKey>>,
    pub unknown_field: bool,
    pub invalid_type: bool,
    /// Where the model already reported `invalid-field-type` (value starts): not reported again.
    pub known: &'o [crate::base::span::Pos],
    pub out: &'o mut Vec<Diagnostic>,
}

impl Sink<'_> {
    fn push(&mut self, rule: &'static str, span: Span, message: String, help: String) {
        self.out.push(Diagnostic {
            rule,
            // A placeholder: the rule that reports the problem sets its own severity.
            severity: Severity::Error,
            message,
            help: Some(help.into()),
            file: self.file,
            span,
            template: self.template.clone(),
            object: self.object.clone(),
            related: Vec::new(),
        });
    }
}

#[derive(Clone, Copy)]
enum Seg<'t> {
    Key(&'t str),
    Index(usize),
}

fn show_path(path: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// A value as messages show it: `a string "x"`, `an integer `8080``.
fn shown(tree: &Tree<'_>, node: NodeId) -> String {
    let found = tree.type_name(node);
    match tree.value(node) {
        Some(Value::Str(s)) => format!("{found} \"{}\"", truncate(s)),
        Some(Value::Int(_) | Value::Bool(_) | Value::Float(_)) => {
            format!("{found} `{}`", truncate(tree.str(node).unwrap_or("")))
        }
        _ => found.to_string(),
    }
}

fn truncate(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() > 40 || first.len() < s.len() {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}

/// The span of a value for a finding: its first line (a block mapping spans many).
fn value_span(tree: &Tree<'_>, node: NodeId) -> Span {
    let s = tree.span(node);
    if s.end.line > s.start.line {
        Span::new(
            s.start,
            crate::base::span::Pos {
                line: s.start.line,
                column: s.start.column + 1,
            },
        )
    } else {
        s
    }
}

fn plain_key<'t>(tree: &'t Tree<'_>, key: NodeId) -> Option<&'t str> {
    match &tree.node(key).kind {
        NodeKind::Scalar { text, .. } => Some(text.as_ref()),
        _ => None,
    }
}

fn is_merge(tree: &Tree<'_>, key: NodeId) -> bool {
    matches!(&tree.node(key).kind,
        NodeKind::Scalar { text, style: saphyr_parser::ScalarStyle::Plain, .. } if text == "<<")
}

/// Reports every key written twice in one mapping of the subtree at `node` (`status` of an
/// object aside), with the earlier key as related location.
pub fn duplicate_keys(tree: &Tree<'_>, node: NodeId, sink: &mut Sink<'_>, top: bool) {
    let mut stack: Vec<(NodeId, bool)> = vec![(node, top)];
    // Keys seen in the current mapping: a short list, or a hash map for large mappings (a
    // ConfigMap with thousands of keys must not cost a quadratic scan).
    let mut seen: Vec<(&str, NodeId)> = Vec::new();
    let mut seen_large: std::collections::HashMap<&str, NodeId> = std::collections::HashMap::new();
    while let Some((id, top)) = stack.pop() {
        match tree.node(id).kind {
            NodeKind::Map { len, .. } => {
                seen.clear();
                seen_large.clear();
                let large = len > 32;
                for (k, v) in tree.own_pairs(id) {
                    let Some(key) = plain_key(tree, k) else {
                        continue;
                    };
                    if is_merge(tree, k) {
                        continue;
                    }
                    if top && key == "status" {
                        continue;
                    }
                    let earlier = if large {
                        seen_large.get(key).copied()
                    } else {
                        seen.iter().find(|(s, _)| *s == key).map(|&(_, n)| n)
                    };
                    if let Some(first) = earlier {
                        let first_span = tree.span(first);
                        let d = Diagnostic {
                            rule: super::DUPLICATE_KEY,
                            severity: Severity::Error,
                            message: format!(
                                "`{key}` is written twice in this mapping (first on line {}); \
                                 the last one wins",
                                first_span.start.line
                            ),
                            help: Some(
                                format!(
                                "remove one of the two `{key}` keys; the API server keeps only \
                                 this one and kubectl's strict field validation rejects the object"
                            )
                                .into(),
                            ),
                            file: sink.file,
                            span: tree.span(k),
                            template: sink.template.clone(),
                            object: sink.object.clone(),
                            related: vec![Related {
                                file: sink.file,
                                span: first_span,
                                message: format!("`{key}` first written here"),
                            }],
                        };
                        sink.out.push(d);
                    } else if large {
                        seen_large.insert(key, k);
                    } else {
                        seen.push((key, k));
                    }
                    stack.push((v, false));
                }
            }
            NodeKind::Seq { .. } => {
                for &item in tree.items(id) {
                    stack.push((item, false));
                }
            }
            _ => {}
        }
    }
}

/// Checks one object (the mapping at `node`) against its schema: unknown fields and values
/// of the wrong type. `status`, `apiVersion`, `kind` and server-set metadata are not judged.
pub fn object(tree: &Tree<'_>, node: NodeId, schema: &Schema<'_>, sink: &mut Sink<'_>) {
    let Some(Ty::Object(root)) = schema.types.get(schema.root as usize) else {
        return;
    };
    let mut path: Vec<Seg<'_>> = Vec::with_capacity(16);
    let mut w = Walker {
        tree,
        against: &schema.against,
        sink,
    };
    for (k, v) in tree.own_pairs(node) {
        let Some(key) = plain_key(tree, k) else {
            continue;
        };
        match key {
            "status" | "apiVersion" | "kind" => continue,
            "metadata" => {
                let (types, id) = match (root.field("metadata"), schema.meta) {
                    (_, Some(meta)) => meta,
                    (Some(id), None) => (schema.types, id),
                    (None, None) => continue,
                };
                path.push(Seg::Key("metadata"));
                if let (Some(Ty::Object(meta)), true) = (types.get(id as usize), tree.is_map(v)) {
                    w.map(v, meta, types, &mut path, SERVER_SET_METADATA);
                } else {
                    w.value(v, Some(k), types, id, &mut path);
                }
                path.pop();
            }
            _ => w.entry(k, key, v, root, schema.types, &mut path),
        }
    }
}

struct Walker<'a, 't, 'o> {
    tree: &'t Tree<'a>,
    against: &'t str,
    sink: &'t mut Sink<'o>,
}

impl<'t> Walker<'_, 't, '_> {
    /// One `key: value` of a mapping of type `obj`.
    fn entry(
        &mut self,
        k: NodeId,
        key: &'t str,
        v: NodeId,
        obj: &Obj,
        types: &[Ty],
        path: &mut Vec<Seg<'t>>,
    ) {
        if key.starts_with('$') || is_merge(self.tree, k) {
            return;
        }
        let ty = match (obj.field(key), obj.rest) {
            (Some(id), _) | (None, Rest::Typed(id)) => id,
            (None, Rest::Open) => return,
            (None, Rest::Closed) => {
                if self.sink.unknown_field {
                    self.unknown(k, key, obj, path);
                }
                return;
            }
        };
        path.push(Seg::Key(key));
        self.value(v, Some(k), types, ty, path);
        path.pop();
    }

    fn unknown(&mut self, k: NodeId, key: &str, obj: &Obj, path: &[Seg<'_>]) {
        let shown_path = show_path(path);
        // A CRD's types are named by their path already (`Widget.spec`).
        let at = if path.is_empty() || obj.name.ends_with(&format!(".{shown_path}")) {
            String::new()
        } else {
            format!(" (at `{shown_path}`)")
        };
        let (message, help) = match obj.nearest(key) {
            Some(near) => (
                format!(
                    "`{key}` is not a field of {}{at} in {}; did you mean `{near}`?",
                    obj.name, self.against
                ),
                format!(
                    "rename `{key}` to `{near}`: the API server drops unknown fields, so this \
                     setting has no effect"
                ),
            ),
            None => (
                format!(
                    "`{key}` is not a field of {}{at} in {}",
                    obj.name, self.against
                ),
                "the API server drops unknown fields, so this setting has no effect; check its \
                 spelling and indentation"
                    .to_string(),
            ),
        };
        let span = self.tree.span(k);
        self.sink.push(super::UNKNOWN_FIELD, span, message, help);
    }

    fn map(
        &mut self,
        node: NodeId,
        obj: &Obj,
        types: &[Ty],
        path: &mut Vec<Seg<'t>>,
        skip: &[&str],
    ) {
        let tree = self.tree;
        for (k, v) in tree.own_pairs(node) {
            let Some(key) = plain_key(tree, k) else {
                continue;
            };
            if skip.contains(&key) {
                continue;
            }
            self.entry(k, key, v, obj, types, path);
        }
    }

    /// Checks a value; `key` is its key in the parent mapping (`None` for a list item), where a
    /// finding about a whole block mapping or list is reported.
    fn value(
        &mut self,
        node: NodeId,
        key: Option<NodeId>,
        types: &[Ty],
        ty: TyId,
        path: &mut Vec<Seg<'t>>,
    ) {
        let tree = self.tree;
        let Some(ty) = types.get(ty as usize) else {
            return;
        };
        if matches!(ty, Ty::Any) || matches!(tree.node(node).kind, NodeKind::Alias(_)) {
            return;
        }
        let value = tree.value(node);
        if matches!(value, Some(Value::Null)) {
            return;
        }
        let ok = match (ty, &tree.node(node).kind) {
            (Ty::Object(obj), NodeKind::Map { .. }) => {
                self.map(node, obj, types, path, &[]);
                return;
            }
            (Ty::List(item), NodeKind::Seq { .. }) => {
                for (i, &it) in tree.items(node).iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.value(it, None, types, *item, path);
                    path.pop();
                }
                return;
            }
            (Ty::Object(_) | Ty::List(_), _) => false,
            (_, NodeKind::Map { .. } | NodeKind::Seq { .. }) => false,
            (Ty::Str, _) => matches!(value, Some(Value::Str(_))),
            (Ty::Int, _) => match value {
                Some(Value::Int(_)) => true,
                Some(Value::Float(f)) => f.fract() == 0.0 && f.abs() < 9.0e15,
                _ => false,
            },
            (Ty::Num, _) => matches!(value, Some(Value::Int(_) | Value::Float(_))),
            (Ty::Bool, _) => matches!(value, Some(Value::Bool(_))),
            (Ty::IntOrStr, _) => match value {
                Some(Value::Int(_) | Value::Str(_)) => true,
                Some(Value::Float(f)) => f.fract() == 0.0 && f.abs() < 9.0e15,
                _ => false,
            },
            (Ty::Quantity, _) => {
                matches!(value, Some(Value::Int(_) | Value::Float(_) | Value::Str(_)))
            }
            (Ty::Enum(values), _) => match value {
                Some(Value::Str(s)) => {
                    if s.is_empty() || values.iter().any(|v| v.as_ref() == s) {
                        true
                    } else {
                        if self.sink.invalid_type && !self.known(node) {
                            self.bad_enum(node, s, values, path);
                        }
                        return;
                    }
                }
                _ => false,
            },
            (Ty::Any, _) => true,
        };
        if !ok && self.sink.invalid_type && !self.known(node) {
            self.wrong_type(node, key, ty, types, path);
        }
    }

    /// Whether the model already reported this value.
    fn known(&self, node: NodeId) -> bool {
        self.sink.known.contains(&self.tree.span(node).start)
    }

    fn bad_enum(&mut self, node: NodeId, s: &str, values: &[super::types::Name], path: &[Seg<'_>]) {
        let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        let near = values
            .iter()
            .filter(|v| {
                v.eq_ignore_ascii_case(s)
                    || super::types::edit_distance(&v.to_ascii_lowercase(), &s.to_ascii_lowercase())
                        <= 2
            })
            .min_by_key(|v| super::types::edit_distance(v, s));
        let mut message = format!(
            "`{}` must be one of {}, found \"{}\"",
            show_path(path),
            listed.join(", "),
            truncate(s)
        );
        if let Some(n) = near {
            message.push_str(&format!("; did you mean `{n}`?"));
        }
        let help = format!("{} rejects this value", self.against);
        self.sink.push(
            super::INVALID_FIELD_TYPE,
            value_span(self.tree, node),
            message,
            help,
        );
    }

    fn wrong_type(
        &mut self,
        node: NodeId,
        key: Option<NodeId>,
        ty: &Ty,
        types: &[Ty],
        path: &[Seg<'_>],
    ) {
        let expected = match ty {
            Ty::Str | Ty::Enum(_) => "a string".to_string(),
            Ty::Int => "an integer".to_string(),
            Ty::Num => "a number".to_string(),
            Ty::Bool => "a boolean".to_string(),
            Ty::IntOrStr => "an integer or a string".to_string(),
            Ty::Quantity => "a quantity (a string such as \"500m\" or a number)".to_string(),
            Ty::List(_) => "a list".to_string(),
            Ty::Object(o) if o.fields.is_empty() => match o.rest {
                Rest::Typed(v) => match types.get(v as usize) {
                    Some(Ty::Str) => "a mapping of strings".to_string(),
                    _ => "a mapping".to_string(),
                },
                _ => "a mapping".to_string(),
            },
            Ty::Object(o) => format!("a mapping ({})", o.name),
            Ty::Any => return,
        };
        let value = self.tree.value(node);
        let hint = match (ty, value) {
            (Ty::Str | Ty::Enum(_), Some(Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
                format!(
                    "; quote it: `\"{}\"`",
                    self.tree.str(node).unwrap_or("").replace('"', "\\\"")
                )
            }
            (Ty::Int | Ty::Num | Ty::IntOrStr, Some(Value::Str(s)))
                if s.trim().parse::<f64>().is_ok() && !matches!(ty, Ty::IntOrStr) =>
            {
                " (without quotes)".to_string()
            }
            _ => String::new(),
        };
        let message = format!(
            "`{}` must be {expected}, found {}",
            show_path(path),
            shown(self.tree, node)
        );
        let help = format!(
            "{} rejects this object; write it as {expected}{hint}",
            self.against
        )
        .replace(
            &format!("{expected}; quote it"),
            &format!("{expected}, quoted"),
        );
        // A block mapping or list is reported at its key: the value has no single position.
        let block = matches!(
            self.tree.node(node).kind,
            NodeKind::Map { .. } | NodeKind::Seq { .. }
        ) && self.tree.span(node).end.line > self.tree.span(node).start.line;
        let span = match key {
            Some(k) if block => self.tree.span(k),
            _ => value_span(self.tree, node),
        };
        self.sink
            .push(super::INVALID_FIELD_TYPE, span, message, help);
    }
}
