use crate::rule::deprecated_apis::{self, Status};
use crate::base::diagnostic::{Diagnostic, Severity};
use crate::model::Object;
use crate::rule::{Context, Hook, Kinds, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "deprecated-api",
    severity: Severity::Warning,
    summary: "The apiVersion is deprecated at the target Kubernetes release",
    hook: Hook::Object(Kinds::Any),
    what_it_does: "Looks up each object's apiVersion and kind in kube-contract's table of \
deprecated and removed Kubernetes APIs (every row is listed in \
[docs/deprecated-apis.md](../deprecated-apis.md)) and reports the objects whose apiVersion is \
deprecated at the target release but still served, at the `apiVersion` value. The message \
names the release that will stop serving it (or says that no removal is scheduled) and the \
replacement, and whether the replacement is already served at the target; the help lists what \
else changes with the new version.\n\n\
The target release is `--kubernetes-version X.Y` (`vX.Y` and `X.Y.Z` are accepted too); \
without it, the newest release kube-contract knows (the newest release of its schema data; a \
newer target is refused). Once the target reaches the removal release, \
the object is `removed-api`'s finding instead, never both. Objects inside a `kind: List` and \
in Helm-rendered streams are checked one by one.",
    why_it_matters: "A deprecated apiVersion still works, and that is the trap: nothing fails \
until the release that removes it, and then every pipeline that applies the manifest fails on \
the same day, usually the day after a cluster upgrade. Kubernetes keeps serving a deprecated beta \
version for at least three releases or nine months, whichever is longer; migrating while both \
versions are served lets the change ship in an ordinary release, reviewed and rolled out like \
any other, instead of under pressure during an upgrade. When the replacement is not yet served \
at the target release, the message says so: the manifest then has to change together with \
the upgrade.",
    example: r#"apiVersion: v1
kind: Endpoints
metadata:
  name: legacy-db
subsets:
  - addresses:
      - ip: 10.0.12.7
    ports:
      - name: postgres
        port: 5432
"#,
    use_instead: r#"apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db-1
  labels:
    kubernetes.io/service-name: legacy-db
addressType: IPv4
endpoints:
  - addresses: ["10.0.12.7"]
ports:
  - name: postgres
    port: 5432
"#,
    options: &[],
    references: &[
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
        "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/",
    ],
};

pub struct DeprecatedApi;

impl Rule for DeprecatedApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_object(&self, obj: &Object, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((table, row, target)) = deprecated_apis::lookup(obj, cx.settings) else {
            return;
        };
        if row.status(target) != Status::Deprecated {
            return;
        }
        let removal = match row.removed_in {
            Some(r) => format!("removed in {r}"),
            None => "not scheduled for removal".to_string(),
        };
        let replacement = table.replacement_at(row, target);
        out.push(
            META.at(obj, obj.api_version,
                format!(
                    "{} `{}` uses {}, deprecated since Kubernetes {} and {removal} ({}): {}",
                    obj.key.kind,
                    obj.display_name(),
                    row.api_version,
                    row.deprecated_in,
                    deprecated_apis::describe_target(cx.settings, target),
                    deprecated_apis::replacement_clause(replacement.as_ref(), target),
                ),
            )
            .help(deprecated_apis::help(row, replacement.as_ref(), target)),
        );
    }
}
