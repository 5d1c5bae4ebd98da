#!/usr/bin/env python3
"""Compacts the Kubernetes API schemas into the table kube-contract embeds.

Input: the standalone JSON schemas shipped in the PyPI package `kubernetes-validate`
(Apache-2.0), one `_definitions.json` per release, derived from the official OpenAPI documents.
Output: `src/schema/builtin.txt`, read by `src/schema/builtin.rs`.

Run by hand when a Kubernetes release comes out (see README, "Design"):

    pip download --no-deps kubernetes-validate==1.37.0 -d /tmp/kv
    python3 scripts/gen-schemas.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl

What is kept, for every apiVersion/kind of every release 1.25 and later: the fields of each
object type, the type of each scalar (string, integer, number, boolean, int-or-string,
quantity), lists, maps with arbitrary keys (`additionalProperties`), and types that accept
anything (`RawExtension`, `JSON`, recursion cut short). Descriptions, formats and `status`
are dropped. Types are interned by structure, so a type shared by many kinds and releases is
written once; a kind's type per release is stored as release ranges.

The schemas carry no enums for fields (the OpenAPI documents describe them in prose), so the
closed enums below are curated by hand from the API reference, limited to values that have
not changed across 1.25–1.37. An enum listed here is checked in every release.
"""

import json
import re
import sys
import zipfile

FIRST_MINOR = 25

# (definition name without its package, property) -> allowed values. The empty string is
# always accepted too (it means "unset" to the API server's defaulting).
#
# Not listed: the `type` of a Deployment's `strategy` and of a StatefulSet's or DaemonSet's
# `updateStrategy`, which the rule `rollout-strategy-invalid` checks (with the kind's own
# values), so that a misspelled type is reported once.
ENUMS = {
    ("StatefulSetSpec", "podManagementPolicy"): ["OrderedReady", "Parallel"],
    ("StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted"): ["Delete", "Retain"],
    ("StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled"): ["Delete", "Retain"],
    ("TopologySpreadConstraint", "whenUnsatisfiable"): ["DoNotSchedule", "ScheduleAnyway"],
    ("TopologySpreadConstraint", "nodeAffinityPolicy"): ["Honor", "Ignore"],
    ("TopologySpreadConstraint", "nodeTaintsPolicy"): ["Honor", "Ignore"],
    ("Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("EphemeralContainer", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("Container", "terminationMessagePolicy"): ["FallbackToLogsOnError", "File"],
    ("PodSpec", "restartPolicy"): ["Always", "Never", "OnFailure"],
    ("PodSpec", "dnsPolicy"): ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    ("PodSpec", "preemptionPolicy"): ["Never", "PreemptLowerPriority"],
    ("PodSecurityContext", "fsGroupChangePolicy"): ["Always", "OnRootMismatch"],
    ("SeccompProfile", "type"): ["Localhost", "RuntimeDefault", "Unconfined"],
    ("Toleration", "operator"): ["Equal", "Exists"],
    ("Toleration", "effect"): ["NoExecute", "NoSchedule", "PreferNoSchedule"],
    ("Taint", "effect"): ["NoExecute", "NoSchedule", "PreferNoSchedule"],
    ("NodeSelectorRequirement", "operator"): ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
    ("LabelSelectorRequirement", "operator"): ["DoesNotExist", "Exists", "In", "NotIn"],
    ("HTTPGetAction", "scheme"): ["HTTP", "HTTPS"],
    ("ContainerPort", "protocol"): ["SCTP", "TCP", "UDP"],
    ("ServicePort", "protocol"): ["SCTP", "TCP", "UDP"],
    ("EndpointPort", "protocol"): ["SCTP", "TCP", "UDP"],
    ("NetworkPolicyPort", "protocol"): ["SCTP", "TCP", "UDP"],
    ("ServiceSpec", "type"): ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    ("ServiceSpec", "sessionAffinity"): ["ClientIP", "None"],
    ("ServiceSpec", "externalTrafficPolicy"): ["Cluster", "Local"],
    ("ServiceSpec", "internalTrafficPolicy"): ["Cluster", "Local"],
    ("ServiceSpec", "ipFamilyPolicy"): ["PreferDualStack", "RequireDualStack", "SingleStack"],
    ("PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"): ["AlwaysAllow", "IfHealthyBudget"],
    ("HPAScalingRules", "selectPolicy"): ["Disabled", "Max", "Min"],
    ("HPAScalingPolicy", "type"): ["Percent", "Pods"],
    ("MetricSpec", "type"): ["ContainerResource", "External", "Object", "Pods", "Resource"],
    ("MetricTarget", "type"): ["AverageValue", "Utilization", "Value"],
    ("CronJobSpec", "concurrencyPolicy"): ["Allow", "Forbid", "Replace"],
    ("JobSpec", "completionMode"): ["Indexed", "NonIndexed"],
    ("HTTPIngressPath", "pathType"): ["Exact", "ImplementationSpecific", "Prefix"],
    ("PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): ["Delete", "Recycle", "Retain"],
    ("PersistentVolumeClaimSpec", "volumeMode"): ["Block", "Filesystem"],
    ("VolumeMount", "mountPropagation"): ["Bidirectional", "HostToContainer", "None"],
    ("StorageClass", "reclaimPolicy"): ["Delete", "Recycle", "Retain"],
    ("StorageClass", "volumeBindingMode"): ["Immediate", "WaitForFirstConsumer"],
}

# Items of these list properties form a closed enum too.
LIST_ENUMS = {
    ("PersistentVolumeClaimSpec", "accessModes"): [
        "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"],
    ("NetworkPolicySpec", "policyTypes"): ["Egress", "Ingress"],
}

# Definitions whose value is a scalar of two types.
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def short(name):
    return name.rsplit(".", 1)[-1]


class Interner:
    def __init__(self):
        self.types = []
        self.ids = {}

    def intern(self, node):
        key = json.dumps(node, sort_keys=True, separators=(",", ":"))
        found = self.ids.get(key)
        if found is None:
            found = len(self.types)
            self.ids[key] = found
            self.types.append(node)
        return found


class Release:
    def __init__(self, defs, interner):
        self.defs = defs
        self.interner = interner
        self.memo = {}

    def ref(self, name, visiting):
        if name == INT_OR_STRING:
            return self.interner.intern("io")
        if name == QUANTITY:
            return self.interner.intern("q")
        if name in visiting:
            # Recursion (JSONSchemaProps): accept anything below this point.
            return self.interner.intern("a")
        if name in self.memo:
            return self.memo[name]
        schema = self.defs.get(name)
        if schema is None:
            return self.interner.intern("a")
        tid = self.convert(schema, visiting | {name}, short(name))
        self.memo[name] = tid
        return tid

    def convert(self, schema, visiting, owner=None, prop=None):
        if "$ref" in schema:
            return self.ref(schema["$ref"].rsplit("/", 1)[-1], visiting)
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.convert(schema["allOf"][0], visiting, owner, prop)
        if "oneOf" in schema or "anyOf" in schema:
            kinds = set()
            for alt in schema.get("oneOf", []) + schema.get("anyOf", []):
                t = alt.get("type")
                kinds.update(t if isinstance(t, list) else [t])
            kinds.discard("null")
            if kinds == {"string", "integer"}:
                return self.interner.intern("io")
            if kinds == {"string", "number"}:
                return self.interner.intern("q")
            return self.interner.intern("a")
        types = schema.get("type")
        types = [t for t in (types if isinstance(types, list) else [types]) if t and t != "null"]
        if len(types) != 1:
            return self.interner.intern("a")
        t = types[0]
        if t == "object":
            props = schema.get("properties")
            extra = schema.get("additionalProperties")
            if schema.get("x-kubernetes-preserve-unknown-fields") and not props:
                return self.interner.intern("a")
            if not props:
                if isinstance(extra, dict):
                    return self.interner.intern({"m": self.convert(extra, visiting)})
                return self.interner.intern("a")
            fields = []
            for pname in sorted(props):
                fields.append([pname, self.convert(props[pname], visiting, owner, pname)])
            node = {"o": fields, "n": owner or "object"}
            if isinstance(extra, dict):
                node["m"] = self.convert(extra, visiting)
            elif extra is not False or schema.get("x-kubernetes-preserve-unknown-fields"):
                node["p"] = 1
            return self.interner.intern(node)
        if t == "array":
            items = schema.get("items")
            if isinstance(items, dict):
                if owner and (owner, prop) in LIST_ENUMS:
                    inner = self.interner.intern({"e": LIST_ENUMS[(owner, prop)]})
                else:
                    inner = self.convert(items, visiting)
            else:
                inner = self.interner.intern("a")
            return self.interner.intern({"l": inner})
        if t == "string":
            if owner and (owner, prop) in ENUMS:
                return self.interner.intern({"e": ENUMS[(owner, prop)]})
            return self.interner.intern("s")
        if t == "integer":
            return self.interner.intern("i")
        if t == "number":
            return self.interner.intern("n")
        if t == "boolean":
            return self.interner.intern("b")
        return self.interner.intern("a")

    def root(self, name):
        """A kind's own type: apiVersion and kind as plain strings, no status."""
        schema = dict(self.defs[name])
        props = dict(schema.get("properties", {}))
        props.pop("status", None)
        for k in ("apiVersion", "kind"):
            if k in props:
                props[k] = {"type": "string"}
        schema["properties"] = props
        return self.convert(schema, {name}, short(name))


def resources(defs):
    """(apiVersion, kind, definition) of every kind a manifest can hold."""
    out = []
    for name, schema in defs.items():
        if name.startswith("io.k8s.apimachinery."):
            continue
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            kind = gvk["kind"]
            if kind != short(name) or kind.endswith("List"):
                continue
            group = gvk.get("group", "")
            api_version = f"{group}/{gvk['version']}" if group else gvk["version"]
            out.append((api_version, kind, name))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-schemas.py kubernetes_validate-X.Y.Z-py3-none-any.whl")
    wheel = zipfile.ZipFile(sys.argv[1])
    pattern = re.compile(r"kubernetes_validate/kubernetes-json-schema/v1\.(\d+)\.0-local-strict/_definitions\.json$")
    found = {}
    for entry in wheel.namelist():
        m = pattern.search(entry)
        if m and int(m.group(1)) >= FIRST_MINOR:
            found[int(m.group(1))] = entry
    minors = sorted(found)
    if not minors or minors != list(range(minors[0], minors[-1] + 1)):
        sys.exit(f"expected consecutive releases, found {minors}")
    interner = Interner()
    for scalar in ["a", "s", "i", "n", "b", "io", "q"]:
        interner.intern(scalar)
    kinds = {}
    for idx, minor in enumerate(minors):
        defs = json.loads(wheel.read(found[minor]))["$defs"]
        release = Release(defs, interner)
        for api_version, kind, name in resources(defs):
            tid = release.root(name)
            ranges = kinds.setdefault((api_version, kind), [])
            if ranges and ranges[-1][1] == idx - 1 and ranges[-1][2] == tid:
                ranges[-1][1] = idx
            else:
                ranges.append([idx, idx, tid])
    path = "src/schema/builtin.txt"
    with open(path, "w") as f:
        f.write("# Generated by scripts/gen-schemas.py from %s; do not edit.\n"
                % wheel.filename.rsplit("/", 1)[-1])
        f.write("# One type per line, numbered from 0 in order; see src/schema/builtin.rs.\n")
        f.write("releases " + " ".join(f"1.{m}" for m in minors) + "\n")
        for t in interner.types:
            f.write(encode(t) + "\n")
        for (av, k), ranges in sorted(kinds.items()):
            f.write(f"kind {av} {k} " + " ".join(f"{a}-{b}:{t}" for a, b, t in ranges) + "\n")
    print(f"{path}: {len(minors)} releases, {len(kinds)} kinds, {len(interner.types)} types")


def encode(t):
    """A type as one line: `s`, `e A B`, `l 12`, `m 3`, `o Name REST field=id ...`, where
    REST is `-` (closed), `*` (any other key) or a type id (other keys, of that type)."""
    if isinstance(t, str):
        return t
    if "e" in t:
        return "e " + " ".join(t["e"])
    if "l" in t:
        return f"l {t['l']}"
    if "o" in t:
        rest = str(t["m"]) if "m" in t else ("*" if t.get("p") else "-")
        return f"o {t['n']} {rest} " + " ".join(f"{n}={i}" for n, i in t["o"])
    return f"m {t['m']}"


if __name__ == "__main__":
    main()
