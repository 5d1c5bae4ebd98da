//! Renderers. Each reads the [`Report`](crate::engine::Report) and the rule metadata; only
//! `human` knows miette.

pub mod docs;

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::path::{Component, Path, PathBuf};

use crate::base::diagnostic::Severity;
use crate::engine::Report;
use crate::rule::settings::FailOn;
use crate::rules::parse_error;

/// Findings per severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(report: &Report) -> Counts {
    let mut c = Counts::default();
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
    }
    c
}

/// Findings grouped for triage: per rule and severity, and per file, most frequent first.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Triage {
    /// (rule, severity, findings), most findings first, then by rule id.
    pub by_rule: Vec<(&'static str, Severity, usize)>,
    /// (file, findings), most findings first, then by file id.
    pub by_file: Vec<(u32, usize)>,
}

pub fn triage(report: &Report) -> Triage {
    let mut by_rule: std::collections::HashMap<(&'static str, Severity), usize> =
        std::collections::HashMap::new();
    let mut by_file: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for d in &report.diagnostics {
        *by_rule.entry((d.rule, d.severity)).or_insert(0) += 1;
        *by_file.entry(d.file).or_insert(0) += 1;
    }
    let mut rules: Vec<_> = by_rule.into_iter().map(|((r, s), n)| (r, s, n)).collect();
    rules.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
    let mut files: Vec<_> = by_file.into_iter().collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Triage {
        by_rule: rules,
        by_file: files,
    }
}

/// The exit code of a report and its reason in words ("exit 2: 20 documents could not be
/// read"); the command line exits with this code.
pub fn exit_reason(report: &Report) -> (i32, String) {
    let unread = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == parse_error::META.id)
        .count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if unread > 0 {
        let what = if unread == 1 {
            "1 file or document".to_string()
        } else {
            format!("{unread} files or documents")
        };
        return (2, format!("exit 2: {what} could not be read (parse-error)"));
    }
    let at = match report.fail_on {
        FailOn::Never => return (0, "exit 0: --fail-on never".into()),
        FailOn::Severity(s) => s,
    };
    let failing = report
        .diagnostics
        .iter()
        .filter(|d| report.fail_on.fails(d.severity))
        .count();
    if failing > 0 {
        (
            1,
            format!(
                "exit 1: {} at or above --fail-on {at}",
                plural(failing, "finding")
            ),
        )
    } else {
        (0, format!("exit 0: no finding at or above --fail-on {at}"))
    }
}

/// A piece of a help text: prose (wrapped), or a copy-paste snippet printed on a line of its
/// own. Help texts write code between backticks; a snippet is code that is YAML to paste (it
/// holds `key: value` and is a flow collection or longer than an inline mention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpPart {
    /// Words of prose; inline code keeps its backticks and is never split.
    Words(Vec<String>),
    Snippet(String),
    /// A line break written in the help (notes listed one per line).
    Break,
}

/// Whether code from a help text is a snippet to paste.
pub fn is_snippet(code: &str) -> bool {
    let yaml = code.contains(": ") || code.starts_with("- ") || code.starts_with('#');
    yaml && (code.contains('{') || code.contains('[') || code.chars().count() > 30)
}

/// The snippets of a help text, in order.
pub fn snippets(help: &str) -> Vec<String> {
    help_parts(help)
        .into_iter()
        .filter_map(|p| match p {
            HelpPart::Snippet(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// Splits a help text into prose and snippets.
pub fn help_parts(help: &str) -> Vec<HelpPart> {
    let mut parts = Vec::new();
    for (n, paragraph) in help.split('\n').enumerate() {
        if n > 0 {
            parts.push(HelpPart::Break);
        }
        let mut words: Vec<String> = Vec::new();
        let mut word = String::new();
        let segments: Vec<&str> = paragraph.split('`').collect();
        let last = segments.len().saturating_sub(1);
        let mut after_snippet = false;
        for (i, seg) in segments.iter().enumerate() {
            // Odd segments are code; an unmatched trailing backtick leaves text as it is.
            let code = i % 2 == 1 && !(i == last && segments.len().is_multiple_of(2));
            if !code {
                // The comma that followed a snippet would start a line of its own.
                let seg = if std::mem::take(&mut after_snippet) {
                    seg.trim_start().trim_start_matches([',', ';'])
                } else {
                    seg
                };
                if i % 2 == 1 {
                    word.push('`'); // the unmatched backtick, as written
                }
                for c in seg.chars() {
                    if c.is_whitespace() {
                        if !word.is_empty() {
                            words.push(std::mem::take(&mut word));
                        }
                    } else {
                        word.push(c);
                    }
                }
            } else if is_snippet(seg) {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                if !words.is_empty() {
                    parts.push(HelpPart::Words(std::mem::take(&mut words)));
                }
                parts.push(HelpPart::Snippet((*seg).to_string()));
                after_snippet = true;
            } else {
                word.push('`');
                word.push_str(seg);
                word.push('`');
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        if !words.is_empty() {
            parts.push(HelpPart::Words(words));
        }
    }
    parts
}

/// Where a reported file is, for formats that need a path relative to the working directory
/// (SARIF's `%SRCROOT%`, GitHub's `file=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Under the working directory: the path below it, `/`-separated, without `.` or `..`.
    Relative(String),
    /// Outside it (or the working directory is unknown and the path is absolute).
    Absolute(PathBuf),
}

/// Resolves a report's file name (the path as given, or `--stdin-filename`) against the
/// working directory `cwd`, lexically: symbolic links are not followed.
pub fn place(name: &str, cwd: Option<&Path>) -> Place {
    let path = Path::new(name);
    let joined;
    let full = if path.is_absolute() {
        path
    } else if let Some(cwd) = cwd {
        joined = cwd.join(path);
        &joined
    } else {
        return match normalize(path) {
            Some(p) if !p.is_absolute() && !p.as_os_str().is_empty() => {
                Place::Relative(slashed(&p))
            }
            _ => Place::Relative(name.replace('\\', "/")),
        };
    };
    let Some(full) = normalize(full) else {
        return Place::Absolute(full.to_path_buf());
    };
    if let Some(base) = cwd.and_then(normalize) {
        if let Ok(rel) = full.strip_prefix(&base) {
            if !rel.as_os_str().is_empty() {
                return Place::Relative(slashed(rel));
            }
        }
    }
    Place::Absolute(full)
}

/// Removes `.` and resolves `..` against the preceding component; `None` when `..` climbs
/// above the start of a relative path.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if depth == 0 {
                    if out.has_root() {
                        continue; // `/..` is `/`
                    }
                    return None;
                }
                out.pop();
                depth -= 1;
            }
            Component::Normal(s) => {
                out.push(s);
                depth += 1;
            }
            Component::RootDir | Component::Prefix(_) => out.push(c.as_os_str()),
        }
    }
    Some(out)
}

fn slashed(p: &Path) -> String {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encodes a `/`-separated path for a URI: everything but RFC 3986 unreserved
/// characters and `/` is encoded (UTF-8 bytes), so `<stdin>`, spaces and `:` are safe.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file://` URI of an absolute path; `dir` adds the trailing slash a base URI needs.
pub fn file_uri(path: &Path, dir: bool) -> String {
    let mut s = path.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        s.insert(0, '/'); // `C:/x` → `/C:/x`
    }
    let mut uri = format!("file://{}", encode_file_path(&s));
    if dir && !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Like [`encode_uri_path`], but keeps a Windows drive's `:` readable (`/C:/x`).
fn encode_file_path(s: &str) -> String {
    let bytes = s.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first() == Some(&b'/')
        && bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(2) == Some(&b':');
    if drive {
        let (head, tail) = s.split_at(3);
        format!("{head}{}", encode_uri_path(tail))
    } else {
        encode_uri_path(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_relative_to_the_working_directory() {
        let cwd = Path::new("/repo");
        let rel = |s: &str| Place::Relative(s.to_string());
        assert_eq!(place("k8s/web.yaml", Some(cwd)), rel("k8s/web.yaml"));
        assert_eq!(place("./k8s/./web.yaml", Some(cwd)), rel("k8s/web.yaml"));
        assert_eq!(place("/repo/k8s/web.yaml", Some(cwd)), rel("k8s/web.yaml"));
        assert_eq!(place("a/../b.yaml", Some(cwd)), rel("b.yaml"));
        assert_eq!(place("<stdin>", Some(cwd)), rel("<stdin>"));
        assert_eq!(
            place("../shared/x.yaml", Some(cwd)),
            Place::Absolute(PathBuf::from("/shared/x.yaml"))
        );
        assert_eq!(
            place("/elsewhere/x.yaml", Some(cwd)),
            Place::Absolute(PathBuf::from("/elsewhere/x.yaml"))
        );
        assert_eq!(place("k8s/web.yaml", None), rel("k8s/web.yaml"));
        assert_eq!(place("../x.yaml", None), rel("../x.yaml"));
    }

    #[test]
    fn snippets_are_cut_out_of_the_prose() {
        let parts = help_parts(
            "give it a probe, e.g. `readinessProbe: {httpGet: {path: /ready, port: 8080}}`, \
             and set `maxUnavailable: 1`\n- a note",
        );
        assert_eq!(
            parts,
            vec![
                HelpPart::Words(vec![
                    "give".into(),
                    "it".into(),
                    "a".into(),
                    "probe,".into(),
                    "e.g.".into()
                ]),
                HelpPart::Snippet("readinessProbe: {httpGet: {path: /ready, port: 8080}}".into()),
                HelpPart::Words(vec![
                    "and".into(),
                    "set".into(),
                    "`maxUnavailable: 1`".into()
                ]),
                HelpPart::Break,
                HelpPart::Words(vec!["-".into(), "a".into(), "note".into()]),
            ]
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode_uri_path("<stdin>"), "%3Cstdin%3E");
        assert_eq!(encode_uri_path("a b/c:d.yaml"), "a%20b/c%3Ad.yaml");
        assert_eq!(encode_uri_path("é.yaml"), "%C3%A9.yaml");
        assert_eq!(
            file_uri(Path::new("/work/my repo"), true),
            "file:///work/my%20repo/"
        );
        assert_eq!(file_uri(Path::new("/x/y.yaml"), false), "file:///x/y.yaml");
        assert_eq!(encode_file_path("/C:/a b"), "/C:/a%20b");
    }
}
