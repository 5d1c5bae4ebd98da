//! `parse-error`: a file or document that cannot be read (the document hook sees why).

use crate::base::diagnostic::{Diagnostic, Severity};
use crate::base::span::{Pos, Span};
use crate::rule::{Document, Hook, Rule, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "parse-error",
    severity: Severity::Error,
    summary: "A file or document cannot be read as YAML or JSON",
    hook: Hook::Document,
    what_it_does: "Reports a document that is not valid YAML (or JSON), a document with \
unrendered Helm template syntax (`{{ … }}` outside strings), a file that is not UTF-8 text, \
a file that cannot be read, and an input that is not read: a FIFO, socket, device or \
directory, a symbolic link loop, a file over 256 MiB, a document over 64 MiB, the documents \
of a file past the millionth, and a document whose `<<` merge keys take more than 100,000 node \
visits to resolve or nest deeper than 32 levels (a merge fan-out that would otherwise stall \
the run). A mistake in the configuration file is reported here too, at its line and column, \
and then nothing else is linted. The finding points at the line and column where reading \
stopped. Only the broken document is lost: the other documents of the same file, and all \
other files, are still linted.",
    why_it_matters: "`kubectl apply` refuses the whole file when one document is broken, so a \
broken manifest is an outage waiting for the next deploy. Other linters skip such files \
silently and report a clean result; kube-contract reports them, and exits with code 2 so that \
CI notices.",
    example: r#"apiVersion: v1
kind: Service
metadata:
  name: web
   labels: {app: web}   # indented one space too far
"#,
    use_instead: r#"apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
"#,
    options: &[],
    references: &[
        "https://yaml.org/spec/1.2.2/",
        "https://helm.sh/docs/helm/helm_template/",
    ],
};

pub struct ParseError;

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Where reading stopped. A broken document of a stream says that the others are linted; a
    /// file that cannot be read or decoded at all has nothing else to say.
    fn check_document(&self, doc: &Document<'_>, out: &mut Vec<Diagnostic>) {
        let Err(e) = doc.tree else { return };
        out.push(Diagnostic {
            rule: META.id,
            severity: META.severity,
            message: e.message.clone(),
            help: (!doc.whole_file)
                .then(|| "the rest of this document is not linted; the other documents are".into()),
            file: doc.file,
            span: Span::new(
                e.pos,
                Pos {
                    line: e.pos.line,
                    column: e.pos.column.saturating_add(1),
                },
            ),
            template: doc.template.cloned(),
            object: None,
            related: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parse_error_is_the_rule_that_is_always_on() {
        assert_eq!(super::META.id, crate::rule::settings::ALWAYS_ON);
        let mut s = crate::rule::settings::Settings::default();
        s.select.insert("removed-api".into());
        s.ignore.insert(super::META.id.into());
        s.severities.insert(super::META.id.into(), None);
        assert!(s.enabled(super::META.id), "no selection hides a parse error");
        assert!(!s.enabled("bare-pod"));
    }
}
