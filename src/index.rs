//! The cross-object index, built once after every file is read and read-only while rules run.
//!
//! It answers the questions the contract asks about relations between objects: which
//! workloads a selector selects (through a label posting list, so matching is linear in the
//! objects of a namespace, not a scan of every pair), which HorizontalPodAutoscaler scales a
//! workload, which PodDisruptionBudgets and Services select a workload.

use std::collections::HashMap;

use crate::model::{Object, Spec};
use crate::selector::Selector;

pub type ObjectId = u32;

/// Kinds with a `spec.replicas`.
pub const REPLICATED_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
];

/// Effective replicas of a workload, and the HPA that decides them, if any.
#[derive(Debug, Clone, Copy)]
pub struct Replicas<'a> {
    pub count: i64,
    pub hpa: Option<&'a Object>,
}

#[derive(Default)]
pub struct Index {
    objects: Vec<Object>,
    /// (namespace, kind, name) → object.
    by_name: HashMap<(String, String, String), ObjectId>,
    /// Workloads per namespace, in input order.
    workloads_by_ns: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key, label value) → workloads whose pod template carries it.
    pods_by_label: HashMap<(String, String, String), Vec<ObjectId>>,
    /// (namespace, kind, name) of a scale target → HPAs that target it.
    hpas_by_target: HashMap<(String, String, String), Vec<ObjectId>>,
    /// Workload → PDBs that select its pods.
    pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// Workload → Services that select its pods.
    services_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// PDB or Service → workloads it selects.
    selected: HashMap<ObjectId, Vec<ObjectId>>,
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

impl Index {
    pub fn build(objects: Vec<Object>) -> Index {
        let mut objects = objects;
        for (i, o) in objects.iter_mut().enumerate() {
            o.id = i as ObjectId;
        }
        let mut ix = Index {
            objects,
            ..Index::default()
        };
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            let Some(ns) = o.namespace() else { continue };
            if let Some(name) = &o.key.name {
                ix.by_name
                    .entry(triple(ns, &o.kind.value, name))
                    .or_insert(id);
            }
            match &o.spec {
                Spec::Workload(w) => {
                    ix.workloads_by_ns
                        .entry(ns.to_string())
                        .or_default()
                        .push(id);
                    for (k, v) in &w.template.labels {
                        ix.pods_by_label
                            .entry(triple(ns, k, v))
                            .or_default()
                            .push(id);
                    }
                }
                Spec::HorizontalPodAutoscaler(h) => {
                    if let (Some(kind), Some(name)) = (&h.target_kind, &h.target_name) {
                        ix.hpas_by_target
                            .entry(triple(ns, kind, name))
                            .or_default()
                            .push(id);
                    }
                }
                _ => {}
            }
        }
        let mut selected = HashMap::new();
        let mut pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        let mut services_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            let Some(ns) = o.namespace() else { continue };
            let targets = match &o.spec {
                Spec::PodDisruptionBudget(p) => match &p.selector {
                    // policy/v1: an empty selector selects every pod of the namespace;
                    // policy/v1beta1: none. A missing selector selects nothing.
                    Some(s) if s.value.is_empty() => {
                        if o.api_version.value == "policy/v1beta1" {
                            Vec::new()
                        } else {
                            ix.workloads_in(ns).to_vec()
                        }
                    }
                    Some(s) => ix.select(ns, &s.value),
                    None => Vec::new(),
                },
                Spec::Service(s) => match &s.selector {
                    Some(sel) if !sel.value.is_empty() => {
                        ix.select(ns, &Selector::from_labels(sel.value.clone()))
                    }
                    _ => continue,
                },
                _ => continue,
            };
            let reverse = if matches!(o.spec, Spec::Service(_)) {
                &mut services_by_workload
            } else {
                &mut pdbs_by_workload
            };
            for &t in &targets {
                reverse.entry(t).or_default().push(id);
            }
            selected.insert(id, targets);
        }
        ix.selected = selected;
        ix.pdbs_by_workload = pdbs_by_workload;
        ix.services_by_workload = services_by_workload;
        ix
    }

    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    pub fn get(&self, id: ObjectId) -> &Object {
        &self.objects[id as usize]
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn find(&self, namespace: &str, kind: &str, name: &str) -> Option<&Object> {
        self.by_name
            .get(&triple(namespace, kind, name))
            .map(|&i| self.get(i))
    }

    pub fn workloads_in(&self, namespace: &str) -> &[ObjectId] {
        self.workloads_by_ns
            .get(namespace)
            .map_or(&[], |v| v.as_slice())
    }

    /// Workloads of `namespace` whose pod template labels `selector` matches. An empty
    /// selector matches every workload; callers that mean otherwise check first.
    pub fn select(&self, namespace: &str, selector: &Selector) -> Vec<ObjectId> {
        let candidates: &[ObjectId] = match selector.required_pair() {
            Some((k, v)) => self
                .pods_by_label
                .get(&triple(namespace, k, v))
                .map_or(&[], |v| v.as_slice()),
            None => self.workloads_in(namespace),
        };
        candidates
            .iter()
            .copied()
            .filter(|&c| {
                self.get(c)
                    .workload()
                    .is_some_and(|w| selector.matches(&w.template.labels))
            })
            .collect()
    }

    /// HorizontalPodAutoscalers in the workload's namespace that target it by kind and name.
    pub fn hpas_for(&self, obj: &Object) -> Vec<&Object> {
        let (Some(ns), Some(name)) = (obj.namespace(), &obj.key.name) else {
            return Vec::new();
        };
        self.hpas_by_target
            .get(&triple(ns, &obj.kind.value, name))
            .map(|v| v.iter().map(|&i| self.get(i)).collect())
            .unwrap_or_default()
    }

    /// The replicas a workload runs with: `spec.replicas` (absent = 1), unless a
    /// HorizontalPodAutoscaler in its namespace targets it by kind and name, in which case
    /// the HPA's `minReplicas` (absent = 1). `None` for kinds without replicas (Pod,
    /// DaemonSet, Job, CronJob) and for non-workloads.
    pub fn effective_replicas<'a>(&'a self, obj: &'a Object) -> Option<Replicas<'a>> {
        let w = obj.workload()?;
        if !REPLICATED_KINDS.contains(&obj.kind.value.as_str()) {
            return None;
        }
        let hpa = self.hpas_for(obj).into_iter().next();
        if let Some(h) = hpa {
            if let Spec::HorizontalPodAutoscaler(spec) = &h.spec {
                return Some(Replicas {
                    count: spec.min_replicas.as_ref().map_or(1, |m| m.value),
                    hpa: Some(h),
                });
            }
        }
        Some(Replicas {
            count: w.replicas.as_ref().map_or(1, |r| r.value),
            hpa: None,
        })
    }

    /// PodDisruptionBudgets that select the workload's pods.
    pub fn pdbs_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.pdbs_by_workload, obj)
    }

    /// Services whose selector selects the workload's pods.
    pub fn services_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.services_by_workload, obj)
    }

    /// Workloads a PDB or Service selects.
    pub fn selected_by(&self, obj: &Object) -> Vec<&Object> {
        self.selected
            .get(&obj.id)
            .map(|v| v.iter().map(|&i| self.get(i)).collect())
            .unwrap_or_default()
    }

    fn reverse<'a>(
        &'a self,
        map: &HashMap<ObjectId, Vec<ObjectId>>,
        obj: &Object,
    ) -> Vec<&'a Object> {
        map.get(&obj.id)
            .map(|v| v.iter().map(|&i| self.get(i)).collect())
            .unwrap_or_default()
    }
}
