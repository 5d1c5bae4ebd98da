//! A kustomize strategic-merge patch applied to its base, in the model.
//!
//! A patch names a workload of its base by kind, namespace and name and carries only the
//! fields it changes (no container `image`: see [`Workload::is_fragment`]). What the cluster
//! runs is the base with the patch merged in, so the rules judge that merged workload for the
//! patch. [`merge`] follows the strategic-merge rules of the Kubernetes types the model
//! reads:
//! - scalar fields (`replicas`, `terminationGracePeriodSeconds`, a probe's settings…): the
//!   patch's value wins;
//! - `containers` and `initContainers`: merged by `name` (patchMergeKey `name`), a container
//!   the base lacks is added; within a container, a probe or `lifecycle.preStop` the patch
//!   writes replaces the base's, `ports` merge by `containerPort`;
//! - `topologySpreadConstraints`: merged by `topologyKey`;
//! - the `podAntiAffinity` term lists: replaced when the patch writes any (they have no merge
//!   key);
//! - labels and annotations: merged key by key.
//!
//! The merged object keeps the base's positions for what the base wrote and the patch's for
//! what the patch wrote; [`Merged::from_patch`] lists the latter, so the engine can tell which
//! file a finding's position is in (a position carries no file).

use super::{Container, Object, PodTemplate, Spec, SpreadTerm, Workload};
use crate::base::span::Span;

/// The base with a patch merged in.
pub struct Merged {
    /// The merged object: the patch's identity (`apiVersion`, `kind`, name) and the base's
    /// file and index position.
    pub object: Object,
    /// Positions in the merged object that come from the patch's file.
    pub from_patch: Vec<Span>,
}

/// `patch` merged into `base`, when both are workloads.
pub fn merge(base: &Object, patch: &Object) -> Option<Merged> {
    let (b, p) = (base.workload()?, patch.workload()?);
    let mut from_patch = vec![patch.span, patch.kind_name, patch.api_version];
    from_patch.extend(patch.name);
    let mut labels = base.labels.clone();
    for (k, v) in patch.labels.iter() {
        labels.insert(k.clone(), v.clone());
    }
    let workload = Workload {
        replicas: pick(&p.replicas, &b.replicas, |r| r.span, &mut from_patch),
        replicas_invalid: if p.replicas.is_some() || p.replicas_invalid {
            p.replicas_invalid
        } else {
            b.replicas_invalid
        },
        selector: pick(&p.selector, &b.selector, |s| s.span, &mut from_patch),
        strategy: merge_strategy(b, p, &mut from_patch),
        template: merge_template(&b.template, &p.template, &mut from_patch),
        min_ready_seconds: pick(
            &p.min_ready_seconds,
            &b.min_ready_seconds,
            |s| s.span,
            &mut from_patch,
        ),
        progress_deadline_seconds: pick(
            &p.progress_deadline_seconds,
            &b.progress_deadline_seconds,
            |s| s.span,
            &mut from_patch,
        ),
        workload_ref: b.workload_ref.clone(),
        borrowed_template: b.borrowed_template,
    };
    let object = Object {
        id: base.id,
        key: patch.key.clone(),
        file: base.file,
        template: base.template.clone(),
        api_version: patch.api_version,
        kind: base.kind,
        kind_name: patch.kind_name,
        name: patch.name.or(base.name),
        span: patch.span,
        labels,
        annotations: merge_annotations(&base.annotations, &patch.annotations),
        has_owner_references: base.has_owner_references || patch.has_owner_references,
        spec: Spec::Workload(Box::new(workload)),
    };
    Some(Merged { object, from_patch })
}

/// The patch's value when it writes one (its position noted), else the base's.
fn pick<T: Clone>(
    patch: &Option<T>,
    base: &Option<T>,
    span: impl Fn(&T) -> Span,
    from_patch: &mut Vec<Span>,
) -> Option<T> {
    match patch {
        Some(v) => {
            from_patch.push(span(v));
            Some(v.clone())
        }
        None => base.clone(),
    }
}

fn merge_strategy(
    b: &Workload,
    p: &Workload,
    from_patch: &mut Vec<Span>,
) -> Option<Box<super::Strategy>> {
    let Some(ps) = &p.strategy else {
        return b.strategy.clone();
    };
    from_patch.push(ps.span);
    from_patch.extend(ps.rolling_update);
    let Some(bs) = &b.strategy else {
        note_strategy(ps, from_patch);
        return Some(ps.clone());
    };
    let mut merged = bs.clone();
    merged.span = ps.span;
    merged.kind = pick(&ps.kind, &bs.kind, |k| k.span, from_patch);
    merged.max_surge = pick(&ps.max_surge, &bs.max_surge, |k| k.span, from_patch);
    merged.max_unavailable = pick(
        &ps.max_unavailable,
        &bs.max_unavailable,
        |k| k.span,
        from_patch,
    );
    merged.partition = pick(&ps.partition, &bs.partition, |k| k.span, from_patch);
    merged.rolling_update = ps.rolling_update.or(bs.rolling_update);
    Some(merged)
}

fn note_strategy(s: &super::Strategy, from_patch: &mut Vec<Span>) {
    from_patch.extend(s.kind.as_ref().map(|k| k.span));
    from_patch.extend(s.max_surge.as_ref().map(|k| k.span));
    from_patch.extend(s.max_unavailable.as_ref().map(|k| k.span));
    from_patch.extend(s.partition.as_ref().map(|k| k.span));
}

fn merge_annotations(
    base: &[(String, crate::model::Spanned<String>)],
    patch: &[(String, crate::model::Spanned<String>)],
) -> Vec<(String, crate::model::Spanned<String>)> {
    let mut out: Vec<_> = base
        .iter()
        .filter(|(k, _)| !patch.iter().any(|(pk, _)| pk == k))
        .cloned()
        .collect();
    out.extend(patch.iter().cloned());
    out
}

fn merge_template(b: &PodTemplate, p: &PodTemplate, from_patch: &mut Vec<Span>) -> PodTemplate {
    let mut labels = b.labels.clone();
    for (k, v) in p.labels.iter() {
        labels.insert(k.clone(), v.clone());
    }
    let mut t = PodTemplate {
        labels,
        annotations: merge_annotations(&b.annotations, &p.annotations),
        span: b.span,
        containers: merge_containers(&b.containers, &p.containers, from_patch),
        init_containers: merge_containers(&b.init_containers, &p.init_containers, from_patch),
        termination_grace_period: pick(
            &p.termination_grace_period,
            &b.termination_grace_period,
            |g| g.span,
            from_patch,
        ),
        anti_affinity: if p.anti_affinity.is_empty() {
            b.anti_affinity.clone()
        } else {
            from_patch.extend(p.anti_affinity.iter().flat_map(term_spans));
            p.anti_affinity.clone()
        },
        topology_spread: b
            .topology_spread
            .iter()
            .filter(|bt| !p.topology_spread.iter().any(|pt| same_topology_key(bt, pt)))
            .cloned()
            .collect(),
        spread_unreadable: b.spread_unreadable || p.spread_unreadable,
        host_network: b.host_network || p.host_network,
        restart_policy: p
            .restart_policy
            .clone()
            .or_else(|| b.restart_policy.clone()),
    };
    from_patch.extend(p.topology_spread.iter().flat_map(term_spans));
    t.topology_spread.extend(p.topology_spread.iter().cloned());
    t
}

fn same_topology_key(a: &SpreadTerm, b: &SpreadTerm) -> bool {
    match (&a.topology_key, &b.topology_key) {
        (Some(x), Some(y)) => x.value == y.value,
        _ => false,
    }
}

fn term_spans(t: &SpreadTerm) -> impl Iterator<Item = Span> + '_ {
    std::iter::once(t.span)
        .chain(t.topology_key.as_ref().map(|k| k.span))
        .chain(t.selector.as_ref().map(|s| s.span))
}

fn merge_containers(
    base: &[Container],
    patch: &[Container],
    from_patch: &mut Vec<Span>,
) -> Vec<Container> {
    let name = |c: &Container| c.name.as_ref().map(|n| n.value.clone());
    let mut out: Vec<Container> = base.to_vec();
    for pc in patch {
        let found =
            name(pc).and_then(|n| out.iter_mut().find(|bc| name(bc).as_deref() == Some(&n)));
        match found {
            Some(bc) => merge_container(bc, pc, from_patch),
            None => {
                from_patch.extend(container_spans(pc));
                out.push(pc.clone());
            }
        }
    }
    out
}

fn merge_container(bc: &mut Container, pc: &Container, from_patch: &mut Vec<Span>) {
    // The container is named by the patch: findings about it as a whole stay on the patch.
    bc.span = pc.span;
    from_patch.push(pc.span);
    if let (Some(b), Some(p)) = (&mut bc.name, &pc.name) {
        b.span = p.span;
        from_patch.push(p.span);
    }
    bc.has_image |= pc.has_image;
    bc.is_sidecar |= pc.is_sidecar;
    for port in &pc.ports {
        from_patch.push(port.span);
        let same = |bp: &super::ContainerPort| {
            bp.container_port.is_some() && bp.container_port == port.container_port
        };
        match bc.ports.iter_mut().find(|bp| same(bp)) {
            Some(bp) => *bp = port.clone(),
            None => bc.ports.push(port.clone()),
        }
    }
    for (b, p) in [
        (&mut bc.readiness_probe, &pc.readiness_probe),
        (&mut bc.liveness_probe, &pc.liveness_probe),
        (&mut bc.startup_probe, &pc.startup_probe),
    ] {
        if let Some(probe) = p {
            from_patch.push(probe.span);
            from_patch.extend(probe.port.as_ref().map(|p| p.span));
            *b = Some(probe.clone());
        }
    }
    if let Some(pre_stop) = &pc.pre_stop {
        from_patch.push(pre_stop.span);
        from_patch.extend(pc.pre_stop_wait.as_ref().map(|w| w.span));
        bc.pre_stop = Some(pre_stop.clone());
        bc.pre_stop_wait = pc.pre_stop_wait.clone();
    }
    if !pc.numbers_in_args.is_empty() {
        bc.numbers_in_args
            .extend(pc.numbers_in_args.iter().copied());
        bc.numbers_in_args.sort_unstable();
        bc.numbers_in_args.dedup();
    }
    for u in &pc.unreadable {
        if !bc.unreadable.contains(u) {
            bc.unreadable.push(u);
        }
    }
}

/// Every position a container of the patch holds.
fn container_spans(c: &Container) -> Vec<Span> {
    let mut spans = vec![c.span];
    spans.extend(c.name.as_ref().map(|n| n.span));
    spans.extend(c.ports.iter().map(|p| p.span));
    for probe in [&c.readiness_probe, &c.liveness_probe, &c.startup_probe]
        .into_iter()
        .flatten()
    {
        spans.push(probe.span);
        spans.extend(probe.port.as_ref().map(|p| p.span));
    }
    spans.extend(c.pre_stop.as_ref().map(|p| p.span));
    spans.extend(c.pre_stop_wait.as_ref().map(|w| w.span));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{extract, Extracted};

    fn objects(text: &str) -> Vec<Object> {
        let mut out = Extracted::default();
        for doc in crate::yaml::parse_stream(text, false) {
            if let Ok(tree) = doc.tree {
                extract(&tree, 0, None, "default", &mut out);
            }
        }
        out.objects
    }

    const BASE: &str = "kind: Deployment
apiVersion: apps/v1
metadata: {name: api}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: api}}
    spec:
      terminationGracePeriodSeconds: 20
      topologySpreadConstraints:
        - {topologyKey: kubernetes.io/hostname, maxSkew: 1, whenUnsatisfiable: ScheduleAnyway}
        - {topologyKey: topology.kubernetes.io/zone, maxSkew: 1, whenUnsatisfiable: ScheduleAnyway}
      containers:
        - name: api
          image: api:1
          ports: [{containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
";

    const PATCH: &str = "kind: Deployment
apiVersion: apps/v1
metadata: {name: api}
spec:
  replicas: 3
  template:
    metadata: {labels: {tier: web}}
    spec:
      topologySpreadConstraints:
        - {topologyKey: topology.kubernetes.io/zone, maxSkew: 2, whenUnsatisfiable: DoNotSchedule}
      containers:
        - name: api
          ports: [{containerPort: 9090}]
          livenessProbe: {httpGet: {path: /live, port: 8080}}
        - name: sidecar
          ports: [{containerPort: 15000}]
";

    #[test]
    fn strategic_merge_of_a_patch_into_its_base() {
        let (base, patch) = (objects(BASE), objects(PATCH));
        let merged = merge(&base[0], &patch[0]).expect("both are workloads");
        let w = merged.object.workload().expect("a workload");
        // Scalars: the patch's value wins, with the patch's position; unset ones stay.
        let replicas = w.replicas.as_ref().expect("replicas");
        assert_eq!(replicas.value, 3);
        assert!(merged.from_patch.contains(&replicas.span));
        let grace = w.template.termination_grace_period.as_ref().expect("grace");
        assert_eq!(grace.value, 20);
        assert!(!merged.from_patch.contains(&grace.span));
        // Labels merge key by key.
        let labels: Vec<_> = w.template.labels.iter().collect();
        assert_eq!(labels.len(), 2, "{labels:?}");
        // Containers merge by name, ports by containerPort; a new container is added.
        let names: Vec<_> = w
            .template
            .containers
            .iter()
            .map(|c| c.display_name())
            .collect();
        assert_eq!(names, ["api", "sidecar"]);
        let api = &w.template.containers[0];
        assert!(api.has_image && api.readiness_probe.is_some() && api.liveness_probe.is_some());
        let ports: Vec<_> = api.ports.iter().filter_map(|p| p.container_port).collect();
        assert_eq!(ports, [8080, 9090]);
        // Spread constraints merge by topologyKey: the patch's zone term replaces the base's.
        let spread: Vec<_> = w
            .template
            .topology_spread
            .iter()
            .map(|t| {
                (
                    t.topology_key.as_ref().map(|k| k.value.as_str()),
                    t.required,
                )
            })
            .collect();
        assert_eq!(
            spread,
            [
                (Some("kubernetes.io/hostname"), false),
                (Some("topology.kubernetes.io/zone"), true)
            ]
        );
        // The merged object is the patch's (name, identity) at the base's place in the index.
        assert_eq!(merged.object.id, base[0].id);
        assert_eq!(merged.object.file, base[0].file);
        assert!(merged.from_patch.contains(&merged.object.name_span()));
    }
}
