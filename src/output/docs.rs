//! Rule documentation generated from rule metadata: `docs/rules/<id>.md`,
//! `docs/rules/README.md`, `docs/configuration.md`, and the text `explain <id>` prints. The test `docs_are_fresh`
//! fails when the checked-in files differ; `UPDATE_DOCS=1 cargo test --test docs` rewrites them.

use std::fmt::Write;

use crate::rule::{Hook, Kinds, RuleMeta};
use crate::rules;

/// What a rule looks at, by its hook.
fn checks(hook: Hook) -> String {
    match hook {
        Hook::Document => "Checks: every document, as read.".to_string(),
        Hook::Object(Kinds::Only(kinds)) => format!(
            "Checks: {}",
            kinds
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Hook::Object(Kinds::Any) => "Checks: every object.".to_string(),
        Hook::Run => "Checks: the objects of the run together.".to_string(),
        Hook::Suppressions => "Checks: the suppressions of the run.".to_string(),
    }
}

/// The Markdown page of one rule.
pub fn rule_page(m: &RuleMeta) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# `{}`\n", m.id);
    let _ = writeln!(s, "Default severity: **{}**  ", m.severity);
    let _ = writeln!(s, "{}\n", checks(m.hook));
    let _ = writeln!(s, "{}.\n", m.summary);
    let _ = writeln!(s, "## What it does\n\n{}\n", m.what_it_does.trim());
    let _ = writeln!(s, "## Why it matters\n\n{}\n", m.why_it_matters.trim());
    let _ = writeln!(s, "## Example\n\n```yaml\n{}\n```\n", m.example.trim_end());
    let _ = writeln!(
        s,
        "## Use instead\n\n```yaml\n{}\n```\n",
        m.use_instead.trim_end()
    );
    let _ = writeln!(s, "## Options\n");
    if m.options.is_empty() {
        let _ = writeln!(
            s,
            "None. The severity is set in `.kube-contract.yaml` (`error`, `warning`, `info` or \
             `off`; see docs/configuration.md):\n"
        );
        let _ = writeln!(s, "```yaml\nrules:\n  {}: {}\n```\n", m.id, m.severity);
    } else {
        let _ = writeln!(
            s,
            "| option | type | default | meaning |\n|---|---|---|---|"
        );
        for o in m.options {
            let _ = writeln!(
                s,
                "| `{}` | {} | `{}` | {} |",
                o.name,
                o.kind().describe(),
                o.default,
                o.description
            );
        }
        let _ = writeln!(
            s,
            "\nSet in `.kube-contract.yaml`, with the severity (`error`, `warning`, `info` or \
             `off`; see docs/configuration.md):\n"
        );
        let _ = writeln!(
            s,
            "```yaml\nrules:\n  {}:\n    severity: {}",
            m.id, m.severity
        );
        for o in m.options {
            let _ = writeln!(s, "    {}: {}", o.name, o.default);
        }
        let _ = writeln!(s, "```\n");
    }
    let _ = writeln!(s, "## References\n");
    for r in m.references {
        let _ = writeln!(s, "- <{r}>");
    }
    s
}

/// `docs/rules/README.md`: every rule, one line each.
pub fn index_page() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rules' metadata (`src/rules/`); do not edit by hand.\n\n\
         | rule | default severity | summary |\n|---|---|---|\n",
    );
    for m in rules::all_metas() {
        let _ = writeln!(
            s,
            "| [`{0}`]({0}.md) | {1} | {2} |",
            m.id, m.severity, m.summary
        );
    }
    s
}

/// Every generated file: path relative to the repository root, and its content.
pub fn generated_files() -> Vec<(String, String)> {
    let mut v = vec![("docs/rules/README.md".to_string(), index_page())];
    for m in rules::all_metas() {
        v.push((format!("docs/rules/{}.md", m.id), rule_page(m)));
    }
    v.push((
        "docs/deprecated-apis.md".to_string(),
        crate::rule::deprecated_apis::docs_page(),
    ));
    v.push((
        "docs/configuration.md".to_string(),
        crate::config::docs_page(),
    ));
    v
}
