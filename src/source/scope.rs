//! Repository scope: the files a run reports on are linted in the context of every manifest
//! of their repository, each under the nearest configuration file above it, and grouped into
//! applications that cross-object rules never link across.
//!
//! - **Root.** `--root`, else the directory of the configuration file found above the named
//!   paths, else their git repository's root, else their common parent directory.
//! - **Context.** Every manifest under the root that the run does not name (same include and
//!   exclude globs and git-ignore rules as a directory walk) is read too, marked
//!   [`Input::context`]: the index sees its objects, nothing is reported about it.
//! - **Configuration per file.** Each file is judged under the nearest `.kube-contract.yaml`
//!   above it, so the result does not depend on the directory the command runs from.
//! - **Applications.** A directory holding a `kustomization.yaml`, a `Chart.yaml` or a
//!   `.kube-contract.yaml`, or matching a configuration's `applications` globs, is an
//!   application root; a file belongs to the nearest one above it, and to every application
//!   whose kustomization names it or its directory (`resources`, `bases`, `components`,
//!   patches, followed transitively). A file the globs match is an application of its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::base::io;
use crate::config::{self, Config};
use crate::source::{
    discover_listing, is_marker_name, same_name, DirFacts, DiscoverError, Filters, Input,
};
use crate::yaml;

/// Which configuration files judge the run.
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    /// `--no-config`.
    Off,
    /// `--config PATH`: this file for every input.
    File(PathBuf),
    /// The nearest `.kube-contract.yaml` above each file.
    Discover,
}

/// What the command line asks for.
pub struct Request<'a> {
    pub paths: &'a [String],
    pub stdin_name: &'a str,
    pub include: &'a [String],
    pub exclude: &'a [String],
    /// `--root`.
    pub root: Option<PathBuf>,
    /// False with `--no-context`.
    pub context: bool,
    pub config: ConfigChoice,
    pub cwd: PathBuf,
}

/// A configuration file the run uses.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub path: PathBuf,
    /// As reports name it: relative to the current directory when it can be.
    pub display: String,
    pub config: Config,
}

/// The inputs of a run with their context, configurations and applications.
#[derive(Debug)]
pub struct Scope {
    /// The workspace root; `None` when context is off.
    pub root: Option<PathBuf>,
    /// The named inputs first, in command-line order, then the context files.
    pub inputs: Vec<Input>,
    /// `Input::settings` is 0 for no configuration file, else `1 + ` an index of this list.
    pub configs: Vec<LoadedConfig>,
}

/// Why a scope could not be made: a bad glob, or mistakes in configuration files (each file
/// as an input of the report, with its mistakes at their positions).
#[derive(Debug)]
pub enum ScopeError {
    Discover(DiscoverError),
    Config(Vec<(Input, Vec<config::ConfigError>)>),
}

impl std::fmt::Display for ScopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScopeError::Discover(e) => write!(f, "error: {e}"),
            ScopeError::Config(failed) => {
                let errors: Vec<config::ConfigError> =
                    failed.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
                f.write_str(&config::render_errors(&errors))
            }
        }
    }
}

const KUSTOMIZATIONS: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// A path as reports name it: relative to `cwd` when it lies below `cwd` or a few levels
/// above it (`../..`), absolute otherwise.
pub fn display_relative(path: &Path, cwd: &Path) -> String {
    if let Ok(rest) = path.strip_prefix(cwd) {
        let s = rest.to_string_lossy().into_owned();
        return if s.is_empty() { ".".into() } else { s };
    }
    let mut up = 0;
    let mut dir = Some(cwd);
    while let Some(d) = dir.filter(|d| d.parent().is_some()) {
        if let Ok(rest) = path.strip_prefix(d) {
            let back = "../".repeat(up);
            let rest = rest.to_string_lossy();
            return if rest.is_empty() {
                back.trim_end_matches('/').to_string()
            } else {
                format!("{back}{rest}")
            };
        }
        up += 1;
        if up > 3 {
            break;
        }
        dir = d.parent();
    }
    path.to_string_lossy().into_owned()
}

/// The root of the git repository holding `dir`, if any.
/// Read off one listing of the directory (the few names that matter are looked at, symbolic
/// links followed): seven `stat` calls, each walking the whole path, cost more. A directory
/// that cannot be listed is asked name by name.
fn dir_facts(dir: &Path) -> DirFacts {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return DirFacts::asked(dir, true);
    };
    let mut facts = DirFacts {
        config: false,
        git: false,
        marker: false,
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let config = same_name(name, config::FILE_NAME);
        let git = same_name(name, ".git");
        let marker = is_marker_name(name);
        if !(config || git || marker) {
            continue;
        }
        // (exists, is a regular file), through symbolic links.
        let (exists, file) = match entry.file_type() {
            Ok(t) if !t.is_symlink() => (true, t.is_file()),
            _ => match std::fs::metadata(entry.path()) {
                Ok(m) => (true, m.is_file()),
                Err(_) => (false, false),
            },
        };
        facts.config |= config && file;
        facts.git |= git && exists;
        facts.marker |= marker && file;
    }
    facts
}

/// What every directory above the inputs holds, keyed by the directory's text: each is
/// lexically absolute, as the inputs' own paths are, so the same directory is the same text
/// (and hashing text is cheaper than hashing a path's components). Hashed with foldhash,
/// seeded per process like std's SipHash and several times cheaper on paths' lengths.
type Known = HashMap<OsString, DirFacts, foldhash::fast::RandomState>;

/// The inputs in runs of one directory (consecutive loci with the same parent; inputs come
/// sorted, so a directory's files are one run). What depends only on a file's directory —
/// the directories above it, its configuration, its home — is found once per run.
fn directory_runs(loci: &[PathBuf]) -> Vec<std::ops::Range<usize>> {
    let parent = |i: usize| loci.get(i).and_then(|p| p.parent()).map(Path::as_os_str);
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..loci.len() {
        match runs.last_mut() {
            Some(run) if parent(i).is_some() && parent(i) == parent(run.start) => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// The [`DirFacts`] of every directory holding an input and of all their ancestors: those
/// the walks found (`walked`), the others asked now, in parallel.
fn facts_of(loci: &[PathBuf], runs: &[std::ops::Range<usize>], walked: Known) -> Known {
    use rayon::prelude::*;
    // A directory seen once had its ancestors seen then: the climb stops there.
    let mut seen: HashSet<&OsStr, foldhash::fast::RandomState> = HashSet::default();
    let mut dirs: Vec<&OsStr> = Vec::new();
    for at in runs.iter().filter_map(|run| loci.get(run.start)) {
        for dir in at.ancestors().skip(1) {
            let dir = dir.as_os_str();
            if !seen.insert(dir) {
                break;
            }
            if !walked.contains_key(dir) {
                dirs.push(dir);
            }
        }
    }
    let mut known = walked;
    known.par_extend(dirs.into_par_iter().map(|d| {
        let f = dir_facts(Path::new(d));
        (d.to_os_string(), f)
    }));
    known
}

fn facts(known: &Known, dir: &Path) -> DirFacts {
    known
        .get(dir.as_os_str())
        .copied()
        .unwrap_or_else(|| dir_facts(dir))
}

fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The deepest directory holding every path.
fn common_parent(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut it = paths.iter();
    let mut common = it.next()?.clone();
    for p in it {
        while !p.starts_with(&common) {
            if !common.pop() {
                return None;
            }
        }
    }
    Some(common)
}

/// The absolute path an input stands for (standard input: its `--stdin-filename`).
pub fn locus(input: &Input, cwd: &Path) -> PathBuf {
    let p = input
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&input.display));
    io::absolute(&cwd.join(p))
}

pub fn resolve(req: &Request<'_>) -> Result<Scope, ScopeError> {
    let cwd = io::absolute(&req.cwd);
    let named_paths: Vec<PathBuf> = if req.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        req.paths
            .iter()
            .map(|p| {
                if p == "-" {
                    io::absolute(&cwd.join(req.stdin_name))
                } else {
                    io::absolute(&cwd.join(p))
                }
            })
            .collect()
    };
    let anchor = common_parent(&named_paths).unwrap_or_else(|| cwd.clone());
    let anchor_dir = if anchor.is_dir() {
        anchor.clone()
    } else {
        anchor
            .parent()
            .map_or_else(|| cwd.clone(), Path::to_path_buf)
    };
    let mut configs = Configs::new(&cwd);
    let root_config = match &req.config {
        ConfigChoice::Off => None,
        ConfigChoice::File(p) => Some(configs.load(
            &io::absolute(&cwd.join(p)),
            Some(p.to_string_lossy().into_owned()),
        )?),
        ConfigChoice::Discover => match config::discover(&anchor_dir) {
            Some(p) => Some(configs.load(&p, None)?),
            None => None,
        },
    };
    let root = req
        .root
        .as_ref()
        .map(|r| io::absolute(&cwd.join(r)))
        .or_else(|| {
            root_config
                .and_then(|i| configs.list.get(i))
                .and_then(|c| c.path.parent().map(Path::to_path_buf))
                .or_else(|| git_root(&anchor_dir))
                .or(Some(anchor_dir.clone()))
        });
    let filters = {
        let f = Filters::new(req.include, req.exclude).map_err(ScopeError::Discover)?;
        match root_config
            .and_then(|i| configs.list.get(i))
            .and_then(|c| Some((c.path.parent()?.to_path_buf(), &c.config)))
        {
            Some((dir, c)) => f
                .with_config(dir, &c.include, &c.exclude)
                .map_err(ScopeError::Discover)?,
            None => f,
        }
    };
    let (mut inputs, mut listed) =
        discover_listing(req.paths, &filters, req.stdin_name).map_err(ScopeError::Discover)?;
    let root = if req.context { root } else { None };
    if let Some(root) = root.as_ref().filter(|r| r.is_dir()) {
        let shown = display_relative(root, &cwd);
        // A root named as it is on the command line was walked already, with the same
        // filters: walking it again would find nothing new.
        let walked = if named_paths.iter().any(|p| p == root) {
            Vec::new()
        } else {
            let seen: HashSet<PathBuf> = inputs.iter().map(|i| locus(i, &cwd)).collect();
            let (found, dirs) =
                discover_listing(std::slice::from_ref(&shown), &filters, req.stdin_name)
                    .map_err(ScopeError::Discover)?;
            listed.extend(dirs);
            found
                .into_iter()
                .filter(|i| !seen.contains(&locus(i, &cwd)))
                .collect()
        };
        for mut input in walked {
            input.context = true;
            inputs.push(input);
        }
    }
    // Where each input is, found once: every step below asks.
    let loci: Vec<PathBuf> = {
        use rayon::prelude::*;
        inputs.par_iter().map(|i| locus(i, &cwd)).collect()
    };
    let walked: Known = {
        use rayon::prelude::*;
        listed
            .into_par_iter()
            .map(|(d, f)| (io::absolute(&cwd.join(d)).into_os_string(), f))
            .collect()
    };
    let runs = directory_runs(&loci);
    let known = facts_of(&loci, &runs, walked);
    // Configuration per file.
    match &req.config {
        ConfigChoice::Off => {}
        ConfigChoice::File(_) => {
            for i in &mut inputs {
                i.settings = 1;
            }
        }
        ConfigChoice::Discover => {
            let mut by_dir: HashMap<PathBuf, Option<usize>> = HashMap::new();
            for run in &runs {
                let Some(at) = loci.get(run.start) else {
                    continue;
                };
                let dir = at.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
                let found = match by_dir.get(&dir) {
                    Some(f) => *f,
                    None => {
                        // `config::discover`, with what each directory holds found already.
                        let start = io::absolute(&dir);
                        let file = start
                            .ancestors()
                            .map(|d| (d, facts(&known, d)))
                            .find(|(_, f)| f.config || f.git)
                            .filter(|(_, f)| f.config)
                            .map(|(d, _)| d.join(config::FILE_NAME));
                        let f = match file {
                            Some(p) => Some(configs.load(&p, None)?),
                            None => None,
                        };
                        by_dir.insert(dir, f);
                        f
                    }
                };
                for input in inputs.get_mut(run.clone()).into_iter().flatten() {
                    input.settings = found.map_or(0, |i| i + 1);
                }
            }
        }
    }
    configs.fail_on_errors()?;
    let list = configs.list;
    assign_applications(&mut inputs, &loci, &runs, root.as_deref(), &list, &known);
    Ok(Scope {
        root,
        inputs,
        configs: list,
    })
}

/// The configuration files met so far, each read once; mistakes are collected and reported
/// together.
struct Configs {
    cwd: PathBuf,
    list: Vec<LoadedConfig>,
    index: HashMap<PathBuf, usize>,
    failed: Vec<(Input, Vec<config::ConfigError>)>,
}

impl Configs {
    fn new(cwd: &Path) -> Configs {
        Configs {
            cwd: cwd.to_path_buf(),
            list: Vec::new(),
            index: HashMap::new(),
            failed: Vec::new(),
        }
    }

    /// The index of the configuration at `path`, reading it the first time. `given`: the name
    /// `--config` gave it, which reports use as written.
    fn load(&mut self, path: &Path, given: Option<String>) -> Result<usize, ScopeError> {
        if let Some(&i) = self.index.get(path) {
            return Ok(i);
        }
        let display = given.unwrap_or_else(|| display_relative(path, &self.cwd));
        let config = match Config::load(path, &display) {
            Ok(c) => c,
            Err(errors) => {
                let input = Input {
                    display: display.clone(),
                    path: Some(path.to_path_buf()),
                    ..Input::default()
                };
                self.failed.push((input, errors));
                Config::default()
            }
        };
        let i = self.list.len();
        self.list.push(LoadedConfig {
            path: path.to_path_buf(),
            display,
            config,
        });
        self.index.insert(path.to_path_buf(), i);
        Ok(i)
    }

    fn fail_on_errors(&mut self) -> Result<(), ScopeError> {
        if self.failed.is_empty() {
            Ok(())
        } else {
            Err(ScopeError::Config(std::mem::take(&mut self.failed)))
        }
    }
}

/// Gives each input the applications it belongs to.
fn assign_applications(
    inputs: &mut [Input],
    loci: &[PathBuf],
    runs: &[std::ops::Range<usize>],
    root: Option<&Path>,
    configs: &[LoadedConfig],
    known: &Known,
) {
    let declared: Vec<(PathBuf, GlobSet)> = configs
        .iter()
        .filter(|c| !c.config.applications.is_empty())
        .filter_map(|c| {
            let dir = c.path.parent()?.to_path_buf();
            let mut b = globset::GlobSetBuilder::new();
            for g in &c.config.applications {
                if let Ok(glob) = io::glob(g.trim_end_matches('/')) {
                    b.add(glob);
                }
            }
            Some((dir, b.build().ok()?))
        })
        .collect();
    // The directories holding a marker.
    let markers: HashSet<&OsStr> = known
        .iter()
        .filter(|(_, f)| f.marker)
        .map(|(d, _)| d.as_os_str())
        .collect();
    let mut declared_at: HashMap<PathBuf, bool> = HashMap::new();
    let mut is_root = |dir: &Path| -> bool {
        if markers.contains(dir.as_os_str()) {
            return true;
        }
        if declared.is_empty() {
            return false;
        }
        if let Some(&m) = declared_at.get(dir) {
            return m;
        }
        let m = declared.iter().any(|(base, globs)| {
            dir.strip_prefix(base)
                .ok()
                .filter(|rel| !rel.as_os_str().is_empty())
                .is_some_and(|rel| globs.is_match(rel))
        });
        declared_at.insert(dir.to_path_buf(), m);
        m
    };
    // Each file's home: the nearest application root above it, up to the workspace root (or
    // its repository's root for a file outside it).
    let mut ids: BTreeMap<PathBuf, u32> = BTreeMap::new();
    let mut homes: Vec<Option<PathBuf>> = Vec::with_capacity(inputs.len());
    // The home of a file no glob names depends on its directory only: found once a run.
    let mut home_of = |at: &PathBuf, own: bool| -> Option<PathBuf> {
        let limit = root
            .filter(|r| at.starts_with(r))
            .map(Path::to_path_buf)
            .or_else(|| at.parent().and_then(git_root));
        // A file a configuration's `applications` glob names is an application of its own
        // (independent samples or test fixtures kept side by side).
        let mut home = own.then(|| at.clone());
        for dir in at.ancestors().skip(1).filter(|_| !own) {
            if is_root(dir) {
                home = Some(dir.to_path_buf());
                break;
            }
            if limit.as_deref().is_none_or(|l| dir == l) {
                break;
            }
        }
        home
    };
    for run in runs {
        let mut shared: Option<Option<PathBuf>> = None;
        for at in loci.get(run.clone()).into_iter().flatten() {
            let own = declared.iter().any(|(base, globs)| {
                at.strip_prefix(base)
                    .ok()
                    .is_some_and(|rel| globs.is_match(rel))
            });
            let home = if own {
                home_of(at, true)
            } else {
                shared.get_or_insert_with(|| home_of(at, false)).clone()
            };
            if let Some(h) = &home {
                let next = ids.len() as u32;
                ids.entry(h.clone()).or_insert(next);
            }
            homes.push(home);
        }
    }
    // What each kustomization names, followed transitively (files read: in parallel).
    let reaches: Vec<(u32, Vec<PathBuf>)> = {
        use rayon::prelude::*;
        let apps: Vec<(&PathBuf, u32)> = ids.iter().map(|(d, &id)| (d, id)).collect();
        apps.into_par_iter()
            .filter_map(|(dir, id)| {
                let included = kustomize_closure(dir);
                (!included.is_empty()).then_some((id, included))
            })
            .collect()
    };
    for ((input, home), at) in inputs.iter_mut().zip(homes).zip(loci) {
        let mut apps: Vec<u32> = home
            .and_then(|h| ids.get(&h).copied())
            .into_iter()
            .collect();
        for (id, paths) in &reaches {
            if !apps.contains(id) && paths.iter().any(|p| at.starts_with(p)) {
                apps.push(*id);
            }
        }
        apps.sort_unstable();
        input.apps = apps;
    }
}

/// The paths (directories and files) a kustomization in `dir` names, and what the
/// kustomizations of named directories name in turn. Remote references are left out.
fn kustomize_closure(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut queue = vec![dir.to_path_buf()];
    seen.insert(dir.to_path_buf());
    while let Some(d) = queue.pop() {
        for name in kustomization_refs(&d) {
            if name.contains("://") || name.starts_with("github.com/") || name.starts_with("git@") {
                continue;
            }
            let target = io::absolute(&d.join(&name));
            if !seen.insert(target.clone()) {
                continue;
            }
            if target.is_dir() {
                queue.push(target.clone());
            }
            out.push(target);
        }
    }
    out
}

/// The local paths a directory's kustomization names: `resources`, `bases`, `components`,
/// `patchesStrategicMerge`, and the `path` of `patches` and `patchesJson6902` entries.
fn kustomization_refs(dir: &Path) -> Vec<String> {
    let Some(text) = KUSTOMIZATIONS
        .iter()
        .find_map(|f| std::fs::read_to_string(dir.join(f)).ok())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in yaml::parse_stream(&text, false) {
        let Ok(tree) = doc.tree else { continue };
        let Some(root) = tree.root() else { continue };
        for key in ["resources", "bases", "components", "patchesStrategicMerge"] {
            if let Some(list) = tree.get(root, key) {
                for &item in tree.items(list) {
                    if let Some(s) = tree.str(item) {
                        out.push(s.to_string());
                    }
                }
            }
        }
        for key in ["patches", "patchesJson6902"] {
            if let Some(list) = tree.get(root, key) {
                for &item in tree.items(list) {
                    if let Some(p) = tree.get(item, "path").and_then(|p| tree.str(p)) {
                        out.push(p.to_string());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts read off a directory listing are the facts asked name by name, for every
    /// kind of entry a marker's name can be.
    #[cfg(unix)]
    #[test]
    fn facts_from_a_listing_are_the_facts_asked_by_name() {
        use std::os::unix::fs::symlink;
        let tmp = std::env::temp_dir().join(format!("kc-dir-facts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let mk = |d: &str| {
            let p = tmp.join(d);
            std::fs::create_dir_all(&p).expect("temp dir");
            p
        };
        let write = |p: PathBuf| std::fs::write(p, "x: 1\n").expect("write");
        // A chart, a checkout whose `.git` is a file (a worktree), a configuration.
        write(mk("chart").join("Chart.yaml"));
        write(mk("worktree").join(".git"));
        write(mk("configured").join(config::FILE_NAME));
        // Directories with markers' names are not markers; a `.git` directory is a checkout.
        mk("dirs/kustomization.yaml");
        mk("dirs/.git");
        mk("dirs/.kube-contract.yaml");
        // Symbolic links are followed: to a file, to a directory, dangling.
        let links = mk("links");
        write(tmp.join("target.yaml"));
        symlink(tmp.join("target.yaml"), links.join("Kustomization")).expect("link");
        symlink(tmp.join("chart"), links.join(".git")).expect("link");
        symlink(tmp.join("missing"), links.join(config::FILE_NAME)).expect("link");
        let dangling = mk("dangling");
        symlink(tmp.join("missing"), dangling.join("Chart.yaml")).expect("link");
        symlink(tmp.join("missing"), dangling.join(".git")).expect("link");
        mk("empty");
        let cases = [
            ("chart", (false, false, true)),
            ("worktree", (false, true, false)),
            ("configured", (true, false, true)),
            ("dirs", (false, true, false)),
            ("links", (false, true, true)),
            ("dangling", (false, false, false)),
            ("empty", (false, false, false)),
            ("nowhere", (false, false, false)),
        ];
        for (dir, (config, git, marker)) in cases {
            let d = tmp.join(dir);
            let expected = DirFacts {
                config,
                git,
                marker,
            };
            assert_eq!(dir_facts(&d), expected, "{dir}");
            assert_eq!(DirFacts::asked(&d, true), expected, "{dir}");
        }
        // The walk records the same facts for every directory it lists.
        let filters = Filters::new(&[], &[]).expect("filters");
        let root = tmp.to_string_lossy().into_owned();
        let (_, listed) = discover_listing(&[root], &filters, "-").expect("walk");
        let mut seen: Vec<String> = Vec::new();
        for (d, facts) in &listed {
            assert_eq!(*facts, dir_facts(d), "{}", d.display());
            let rel = d
                .strip_prefix(&tmp)
                .map(|r| r.to_string_lossy().into_owned());
            seen.push(rel.unwrap_or_else(|_| d.display().to_string()));
        }
        seen.sort();
        let expected = [
            "",
            "chart",
            "configured",
            "dangling",
            "dirs",
            "dirs/kustomization.yaml",
            "empty",
            "links",
            "worktree",
        ];
        assert_eq!(seen, expected);
        let _ = std::fs::remove_dir_all(&tmp);
    }

    /// Inside a git checkout, a marker its `.gitignore` ignores is not part of the
    /// repository: the walk does not see it, so it marks no application. An ignored
    /// configuration file still configures its directory (a developer's local settings).
    #[test]
    fn ignored_markers_mark_nothing_ignored_configurations_still_count() {
        let tmp = std::env::temp_dir().join(format!("kc-ignored-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let app = tmp.join("app");
        std::fs::create_dir_all(app.clone()).expect("temp dir");
        std::fs::create_dir_all(tmp.join(".git")).expect("temp dir");
        let write = |p: PathBuf, text: &str| std::fs::write(p, text).expect("write");
        write(tmp.join(".gitignore"), "Chart.yaml\n.kube-contract.yaml\n");
        write(app.join("Chart.yaml"), "name: app\n");
        write(app.join(config::FILE_NAME), "zones: 3\n");
        write(app.join("d.yaml"), "kind: ConfigMap\n");
        let filters = Filters::new(&[], &[]).expect("filters");
        let root = tmp.to_string_lossy().into_owned();
        let (inputs, listed) = discover_listing(&[root], &filters, "-").expect("walk");
        assert_eq!(inputs.len(), 1);
        let facts = listed
            .iter()
            .find(|(d, _)| d.ends_with("app"))
            .map(|(_, f)| *f);
        let expected = DirFacts {
            config: true,
            git: false,
            marker: true,
        };
        // The configuration file is a marker too.
        assert_eq!(facts, Some(expected));
        std::fs::remove_file(app.join(config::FILE_NAME)).expect("remove");
        let root = tmp.to_string_lossy().into_owned();
        let (_, listed) = discover_listing(&[root], &filters, "-").expect("walk");
        let facts = listed
            .iter()
            .find(|(d, _)| d.ends_with("app"))
            .map(|(_, f)| *f);
        assert_eq!(facts, Some(DirFacts::default()));
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn relative_display() {
        let cwd = Path::new("/r/apps/shop");
        assert_eq!(
            display_relative(Path::new("/r/apps/shop/d.yaml"), cwd),
            "d.yaml"
        );
        assert_eq!(display_relative(Path::new("/r/apps/shop"), cwd), ".");
        assert_eq!(
            display_relative(Path::new("/r/apps/x.yaml"), cwd),
            "../x.yaml"
        );
        assert_eq!(display_relative(Path::new("/r"), cwd), "../..");
        assert_eq!(display_relative(Path::new("/other/y"), cwd), "/other/y");
    }

    #[test]
    fn common_parent_of_paths() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            common_parent(&[p("/r/a/x.yaml"), p("/r/a/b/y.yaml")]),
            Some(p("/r/a"))
        );
        assert_eq!(common_parent(&[p("/r/a/x.yaml")]), Some(p("/r/a/x.yaml")));
        assert_eq!(common_parent(&[]), None);
    }
}
