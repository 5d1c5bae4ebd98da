//! Label selectors (`matchLabels` and `matchExpressions`), implemented once for every rule and
//! for the cross-object index.

/// Labels of an object or pod template: a small map kept as a vector sorted by key (most
/// objects carry a handful of labels; a `BTreeMap` would allocate a 500-byte node for each).
/// Inserting a key again replaces its value, as in YAML where the last key wins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    pub fn new() -> Labels {
        Labels(Vec::new())
    }

    /// Drops spare capacity (kept for the whole run).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The labels as a YAML flow mapping, `{app: web, tier: "1"}`, for help texts.
    pub fn to_flow_yaml(&self) -> String {
        use crate::yaml::scalar::flow_scalar;
        let items: Vec<String> = self
            .iter()
            .map(|(k, v)| format!("{}: {}", flow_scalar(k), flow_scalar(v)))
            .collect();
        format!("{{{}}}", items.join(", "))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, String)> for Labels {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Labels {
        let mut l = Labels::new();
        for (k, v) in iter {
            l.insert(k, v);
        }
        l.0.shrink_to_fit();
        l
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Operator {
    pub fn parse(s: &str) -> Option<Operator> {
        match s {
            "In" => Some(Operator::In),
            "NotIn" => Some(Operator::NotIn),
            "Exists" => Some(Operator::Exists),
            "DoesNotExist" => Some(Operator::DoesNotExist),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.operator {
            Operator::In => v.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Operator::NotIn => v.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Operator::Exists => v.is_some(),
            Operator::DoesNotExist => v.is_none(),
        }
    }
}

/// A `metav1.LabelSelector`, or a Service's plain `selector` map (match labels only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub match_labels: Labels,
    pub expressions: Vec<Requirement>,
}

impl Selector {
    /// Drops spare capacity (kept for the whole run).
    pub fn shrink_to_fit(&mut self) {
        self.match_labels.shrink_to_fit();
        self.expressions.shrink_to_fit();
    }

    pub fn from_labels(labels: Labels) -> Selector {
        Selector {
            match_labels: labels,
            expressions: Vec::new(),
        }
    }

    /// An empty selector: matches everything for a `metav1.LabelSelector` (policy/v1 PDBs,
    /// spread terms), nothing for some legacy fields; callers decide.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|r| r.matches(labels))
    }

    /// One `key=value` pair every selected object must carry, if the selector has one: the
    /// index uses it to look up candidates instead of scanning a namespace.
    pub fn required_pair(&self) -> Option<(&str, &str)> {
        if let Some((k, v)) = self.match_labels.iter().next() {
            return Some((k, v));
        }
        self.expressions
            .iter()
            .find_map(|r| match (r.operator, r.values.as_slice()) {
                (Operator::In, [only]) => Some((r.key.as_str(), only.as_str())),
                _ => None,
            })
    }

    /// A short rendering for messages: `app=web,tier in (a,b)`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.expressions {
            parts.push(match r.operator {
                Operator::In => format!("{} in ({})", r.key, r.values.join(",")),
                Operator::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
                Operator::Exists => r.key.clone(),
                Operator::DoesNotExist => format!("!{}", r.key),
            });
        }
        if parts.is_empty() {
            "{}".into()
        } else {
            parts.join(",")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
        Requirement {
            key: key.into(),
            operator: op,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn match_labels_and_expressions() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        let mut s = Selector::from_labels(labels(&[("app", "web")]));
        assert!(s.matches(&l));
        s.expressions
            .push(req("tier", Operator::In, &["front", "back"]));
        assert!(s.matches(&l));
        s.expressions
            .push(req("canary", Operator::DoesNotExist, &[]));
        assert!(s.matches(&l));
        s.expressions.push(req("tier", Operator::NotIn, &["front"]));
        assert!(!s.matches(&l));
        assert!(Selector::default().matches(&l));
        let e = Selector {
            match_labels: Labels::new(),
            expressions: vec![req("app", Operator::Exists, &[])],
        };
        assert!(e.matches(&l));
        assert!(!e.matches(&Labels::new()));
        assert!(req("x", Operator::NotIn, &["a"]).matches(&Labels::new()));
    }

    #[test]
    fn labels_map_semantics() {
        let l: Labels = [("b", "1"), ("a", "2"), ("b", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(l.len(), 2);
        assert_eq!(l.get("b").map(String::as_str), Some("3"));
        assert_eq!(l.keys().cloned().collect::<Vec<_>>(), vec!["a", "b"]);
        assert!(!l.contains_key("c"));
    }

    #[test]
    fn describe() {
        let s = Selector {
            match_labels: labels(&[("app", "web")]),
            expressions: vec![req("tier", Operator::In, &["a", "b"])],
        };
        assert_eq!(s.describe(), "app=web,tier in (a,b)");
        assert_eq!(s.required_pair(), Some(("app", "web")));
    }
}
