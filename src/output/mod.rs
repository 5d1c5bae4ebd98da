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
