//! Reading bytes and paths: text from bytes with a located error, I/O errors in words,
//! lexically absolute paths, and the glob flavour of include/exclude patterns.

use std::path::{Component, Path, PathBuf};

use crate::base::span::Pos;

const START: Pos = Pos { line: 1, column: 1 };

/// Text from bytes: refuses binary files and reports where invalid UTF-8 starts.
pub fn decode(bytes: Vec<u8>, name: &str) -> Result<String, (Pos, String)> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err((
            START,
            format!("{name} is a binary file, not YAML or JSON text"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let prefix = String::from_utf8_lossy(valid);
        let line = prefix.matches('\n').count() as u32 + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        (
            Pos { line, column },
            format!(
                "{name} is not valid UTF-8 text (invalid byte at line {line}, column {column})"
            ),
        )
    })
}

pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// An absolute path with `.` and `..` resolved lexically (symbolic links are not followed).
pub fn absolute(path: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        // An absolute path, normalised in one pass over its bytes: what the components below
        // give, without parsing them twice and growing the path at every one. The scope asks
        // this of every input and every directory.
        let bytes = path.as_os_str().as_bytes();
        if bytes.first() == Some(&b'/') {
            let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
            out.push(b'/');
            for name in bytes.split(|&c| c == b'/') {
                match name {
                    b"" | b"." => {}
                    b".." => {
                        let parent = out.iter().rposition(|&c| c == b'/').unwrap_or(0);
                        out.truncate(parent.max(1));
                    }
                    _ => {
                        if out.len() > 1 {
                            out.push(b'/');
                        }
                        out.extend_from_slice(name);
                    }
                }
            }
            return PathBuf::from(std::ffi::OsString::from_vec(out));
        }
    }
    absolute_by_components(path)
}

fn absolute_by_components(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A configuration glob: `*` does not cross `/`.
pub fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_normalised_on_bytes_as_by_components() {
        let parts = ["a", ".", "..", "", "b c", ".x", "..y", "é", "...", "/"];
        let mut paths = vec![
            "/".to_string(),
            "//".into(),
            "///a".into(),
            "//a/..".into(),
            "/..".into(),
            "/../..".into(),
            "/a/b/../../..".into(),
            "/a/".into(),
            "/a/.".into(),
            "/a/./b/".into(),
        ];
        // Every path of up to three parts, under the root.
        for x in parts {
            for y in parts {
                for z in parts {
                    paths.push(format!("/{x}/{y}/{z}"));
                    paths.push(format!("/{x}{y}/{z}"));
                }
            }
        }
        for p in &paths {
            let p = Path::new(p);
            let (fast, slow) = (absolute(p), absolute_by_components(p));
            assert_eq!(fast.as_os_str(), slow.as_os_str(), "{}", p.display());
        }
    }
}
