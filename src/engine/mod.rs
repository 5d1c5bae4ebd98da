//! The run, in phases: load every file in parallel (read, parse, model, suppressions, the
//! document hook), build the index (a barrier), run the object hook per object in parallel and
//! the run hook once, apply suppressions and run the suppressions hook, sort. The same input
//! gives the same findings in the same order whatever the thread count.
//!
//! [`Workspace`] holds the inputs, their texts and per-file results; [`run`] is a one-shot
//! workspace.

pub mod load;
pub mod workspace;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, FileId, ObjectKey, Severity};
use crate::base::span::Span;
use crate::index::Index;
use crate::rule::settings::Settings;
use crate::rule::{Context, Hook, Rule, SuppressionUse};
use crate::rules::{self, parse_error};
use crate::source::Input;
use crate::suppress::{self, Suppressed};
pub use load::FileResult;
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
    pub objects: usize,
    /// Documents without apiVersion and kind.
    pub skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by a suppression, in the order of `diagnostics`.
    pub suppressed: Vec<Suppressed>,
    /// Every object linted, in input order (for outputs that list what passed, e.g. JUnit).
    pub listed: Vec<ListedObject>,
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
    let work = || {
        let started = std::time::Instant::now();
        let workspace = Workspace::load(inputs, settings.clone(), Retain::Reported);
        let load = started.elapsed();
        let mut report = workspace.into_report();
        report.timings.load = load;
        report
    };
    if settings.jobs > 0 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(settings.jobs)
            .build()
        {
            Ok(pool) => pool.install(work),
            Err(_) => work(),
        }
    } else {
        work()
    }
}

/// Index, object and run hooks, suppressions and their hook, over loaded files. `sources`
/// is left empty for the workspace to fill.
pub(crate) fn lint_loaded(
    results: Vec<FileResult>,
    inputs: &[Input],
    settings: &Settings,
) -> Report {
    let started = std::time::Instant::now();
    let mut objects = Vec::with_capacity(results.iter().map(|e| e.objects.len()).sum());
    let mut diagnostics = Vec::new();
    let mut suppressions = Vec::new();
    let mut skipped = 0;
    for e in results {
        objects.extend(e.objects);
        diagnostics.extend(e.diagnostics);
        suppressions.extend(e.suppressions);
        skipped += e.skipped;
    }
    let paths: Vec<&str> = inputs.iter().map(|i| i.display.as_str()).collect();
    let index = Index::build_with_paths(objects, &paths);
    let indexed_at = std::time::Instant::now();
    let active = ActiveRules::new(settings);
    let cx = Context {
        index: &index,
        settings,
    };
    let found: Vec<Vec<Diagnostic>> = index
        .objects()
        .par_iter()
        .map(|obj| {
            let mut out = Vec::new();
            for rule in &active.object {
                if rule.meta().applies_to(obj) {
                    rule.check_object(obj, &cx, &mut out);
                }
            }
            compact(&mut out);
            out
        })
        .collect();
    // Findings can outnumber objects several times over: they are moved once, into a vector
    // of the exact size, and hold no spare capacity (see `compact`).
    diagnostics.reserve_exact(found.iter().map(Vec::len).sum());
    diagnostics.extend(found.into_iter().flatten());
    let found: Vec<Vec<Diagnostic>> = active
        .run
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule.check_run(&cx, &mut out);
            out
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    let overrides = severity_overrides(settings);
    if !overrides.is_empty() {
        for d in &mut diagnostics {
            if let Some(s) = overrides.get(d.rule) {
                d.severity = *s;
            }
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let (suppressed, used) = suppress::apply(&mut diagnostics, &suppressions);
    if !suppressions.is_empty() {
        let view = SuppressionUse {
            suppressions: &suppressions,
            used: &used,
            settings,
        };
        for rule in &active.suppressions {
            let mut found = Vec::new();
            rule.check_suppressions(&view, &mut found);
            for mut d in found {
                d.severity = settings.severity(d.rule, d.severity);
                diagnostics.push(d);
            }
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let timings = Timings {
        load: std::time::Duration::ZERO,
        index: indexed_at - started,
        rules: indexed_at.elapsed(),
    };
    let listed = index
        .objects()
        .iter()
        .map(|o| ListedObject {
            file: o.file,
            key: Arc::clone(&o.key),
            span: o.span,
        })
        .collect();
    Report {
        timings,
        inputs: Vec::new(),
        sources: Vec::new(),
        objects: index.len(),
        skipped,
        diagnostics,
        suppressed,
        listed,
    }
}

/// Drops the spare capacity of findings' texts: `format!` leaves up to half of a message's
/// buffer unused, and a run with a million findings holds all of them until it is rendered.
fn compact(found: &mut Vec<Diagnostic>) {
    for d in found.iter_mut() {
        d.message.shrink_to_fit();
        if let Some(h) = &mut d.help {
            h.shrink_to_fit();
        }
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

/// Keeps peak memory near "largest file plus the model". Each file's tree is a few large
/// vectors freed as soon as the file is read, while the model's small allocations live for
/// the whole run. glibc raises its mmap threshold after every large free, so later trees land
/// in the main heap between model allocations and can never be given back; pinning the
/// threshold keeps large vectors in their own mappings, returned to the system on free.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const M_MMAP_THRESHOLD: i32 = -3;
        extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: mallopt only changes allocator tuning; it is called before any worker thread
        // starts and has no memory-safety preconditions.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
}
