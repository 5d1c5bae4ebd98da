//! The built-in kinds' schemas: `builtin.json`, written by `scripts/gen-schemas.py` from the
//! official schemas of every release the data covers, embedded in the binary and read once,
//! at first use (about 150 kB of JSON, well under a millisecond).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value as Json;

use super::types::{Obj, Rest, Ty, TyId};
use crate::kube_version::KubeVersion;

const SOURCE: &str = include_str!("builtin.json");

/// Where the data lives in the repository.
pub const DATA_PATH: &str = "src/schema/builtin.json";

/// Release index ranges (first, last, inclusive) with the kind's type in each.
type Ranges = Vec<(usize, usize, TyId)>;

#[derive(Debug)]
pub struct Builtin {
    /// Consecutive releases, oldest first.
    pub releases: Vec<KubeVersion>,
    pub types: Vec<Ty>,
    /// (apiVersion, kind) → (first release index, last release index, type) ranges.
    kinds: HashMap<(String, String), Ranges>,
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
        let ranges = self
            .kinds
            .get(&(api_version.to_string(), kind.to_string()))?;
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
                (av.as_str(), k.as_str(), rs)
            })
            .collect();
        out.sort();
        out
    }

    /// Whether an API group is Kubernetes' own (its kinds are never custom resources).
    pub fn is_builtin_group(&self, group: &str) -> bool {
        self.groups.contains(group) || group == "extensions"
    }

    /// The type of `metadata` of every object (read from ConfigMap, served by every release).
    pub fn object_meta(&self, release: KubeVersion) -> Option<TyId> {
        let cm = self.lookup("v1", "ConfigMap", release)?;
        match self.types.get(cm as usize)? {
            Ty::Object(o) => o.field("metadata"),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<Builtin, String> {
        let doc: Json = serde_json::from_str(text).map_err(|e| format!("{DATA_PATH}: {e}"))?;
        let releases = doc["releases"]
            .as_array()
            .ok_or("no releases")?
            .iter()
            .map(|r| {
                r.as_str()
                    .ok_or("release")
                    .and_then(|s| s.parse().map_err(|_| "release"))
            })
            .collect::<Result<Vec<KubeVersion>, _>>()?;
        let raw_types = doc["types"].as_array().ok_or("no types")?;
        let count = raw_types.len();
        let id = |v: &Json| -> Result<TyId, String> {
            v.as_u64()
                .filter(|&i| (i as usize) < count)
                .map(|i| i as TyId)
                .ok_or_else(|| format!("bad type reference {v}"))
        };
        let mut types = Vec::with_capacity(count);
        for t in raw_types {
            types.push(match t {
                Json::String(s) => match s.as_str() {
                    "a" => Ty::Any,
                    "s" => Ty::Str,
                    "i" => Ty::Int,
                    "n" => Ty::Num,
                    "b" => Ty::Bool,
                    "io" => Ty::IntOrStr,
                    "q" => Ty::Quantity,
                    other => return Err(format!("unknown scalar type {other}")),
                },
                Json::Object(m) => {
                    if let Some(values) = m.get("e").and_then(Json::as_array) {
                        Ty::Enum(
                            values
                                .iter()
                                .filter_map(Json::as_str)
                                .map(Box::from)
                                .collect(),
                        )
                    } else if let Some(item) = m.get("l") {
                        Ty::List(id(item)?)
                    } else if let Some(fields) = m.get("o").and_then(Json::as_array) {
                        let mut fs: Vec<(Box<str>, TyId)> = Vec::with_capacity(fields.len());
                        for f in fields {
                            let name = f[0].as_str().ok_or("field name")?;
                            fs.push((Box::from(name), id(&f[1])?));
                        }
                        fs.sort_by(|a, b| a.0.cmp(&b.0));
                        let rest = match (m.get("m"), m.get("p")) {
                            (Some(v), _) => Rest::Typed(id(v)?),
                            (None, Some(_)) => Rest::Open,
                            (None, None) => Rest::Closed,
                        };
                        Ty::Object(Obj {
                            name: Box::from(m.get("n").and_then(Json::as_str).unwrap_or("object")),
                            fields: fs.into(),
                            rest,
                        })
                    } else if let Some(v) = m.get("m") {
                        Ty::Object(Obj {
                            name: Box::from("map"),
                            fields: Box::new([]),
                            rest: Rest::Typed(id(v)?),
                        })
                    } else {
                        return Err(format!("unknown type {t}"));
                    }
                }
                _ => return Err(format!("unknown type {t}")),
            });
        }
        let mut kinds = HashMap::new();
        let mut groups = HashSet::new();
        for k in doc["kinds"].as_array().ok_or("no kinds")? {
            let av = k[0].as_str().ok_or("apiVersion")?;
            let kind = k[1].as_str().ok_or("kind")?;
            let mut ranges = Vec::new();
            for r in k[2].as_array().ok_or("ranges")? {
                let first = r[0].as_u64().ok_or("range")? as usize;
                let last = r[1].as_u64().ok_or("range")? as usize;
                if first > last || last >= releases.len() {
                    return Err(format!("{av} {kind}: bad release range"));
                }
                ranges.push((first, last, id(&r[2])?));
            }
            groups.insert(crate::model::api_group(av).to_string());
            kinds.insert((av.to_string(), kind.to_string()), ranges);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_loads() {
        assert_eq!(load_error(), None);
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
