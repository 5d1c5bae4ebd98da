//! A CustomResourceDefinition's schema (`apiextensions.k8s.io/v1`, `openAPIV3Schema` of each
//! version) read from its spanned tree into a type arena, so that custom resources are checked
//! the way built-in kinds are.
//!
//! Read conservatively, to avoid false findings: a schema the API server would prune but not
//! reject is still read as open where it does not say what it holds (an object without
//! `properties` accepts anything); `x-kubernetes-preserve-unknown-fields` keeps unknown keys;
//! `x-kubernetes-int-or-string` accepts both; `x-kubernetes-embedded-resource` adds
//! `apiVersion`, `kind` and `metadata`; `anyOf`, `oneOf` and `allOf` are not followed (the
//! subtree accepts anything).

use super::types::{Name, Obj, Rest, Ty, TyId};
use crate::yaml::{NodeId, Tree, Value};

/// One served version of a custom resource.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    pub name: String,
    pub types: Vec<Ty>,
    pub root: TyId,
}

#[derive(Debug, Clone)]
pub struct Crd {
    /// `metadata.name`, such as `widgets.example.com`.
    pub name: String,
    pub group: String,
    pub kind: String,
    pub versions: Vec<CrdVersion>,
    /// Where it was read among the inputs (file and the CRD's mapping); `None` for a CRD of
    /// the `schemas` setting.
    pub origin: Option<(crate::base::diagnostic::FileId, crate::base::span::Span)>,
}

impl Crd {
    /// The schema of `apiVersion` (`group/version`), if this CRD defines it.
    pub fn version(&self, api_version: &str) -> Option<&CrdVersion> {
        let (group, version) = api_version.split_once('/')?;
        if group != self.group {
            return None;
        }
        self.versions.iter().find(|v| v.name == version)
    }
}

/// Reads a CRD object; `None` when it is not an `apiextensions.k8s.io/v1` CRD with a group,
/// a kind and at least one version with a schema.
pub fn read(tree: &Tree<'_>, root: NodeId) -> Option<Crd> {
    read_if(tree, root, |_, _| true)
}

/// [`read`], converting the schemas only when `wanted(group, kind)` says so.
pub fn read_if(
    tree: &Tree<'_>,
    root: NodeId,
    wanted: impl FnOnce(&str, &str) -> bool,
) -> Option<Crd> {
    let text = |n: NodeId, k: &str| match tree.get(n, k).and_then(|v| tree.value(v)) {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    if text(root, "apiVersion")? != "apiextensions.k8s.io/v1"
        || text(root, "kind")? != "CustomResourceDefinition"
    {
        return None;
    }
    let spec = tree.get(root, "spec")?;
    let group = text(spec, "group")?;
    let kind = text(tree.get(spec, "names")?, "kind")?;
    // The versions with a name and a schema: a CRD without one is not read at all, so it
    // is not asked about either.
    let schemas: Vec<(String, NodeId)> = tree
        .items(tree.get(spec, "versions")?)
        .iter()
        .filter_map(|&v| {
            let v = tree.resolve(v)?;
            Some((
                text(v, "name")?,
                tree.path(v, &["schema", "openAPIV3Schema"])?,
            ))
        })
        .collect();
    if schemas.is_empty() || !wanted(&group, &kind) {
        return None;
    }
    let name = tree
        .get(root, "metadata")
        .and_then(|m| text(m, "name"))
        .unwrap_or_else(|| format!("{kind}.{group}"));
    let versions: Vec<CrdVersion> = schemas
        .into_iter()
        .map(|(version, schema)| {
            let mut types = Vec::new();
            let root = convert(tree, schema, &mut kind.clone(), &mut types, 0);
            types.shrink_to_fit();
            CrdVersion {
                name: version,
                types,
                root,
            }
        })
        .collect();
    (!versions.is_empty()).then_some(Crd {
        name,
        group,
        kind,
        versions,
        origin: None,
    })
}

fn push(types: &mut Vec<Ty>, ty: Ty) -> TyId {
    types.push(ty);
    (types.len() - 1) as TyId
}

/// The keywords of one schema node that [`convert`] reads, found in one pass over its
/// entries (each as [`Tree::get`] finds it: the last one written wins, `<<` merges apply).
#[derive(Default)]
struct Keywords {
    int_or_string: Option<NodeId>,
    preserve: Option<NodeId>,
    embedded: Option<NodeId>,
    /// `anyOf`, `oneOf`, `allOf`, `not`.
    composed: [Option<NodeId>; 4],
    ty: Option<NodeId>,
    properties: Option<NodeId>,
    additional: Option<NodeId>,
    items: Option<NodeId>,
    values: Option<NodeId>,
}

impl Keywords {
    fn of(tree: &Tree<'_>, node: NodeId) -> Keywords {
        let mut k = Keywords::default();
        tree.each_entry(node, |key, v| {
            let slot = match key {
                "x-kubernetes-int-or-string" => &mut k.int_or_string,
                "x-kubernetes-preserve-unknown-fields" => &mut k.preserve,
                "x-kubernetes-embedded-resource" => &mut k.embedded,
                "anyOf" => &mut k.composed[0],
                "oneOf" => &mut k.composed[1],
                "allOf" => &mut k.composed[2],
                "not" => &mut k.composed[3],
                "type" => &mut k.ty,
                "properties" => &mut k.properties,
                "additionalProperties" => &mut k.additional,
                "items" => &mut k.items,
                "enum" => &mut k.values,
                _ => return,
            };
            *slot = v;
        });
        k
    }
}

fn flag(tree: &Tree<'_>, value: Option<NodeId>) -> bool {
    matches!(value.and_then(|v| tree.value(v)), Some(Value::Bool(true)))
}

/// Nesting deeper than this is read as "anything" (the tree is at most 128 levels deep).
const MAX_SCHEMA_DEPTH: usize = 64;

/// The type of the schema at `node`, added to `types`. `name` is how messages name it
/// (`Widget.spec.size`); it is extended for each property and restored after.
fn convert(
    tree: &Tree<'_>,
    node: NodeId,
    name: &mut String,
    types: &mut Vec<Ty>,
    depth: usize,
) -> TyId {
    if depth > MAX_SCHEMA_DEPTH || !tree.is_map(node) {
        return push(types, Ty::Any);
    }
    let k = Keywords::of(tree, node);
    if flag(tree, k.int_or_string) {
        return push(types, Ty::IntOrStr);
    }
    if k.composed.iter().any(Option::is_some) {
        return push(types, Ty::Any);
    }
    let ty = match k.ty.and_then(|t| tree.value(t)) {
        Some(Value::Str(t)) => t,
        _ => return push(types, Ty::Any),
    };
    match ty {
        "object" => {
            let preserve = flag(tree, k.preserve);
            let embedded = flag(tree, k.embedded);
            let props = k.properties.filter(|p| tree.is_map(*p));
            let mut fields: Vec<(Name, TyId)> = Vec::new();
            if let Some(props) = props {
                for (key, v) in tree.pairs(props) {
                    let Some(key) = tree.str(key) else { continue };
                    let Some(v) = tree.resolve(v) else { continue };
                    let len = name.len();
                    name.push('.');
                    name.push_str(key);
                    let id = convert(tree, v, name, types, depth + 1);
                    name.truncate(len);
                    fields.push((Name::from(key.to_string()), id));
                }
            }
            if embedded {
                for k in ["apiVersion", "kind"] {
                    if !fields.iter().any(|(n, _)| n.as_ref() == k) {
                        let id = push(types, Ty::Str);
                        fields.push((Name::from(k), id));
                    }
                }
                if !fields.iter().any(|(n, _)| n.as_ref() == "metadata") {
                    let id = push(types, Ty::Any);
                    fields.push((Name::from("metadata"), id));
                }
            }
            let rest = match k.additional {
                Some(e) if tree.is_map(e) => {
                    let len = name.len();
                    name.push_str(".*");
                    let id = convert(tree, e, name, types, depth + 1);
                    name.truncate(len);
                    Rest::Typed(id)
                }
                Some(e) if matches!(tree.value(e), Some(Value::Bool(false))) => Rest::Closed,
                Some(_) => Rest::Open,
                None if preserve => Rest::Open,
                None => Rest::Closed,
            };
            if fields.is_empty() && matches!(rest, Rest::Closed | Rest::Open) {
                // No properties: the schema does not say what the object holds.
                return push(types, Ty::Any);
            }
            // Later duplicates win, as in the API server's decoding.
            fields.reverse();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            fields.dedup_by(|a, b| a.0 == b.0);
            push(
                types,
                Ty::Object(Obj {
                    name: Name::from(name.clone()),
                    fields: fields.into(),
                    rest,
                }),
            )
        }
        "array" => {
            let item = match k.items {
                Some(i) => convert(tree, i, name, types, depth + 1),
                None => push(types, Ty::Any),
            };
            push(types, Ty::List(item))
        }
        "string" => {
            let values: Option<Vec<Name>> = k.values.map(|e| {
                tree.items(e)
                    .iter()
                    .filter_map(|&i| match tree.value(i) {
                        Some(Value::Str(s)) => Some(Name::from(s.to_string())),
                        _ => None,
                    })
                    .collect()
            });
            match values {
                // An enum with non-string members is not read (it would need JSON equality).
                Some(v)
                    if !v.is_empty()
                        && k.values.is_some_and(|e| tree.items(e).len() == v.len()) =>
                {
                    push(types, Ty::Enum(v.into()))
                }
                _ => push(types, Ty::Str),
            }
        }
        "integer" => push(types, Ty::Int),
        "number" => push(types, Ty::Num),
        "boolean" => push(types, Ty::Bool),
        _ => push(types, Ty::Any),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
                mode: {type: string, enum: [fast, slow]}
                port: {x-kubernetes-int-or-string: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                labels: {type: object, additionalProperties: {type: string}}
";

    #[test]
    fn reads_a_crd() {
        let tree = Tree::parse(CRD, 1).unwrap().unwrap();
        let crd = read(&tree, tree.root().unwrap()).unwrap();
        assert_eq!(crd.name, "widgets.example.com");
        assert_eq!(crd.kind, "Widget");
        let v = crd.version("example.com/v1").unwrap();
        assert!(crd.version("example.com/v2").is_none());
        assert!(crd.version("other.com/v1").is_none());
        let Ty::Object(root) = &v.types[v.root as usize] else {
            panic!("object")
        };
        let spec = root.field("spec").unwrap();
        let Ty::Object(spec) = &v.types[spec as usize] else {
            panic!("object")
        };
        assert_eq!(spec.name.as_ref(), "Widget.spec");
        let ty = |f: &str| &v.types[spec.field(f).unwrap() as usize];
        assert_eq!(ty("size"), &Ty::Int);
        assert_eq!(ty("port"), &Ty::IntOrStr);
        assert_eq!(ty("extra"), &Ty::Any);
        assert!(matches!(ty("mode"), Ty::Enum(e) if e.len() == 2));
        assert!(matches!(ty("labels"), Ty::Object(o) if matches!(o.rest, Rest::Typed(_))));
    }

    /// Keywords read in one pass are those `Tree::get` finds: the last one written wins, and
    /// `<<` merges supply what a node does not write itself.
    #[test]
    fn keywords_written_twice_or_merged_read_as_get_reads_them() {
        let text = CRD.replace(
            "                size: {type: integer}",
            "                size: {type: string, type: integer}\n                \
             base: &base {type: object, properties: {a: {type: boolean}}}\n                \
             merged: {<<: *base, x-kubernetes-preserve-unknown-fields: true}\n                \
             own: {<<: *base, type: string}",
        );
        let tree = Tree::parse(&text, 1).unwrap().unwrap();
        let crd = read(&tree, tree.root().unwrap()).unwrap();
        let v = crd.version("example.com/v1").unwrap();
        let Ty::Object(root) = &v.types[v.root as usize] else {
            panic!("object")
        };
        let Ty::Object(spec) = &v.types[root.field("spec").unwrap() as usize] else {
            panic!("object")
        };
        let ty = |f: &str| &v.types[spec.field(f).unwrap() as usize];
        assert_eq!(ty("size"), &Ty::Int);
        assert_eq!(ty("own"), &Ty::Str);
        let Ty::Object(merged) = ty("merged") else {
            panic!("object")
        };
        assert_eq!(merged.name.as_ref(), "Widget.spec.merged");
        assert_eq!(merged.rest, Rest::Open);
        assert_eq!(v.types[merged.field("a").unwrap() as usize], Ty::Bool);
    }

    #[test]
    fn not_a_v1_crd() {
        let text = CRD.replace("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1");
        let tree = Tree::parse(&text, 1).unwrap().unwrap();
        assert!(read(&tree, tree.root().unwrap()).is_none());
    }
}
