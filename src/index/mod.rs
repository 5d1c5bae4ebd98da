//! The cross-object index, built once after every file is read and read-only while rules run.
//!
//! It answers the questions the contract asks about relations between objects: which
//! workloads a selector selects (through a label posting list, so matching is linear in the
//! objects of a namespace, not a scan of every pair), which HorizontalPodAutoscaler scales a
//! workload, which PodDisruptionBudgets and Services select a workload.

use std::borrow::Cow;
/// The index's tables, hashed with foldhash (seeded per process, as std's SipHash is, so
/// input cannot be made to collide): building and querying them is the run's sequential
/// work between loading and the rules, and SipHash was most of the hashing's cost.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use crate::base::diagnostic::FileId;
use crate::base::span::Span;
use crate::model::selector::{Operator, Selector};
use crate::model::{
    api_group, Hpa, Kind, Object, Spanned, Spec, Workload, REPLICATED_KINDS, WORKLOAD_KINDS,
};

mod elsewhere;

pub use elsewhere::is_custom_resource;

pub type ObjectId = u32;

/// The replica count a workload runs with (its effective replicas), and what decides it: the
/// autoscaler bound to it (a HorizontalPodAutoscaler's `minReplicas`, a KEDA ScaledObject's
/// `minReplicaCount`), else the workload's `replicas`, else the default 1. The only
/// replica-count type; rules word it (`rules/support/`).
#[derive(Debug, Clone, Copy)]
pub struct Replicas<'a> {
    pub count: i64,
    /// The workload the count is for.
    pub workload: &'a Object,
    /// The workload's `spec.replicas`, when written.
    pub replicas: Option<&'a Spanned<i64>>,
    /// The autoscaler that decides the count, if any.
    pub hpa: Option<(&'a Object, &'a Hpa)>,
}

impl Replicas<'_> {
    /// The field that decides `count`: the HPA's `minReplicas` (its `scaleTargetRef` when
    /// `minReplicas` is left to its default), the workload's `replicas`, or the workload's
    /// name when `replicas` is left to its default. In the HPA's file when an HPA decides.
    pub fn origin_span(&self) -> Span {
        match self.hpa {
            Some((_, spec)) => spec
                .min_replicas
                .as_ref()
                .map_or(spec.target_span, |m| m.span),
            None => self
                .replicas
                .map_or_else(|| self.workload.name_span(), |r| r.span),
        }
    }

    /// The object that holds the deciding field: the HPA, else the workload.
    pub fn origin_object(&self) -> &Object {
        self.hpa.map_or(self.workload, |(h, _)| h)
    }
}

/// The `matchLabels` of a workload's own selector that its pod template does not carry. The
/// API server accepts a workload only when its selector matches its template, so its pods
/// carry these; a fragment (a kustomize patch, a test fixture without a template) shows its
/// pods' labels only this way.
fn implied_labels(w: &Workload) -> impl Iterator<Item = (&String, &String)> {
    w.selector
        .iter()
        .flat_map(|s| s.value.match_labels.iter())
        .filter(|(k, _)| !w.template.labels.contains_key(k))
}

/// Whether `selector` matches the pods of workload `obj`: the labels of its pod template and
/// those its own selector implies, plus the labels the controllers add, which a selector may
/// ask for.
fn pod_matches(obj: &Object, w: &Workload, selector: &Selector) -> bool {
    let labels = &w.template.labels;
    let asks = |key: &str| {
        selector.match_labels.contains_key(key) || selector.expressions.iter().any(|r| r.key == key)
    };
    let mut extra: Vec<(&str, String)> = implied_labels(w)
        .filter(|(k, _)| asks(k))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    match (obj.kind, obj.key.name.as_deref()) {
        (Kind::Job, Some(name)) => {
            for k in JOB_NAME_LABELS {
                if asks(k) && !labels.contains_key(k) {
                    extra.push((k, name.to_string()));
                }
            }
        }
        (Kind::StatefulSet, Some(name))
            if asks(STATEFULSET_POD_NAME) || asks(STATEFULSET_POD_INDEX) =>
        {
            // Every pod has its own name, `<statefulset>-<ordinal>`: the selector matches the
            // workload when it matches one of them, so take the ordinal it asks for.
            let wanted = selector
                .match_labels
                .get(STATEFULSET_POD_NAME)
                .and_then(|v| v.strip_prefix(name)?.strip_prefix('-').map(str::to_string))
                .or_else(|| selector.match_labels.get(STATEFULSET_POD_INDEX).cloned())
                .filter(|n| n.parse::<u32>().is_ok());
            let ordinal = wanted.unwrap_or_else(|| "0".to_string());
            extra.push((STATEFULSET_POD_NAME, format!("{name}-{ordinal}")));
            extra.push((STATEFULSET_POD_INDEX, ordinal));
        }
        _ => {}
    }
    if extra.is_empty() {
        return selector.matches(labels);
    }
    let mut with_extra = labels.clone();
    for (k, v) in extra {
        if !with_extra.contains_key(k) {
            with_extra.insert(k.to_string(), v);
        }
    }
    selector.matches(&with_extra)
}

/// What the index knows of an input file.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'a> {
    /// The path reports name it by, `/`-separated.
    pub path: &'a str,
    /// The applications the file belongs to (ids of application roots: the nearest directory
    /// above it holding a `kustomization.yaml`, `Chart.yaml` or `.kube-contract.yaml`, and the
    /// kustomizations that name its directory). Empty: none, the repository as a whole.
    pub apps: &'a [u32],
}

#[derive(Default)]
pub struct Index {
    /// Boxed: the run moves each file's objects in without copying them (a copy would hold
    /// every object twice at the peak).
    #[allow(clippy::vec_box)]
    objects: Vec<Box<Object>>,
    /// By file id: the applications each file belongs to ([`FileInfo::apps`]).
    file_apps: Vec<Box<[u32]>>,
    /// Every namespace, kind, name, label key and value and directory the index keys on, as
    /// a small number: keys are tuples of them, and a lookup allocates nothing.
    symbols: Symbols,
    /// (namespace, kind, name) → the first object of that identity.
    by_name: HashMap<Key3, ObjectId>,
    /// The first object of an identity → the others of it (variants: one per environment
    /// directory, a kustomize base and its patches), in input order. Rare, so kept apart.
    variants: HashMap<ObjectId, Vec<ObjectId>>,
    /// Workloads per namespace, in input order.
    workloads_by_ns: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key, label value) → workloads whose pod template carries it.
    pods_by_label: HashMap<Key3, Vec<ObjectId>>,
    /// Workload → HPAs bound to it (see `bind_hpas`).
    hpas_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// HPA → workloads bound to it, in input order.
    workloads_by_hpa: HashMap<ObjectId, Vec<ObjectId>>,
    /// (namespace, kind, name) of a scale target → HPAs that target it.
    hpas_by_target: HashMap<Key3, Vec<ObjectId>>,
    /// Workload → PDBs that select its pods.
    pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// Workload → Services that select its pods.
    services_by_workload: HashMap<ObjectId, Vec<ObjectId>>,
    /// PDB or Service → workloads it selects.
    selected: HashMap<ObjectId, Vec<ObjectId>>,
    /// (namespace, name) → custom resources of that name that may run pods (objects of an
    /// API group that is not built in: an operator's Prometheus, Cluster, LeaderWorkerSet…).
    custom_by_name: HashMap<Key2, Vec<ObjectId>>,
    /// (namespace, label key, label value) → custom resources whose own labels carry it.
    custom_by_label: HashMap<Key3, Vec<ObjectId>>,
    /// Custom resources per namespace, in input order.
    custom_by_ns: HashMap<String, Vec<ObjectId>>,
    /// (namespace, label key) of every label some pod template of the namespace carries;
    /// only filled when the inputs define CRDs, for `labelled_by_controller`.
    pod_label_keys: HashSet<Key2>,
    /// CustomResourceDefinitions of the inputs: the API group each defines.
    crd_groups: Vec<String>,
    /// Each input's directory (its path up to the last `/`), by file id; empty when the
    /// paths are unknown.
    dirs: Vec<Sym>,
    /// (directory, namespace) of every Service of the inputs.
    service_dirs: HashSet<Key2>,
    /// (directory, namespace) → the port numbers written in the ConfigMaps there.
    config_numbers: HashMap<Key2, HashSet<i64>>,
}

/// Labels the pod controllers add to every pod they create, which selectors may use although
/// no pod template carries them: a Job's pods get its name, a StatefulSet's pods their own
/// name and ordinal.
const JOB_NAME_LABELS: &[&str] = &["job-name", "batch.kubernetes.io/job-name"];
const STATEFULSET_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
const STATEFULSET_POD_INDEX: &str = "apps.kubernetes.io/pod-index";

/// The identity of an object in a cluster: kind, namespace and name. Objects of one run that
/// share it (the same Deployment written once per environment directory, say) are variants
/// of one object, not several; rules that count or pair objects treat them as one. An object
/// without a name is its own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity<'a> {
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Result<&'a str, ObjectId>,
}

pub fn identity(obj: &Object) -> Identity<'_> {
    Identity {
        kind: &obj.key.kind,
        namespace: obj.namespace(),
        name: obj.key.name.as_deref().ok_or(obj.id),
    }
}

/// An interned string.
type Sym = u32;
type Key2 = (Sym, Sym);
type Key3 = (Sym, Sym, Sym);

/// Strings interned while the index is built. A lookup of a string never seen answers `None`
/// without allocating: no key can hold it.
#[derive(Default)]
struct Symbols {
    ids: HashMap<Box<str>, Sym>,
}

impl Symbols {
    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.ids.len() as Sym;
        self.ids.insert(Box::from(s), id);
        id
    }

    fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    fn key3(&mut self, a: &str, b: &str, c: &str) -> Key3 {
        (self.intern(a), self.intern(b), self.intern(c))
    }

    fn find3(&self, a: &str, b: &str, c: &str) -> Option<Key3> {
        Some((self.get(a)?, self.get(b)?, self.get(c)?))
    }

    fn key2(&mut self, a: &str, b: &str) -> Key2 {
        (self.intern(a), self.intern(b))
    }

    fn find2(&self, a: &str, b: &str) -> Option<Key2> {
        Some((self.get(a)?, self.get(b)?))
    }
}

/// A Rollout with a `workloadRef` runs the pod template of that Deployment of its namespace:
/// copy the template in (the first Deployment of that name with containers, in input order),
/// marked as borrowed, so that the Rollout's selector, replicas, budgets and Services are
/// judged against the pods it runs.
fn borrow_referenced_templates(objects: &mut [Box<Object>]) {
    let wanted: Vec<(usize, String, String)> = objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let w = o.workload()?;
            let name = w.workload_ref.as_ref()?;
            w.template.containers.is_empty().then(|| {
                (
                    i,
                    o.namespace().unwrap_or("default").to_string(),
                    name.clone(),
                )
            })
        })
        .collect();
    for (i, ns, name) in wanted {
        let template = objects.iter().find_map(|o| match &o.spec {
            Spec::Workload(w)
                if o.kind == Kind::Deployment
                    && o.namespace() == Some(ns.as_str())
                    && o.key.name.as_deref() == Some(name.as_str())
                    && !w.template.containers.is_empty() =>
            {
                Some(w.template.clone())
            }
            _ => None,
        });
        if let (Some(t), Some(Spec::Workload(w))) =
            (template, objects.get_mut(i).map(|o| &mut o.spec))
        {
            w.template = t;
            w.borrowed_template = true;
        }
    }
}

/// How near two files are: `usize::MAX` for the same file, else the number of leading
/// directories their paths share.
fn nearness(a: FileId, b: FileId, files: &[FileInfo<'_>]) -> usize {
    if a == b {
        return usize::MAX;
    }
    let (Some(pa), Some(pb)) = (files.get(a as usize), files.get(b as usize)) else {
        return 0;
    };
    let (pa, pb) = (pa.path, pb.path);
    let dirs = |p: &'_ str| -> Vec<String> {
        let mut v: Vec<String> = p.split('/').map(str::to_string).collect();
        v.pop();
        v
    };
    dirs(pa)
        .iter()
        .zip(dirs(pb).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

impl Index {
    /// The index of a run whose file paths are unknown (tests): HPAs bind to every workload
    /// they name unless one is in their own file.
    pub fn build<O: Into<Box<Object>>>(objects: Vec<O>) -> Index {
        Index::build_with_paths(objects, &[])
    }

    /// The index of files that belong to no application root (see [`FileInfo`]).
    pub fn build_with_paths<O: Into<Box<Object>>>(objects: Vec<O>, paths: &[&str]) -> Index {
        let files: Vec<FileInfo<'_>> = paths
            .iter()
            .map(|&path| FileInfo { path, apps: &[] })
            .collect();
        Index::build_with_files(objects, &files)
    }

    /// Builds the index. `files[file]` is each input's path, used to bind an autoscaler to
    /// the nearest of several workloads that share its target's kind, namespace and name, and
    /// the applications it belongs to: objects of files in different applications never link.
    pub fn build_with_files<O: Into<Box<Object>>>(
        objects: Vec<O>,
        files: &[FileInfo<'_>],
    ) -> Index {
        let mut objects: Vec<Box<Object>> = objects.into_iter().map(Into::into).collect();
        for (i, o) in objects.iter_mut().enumerate() {
            o.id = i as ObjectId;
        }
        borrow_referenced_templates(&mut objects);
        let mut ix = Index {
            objects,
            // None when no file belongs to an application (most runs over a plain directory).
            file_apps: if files.iter().all(|f| f.apps.is_empty()) {
                Vec::new()
            } else {
                files.iter().map(|f| Box::from(f.apps)).collect()
            },
            ..Index::default()
        };
        // Sized once for the run's objects: growing by doubling holds the old table and the
        // new one at once, which is the peak of a run of many small files.
        ix.by_name.reserve(ix.objects.len());
        ix.symbols.ids.reserve(ix.objects.len());
        let syms = &mut ix.symbols;
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            if let Spec::CustomResourceDefinition(group) = &o.spec {
                ix.crd_groups.push(group.clone());
            }
            let Some(ns) = o.namespace() else { continue };
            if let Some(name) = &o.key.name {
                let first = *ix
                    .by_name
                    .entry(syms.key3(ns, &o.key.kind, name))
                    .or_insert(id);
                if first != id {
                    ix.variants.entry(first).or_default().push(id);
                }
            }
            match &o.spec {
                Spec::Workload(w) => {
                    ix.workloads_by_ns
                        .entry(ns.to_string())
                        .or_default()
                        .push(id);
                    for (k, v) in w.template.labels.iter().chain(implied_labels(w)) {
                        ix.pods_by_label
                            .entry(syms.key3(ns, k, v))
                            .or_default()
                            .push(id);
                    }
                    if let (Some(name), Kind::Job) = (&o.key.name, o.kind) {
                        for k in JOB_NAME_LABELS {
                            if !w.template.labels.contains_key(k) {
                                ix.pods_by_label
                                    .entry(syms.key3(ns, k, name))
                                    .or_default()
                                    .push(id);
                            }
                        }
                    }
                }
                Spec::HorizontalPodAutoscaler(h) => {
                    if let (Some(kind), Some(name)) = (&h.target_kind, &h.target_name) {
                        ix.hpas_by_target
                            .entry(syms.key3(ns, kind, name))
                            .or_default()
                            .push(id);
                    }
                }
                _ if is_custom_resource(o) => {
                    if let Some(name) = &o.key.name {
                        ix.custom_by_name
                            .entry(syms.key2(ns, name))
                            .or_default()
                            .push(id);
                    }
                    for (k, v) in &o.labels {
                        ix.custom_by_label
                            .entry(syms.key3(ns, k, v))
                            .or_default()
                            .push(id);
                    }
                    ix.custom_by_ns.entry(ns.to_string()).or_default().push(id);
                }
                _ => {}
            }
        }
        if !ix.crd_groups.is_empty() {
            ix.pod_label_keys = ix.pods_by_label.keys().map(|&(ns, k, _)| (ns, k)).collect();
        }
        ix.bind_hpas(files);
        let mut selected = HashMap::default();
        let mut pdbs_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::default();
        let mut services_by_workload: HashMap<ObjectId, Vec<ObjectId>> = HashMap::default();
        for (i, o) in ix.objects.iter().enumerate() {
            let id = i as ObjectId;
            let Some(ns) = o.namespace() else { continue };
            let targets = match &o.spec {
                Spec::PodDisruptionBudget(p) => match &p.selector {
                    // policy/v1: an empty selector selects every pod of the namespace;
                    // policy/v1beta1: none. A missing selector selects nothing.
                    Some(s) if s.value.is_empty() => {
                        if o.key.api_version == "policy/v1beta1" {
                            Vec::new()
                        } else {
                            ix.workloads_in(ns).to_vec()
                        }
                    }
                    Some(s) => ix.select(ns, &s.value),
                    None => Vec::new(),
                },
                Spec::Service(s) => match &s.selector {
                    Some(sel) if !sel.value.is_empty() => ix.select(ns, &sel.value),
                    _ => continue,
                },
                _ => continue,
            };
            let targets: Vec<ObjectId> = targets
                .into_iter()
                .filter(|&t| ix.linked(o.file, ix.get(t).file))
                .collect();
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
        ix.index_directories(files);
        ix
    }

    /// Fills `dirs`, `service_dirs` and `config_numbers`, for the rules that judge a link only when the other
    /// side's application is among the inputs (`same_directory`, `services_near`).
    fn index_directories(&mut self, files: &[FileInfo<'_>]) {
        let symbols = &mut self.symbols;
        self.dirs = files
            .iter()
            .map(|f| symbols.intern(f.path.rsplit_once('/').map_or("", |(d, _)| d)))
            .collect();
        for o in &self.objects {
            if let (Spec::Service(_), Some(ns), Some(&dir)) =
                (&o.spec, o.namespace(), self.dirs.get(o.file as usize))
            {
                self.service_dirs.insert((dir, self.symbols.intern(ns)));
            }
            if let (Spec::ConfigMap(numbers), Some(ns), Some(&dir)) =
                (&o.spec, o.namespace(), self.dirs.get(o.file as usize))
            {
                self.config_numbers
                    .entry((dir, self.symbols.intern(ns)))
                    .or_default()
                    .extend(numbers.iter().copied());
            }
        }
    }

    /// Whether a ConfigMap of `obj`'s namespace in its directory writes the port number `n`
    /// (an application's configuration file that sets the port it listens on).
    pub fn configured_near(&self, obj: &Object, n: i64) -> bool {
        let (Some(&dir), Some(ns)) = (self.dirs.get(obj.file as usize), obj.namespace()) else {
            return false;
        };
        self.symbols
            .get(ns)
            .and_then(|ns| self.config_numbers.get(&(dir, ns)))
            .is_some_and(|set| set.contains(&n))
    }

    /// Whether two objects are in one file, or in files of one directory.
    pub fn same_directory(&self, a: &Object, b: &Object) -> bool {
        a.file == b.file
            || matches!(
                (self.dirs.get(a.file as usize), self.dirs.get(b.file as usize)),
                (Some(x), Some(y)) if x == y
            )
    }

    /// Whether a Service of `namespace` is in `obj`'s file or directory: the inputs show the
    /// Services of `obj`'s application there.
    pub fn services_near(&self, obj: &Object, namespace: &str) -> bool {
        match self.dirs.get(obj.file as usize) {
            Some(&dir) => self
                .symbols
                .get(namespace)
                .is_some_and(|ns| self.service_dirs.contains(&(dir, ns))),
            None => self.objects.iter().any(|o| {
                o.file == obj.file
                    && matches!(o.spec, Spec::Service(_))
                    && o.namespace() == Some(namespace)
            }),
        }
    }

    /// Every object of a kind, namespace and name (variants of one object) that `from` may
    /// relate to (its application), in input order.
    pub fn objects_named<'a>(
        &'a self,
        from: &'a Object,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> {
        self.same_identity(namespace, kind, name)
            .filter(move |o| self.linked(from.file, o.file))
    }

    /// Binds each HPA to the workload it scales. Objects with one kind, namespace and name are
    /// one object in a cluster, so several of them in one run are alternatives — the same
    /// app in two environment directories, or two unrelated samples that both call their
    /// Deployment `frontend`. An HPA then scales the nearest: the one in its own file, else
    /// the ones sharing the most leading directories with it. A unique target binds wherever
    /// it is (an HPA kept in an `hpa/` directory next to `deploy/`).
    fn bind_hpas(&mut self, files: &[FileInfo<'_>]) {
        let mut by_identity: HashMap<Key3, Vec<ObjectId>> = HashMap::default();
        for o in &self.objects {
            if let (Some(ns), Some(name), Some(_)) = (o.namespace(), &o.key.name, o.workload()) {
                by_identity
                    .entry(self.symbols.key3(ns, &o.key.kind, name))
                    .or_default()
                    .push(o.id);
            }
        }
        let mut bound: HashMap<ObjectId, Vec<ObjectId>> = HashMap::default();
        for (target, hpas) in &self.hpas_by_target {
            let Some(candidates) = by_identity.get(target) else {
                continue;
            };
            for &h in hpas {
                let hfile = self.objects[h as usize].file;
                let candidates: Vec<ObjectId> = candidates
                    .iter()
                    .copied()
                    .filter(|&w| self.linked(hfile, self.objects[w as usize].file))
                    .collect();
                let near = |w: ObjectId| nearness(hfile, self.objects[w as usize].file, files);
                let best = candidates.iter().map(|&w| near(w)).max().unwrap_or(0);
                for &w in &candidates {
                    if candidates.len() == 1 || near(w) == best {
                        bound.entry(w).or_default().push(h);
                    }
                }
            }
        }
        // A workload several autoscalers target is scaled by the nearest of them: an
        // unrelated fixture elsewhere in the repository that names a Deployment of the same
        // name never decides its replicas, whatever the directories are called.
        for (&w, hpas) in bound.iter_mut() {
            let wfile = self.objects[w as usize].file;
            let near = |h: ObjectId| nearness(wfile, self.objects[h as usize].file, files);
            let best = hpas.iter().map(|&h| near(h)).max().unwrap_or(0);
            hpas.retain(|&h| near(h) == best);
        }
        let mut scaled: HashMap<ObjectId, Vec<ObjectId>> = HashMap::default();
        for (&w, hpas) in bound.iter_mut() {
            hpas.sort_unstable();
            for &h in hpas.iter() {
                scaled.entry(h).or_default().push(w);
            }
        }
        for v in scaled.values_mut() {
            v.sort_unstable();
        }
        self.hpas_by_workload = bound;
        self.workloads_by_hpa = scaled;
    }

    pub fn objects(&self) -> &[Box<Object>] {
        &self.objects
    }

    /// Whether objects of two files may relate (a budget selecting a workload, an autoscaler
    /// scaling it, a patch and its base): they share an application, or one of them belongs
    /// to none (a file of the repository outside every application root).
    pub fn linked(&self, a: FileId, b: FileId) -> bool {
        let (x, y) = (self.apps(a), self.apps(b));
        a == b || x.is_empty() || y.is_empty() || self.share_an_app(a, b)
    }

    /// The applications of a file ([`FileInfo::apps`]).
    fn apps(&self, f: FileId) -> &[u32] {
        self.file_apps.get(f as usize).map_or(&[][..], |a| &a[..])
    }

    fn share_an_app(&self, a: FileId, b: FileId) -> bool {
        let y = self.apps(b);
        self.apps(a).iter().any(|i| y.contains(i))
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
        let key = self.symbols.find3(namespace, kind, name)?;
        self.by_name.get(&key).map(|&i| self.get(i))
    }

    /// Every object of a kind, namespace and name, in input order.
    fn same_identity<'a>(
        &'a self,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> {
        let first = self
            .symbols
            .find3(namespace, kind, name)
            .and_then(|key| self.by_name.get(&key))
            .copied();
        let others = first
            .and_then(|f| self.variants.get(&f))
            .map_or(&[][..], |v| v.as_slice());
        first
            .into_iter()
            .chain(others.iter().copied())
            .map(|id| self.get(id))
    }

    /// The complete variants of a workload fragment (a kustomize patch that sets only
    /// `replicas`, say): the other workloads of its kind, namespace and name whose pod template
    /// has containers, in input order. A fragment's labels and budgets are those of the base
    /// it is merged into.
    pub fn bases_of<'a>(&'a self, fragment: &'a Object) -> impl Iterator<Item = &'a Object> {
        self.namesakes(fragment).filter(move |o| {
            self.patches(fragment.file, o.file) && o.workload().is_some_and(|w| !w.is_fragment())
        })
    }

    /// The other objects of `obj`'s kind, namespace and name, in input order.
    fn namesakes<'a>(&'a self, obj: &'a Object) -> impl Iterator<Item = &'a Object> {
        let ns = obj.namespace().unwrap_or_default();
        obj.key
            .name
            .iter()
            .flat_map(move |name| self.same_identity(ns, &obj.key.kind, name))
            .filter(move |o| o.id != obj.id)
    }

    /// The other fragments of `fragment`'s kind, namespace and name that may patch the same
    /// base in the same application (several patch files of one kustomize overlay), in input
    /// order.
    pub fn sibling_patches<'a>(
        &'a self,
        fragment: &'a Object,
        base: &'a Object,
    ) -> impl Iterator<Item = &'a Object> {
        self.namesakes(fragment).filter(move |o| {
            o.workload().is_some_and(|w| w.is_fragment())
                && self.share_an_app(fragment.file, o.file)
                && self.patches(o.file, base.file)
        })
    }

    /// Whether a fragment in file `patch` may be a patch of a base in file `base`: the same
    /// file, or files of one kustomize application (a kustomization that names both, through
    /// its resources, bases, components or patches). Two loose files that happen to hold
    /// objects of one name are not a patch and its base (a linter's test fixtures side by side).
    pub fn patches(&self, patch: FileId, base: FileId) -> bool {
        patch == base || self.share_an_app(patch, base)
    }

    pub fn workloads_in(&self, namespace: &str) -> &[ObjectId] {
        self.workloads_by_ns
            .get(namespace)
            .map_or(&[], |v| v.as_slice())
    }

    /// Workloads of `namespace` whose pods `selector` matches, in input order: the labels of
    /// their pod template, plus those the controllers add to every pod (`job-name` on a Job's
    /// pods, `statefulset.kubernetes.io/pod-name` on a StatefulSet's). An empty selector
    /// matches every workload; callers that mean otherwise check first.
    pub fn select(&self, namespace: &str, selector: &Selector) -> Vec<ObjectId> {
        self.candidates(
            namespace,
            selector,
            &self.pods_by_label,
            self.workloads_in(namespace),
        )
        .iter()
        .copied()
        .filter(|&c| {
            let o = self.get(c);
            o.workload().is_some_and(|w| pod_matches(o, w, selector))
        })
        .collect()
    }

    /// The objects of `all` (a namespace's workloads or custom resources) that `select`
    /// tests against a selector, in input order: the posting list of one `key=value` pair
    /// every match must carry; else, for an `In` expression, the union of the posting lists
    /// of its values (disjoint, since an object has one value per key); only a selector with
    /// neither (`NotIn`, `Exists`, `DoesNotExist` alone) scans `all`. Labels that differ
    /// from pod to pod (a StatefulSet pod's name) are not in the posting lists, so they are
    /// not used to look up candidates.
    fn candidates<'s>(
        &'s self,
        namespace: &str,
        selector: &Selector,
        posting: &'s HashMap<Key3, Vec<ObjectId>>,
        all: &'s [ObjectId],
    ) -> Cow<'s, [ObjectId]> {
        let list = |k: &str, v: &str| {
            self.symbols
                .find3(namespace, k, v)
                .and_then(|key| posting.get(&key))
                .map_or(&[][..], |v| v.as_slice())
        };
        let indexed = |k: &str| k != STATEFULSET_POD_NAME && k != STATEFULSET_POD_INDEX;
        // The shortest posting list of the selector's labels: every candidate must carry all
        // of them, so any one list holds every match.
        if let Some(shortest) = selector
            .match_labels
            .iter()
            .filter(|(k, _)| indexed(k))
            .map(|(k, v)| list(k, v))
            .min_by_key(|l| l.len())
        {
            return Cow::Borrowed(shortest);
        }
        let one_of = selector
            .expressions
            .iter()
            .find(|r| r.operator == Operator::In && indexed(&r.key));
        match one_of {
            Some(r) => {
                let mut ids: Vec<ObjectId> = r
                    .values
                    .iter()
                    .flat_map(|v| list(&r.key, v).iter().copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                Cow::Owned(ids)
            }
            None => Cow::Borrowed(all),
        }
    }

    /// HorizontalPodAutoscalers in the workload's namespace that target it by kind and name
    /// and are bound to it (the nearest of same-named alternatives, see `bind_hpas`).
    pub fn hpas_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.hpas_by_workload, obj)
    }

    /// Workloads an HPA is bound to, in input order (several when same-named alternatives are
    /// equally near it).
    pub fn scaled_by(&self, hpa: &Object) -> Vec<&Object> {
        self.reverse(&self.workloads_by_hpa, hpa)
    }

    /// The replicas a workload runs with: `spec.replicas` (absent = 1), unless an autoscaler
    /// in its namespace targets it by kind and name (a HorizontalPodAutoscaler, whose
    /// `minReplicas` defaults to 1, or a KEDA ScaledObject, whose `minReplicaCount` defaults
    /// to 0), in which case its minimum. `spec.replicas: 0` stays 0: an HPA leaves a target
    /// scaled to zero alone. `None` for kinds without replicas (Pod, DaemonSet, Job, CronJob)
    /// and for non-workloads.
    pub fn effective_replicas<'a>(&'a self, obj: &'a Object) -> Option<Replicas<'a>> {
        let w = obj.workload()?;
        if !REPLICATED_KINDS.contains(&obj.kind) {
            return None;
        }
        // Variants of one workload (one per environment directory) each have theirs: prefer
        // the autoscaler written in the workload's own file; of equally near ones, the one
        // that allows the fewest replicas (never the first in path order).
        let hpas = self.hpas_for(obj);
        let min = |h: &&Object| match &h.spec {
            Spec::HorizontalPodAutoscaler(s) => s.min_replicas.as_ref().map_or(1, |m| m.value),
            _ => 1,
        };
        let hpa = hpas
            .iter()
            .find(|h| h.file == obj.file)
            .or_else(|| hpas.iter().min_by_key(|h| (min(h), h.id)))
            .copied();
        let replicas = w.replicas.as_ref();
        let switched_off = replicas.is_some_and(|r| r.value == 0);
        if let (Some(h), false) = (hpa, switched_off) {
            if let Spec::HorizontalPodAutoscaler(spec) = &h.spec {
                return Some(Replicas {
                    count: spec
                        .min_replicas
                        .as_ref()
                        .map_or(spec.min_default, |m| m.value),
                    workload: obj,
                    replicas,
                    hpa: Some((h, spec)),
                });
            }
        }
        // A count that is not an integer is reported by `invalid-field-type`; it is unknown,
        // not the default 1.
        if w.replicas_invalid {
            return None;
        }
        Some(Replicas {
            count: replicas.map_or(1, |r| r.value),
            workload: obj,
            replicas,
            hpa: None,
        })
    }

    /// PodDisruptionBudgets that select the workload's pods.
    pub fn pdbs_for(&self, obj: &Object) -> Vec<&Object> {
        self.reverse(&self.pdbs_by_workload, obj)
    }

    /// Ids of the PodDisruptionBudgets that select the workload's pods, in input order,
    /// without building a list: for rules that look at one of them only.
    pub fn pdb_ids_for(&self, obj: &Object) -> &[ObjectId] {
        self.pdbs_by_workload
            .get(&obj.id)
            .map_or(&[], |v| v.as_slice())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{self, Extracted};

    fn index_of(text: &str) -> Index {
        let mut out = Extracted::default();
        for doc in crate::yaml::parse_stream(text, false) {
            if let Ok(tree) = doc.tree {
                model::extract(&tree, 0, None, "default", &mut out);
            }
        }
        Index::build(out.objects)
    }

    fn deployment(name: &str, ns: &str, labels: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {labels}\n    \
             spec:\n      containers: [{{name: app, image: app}}]\n---\n"
        )
    }

    fn pdb(api: &str, name: &str, ns: &str, selector: &str) -> String {
        format!(
            "apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  maxUnavailable: 1\n  selector: {selector}\n---\n"
        )
    }

    fn names<'a>(objs: &[&'a Object]) -> Vec<&'a str> {
        objs.iter().map(|o| o.display_name()).collect()
    }

    /// Many workloads and as many PDBs in one namespace: every selector is tested against the
    /// workloads of its shortest posting list only, so the total work grows with the number
    /// of objects, not with its square — even when every app shares the selector's first
    /// label (`a/component: web`, first in key order), whose list holds every workload.
    #[test]
    fn matching_uses_the_label_index_not_every_pair() {
        const N: usize = 2000;
        let mut text = String::new();
        for i in 0..N {
            text.push_str(&deployment(
                &format!("w{i}"),
                "team",
                &format!("{{a/component: web, app: w{i}, tier: web}}"),
            ));
        }
        for i in 0..N {
            let selector = if i % 2 == 0 {
                format!("{{matchLabels: {{a/component: web, app: w{i}}}}}")
            } else {
                format!("{{matchExpressions: [{{key: app, operator: In, values: [w{i}, gone]}}]}}")
            };
            text.push_str(&pdb("policy/v1", &format!("p{i}"), "team", &selector));
        }
        let ix = index_of(&text);
        assert_eq!(ix.len(), 2 * N);
        let mut tested = 0;
        for o in ix.objects() {
            if let Spec::PodDisruptionBudget(p) = &o.spec {
                let sel = p.selector.as_ref().map(|s| &s.value);
                tested += sel.map_or(0, |s| {
                    ix.candidates("team", s, &ix.pods_by_label, ix.workloads_in("team"))
                        .len()
                });
            }
        }
        assert_eq!(
            tested, N,
            "each selector is tested against its own workload only"
        );
        for o in ix.objects().iter().take(N) {
            let pdbs = ix.pdbs_for(o);
            assert_eq!(pdbs.len(), 1);
            assert_eq!(&pdbs[0].display_name()[1..], &o.display_name()[1..]);
        }
    }

    #[test]
    fn pdb_selectors_follow_the_api_version_and_namespace() {
        let mut text = deployment("web", "team", "{app: web}");
        text.push_str(&deployment("api", "team", "{app: api}"));
        text.push_str(&deployment("web", "other", "{app: web}"));
        text.push_str(&pdb("policy/v1", "all", "team", "{}"));
        text.push_str(&pdb("policy/v1beta1", "none", "team", "{}"));
        text.push_str(&pdb(
            "policy/v1",
            "expr",
            "team",
            "{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}",
        ));
        text.push_str(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\n\
             metadata: {name: null-selector, namespace: team}\nspec: {maxUnavailable: 1}\n",
        );
        let ix = index_of(&text);
        let by_name = |n: &str| ix.find("team", "PodDisruptionBudget", n);
        let selected = |n: &str| by_name(n).map(|p| names(&ix.selected_by(p)));
        assert_eq!(selected("all"), Some(vec!["web", "api"]));
        assert_eq!(selected("none"), Some(vec![]));
        assert_eq!(selected("expr"), Some(vec!["web"]));
        assert_eq!(selected("null-selector"), Some(vec![]));
        let web = ix.find("team", "Deployment", "web");
        assert_eq!(
            web.map(|w| names(&ix.pdbs_for(w))),
            Some(vec!["all", "expr"])
        );
        let other = ix.find("other", "Deployment", "web");
        assert_eq!(other.map(|w| ix.pdbs_for(w).len()), Some(0));
    }
}

#[cfg(test)]
mod hpa_binding_tests {
    use super::*;
    use crate::base::diagnostic::FileId;

    fn objects(files: &[&str]) -> Vec<Object> {
        let mut out = crate::model::Extracted::default();
        for (i, text) in files.iter().enumerate() {
            for doc in crate::yaml::parse_stream(text, false) {
                if let Ok(tree) = doc.tree {
                    crate::model::extract(&tree, i as FileId, None, "default", &mut out);
                }
            }
        }
        out.objects
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec:\n  replicas: 2\n  template: {metadata: {labels: {app: f}}, spec: {containers: [{name: c, image: i}]}}\n";
    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: f}\nspec:\n  scaleTargetRef: {kind: Deployment, name: frontend}\n  minReplicas: 6\n";

    #[test]
    fn an_hpa_binds_to_the_nearest_of_same_named_workloads() {
        let paths = [
            "shop/prod/deploy.yaml",
            "shop/prod/hpa.yaml",
            "demo/frontend.yaml",
        ];
        let ix = Index::build_with_paths(objects(&[DEPLOY, HPA, DEPLOY]), &paths);
        let scaled: Vec<usize> = ix
            .objects()
            .iter()
            .filter(|o| o.workload().is_some())
            .map(|o| ix.hpas_for(o).len())
            .collect();
        assert_eq!(scaled, vec![1, 0]);
    }

    #[test]
    fn a_unique_target_binds_wherever_it_is() {
        let paths = ["deploy/frontend.yaml", "autoscaling/hpa.yaml"];
        let ix = Index::build_with_paths(objects(&[DEPLOY, HPA]), &paths);
        let w = ix
            .objects()
            .iter()
            .find(|o| o.workload().is_some())
            .expect("workload");
        assert_eq!(ix.effective_replicas(w).map(|r| r.count), Some(6));
    }

    /// A patch that only raises `replicas` (no template, no image) and a base of its name.
    const PATCH: &str =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec: {replicas: 4}\n";

    #[test]
    fn a_patch_has_a_base_only_within_its_file_or_kustomization() {
        let base_of = |apps: [&[u32]; 2]| {
            let files = [
                FileInfo {
                    path: "overlay/patch.yaml",
                    apps: apps[0],
                },
                FileInfo {
                    path: "base/frontend.yaml",
                    apps: apps[1],
                },
            ];
            let ix = Index::build_with_files(objects(&[PATCH, DEPLOY]), &files);
            let patch = ix.objects().first().expect("patch");
            ix.bases_of(patch).count()
        };
        // Loose files side by side (two test fixtures that share a name): no base.
        assert_eq!(base_of([&[], &[]]), 0);
        // An overlay whose kustomization names the base's directory: the base.
        assert_eq!(base_of([&[1], &[0, 1]]), 1);
        // Two unrelated applications: no base.
        assert_eq!(base_of([&[1], &[0]]), 0);
        // In one file: the base.
        let one = format!("{PATCH}---\n{DEPLOY}");
        let ix = Index::build_with_paths(objects(&[&one]), &["all.yaml"]);
        let patch = ix.objects().first().expect("patch");
        assert_eq!(ix.bases_of(patch).count(), 1);
    }
}
