use crate::rule::deprecated_apis::{self, Status};
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "removed-api",
    severity: Severity::Error,
    summary: "The target Kubernetes release no longer serves this apiVersion for this kind",
    hook: Hook::Object(Kinds::Any),
    what_it_does: "Looks up each object's apiVersion and kind in kube-contract's table of \
deprecated and removed Kubernetes APIs (every row is listed in \
[docs/deprecated-apis.md](../deprecated-apis.md)) and reports the objects whose apiVersion the \
target release has stopped serving, at the `apiVersion` value. The message names the release \
that removed it and the replacement; the help lists what else changes with the new version \
(renamed fields, new required fields, new defaults).\n\n\
The target release is `--kubernetes-version X.Y` (`vX.Y` and `X.Y.Z` are accepted too). \
Without it, kube-contract checks against the newest release it knows (the newest release of \
its schema data; a newer target is refused), so that a \
manifest is ready for the release a cluster is upgraded to next. Objects inside a `kind: List` \
and in Helm-rendered streams are checked one by one. Versions that are only deprecated at the \
target are `deprecated-api`'s findings.",
    why_it_matters: "An upgrade does not rewrite the manifests in Git, the Helm charts or the \
GitOps repositories. Objects already stored in the cluster are converted by the API server and \
keep running, which is why the breakage shows up late: on the first deploy after the upgrade, \
`kubectl apply` fails with `no matches for kind \"PodDisruptionBudget\" in version \
\"policy/v1beta1\"`, Helm refuses the upgrade, and the GitOps sync stops at that object — in \
the middle of a release, with part of the change applied. A removed PodDisruptionBudget version \
is especially dangerous for availability: the budget can no longer be updated from its \
manifest, and a rewrite that changes the apiVersion alone may change its meaning (in policy/v1 an empty \
selector selects every pod of the namespace). Finding these objects before the upgrade turns \
an outage into a planned change.",
    example: r#"apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
"#,
    use_instead: r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
        "https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/#install-kubectl-convert-plugin",
    ],
};

pub struct RemovedApi;

impl Rule for RemovedApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((table, row, target)) = deprecated_apis::lookup(obj, cx.settings) else {
            return;
        };
        let (Status::Removed, Some(removed_in)) = (row.status(target), row.removed_in) else {
            return;
        };
        let replacement = table.replacement_at(row, target);
        out.push(
            META.at(obj, obj.api_version,
                format!(
                    "{} `{}` uses {}, removed in Kubernetes {removed_in} ({}): {}",
                    obj.key.kind,
                    obj.display_name(),
                    row.api_version,
                    deprecated_apis::describe_target(cx.settings, target),
                    deprecated_apis::replacement_clause(replacement.as_ref(), target),
                ),
            )
            .help(deprecated_apis::help(row, replacement.as_ref(), target)),
        );
    }
}
