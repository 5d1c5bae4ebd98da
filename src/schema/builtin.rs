//! The built-in kinds' schemas: `builtin.txt`, written by `scripts/gen-schemas.py` from the
//! official schemas of every release the data covers, embedded in the binary and read once,
//! at first use. The format is one line per type, split on blanks (110 kB, read in well under
//! a millisecond; JSON through serde took about 2 ms, measurable on every run).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::types::{Name, Obj, Rest, Ty, TyId};
use crate::base::kube_version::KubeVersion;

pub use crate::base::releases::releases;
use crate::base::releases::SCHEMA_DATA as SOURCE;

/// Where the data lives in the repository.
pub const DATA_PATH: &str = "src/schema/builtin.txt";

/// Release index ranges (first, last, inclusive) with the kind's type in each.
type Ranges = Vec<(usize, usize, TyId)>;

#[derive(Debug)]
pub struct Builtin {
    /// Consecutive releases, oldest first.
    pub releases: Vec<KubeVersion>,
    pub types: Vec<Ty>,
    /// (apiVersion, kind) → (first release index, last release index, type) ranges.
    kinds: HashMap<(&'static str, &'static str), Ranges>,
    /// API groups of every built-in kind (`""` for the core group).
    groups: HashSet<String>,
}

/// The embedded data, read once; `None` if it does not load (a unit test keeps it loading).
pub fn builtin() -> Option<&'static Builtin> {
    static DATA: OnceLock<Result<Builtin, String>> = OnceLock::new();
    DATA.get_or_init(|| Builtin::parse(SOURCE)).as_ref().ok()
}

/// Why the embedded data does not load, for the unit test.
pub fn load_error() -> Option<String> {
    Builtin::parse(SOURCE).err()
}

impl Builtin {
    pub fn oldest(&self) -> Option<KubeVersion> {
        self.releases.first().copied()
    }

    pub fn newest(&self) -> Option<KubeVersion> {
        self.releases.last().copied()
    }

    /// The release of the data a target reads: the target itself, or the oldest release of
    /// the data for an older target.
    pub fn release_for(&self, target: KubeVersion) -> Option<KubeVersion> {
        let oldest = self.oldest()?;
        let newest = self.newest()?;
        Some(target.clamp(oldest, newest))
    }

    fn index(&self, release: KubeVersion) -> Option<usize> {
        self.releases.iter().position(|r| *r == release)
    }

    /// The type of `apiVersion`/`kind` at a release; `None` when that release does not serve it.
    pub fn lookup(&self, api_version: &str, kind: &str, release: KubeVersion) -> Option<TyId> {
        let i = self.index(release)?;
        // The map is covariant in its key: looked up with borrowed strings, no allocation.
        let kinds: &HashMap<(&str, &str), Ranges> = &self.kinds;
        let ranges = kinds.get(&(api_version, kind))?;
        ranges
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&i))
            .map(|r| r.2)
    }

    /// Every (apiVersion, kind) with the releases that serve it.
    pub fn served(&self) -> Vec<(&str, &str, Vec<KubeVersion>)> {
        let mut out: Vec<(&str, &str, Vec<KubeVersion>)> = self
            .kinds
            .iter()
            .map(|((av, k), ranges)| {
                let mut rs: Vec<KubeVersion> = ranges
                    .iter()
                    .flat_map(|(a, b, _)| *a..=*b)
                    .filter_map(|i| self.releases.get(i).copied())
                    .collect();
                rs.sort();
                (*av, *k, rs)
            })
            .collect();
        out.sort();
        out
    }

    /// Whether an API group is Kubernetes' own (its kinds are never custom resources).
    /// Groups served only before the data's oldest release (`extensions`)
    /// are known from the deprecated-API table.
    pub fn is_builtin_group(&self, group: &str) -> bool {
        self.groups.contains(group)
            || crate::rule::deprecated_apis::table().is_ok_and(|t| {
                t.rows
                    .iter()
                    .any(|r| crate::model::api_group(&r.api_version) == group)
            })
    }

    /// The type of `metadata` of every object (read from ConfigMap, served by every release).
    pub fn object_meta(&self, release: KubeVersion) -> Option<TyId> {
        let cm = self.lookup("v1", "ConfigMap", release)?;
        match self.types.get(cm as usize)? {
            Ty::Object(o) => o.field("metadata"),
            _ => None,
        }
    }

    /// Reads the line format `scripts/gen-schemas.py` writes (see its `encode`): comments,
    /// `releases …`, one type per line numbered from 0, then `kind apiVersion Kind a-b:type …`.
    fn parse(text: &'static str) -> Result<Builtin, String> {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let count = lines
            .iter()
            .filter(|(_, l)| !l.starts_with("kind ") && !l.starts_with("releases "))
            .count();
        let id = |v: &str| -> Result<TyId, String> {
            v.parse::<TyId>()
                .ok()
                .filter(|&i| (i as usize) < count)
                .ok_or_else(|| format!("bad type reference `{v}`"))
        };
        let mut releases = Vec::new();
        let mut types = Vec::with_capacity(count);
        let mut kinds = HashMap::new();
        let mut groups = HashSet::new();
        for (n, line) in lines {
            let at = |e: String| format!("{DATA_PATH}:{}: {e}", n + 1);
            let mut words = line.split_ascii_whitespace();
            let tag = words.next().unwrap_or_default();
            let ty = match tag {
                "releases" => {
                    releases = words
                        .map(str::parse)
                        .collect::<Result<Vec<KubeVersion>, _>>()
                        .map_err(at)?;
                    continue;
                }
                "kind" => {
                    let (Some(av), Some(kind)) = (words.next(), words.next()) else {
                        return Err(at("a kind needs an apiVersion and a kind".into()));
                    };
                    let mut ranges = Vec::new();
                    for r in words {
                        let parsed = r.split_once(':').and_then(|(span, t)| {
                            let (a, b) = span.split_once('-')?;
                            Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?, t))
                        });
                        let Some((first, last, t)) = parsed else {
                            return Err(at(format!("bad release range `{r}`")));
                        };
                        if first > last || last >= releases.len() {
                            return Err(at(format!("release range `{r}` out of bounds")));
                        }
                        ranges.push((first, last, id(t).map_err(at)?));
                    }
                    groups.insert(crate::model::api_group(av).to_string());
                    kinds.insert((av, kind), ranges);
                    continue;
                }
                "a" => Ty::Any,
                "s" => Ty::Str,
                "i" => Ty::Int,
                "n" => Ty::Num,
                "b" => Ty::Bool,
                "io" => Ty::IntOrStr,
                "q" => Ty::Quantity,
                "e" => Ty::Enum(words.map(Name::from).collect()),
                "l" => Ty::List(id(words.next().unwrap_or_default()).map_err(at)?),
                "m" => Ty::Object(Obj {
                    name: Name::from("map"),
                    fields: Box::new([]),
                    rest: Rest::Typed(id(words.next().unwrap_or_default()).map_err(at)?),
                }),
                "o" => {
                    let name = words.next().unwrap_or("object");
                    let rest = match words.next() {
                        Some("-") => Rest::Closed,
                        Some("*") => Rest::Open,
                        Some(t) => Rest::Typed(id(t).map_err(at)?),
                        None => return Err(at("an object needs a rest marker".into())),
                    };
                    let mut fields: Vec<(Name, TyId)> = Vec::new();
                    for f in words {
                        let Some((name, t)) = f.split_once('=') else {
                            return Err(at(format!("bad field `{f}`")));
                        };
                        fields.push((Name::from(name), id(t).map_err(at)?));
                    }
                    fields.sort_by(|a, b| a.0.cmp(&b.0));
                    Ty::Object(Obj {
                        name: Name::from(name),
                        fields: fields.into(),
                        rest,
                    })
                }
                other => return Err(at(format!("unknown type `{other}`"))),
            };
            types.push(ty);
        }
        if releases.is_empty() || kinds.is_empty() {
            return Err(format!("{DATA_PATH}: no data"));
        }
        Ok(Builtin {
            releases,
            types,
            kinds,
            groups,
        })
    }
}

/// The releases of the data alone, read without the rest (for `--kubernetes-version`'s default
/// and its check, which every run needs, including `--help`).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_loads() {
        assert_eq!(load_error(), None);
        assert_eq!(releases(), builtin().unwrap().releases.as_slice());
        let b = builtin().unwrap();
        assert_eq!(b.oldest(), Some(KubeVersion::new(1, 25)));
        assert!(b.newest() >= Some(KubeVersion::new(1, 37)));
        for w in b.releases.windows(2) {
            assert_eq!(w[0].next(), w[1], "releases must be consecutive");
        }
    }

    #[test]
    fn kinds_are_served_by_their_releases() {
        let b = builtin().unwrap();
        let v = |m| KubeVersion::new(1, m);
        assert!(b.lookup("apps/v1", "Deployment", v(37)).is_some());
        assert!(b.lookup("apps/v1", "Deployment", v(25)).is_some());
        assert!(b.lookup("apps/v1", "DeploymentList", v(37)).is_none());
        assert!(b
            .lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler", v(25))
            .is_some());
        assert!(b
            .lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler", v(26))
            .is_none());
        assert!(b.object_meta(v(37)).is_some());
        assert!(b.is_builtin_group(""));
        assert!(b.is_builtin_group("apps"));
        assert!(!b.is_builtin_group("cert-manager.io"));
        assert_eq!(b.release_for(v(16)), Some(v(25)));
    }

    #[test]
    fn a_deployment_has_its_fields() {
        let b = builtin().unwrap();
        let d = b
            .lookup("apps/v1", "Deployment", b.newest().unwrap())
            .unwrap();
        let Ty::Object(o) = &b.types[d as usize] else {
            panic!("Deployment is an object")
        };
        assert!(o.field("spec").is_some());
        assert!(o.field("status").is_none(), "status is not judged");
        assert_eq!(o.rest, Rest::Closed);
    }
}
