//! The run: read and parse files in parallel, build the index, run the rules in parallel,
//! sort. The same input gives the same findings in the same order whatever the thread count.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileId, ObjectKey, Severity};
use crate::index::Index;
use crate::model::{self, Extracted};
use crate::rule::{Context, Rule};
use crate::rules::{self, parse_error};
use crate::settings::Settings;
use crate::source::{describe_io, Input};
use crate::span::{Pos, Span};
use crate::suppress::{self, Suppressed};
use crate::yaml;

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
    pub objects: usize,
    /// Documents without apiVersion and kind.
    pub skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by a suppression, in the order of `diagnostics`.
    pub suppressed: Vec<Suppressed>,
    /// Every object linted, in input order (for outputs that list what passed, e.g. JUnit).
    pub listed: Vec<ListedObject>,
    /// Custom resources no schema was found for (not checked by the schema rules).
    pub no_schema: crate::schema::Unchecked,
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
    /// The text of a file, for renderers that show source lines. Files are read again here
    /// rather than kept in memory during the run.
    pub fn source(&self, file: FileId) -> Option<Cow<'_, str>> {
        let input = self.inputs.get(file as usize)?;
        if let Some(text) = &input.stdin {
            return Some(Cow::Borrowed(text.as_str()));
        }
        let bytes = std::fs::read(input.path.as_ref()?).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(Cow::Owned(strip_bom(text)))
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

fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

fn file_error(file: FileId, pos: Pos, message: String) -> Diagnostic {
    Diagnostic {
        rule: parse_error::META.id,
        severity: parse_error::META.severity,
        message,
        help: None,
        file,
        span: Span::new(
            pos,
            Pos {
                line: pos.line,
                column: pos.column + 1,
            },
        ),
        template: None,
        object: None,
        related: Vec::new(),
    }
}

const START: Pos = Pos { line: 1, column: 1 };

/// Reads one input and returns its objects and loader findings. Never panics on input.
pub fn load(input: &Input, file: FileId, settings: &Settings) -> Extracted {
    let mut out = Extracted::default();
    let owned;
    let text: &str = match (&input.stdin, &input.path) {
        (Some(t), _) => t,
        (None, Some(path)) => {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    out.diagnostics.push(file_error(
                        file,
                        START,
                        format!("cannot read {}: {}", input.display, describe_io(&e)),
                    ));
                    return out;
                }
            };
            match decode(bytes, &input.display) {
                Ok(t) => {
                    owned = t;
                    &owned
                }
                Err((pos, message)) => {
                    out.diagnostics.push(file_error(file, pos, message));
                    return out;
                }
            }
        }
        (None, None) => return out,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json = input.is_json();
    let chunks = yaml::chunks(text, json);
    if text.len() >= PARALLEL_DOCUMENTS_BYTES && chunks.len() > 1 {
        // A large stream (an operator's install bundle, a rendered chart): its documents are
        // parsed in parallel too, and their results joined in document order.
        let parts: Vec<Extracted> = chunks
            .into_par_iter()
            .map(|chunk| {
                let mut part = Extracted::default();
                load_document(chunk, json, file, settings, &mut part);
                part
            })
            .collect();
        for part in parts {
            out.objects.extend(part.objects);
            out.diagnostics.extend(part.diagnostics);
            out.skipped += part.skipped;
            out.suppressions.extend(part.suppressions);
            out.schema.extend(part.schema);
        }
    } else {
        for chunk in chunks {
            load_document(chunk, json, file, settings, &mut out);
        }
    }
    out
}

/// Files at least this large have their documents parsed in parallel.
const PARALLEL_DOCUMENTS_BYTES: usize = 256 * 1024;

/// Parses one document and adds its objects, findings and suppressions to `out`.
fn load_document(
    chunk: yaml::Chunk<'_>,
    json: bool,
    file: FileId,
    settings: &Settings,
    out: &mut Extracted,
) {
    let Some(doc) = yaml::parse_chunk(chunk) else {
        return;
    };
    if !json {
        suppress::scan_comments(
            &doc.chunk,
            doc.tree.as_ref().ok(),
            file,
            &mut out.suppressions,
        );
    }
    match doc.tree {
        Ok(tree) => {
            let before = out.objects.len();
            model::extract(&tree, file, doc.chunk.template, &settings.namespace, out);
            for obj in out.objects.get(before..).unwrap_or_default() {
                suppress::from_annotations(obj, &doc.chunk, &mut out.suppressions);
            }
            // Schema checks (issue 14), here while the document's tree is alive.
            crate::schema::check_document(
                &tree,
                out.objects.get(before..).unwrap_or_default(),
                doc.chunk.first_line,
                settings,
                &mut out.diagnostics,
                &mut out.schema,
            );
        }
        Err(e) => {
            let mut d = file_error(file, e.pos, e.message);
            d.template = doc.chunk.template.map(Arc::from);
            d.help =
                Some("the rest of this document is not linted; the other documents are".into());
            out.diagnostics.push(d);
        }
    }
}

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

/// Runs every enabled rule over every input.
pub fn run(inputs: Vec<Input>, settings: &Settings) -> Report {
    let work = || run_inner(inputs, settings);
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

fn run_inner(inputs: Vec<Input>, settings: &Settings) -> Report {
    let started = std::time::Instant::now();
    let loaded: Vec<Extracted> = inputs
        .par_iter()
        .enumerate()
        .map(|(i, input)| load(input, i as FileId, settings))
        .collect();
    let mut objects = Vec::with_capacity(loaded.iter().map(|e| e.objects.len()).sum());
    let mut diagnostics = Vec::new();
    let mut suppressions = Vec::new();
    let mut skipped = 0;
    let mut collected = crate::schema::Collected::default();
    for e in loaded {
        objects.extend(e.objects);
        diagnostics.extend(e.diagnostics);
        suppressions.extend(e.suppressions);
        skipped += e.skipped;
        collected.extend(e.schema);
    }
    // Custom resources checked against the CRDs of every input (issue 14).
    let no_schema = crate::schema::finish(&inputs, collected, settings, &mut diagnostics);
    let loaded_at = std::time::Instant::now();
    let paths: Vec<&str> = inputs.iter().map(|i| i.display.as_str()).collect();
    let index = Index::build_with_paths(objects, &paths);
    let indexed_at = std::time::Instant::now();
    let active: Vec<&dyn Rule> = rules::RULES
        .iter()
        .copied()
        .filter(|r| settings.enabled(r.meta().id))
        .collect();
    let cx = Context {
        index: &index,
        settings,
    };
    let found: Vec<Vec<Diagnostic>> = index
        .objects()
        .par_iter()
        .map(|obj| {
            let mut out = Vec::new();
            for rule in &active {
                if rule.meta().applies_to(obj) {
                    rule.check(obj, &cx, &mut out);
                }
            }
            out
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.retain(|d| settings.enabled(d.rule));
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
    let suppressed = suppress::apply(&mut diagnostics, &suppressions, settings);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let timings = Timings {
        load: loaded_at - started,
        index: indexed_at - loaded_at,
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
        inputs,
        objects: index.len(),
        skipped,
        diagnostics,
        suppressed,
        listed,
        no_schema,
    }
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
