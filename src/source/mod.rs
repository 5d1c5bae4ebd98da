//! Finding the inputs: files and directories named on the command line, or standard input.

use std::path::{Path, PathBuf};

pub mod scope;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::base::io;

/// One input of a run.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The name reports use: the path as given (or found under a directory), or the
    /// `--stdin-filename` for standard input.
    pub display: String,
    /// Where to read it from; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The bytes of standard input, read once (or why they could not be read). They are
    /// decoded where files are, so malformed bytes give the same finding on every path.
    /// Boxed: most inputs are files, and every input is held for the whole run.
    pub stdin: Option<Box<Result<Vec<u8>, String>>>,
    /// Read for context only: its objects inform the cross-object rules, but nothing is
    /// reported about the file itself (a file of the repository the run's paths do not name).
    pub context: bool,
    /// Which of the run's settings judge it (one per configuration file; 0: the run's own).
    pub settings: usize,
    /// The applications it belongs to ([`crate::index::FileInfo::apps`]).
    pub apps: Vec<u32>,
    /// The walk of a directory listed it as a regular file (not a symbolic link): it is
    /// opened at once, its type and size then checked on the open file, without a look at
    /// the path first.
    pub walked_file: bool,
}

impl Input {
    pub fn is_json(&self) -> bool {
        let name = self.path.as_deref().map_or(Path::new(&self.display), |p| p);
        name.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    }
}

#[derive(Debug)]
pub struct DiscoverError(pub String);

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Filters for directory walks.
pub struct Filters {
    include: Option<GlobSet>,
    exclude: GlobSet,
    /// Globs of a configuration file, matched against paths relative to its directory.
    config: Option<ConfigGlobs>,
}

struct ConfigGlobs {
    dir: PathBuf,
    include: Option<GlobSet>,
    exclude: GlobSet,
}

impl ConfigGlobs {
    /// The path relative to the configuration's directory; `None` outside it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        io::absolute(path)
            .strip_prefix(&self.dir)
            .ok()
            .map(Path::to_path_buf)
    }
}

fn config_glob_set(patterns: &[String]) -> Result<GlobSet, DiscoverError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(io::glob(p).map_err(|e| DiscoverError(format!("invalid glob `{p}`: {e}")))?);
    }
    b.build()
        .map_err(|e| DiscoverError(format!("invalid glob: {e}")))
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, DiscoverError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p).map_err(|e| DiscoverError(format!("invalid glob `{p}`: {e}")))?;
        b.add(g);
        // `dir/**`-style patterns also name the directory itself relative to anywhere.
        if !p.starts_with("**/") && !p.starts_with('/') {
            if let Ok(g) = Glob::new(&format!("**/{p}")) {
                b.add(g);
            }
        }
    }
    b.build()
        .map_err(|e| DiscoverError(format!("invalid glob: {e}")))
}

impl Filters {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filters, DiscoverError> {
        Ok(Filters {
            include: if include.is_empty() {
                None
            } else {
                Some(glob_set(include)?)
            },
            exclude: glob_set(exclude)?,
            config: None,
        })
    }

    /// Adds a configuration file's globs, relative to its directory `dir` (absolute). Its
    /// `include` applies only when the command line gave none; its `exclude` always does.
    pub fn with_config(
        mut self,
        dir: PathBuf,
        include: &[String],
        exclude: &[String],
    ) -> Result<Filters, DiscoverError> {
        self.config = Some(ConfigGlobs {
            dir,
            include: if include.is_empty() {
                None
            } else {
                Some(config_glob_set(include)?)
            },
            exclude: config_glob_set(exclude)?,
        });
        Ok(self)
    }

    fn clean(path: &Path) -> &Path {
        path.strip_prefix("./").unwrap_or(path)
    }

    pub fn excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(Self::clean(path))
            || self
                .config
                .as_ref()
                .is_some_and(|c| c.relative(path).is_some_and(|rel| c.exclude.is_match(rel)))
    }

    pub fn included(&self, path: &Path) -> bool {
        match (&self.include, &self.config) {
            (Some(g), _) => g.is_match(Self::clean(path)),
            (None, Some(c)) => c
                .include
                .as_ref()
                .is_none_or(|g| c.relative(path).is_some_and(|rel| g.is_match(rel))),
            (None, None) => true,
        }
    }
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Resolves the command line's paths into inputs, in order: each directory's files sorted by
/// path. `-` is standard input (read by the caller).
///
/// Nothing is dropped silently: a path that does not exist or cannot be read, a directory
/// entry that cannot be listed, a symbolic link loop, a FIFO or a device becomes an input
/// whose reading fails with the reason, so it is a finding in the report and the other paths
/// are linted. Under a directory, symbolic links with a manifest extension are followed once
/// (a loop is a finding); symbolic links to directories are not descended into, so a walk
/// never leaves the tree or loops.
pub fn discover(
    paths: &[String],
    filters: &Filters,
    stdin_name: &str,
) -> Result<Vec<Input>, DiscoverError> {
    discover_listing(paths, filters, stdin_name).map(|(inputs, _)| inputs)
}

/// What the scope asks of a directory: does it hold a configuration file, a `.git`, an
/// application marker (a file named as in [`APPLICATION_MARKERS`]; symbolic links
/// followed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirFacts {
    pub config: bool,
    pub git: bool,
    pub marker: bool,
}

/// Files whose directory is an application root.
pub const APPLICATION_MARKERS: &[&str] = &[
    "kustomization.yaml",
    "kustomization.yml",
    "Kustomization",
    "Chart.yaml",
    crate::config::FILE_NAME,
];

/// Whether a directory entry's name is `wanted`, as the file system compares names (without
/// case on macOS and Windows).
pub(crate) fn same_name(name: &str, wanted: &str) -> bool {
    if cfg!(any(target_os = "macos", windows)) {
        name.eq_ignore_ascii_case(wanted)
    } else {
        name == wanted
    }
}

/// Whether a file of this name makes its directory an application root.
pub(crate) fn is_marker_name(name: &str) -> bool {
    APPLICATION_MARKERS.iter().any(|m| same_name(name, m))
}

impl DirFacts {
    /// The facts of `dir` asked name by name (a `stat` each, symbolic links followed): the
    /// configuration file and `.git`, and the other markers too when `markers` (the
    /// configuration file is a marker either way).
    pub(crate) fn asked(dir: &Path, markers: bool) -> DirFacts {
        let config = dir.join(crate::config::FILE_NAME).is_file();
        DirFacts {
            config,
            git: dir.join(".git").exists(),
            marker: config
                || (markers && APPLICATION_MARKERS.iter().any(|f| dir.join(f).is_file())),
        }
    }
}

/// The directories a walk listed, each with its [`DirFacts`].
pub type Listed = Vec<(PathBuf, DirFacts)>;

/// Like [`discover`], with the [`DirFacts`] of every directory the walks listed (as the
/// walk names it: the path given, joined with what lies below). The walk sees each
/// directory's entries anyway: application markers are read off them, and the two hidden
/// names (the configuration file, `.git`) are asked by the walking thread, so the scope
/// does not list every directory a second time. A marker the walk skips (ignored by a
/// `.gitignore`) does not count.
pub fn discover_listing(
    paths: &[String],
    filters: &Filters,
    stdin_name: &str,
) -> Result<(Vec<Input>, Listed), DiscoverError> {
    let mut dirs: Listed = Vec::new();
    let paths: Vec<String> = if paths.is_empty() {
        vec![".".into()]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for p in &paths {
        if p == "-" {
            out.push(Input {
                display: stdin_name.to_string(),
                path: None,
                stdin: None,
                ..Input::default()
            });
            continue;
        }
        let path = Path::new(p);
        // A path that cannot be inspected is read anyway, and reading says why it fails.
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            // Directories are listed in parallel; the files are sorted after.
            let found: std::sync::Mutex<Vec<(PathBuf, bool)>> = std::sync::Mutex::new(Vec::new());
            // Directories listed, and the directories of the markers seen.
            let listed: std::sync::Mutex<Listed> = std::sync::Mutex::new(Vec::new());
            let marked: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
            ignore::WalkBuilder::new(path)
                .hidden(true)
                .parents(true)
                .git_ignore(true)
                .git_exclude(true)
                .git_global(false)
                .require_git(true)
                .follow_links(false)
                .threads(walk_threads())
                .build_parallel()
                .run(|| {
                    let (found, listed, marked) = (&found, &listed, &marked);
                    Box::new(move |entry| {
                        if let Ok(entry) = &entry {
                            note_facts(entry, listed, marked);
                        }
                        let keep = match entry {
                            // An unreadable subdirectory: reading it reports why.
                            Err(e) => {
                                Some((error_path(&e).unwrap_or_else(|| path.to_path_buf()), false))
                            }
                            Ok(entry) => {
                                // Regular files, symbolic links (followed when read), FIFOs,
                                // sockets and devices named like manifests (refused when
                                // read, with the reason).
                                let fp = entry.path();
                                let t = entry.file_type();
                                let file = t.is_some_and(|t| !t.is_dir());
                                (file
                                    && has_manifest_extension(fp)
                                    && filters.included(fp)
                                    && !filters.excluded(fp))
                                .then(|| (fp.to_path_buf(), t.is_some_and(|t| t.is_file())))
                            }
                        };
                        if let Some(p) = keep {
                            if let Ok(mut f) = found.lock() {
                                f.push(p);
                            }
                        }
                        ignore::WalkState::Continue
                    })
                });
            let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
            sort_walked(&mut found, path);
            let mut listed = listed.into_inner().unwrap_or_else(|e| e.into_inner());
            let marked = marked.into_inner().unwrap_or_else(|e| e.into_inner());
            if !marked.is_empty() {
                // The listed directories holding a marker, found by borrowing their paths.
                let hits: Vec<usize> = {
                    let at: std::collections::HashMap<&Path, usize> = listed
                        .iter()
                        .enumerate()
                        .map(|(i, (d, _))| (d.as_path(), i))
                        .collect();
                    marked
                        .iter()
                        .filter_map(|m| at.get(m.as_path()).copied())
                        .collect()
                };
                for i in hits {
                    if let Some(f) = listed.get_mut(i) {
                        f.1.marker = true;
                    }
                }
            }
            dirs.extend(listed);
            out.extend(found.into_iter().map(|(fp, walked_file)| Input {
                display: display_path(&fp),
                path: Some(fp),
                stdin: None,
                walked_file,
                ..Input::default()
            }));
        } else if !filters.excluded(path) {
            out.push(Input {
                display: display_path(path),
                path: Some(path.to_path_buf()),
                stdin: None,
                ..Input::default()
            });
        }
    }
    Ok((out, dirs))
}

/// Records what a walked entry tells of its directory: a directory's own facts (its two
/// hidden names asked here, on the walking thread), or a marker file.
fn note_facts(
    entry: &ignore::DirEntry,
    listed: &std::sync::Mutex<Listed>,
    marked: &std::sync::Mutex<Vec<PathBuf>>,
) {
    let Some(t) = entry.file_type() else { return };
    let path = entry.path();
    if t.is_dir() {
        // Its markers are read off the entries the walk yields (below).
        let facts = DirFacts::asked(path, false);
        if let Ok(mut l) = listed.lock() {
            l.push((path.to_path_buf(), facts));
        }
        return;
    }
    let named = entry.file_name().to_str().is_some_and(is_marker_name);
    // Through a symbolic link: a marker only if it leads to a regular file.
    if named && (t.is_file() || (t.is_symlink() && path.is_file())) {
        if let (Some(dir), Ok(mut m)) = (path.parent(), marked.lock()) {
            m.push(dir.to_path_buf());
        }
    }
}

/// Sorts and deduplicates what a walk of `root` found, in `Path`'s order.
///
/// `Path::cmp` parses both paths into components at every comparison: sorting a walk of
/// two thousand files took 2.5 ms, more than anything else between the walk and loading.
/// Every path of a walk is `root` joined with names (never `.`, `..` or empty): below the
/// root's bytes, comparing components is comparing bytes with the separator sorting first
/// (`a/b` before `a-b`, as the name `a` before `a-b`). That order is used when every path is
/// such a path, and `Path::cmp` otherwise.
fn sort_walked(found: &mut Vec<(PathBuf, bool)>, root: &Path) {
    let clean = |n: &[u8]| {
        n.is_empty()
            || n.split(|&c| c == b'/')
                .all(|n| !n.is_empty() && n != b"." && n != b"..")
    };
    if found
        .iter()
        .all(|(p, _)| names_below(p, root).is_some_and(clean))
    {
        fn key<'a>(p: &'a Path, root: &Path) -> &'a [u8] {
            names_below(p, root).unwrap_or_default()
        }
        let separator_first = |c: &u8| if *c == b'/' { 0 } else { *c };
        let order = |a: &[u8], b: &[u8]| {
            a.iter()
                .map(separator_first)
                .cmp(b.iter().map(separator_first))
        };
        found.sort_unstable_by(|a, b| order(key(&a.0, root), key(&b.0, root)).then(a.1.cmp(&b.1)));
        found.dedup_by(|a, b| a.1 == b.1 && key(&a.0, root) == key(&b.0, root));
    } else {
        found.sort();
        found.dedup();
    }
}

/// The bytes of `path` below `root`'s, without the separator between (a Unix path only).
fn names_below<'a>(path: &'a Path, root: &Path) -> Option<&'a [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let root = root.as_os_str().as_bytes();
        let rest = path.as_os_str().as_bytes().strip_prefix(root)?;
        match rest.strip_prefix(b"/") {
            Some(names) => Some(names),
            // Below a root written with a trailing separator, or the root itself.
            None if rest.is_empty() || root.ends_with(b"/") => Some(rest),
            None => None,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, root);
        None
    }
}

/// Threads listing directories: the cores, at most four.
fn walk_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// The path a walk error is about.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every arrangement of a few names that sort differently by bytes and by components.
    fn walk_of(root: &str) -> Vec<(PathBuf, bool)> {
        let names = [
            "a", "a-b", "a.b", "a b", "a0", "ab", "A", "é", "_", "~", ".x", "x.",
        ];
        let mut out = vec![(PathBuf::from(root), false)];
        for (i, n) in names.iter().enumerate() {
            let first = Path::new(root).join(n);
            out.push((first.clone(), i % 2 == 0));
            for m in &names[i % 5..] {
                out.push((first.join(m), false));
                out.push((first.join(m).join(n), true));
            }
        }
        // What the walk finds comes in any order, and twice.
        out.reverse();
        let again: Vec<_> = out.iter().step_by(3).cloned().collect();
        out.extend(again);
        out
    }

    #[test]
    fn a_walk_is_sorted_as_paths_sort() {
        for root in [
            "d", "d/", "./d", ".", "./", "../up/d", "/abs/d", "/", "d//e", "d/./e", "d/..",
        ] {
            let mut fast = walk_of(root);
            sort_walked(&mut fast, Path::new(root));
            let mut slow = walk_of(root);
            slow.sort();
            slow.dedup();
            assert_eq!(fast, slow, "under {root}");
        }
    }

    #[test]
    fn paths_not_below_the_root_are_sorted_as_paths_sort() {
        let mut found: Vec<(PathBuf, bool)> = ["d/a/./b", "d/a-b", "d/a/b", "e/a", "d//a", "d/a"]
            .iter()
            .map(|p| (PathBuf::from(p), true))
            .collect();
        let mut slow = found.clone();
        sort_walked(&mut found, Path::new("d"));
        slow.sort();
        slow.dedup();
        assert_eq!(found, slow);
    }
}
