//! A kustomize patch judged merged with its base.
//!
//! A workload fragment (a patch: its containers carry no `image`) whose base is among the
//! inputs, in its file or its kustomize application ([`Index::bases_of`]), is judged as what
//! the cluster runs: the base with the patch merged in ([`crate::model::patch::merge`]). The
//! base is judged as written too, so the merged workload's findings that the base already has
//! word for word are its, not the patch's; the others are the patch's:
//! - at the patch's own field when the finding points at one (a probe the patch adds that
//!   gives up sooner than the base's readiness probe);
//! - at the patch's name otherwise (its `replicas: 3` over a base with no anti-affinity),
//!   with the base's position as a related location. When several patch files of one overlay
//!   patch the same base (`healthcheck_patch.yaml` and `memorylimit_patch.yaml`, both with
//!   `replicas: 2`), such a finding is reported once, on the first of them.
//!
//! The work is bounded: a patch is judged with one base (the one in its own file, else the
//! first among the inputs), and the once-per-overlay comparison looks at no more than
//! [`MAX_SIBLINGS`] other patches (a stream of thousands of same-named patches is judged patch
//! by patch, in linear time).
//!
//! [`Index::bases_of`]: crate::index::Index::bases_of

use crate::base::diagnostic::Diagnostic;
use crate::model::{patch, Object};
use crate::rule::{Context, Rule};

/// Judges `fragment` merged with each of its bases, adding the findings to `out`. Returns
/// `false` when it is not a patch with a base among the inputs (judge it as written).
pub(crate) fn judge(
    fragment: &Object,
    cx: &Context<'_>,
    rules: &[&'static dyn Rule],
    out: &mut Vec<Diagnostic>,
) -> bool {
    if !fragment.workload().is_some_and(|w| w.is_fragment()) {
        return false;
    }
    // The base in the patch's own file, else the first among the inputs.
    let mut first = None;
    let mut same_file = None;
    for b in cx.index.bases_of(fragment) {
        first = first.or(Some(b));
        if b.file == fragment.file {
            same_file = Some(b);
            break;
        }
    }
    let Some(base) = same_file.or(first) else {
        return false;
    };
    // The base's own findings, once: every merged judgment below is compared with them.
    let mut own = Vec::new();
    for rule in rules {
        if rule.meta().applies_to(base) {
            rule.check_object(base, cx, &mut own);
        }
    }
    let Some(found) = merged_findings(fragment, base, &own, cx, rules) else {
        return false;
    };
    // What an earlier patch of the same base in the same overlay already says at its name.
    let siblings: Vec<&Object> = cx
        .index
        .sibling_patches(fragment, base)
        .take(MAX_SIBLINGS + 1)
        .collect();
    let earlier: Vec<Finding> = if siblings.len() > MAX_SIBLINGS {
        Vec::new()
    } else {
        siblings
            .into_iter()
            .filter(|s| s.id < fragment.id)
            .filter_map(|s| merged_findings(s, base, &own, cx, rules))
            .flatten()
            .filter(|f| f.at_name)
            .collect()
    };
    let start = out.len();
    for f in found {
        let d = f.diagnostic;
        let said = |o: &Diagnostic| o.rule == d.rule && o.message == d.message;
        if f.at_name && earlier.iter().any(|e| said(&e.diagnostic)) {
            continue;
        }
        if !out[start..].iter().any(|o| said(o) && o.span == d.span) {
            out.push(d);
        }
    }
    true
}

/// How many other patches of one base the once-per-overlay comparison looks at; an overlay
/// has a handful.
pub(crate) const MAX_SIBLINGS: usize = 8;

struct Finding {
    diagnostic: Diagnostic,
    /// Placed at the patch's name: the finding is about a field of the base.
    at_name: bool,
}

/// The findings of `fragment` merged into `base` that `base` as written (`own`) does not have, placed
/// in the patch's file; `None` when the two do not merge (not both workloads).
fn merged_findings(
    fragment: &Object,
    base: &Object,
    own: &[Diagnostic],
    cx: &Context<'_>,
    rules: &[&'static dyn Rule],
) -> Option<Vec<Finding>> {
    let merged = patch::merge(base, fragment)?;
    let mut found = Vec::new();
    for rule in rules {
        if rule.meta().applies_to(&merged.object) {
            rule.check_object(&merged.object, cx, &mut found);
        }
    }
    let in_patch = |file, span| file == base.file && merged.from_patch.contains(&span);
    let mut out = Vec::new();
    for mut d in found {
        if own
            .iter()
            .any(|o| o.rule == d.rule && o.message == d.message)
        {
            continue;
        }
        let at_name = !in_patch(d.file, d.span);
        if at_name {
            let (file, span) = (d.file, d.span);
            d.span = fragment.name_span();
            d.message.push_str(" (this patch merged with its base)");
            d = d.related(file, span, "in the base this patch is merged into");
        }
        d.file = fragment.file;
        d.template = fragment.template.clone();
        d.object = Some(fragment.key.clone());
        for r in &mut d.related {
            if in_patch(r.file, r.span) {
                r.file = fragment.file;
            }
        }
        out.push(Finding {
            diagnostic: d,
            at_name,
        });
    }
    Some(out)
}
