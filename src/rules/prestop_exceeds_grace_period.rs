use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, LONG_RUNNING_KINDS};
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta, OptionValue, RuleOption};
use crate::model::wait::{seconds, Wait};

/// Seconds of the grace period that must remain for the application's own shutdown.
pub const MIN_SHUTDOWN: RuleOption = RuleOption {
    name: "min-shutdown-seconds",
    default: OptionValue::Integer { default: 5, min: 0 },
        description: "Seconds of the grace period that must remain after the preStop wait for \
the application's own shutdown; less is a warning",
    };

pub static META: RuleMeta = RuleMeta {
    id: "prestop-exceeds-grace-period",
    severity: Severity::Error,
    summary: "A preStop sleep is not shorter than the pod's terminationGracePeriodSeconds",
    hook: Hook::Object(Kinds::Only(LONG_RUNNING_KINDS)),
    what_it_does: "Compares the wait of each container's preStop hook with the pod's \
`terminationGracePeriodSeconds` (30 when absent). It is an error when the wait is not shorter \
than the grace period, and a warning (same rule) when it is shorter but leaves less than \
`min-shutdown-seconds` for the application's own shutdown.\n\n\
The wait is read as `missing-prestop-sleep` reads it: `sleep N` in an exec command, directly or \
in a `sh -c`/`bash -c` script (several sleeps are added up; `20s`, `1m`, `1.5` and `infinity` \
are understood), or the native `sleep: {seconds: N}` action. A hook whose duration the manifest \
does not say (an `httpGet` hook, `sleep $DELAY`, a sleep inside a loop) is not checked.\n\n\
The grace period is the pod's, so every long-running container is checked, sidecars (init \
containers with `restartPolicy: Always`) included; ordinary init containers cannot have \
lifecycle hooks. Each container is compared alone: app containers run their hooks at the same \
time, and sidecars are stopped after them, so a sidecar's wait has even less of the grace \
period left than this rule assumes.",
    why_it_matters: "The grace period starts when the pod is deleted, not when the hook ends: \
the preStop hook runs inside it. When the sleep uses the whole grace period, the kubelet kills \
the container (after a last 2-second extension) before the application ever receives SIGTERM, \
so in-flight requests are cut off, connections are reset and shutdown code never runs, on \
every rollout and every node drain. When the sleep leaves only a few seconds, the application \
gets SIGTERM but is killed before it can finish what it is doing. Size the grace period as the \
preStop sleep plus the longest request or shutdown task the application has to complete.",
    example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.1
          ports:
            - containerPort: 8080
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "45"]
"#,
    use_instead: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: api
          image: registry.example.com/api:2.1
          ports:
            - containerPort: 8080
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "15"]
"#,
    options: &[MIN_SHUTDOWN],
    references: &[
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
    ],
};

pub struct PrestopExceedsGracePeriod;

/// Default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE: i64 = 30;

impl Rule for PrestopExceedsGracePeriod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(w) = obj.workload().filter(|w| !w.borrowed_template) else {
            return;
        };
        let t = &w.template;
        let grace = t.termination_grace_period.as_ref();
        let grace_s = grace.map_or(DEFAULT_GRACE, |g| g.value);
        if grace_s < 0 {
            return;
        }
        let grace_text = match grace {
            Some(_) => format!("terminationGracePeriodSeconds {grace_s}s"),
            None => format!("terminationGracePeriodSeconds {grace_s}s (default)"),
        };
        let min_shutdown = cx.settings.integer(META.id, &MIN_SHUTDOWN);
        let grace_ms = grace_s.saturating_mul(1000);
        for c in t.long_running_containers() {
            let Some(wait) = &c.pre_stop_wait else {
                continue;
            };
            let name = c.display_name();
            let d = match wait.value {
                Wait::Unknown => continue,
                Wait::Forever => META.at(obj, wait.span,
                        format!(
                            "preStop sleep infinity of container `{name}` never ends: the kubelet \
                             kills the container when {grace_text} run out, and the application \
                             never gets SIGTERM"
                        ),
                    )
                    .help(
                        "sleep only as long as load balancers need to stop sending requests, \
                         e.g. `sleep 10`, and leave the rest of the grace period to the \
                         application's shutdown",
                    ),
                Wait::Fixed(ms) if ms >= grace_ms => {
                    let suggested = ceil_seconds(ms).saturating_add(min_shutdown.max(30));
                    META.at(obj, wait.span,
                        format!(
                            "preStop sleep {} of container `{name}` is not shorter than \
                             {grace_text}: the kubelet kills the container before the \
                             application gets SIGTERM",
                            seconds(ms)
                        ),
                    )
                    .help(format!(
                        "raise the pod's grace period to the sleep plus the time the application \
                         needs to finish in-flight requests, e.g. \
                         `terminationGracePeriodSeconds: {suggested}`, or shorten the sleep"
                    ))
                }
                Wait::Fixed(ms) if grace_ms - ms < min_shutdown.saturating_mul(1000) => {
                    let suggested = ceil_seconds(ms).saturating_add(min_shutdown.max(30));
                    META.at(obj, wait.span,
                        format!(
                            "preStop sleep {} of container `{name}` leaves {} of {grace_text} for \
                             the application's shutdown, less than min-shutdown-seconds {min_shutdown}s",
                            seconds(ms),
                            seconds(grace_ms - ms)
                        ),
                    )
                    .severity(Severity::Warning)
                    .help(format!(
                        "raise the pod's grace period to the sleep plus the time the application \
                         needs to finish in-flight requests, e.g. \
                         `terminationGracePeriodSeconds: {suggested}`, or shorten the sleep"
                    ))
                }
                Wait::Fixed(_) => continue,
            };
            let d = match grace {
                Some(g) => d.related(obj.file, g.span, "the pod's grace period is set here"),
                None => d,
            };
            out.push(d);
        }
    }
}

fn ceil_seconds(ms: i64) -> i64 {
    ms.saturating_add(999) / 1000
}
