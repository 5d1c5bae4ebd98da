use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Object};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "progress-deadline-too-short",
    severity: Severity::Error,
    summary: "A Deployment's progressDeadlineSeconds is not longer than its minReadySeconds",
    hook: Hook::Object(Kinds::Only(&[Kind::Deployment])),
    what_it_does: "Reports a Deployment whose `minReadySeconds` (0 when absent) is at or above \
its `progressDeadlineSeconds` (600 when absent). The finding points at \
`progressDeadlineSeconds` when it is written, else at `minReadySeconds`. A Deployment of \
`extensions/v1beta1`, where an absent deadline means none, is judged only when it writes one.",
    why_it_matters: "A new pod counts as available only once it has been ready for \
`minReadySeconds`, and the Deployment controller marks a rollout failed \
(`ProgressDeadlineExceeded`) when it makes no progress for `progressDeadlineSeconds`. With the \
deadline at or below the minimum readiness time, every rollout would be marked failed before \
a single new pod could count as available, so the API server refuses such a Deployment \
(`spec.progressDeadlineSeconds: Invalid value: must be greater than minReadySeconds`): the \
apply fails, and a pipeline that applies several objects leaves the release half rolled out.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 600
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 30
  progressDeadlineSeconds: 600
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#min-ready-seconds",
    ],
};

/// `progressDeadlineSeconds` when absent (apps/v1 defaulting).
const DEFAULT_DEADLINE: i64 = 600;

pub struct ProgressDeadlineTooShort;

impl Rule for ProgressDeadlineTooShort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload() else { return };
        let min_ready = w.min_ready_seconds.as_ref();
        let deadline = w.progress_deadline_seconds.as_ref();
        if deadline.is_none() && obj.key.api_version == "extensions/v1beta1" {
            return;
        }
        let min_s = min_ready.map_or(0, |m| m.value);
        let deadline_s = deadline.map_or(DEFAULT_DEADLINE, |d| d.value);
        // The API server refuses a negative minReadySeconds on its own.
        if min_s < deadline_s || min_s < 0 {
            return;
        }
        let min_text = match min_ready {
            Some(_) => format!("minReadySeconds {min_s}"),
            None => format!("minReadySeconds {min_s} (default)"),
        };
        let deadline_text = match deadline {
            Some(_) => format!("progressDeadlineSeconds {deadline_s}"),
            None => format!("progressDeadlineSeconds {deadline_s} (default)"),
        };
        let (span, other) = match (deadline, min_ready) {
            (Some(d), m) => (d.span, m.map(|m| (m.span, "minReadySeconds is set here"))),
            (None, Some(m)) => (m.span, None),
            (None, None) => return,
        };
        let mut d = META.at(obj, span,
                format!(
                    "{deadline_text} of Deployment {} is not longer than its {min_text}: the API \
                     server refuses it, since no new pod could count as available before the \
                     rollout is marked failed",
                    obj.display_name()
                ),
            )
            .help(
                // Both fields are int32: no example past what the API server accepts.
                match min_s
                    .checked_add(DEFAULT_DEADLINE)
                    .filter(|s| *s <= i64::from(i32::MAX))
                {
                    Some(example) => format!(
                        "make `progressDeadlineSeconds` longer than `minReadySeconds` plus the \
                         time a new pod needs to start and become ready, e.g. \
                         `progressDeadlineSeconds: {example}`, or lower `minReadySeconds`"
                    ),
                    None => "lower `minReadySeconds`: it is longer than any progress deadline \
                             the API server accepts"
                        .to_string(),
                },
            );
        if let Some((s, text)) = other {
            d = d.related(obj.file, s, text);
        }
        out.push(d);
    }
}
