//! The run, in phases: load every file in parallel (read, parse, model, suppressions, the
//! document hook), build the index (a barrier), run the object hook per object in parallel and
//! the run hook once, apply suppressions and run the suppressions hook, sort. The same input
//! gives the same findings in the same order whatever the thread count.
//!
//! [`Workspace`] holds the inputs, their texts and per-file results; [`run`] is a one-shot
//! workspace.

pub mod baseline;
pub mod load;
mod merged;
pub mod workspace;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey, Severity};
use crate::base::span::Span;
use crate::index::{FileInfo, Index};
use crate::rule::settings::{FailOn, Settings};
use crate::rule::{Context, Hook, Rule, SuppressionUse};
use crate::rules::{self, parse_error};
use crate::schema;
use crate::source::Input;
use crate::suppress::{self, Suppressed};
pub use load::{FileResult, Loaded};
pub use workspace::{Retain, Workspace};

/// Wall-clock time of each phase of a run, for the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading, parsing and extracting the model of every file.
    pub load: std::time::Duration,
    /// Building the cross-object index.
    pub index: std::time::Duration,
    /// Running every rule on every object, then sorting.
    pub rules: std::time::Duration,
}

/// The outcome of a run.
pub struct Report {
    pub timings: Timings,
    pub inputs: Vec<Input>,
    /// Parallel to `inputs`: the texts the workspace held (`None` for the others).
    pub sources: Vec<Option<Arc<str>>>,
    /// Files reported on (the run's paths).
    pub files: usize,
    /// Files read only as context for the cross-object rules (the rest of the repository).
    pub context_files: usize,
    /// Objects of the files reported on.
    pub objects: usize,
    /// The configuration files that judged the files reported on, as reports name them.
    pub configs: Vec<String>,
    /// The workspace root whose manifests were the context, as reports name it.
    pub root: Option<String>,
    /// Custom resources no schema was found for (not checked by the schema rules).
    pub no_schema: schema::Unchecked,
    /// Documents without apiVersion and kind.
    pub skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by a suppression, in the order of `diagnostics`.
    pub suppressed: Vec<Suppressed>,
    /// The run's objects, kept for outputs that list what passed (JUnit): see
    /// [`Report::listed`].
    pub model: Index,
    /// Which findings make the exit code 1 (the run's settings).
    pub fail_on: FailOn,
    /// The run's `docs-url`: where each rule's page is.
    pub docs_url: String,
    /// What `--baseline` held back, when a baseline was read.
    pub baseline: Option<BaselineOutcome>,
}

/// What a baseline did to a report: how many findings it accepted, and its entries that
/// matched nothing (the findings were fixed, or moved beyond recognition).
#[derive(Debug, Clone, Default)]
pub struct BaselineOutcome {
    /// The baseline file, as reports name it.
    pub file: String,
    /// Findings the baseline accepted (left out of the report).
    pub matched: usize,
    /// Entries that matched no finding, with how many of each.
    pub stale: Vec<(baseline::Fingerprint, usize)>,
}

/// An object of the run, as outputs name it.
#[derive(Debug, Clone)]
pub struct ListedObject {
    pub file: FileId,
    pub key: Arc<ObjectKey>,
    /// The object's mapping.
    pub span: Span,
}

impl Report {
    /// Every object of the files reported on, in input order (for outputs that list what
    /// passed, e.g. JUnit).
    pub fn listed(&self) -> Vec<ListedObject> {
        self.model
            .objects()
            .iter()
            .filter(|o| self.inputs.get(o.file as usize).is_some_and(|i| !i.context))
            .map(|o| ListedObject {
                file: o.file,
                key: Arc::clone(&o.key),
                span: o.span,
            })
            .collect()
    }

    /// The docs page of a rule, from the run's `docs-url`.
    pub fn rule_url(&self, id: &str) -> String {
        crate::rule::settings::rule_url(&self.docs_url, id)
    }

    /// The text of a file, when the workspace held it.
    pub fn source(&self, file: FileId) -> Option<&str> {
        self.sources.get(file as usize)?.as_deref()
    }

    /// The text of a file for a renderer: the held text, else the file read now (a one-shot
    /// run holds only standard input; renderers call this once per file they show).
    pub fn text(&self, file: FileId) -> Option<Arc<str>> {
        if let Some(Some(text)) = self.sources.get(file as usize) {
            return Some(Arc::clone(text));
        }
        load::read(self.inputs.get(file as usize)?)
            .ok()
            .map(Arc::from)
    }

    pub fn file_name(&self, file: FileId) -> &str {
        self.inputs
            .get(file as usize)
            .map_or("<unknown>", |i| i.display.as_str())
    }

    /// Whether something could not be linted (exit code 2).
    pub fn incomplete(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.rule == parse_error::META.id)
    }
}

/// The enabled rules of a run, by hook.
pub(crate) struct ActiveRules {
    pub document: Vec<&'static dyn Rule>,
    pub object: Vec<&'static dyn Rule>,
    pub run: Vec<&'static dyn Rule>,
    pub suppressions: Vec<&'static dyn Rule>,
}

impl ActiveRules {
    pub fn new(settings: &Settings) -> ActiveRules {
        let mut active = ActiveRules {
            document: Vec::new(),
            object: Vec::new(),
            run: Vec::new(),
            suppressions: Vec::new(),
        };
        for &rule in rules::RULES {
            let meta = rule.meta();
            if !settings.enabled(meta.id) {
                continue;
            }
            match meta.hook {
                Hook::Document => active.document.push(rule),
                Hook::Object(_) => active.object.push(rule),
                Hook::Run => active.run.push(rule),
                Hook::Suppressions => active.suppressions.push(rule),
            }
        }
        active
    }
}

/// Runs every enabled rule over every input, on `settings.jobs` threads.
pub fn run(inputs: Vec<Input>, settings: &Settings) -> Report {
    run_with(inputs, vec![settings.clone()])
}

/// Runs every input under its own settings (`Input::settings` indexes `settings`: one per
/// configuration file), on the first settings' `jobs` threads.
/// The report holds the run's model ([`Report::model`]): a process that exits once the report
/// is written need not free it (the command line forgets the report).
pub fn run_with(inputs: Vec<Input>, settings: Vec<Settings>) -> Report {
    let jobs = settings.first().map_or(0, |s| s.jobs);
    let work = || {
        let started = std::time::Instant::now();
        let workspace = Workspace::load(inputs, settings, Retain::Reported);
        let load = started.elapsed();
        let mut report = workspace.into_report();
        report.timings.load = load;
        report
    };
    // The pool the run is in (the global one, for the command line) serves when it has the
    // threads asked for: a second pool would only add threads that wait.
    if jobs > 0 && jobs != rayon::current_num_threads() {
        match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
            Ok(pool) => pool.install(work),
            Err(_) => work(),
        }
    } else {
        work()
    }
}

/// Index, object and run hooks, suppressions and their hook, over loaded files. `sources`
/// is left empty for the workspace to fill.
pub(crate) fn lint_loaded(results: Vec<Loaded>, inputs: &[Input], settings: &[Settings]) -> Report {
    let fallback = Settings::default();
    let root = settings.first().unwrap_or(&fallback);
    // The settings of each file, and the rules each settings enable.
    let of_file = |f: FileId| {
        inputs
            .get(f as usize)
            .and_then(|i| settings.get(i.settings))
            .unwrap_or(root)
    };
    let active_by: Vec<ActiveRules> = settings.iter().map(ActiveRules::new).collect();
    let active_of = |f: FileId| {
        inputs
            .get(f as usize)
            .and_then(|i| active_by.get(i.settings))
    };
    // The run hooks and the suppressions hook run once, under the run's own settings.
    let fallback_active;
    let root_active: &ActiveRules = match active_by.first() {
        Some(a) => a,
        None => {
            fallback_active = ActiveRules::new(root);
            &fallback_active
        }
    };
    let reported = |f: FileId| inputs.get(f as usize).is_some_and(|i| !i.context);
    let started = std::time::Instant::now();
    let mut objects = Vec::with_capacity(results.iter().map(Loaded::objects).sum());
    let mut diagnostics = Vec::new();
    let mut suppressions = Vec::new();
    let mut skipped = 0;
    let mut collected = schema::Collected::default();
    let mut crd_kinds = HashSet::new();
    for (f, e) in results.into_iter().enumerate() {
        let e = e.into_result();
        objects.extend(e.objects);
        diagnostics.extend(e.diagnostics);
        suppressions.extend(e.suppressions);
        collected.extend_first(e.schema, &mut crd_kinds);
        if reported(f as FileId) {
            skipped += e.skipped;
        }
    }
    // Custom resources checked against the CRDs of every input, their documents read again;
    // the document hooks of their files report what is found.
    let read = |f: FileId| {
        let input = inputs.get(f as usize)?;
        Some((load::read(input).ok()?, input.is_json()))
    };
    let files: Vec<FileInfo<'_>> = inputs
        .iter()
        .map(|i| FileInfo {
            path: i.display.as_str(),
            apps: &i.apps,
        })
        .collect();
    // The index (one thread's work) and that check (a file per task) need nothing from each
    // other: they run side by side.
    let (index, (mut late, no_schema)) = rayon::join(
        || Index::build_with_files(objects, &files),
        || {
            let mut late = Vec::new();
            let no_schema = schema::finish(&read, &reported, collected, root, &mut late);
            (late, no_schema)
        },
    );
    drop(files);
    late.sort_by_key(|d: &Diagnostic| d.file);
    let empty_tree = crate::yaml::Tree::default();
    let empty_model = crate::model::Extracted::default();
    for chunk in late.chunk_by(|a, b| a.file == b.file) {
        let Some(first) = chunk.first() else { continue };
        let view = crate::rule::Document {
            file: first.file,
            template: None,
            tree: Ok(&empty_tree),
            whole_file: false,
            extracted: &empty_model,
            schema: chunk,
        };
        for rule in active_of(first.file).map_or(&[][..], |a| &a.document[..]) {
            rule.check_document(&view, &mut diagnostics);
        }
    }
    let indexed_at = std::time::Instant::now();
    // Scoped overrides: the objects they match are judged under settings derived once per
    // distinct combination (file's settings, overrides matched).
    let scoped = settings.iter().any(|s| !s.overrides.is_empty());
    let paths: Vec<Option<std::path::PathBuf>> = if scoped {
        inputs
            .iter()
            .map(|i| i.path.as_deref().map(crate::base::io::absolute))
            .collect()
    } else {
        Vec::new()
    };
    let path_of = |f: FileId| paths.get(f as usize).and_then(|p| p.as_deref());
    let mut derived: Vec<(Settings, ActiveRules)> = Vec::new();
    let mut object_settings: Vec<Option<usize>> = Vec::new();
    if scoped {
        let mut seen: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        for obj in index.objects() {
            let s = of_file(obj.file);
            let which = s.overrides_for(
                path_of(obj.file),
                Some(&obj.key.kind),
                obj.key.namespace.as_deref(),
            );
            if which.is_empty() {
                object_settings.push(None);
                continue;
            }
            let at = inputs.get(obj.file as usize).map_or(0, |i| i.settings);
            let next = derived.len();
            let id = *seen.entry((at, which.clone())).or_insert(next);
            if id == next {
                let d = s.with_overrides(&which);
                let a = ActiveRules::new(&d);
                derived.push((d, a));
            }
            object_settings.push(Some(id));
        }
    }
    // Objects go through the rules in batches: each batch's findings are moved into the
    // run's vector before the next batch runs, so the memory of one batch's per-object vectors
    // is reused by the next instead of every finding being held twice at the end.
    // Findings of one rule often give the same advice: one copy of each help text is kept.
    const BATCH: usize = 4096;
    let mut helps: HashSet<Arc<str>> = HashSet::new();
    for (b, batch) in index.objects().chunks(BATCH).enumerate() {
        let found: Vec<Vec<Diagnostic>> = batch
            .par_iter()
            .enumerate()
            .map(|(i, obj)| {
                let mut out = Vec::new();
                let own = object_settings
                    .get(b * BATCH + i)
                    .copied()
                    .flatten()
                    .and_then(|d| derived.get(d));
                let cx = Context {
                    index: &index,
                    settings: own.map_or_else(|| of_file(obj.file), |d| &d.0),
                };
                let rules = match own {
                    Some(d) => &d.1.object[..],
                    None => active_of(obj.file).map_or(&[][..], |a| &a.object[..]),
                };
                if !merged::judge(obj, &cx, rules, &mut out) {
                    for rule in rules {
                        if rule.meta().applies_to(obj) {
                            rule.check_object(obj, &cx, &mut out);
                        }
                    }
                }
                compact(&mut out);
                out
            })
            .collect();
        for mut d in found.into_iter().flatten() {
            if let Some(h) = d.help.take() {
                d.help = Some(match helps.get(&*h) {
                    Some(shared) => shared.clone(),
                    None => {
                        helps.insert(h.clone());
                        h
                    }
                });
            }
            diagnostics.push(d);
        }
    }
    drop(helps);
    let cx = Context {
        index: &index,
        settings: root,
    };
    let found: Vec<Vec<Diagnostic>> = root_active
        .run
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule.check_run(&cx, &mut out);
            out
        })
        .collect();
    // A run hook runs once, under the run's settings; each finding then follows its file's.
    diagnostics.extend(
        found
            .into_iter()
            .flatten()
            .filter(|d| of_file(d.file).enabled(d.rule)),
    );
    let overrides: Vec<HashMap<&'static str, Severity>> =
        settings.iter().map(severity_overrides).collect();
    if overrides.iter().any(|o| !o.is_empty()) {
        for d in &mut diagnostics {
            let file_overrides = inputs
                .get(d.file as usize)
                .and_then(|i| overrides.get(i.settings));
            if let Some(s) = file_overrides.and_then(|o| o.get(d.rule)) {
                d.severity = *s;
            }
        }
    }
    if scoped {
        diagnostics.retain_mut(|d| scope_finding(d, of_file(d.file), path_of(d.file)));
    }
    diagnostics.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let (mut suppressed, used) = suppress::apply(&mut diagnostics, &suppressions);
    if !suppressions.is_empty() {
        let view = SuppressionUse {
            suppressions: &suppressions,
            used: &used,
            settings: &of_file,
        };
        for rule in &root_active.suppressions {
            let mut found = Vec::new();
            rule.check_suppressions(&view, &mut found);
            for mut d in found {
                let s = of_file(d.file);
                if s.enabled(d.rule) {
                    d.severity = s.severity(d.rule, d.severity);
                    let path = path_of(d.file);
                    if !scoped || scope_finding(&mut d, s, path) {
                        diagnostics.push(d);
                    }
                }
            }
        }
    }
    // Only the files the run names are reported on: a finding in one of them, or a finding
    // elsewhere that points into one of them (a budget of the repository that blocks the
    // drain of a named workload).
    let shown = |d: &Diagnostic| reported(d.file) || d.related.iter().any(|r| reported(r.file));
    diagnostics.retain(shown);
    suppressed.retain(|s| shown(&s.diagnostic));
    diagnostics.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let timings = Timings {
        load: std::time::Duration::ZERO,
        index: indexed_at - started,
        rules: indexed_at.elapsed(),
    };
    let objects = index.objects().iter().filter(|o| reported(o.file)).count();
    Report {
        timings,
        inputs: Vec::new(),
        sources: Vec::new(),
        files: inputs.iter().filter(|i| !i.context).count(),
        context_files: inputs.iter().filter(|i| i.context).count(),
        objects,
        configs: Vec::new(),
        root: None,
        no_schema,
        skipped,
        diagnostics,
        suppressed,
        model: index,
        fail_on: root.fail_on,
        docs_url: root.docs_url.clone(),
        baseline: None,
    }
}

/// Applies the scoped overrides matching a finding's file and object to its severity; false
/// when one turns its rule off. A severity written at the rule's default keeps the severity
/// the finding was given (as for the top-level `rules`), unless an earlier setting changed it.
fn scope_finding(d: &mut Diagnostic, s: &Settings, path: Option<&std::path::Path>) -> bool {
    if s.overrides.is_empty() {
        return true;
    }
    let object = d.object.as_deref();
    let which = s.overrides_for(
        path,
        object.map(|o| o.kind.as_str()),
        object.and_then(|o| o.namespace.as_deref()),
    );
    let default = rules::find(d.rule).map(|m| m.severity);
    for i in which {
        match s.overrides.get(i).and_then(|o| o.severities.get(d.rule)) {
            Some(None) if !s.select.contains(d.rule) && d.rule != parse_error::META.id => {
                return false
            }
            Some(Some(sev)) if Some(*sev) != default || s.severities.contains_key(d.rule) => {
                d.severity = *sev;
            }
            _ => {}
        }
    }
    true
}

/// Drops the spare capacity of findings' texts: `format!` leaves up to half of a message's
/// buffer unused, and a run with a million findings holds all of them until it is rendered.
fn compact(found: &mut Vec<Diagnostic>) {
    for d in found.iter_mut() {
        d.message.shrink_to_fit();
    }
    found.shrink_to_fit();
}

/// Configured severities that differ from the rule's default; they apply to every finding of
/// the rule. A rule configured at its default severity keeps the severity each finding was
/// given, since some rules report lesser cases lower (`prestop-exceeds-grace-period` reports a
/// too-short shutdown window as a warning): writing a default down changes nothing.
fn severity_overrides(settings: &Settings) -> HashMap<&'static str, Severity> {
    let mut out = HashMap::new();
    for (id, configured) in &settings.severities {
        if let (Some(meta), Some(s)) = (rules::find(id), configured) {
            if *s != meta.severity {
                out.insert(meta.id, *s);
            }
        }
    }
    out
}
