//! Loading one file: read and decode it, split its documents, parse each into the spanned
//! tree, read the model, find its suppressions, and run the document hook of the rules while
//! the tree is alive. The tree is dropped when the document is done; what stays is the file's
//! [`FileResult`].

use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, FileId};
use crate::base::io::decode;
use crate::base::regular_file;
use crate::base::span::Pos;
use crate::model::{self, Extracted, Object};
use crate::rule::settings::Settings;
use crate::rule::{Document, Rule};
use crate::schema;
use crate::source::Input;
use crate::suppress::{self, Suppression};
use crate::yaml::{self, ParseError};

/// What one file gave: its objects, the findings of the document hooks, the documents
/// without apiVersion and kind, and its suppressions.
#[derive(Debug, Default, Clone)]
pub struct FileResult {
    /// Boxed, so that the run gathers every file's objects without copying them.
    #[allow(clippy::vec_box)]
    pub objects: Vec<Box<Object>>,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: usize,
    pub suppressions: Vec<Suppression>,
    /// CRDs and custom resources, for the schema checks that wait for every input.
    pub schema: schema::Collected,
}

/// A [`FileResult`] as the run holds it until every file is loaded: most files give objects
/// and nothing else, so the rest is boxed and absent when empty (24 bytes a file instead of
/// 128, for every file of a run).
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    objects: Box<[Box<Object>]>,
    rest: Option<Box<FileResult>>,
}

impl From<FileResult> for Loaded {
    fn from(mut r: FileResult) -> Loaded {
        let objects = std::mem::take(&mut r.objects).into_boxed_slice();
        let empty = r.diagnostics.is_empty()
            && r.skipped == 0
            && r.suppressions.is_empty()
            && r.schema.crds.is_empty()
            && r.schema.pending.is_empty();
        Loaded {
            objects,
            rest: (!empty).then(|| Box::new(r)),
        }
    }
}

impl Loaded {
    /// The number of objects.
    pub fn objects(&self) -> usize {
        self.objects.len()
    }

    /// The whole result again.
    pub fn into_result(self) -> FileResult {
        let mut r = self.rest.map_or_else(FileResult::default, |b| *b);
        r.objects = self.objects.into_vec();
        r
    }
}

impl FileResult {
    fn append(&mut self, other: FileResult) {
        self.objects.extend(other.objects);
        self.diagnostics.extend(other.diagnostics);
        self.skipped += other.skipped;
        self.suppressions.extend(other.suppressions);
        self.schema.extend(other.schema);
    }
}

const START: Pos = Pos { line: 1, column: 1 };

/// Files at least this large have their documents parsed in parallel.
const PARALLEL_DOCUMENTS_BYTES: usize = 256 * 1024;

/// The text of an input: standard input or a regular file, decoded the same way, without a
/// byte order mark. An input that cannot be read (missing, unreadable, a directory, a symbolic
/// link loop, a FIFO or a device, too large) or is not text is the error that says so, at its
/// position, so every input path gives the same `parse-error` finding.
pub fn read(input: &Input) -> Result<String, ParseError> {
    let at_start = |message: String| ParseError {
        pos: START,
        message,
    };
    let bytes = match (input.stdin.as_deref(), &input.path) {
        (Some(Ok(bytes)), _) => bytes.clone(),
        (Some(Err(e)), _) => return Err(at_start(e.clone())),
        (None, None) => Vec::new(),
        (None, Some(path)) if input.walked_file => {
            regular_file::read_walked(path, &input.display).map_err(at_start)?
        }
        (None, Some(path)) => regular_file::read(path, &input.display).map_err(at_start)?,
    };
    let mut text =
        decode(bytes, &input.display).map_err(|(pos, message)| ParseError { pos, message })?;
    // Positions are counted after a byte order mark.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The objects, document findings and suppressions of a file whose text is `text` (or that
/// could not be read). Never panics on input.
pub fn load(
    text: Result<&str, &ParseError>,
    input: &Input,
    file: FileId,
    settings: &Settings,
    document_rules: &[&dyn Rule],
    claims: &schema::CrdClaims,
) -> FileResult {
    let mut out = FileResult::default();
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            let extracted = Extracted::default();
            let doc = Document {
                file,
                template: None,
                tree: Err(e),
                whole_file: true,
                extracted: &extracted,
                schema: &[],
            };
            for rule in document_rules {
                rule.check_document(&doc, &mut out.diagnostics);
            }
            return out;
        }
    };
    let json = input.is_json();
    let mut chunks = yaml::chunks(text, json);
    if chunks.len() > yaml::MAX_DOCUMENTS {
        // The documents past the limit are one finding, at the first of them.
        let first = chunks[yaml::MAX_DOCUMENTS].first_line;
        let count = chunks.len() - yaml::MAX_DOCUMENTS;
        chunks.truncate(yaml::MAX_DOCUMENTS);
        let error = ParseError {
            pos: Pos {
                line: first,
                column: 1,
            },
            message: format!(
                "this file has more than {} documents: the {count} from here on are not read",
                yaml::MAX_DOCUMENTS
            ),
        };
        let extracted = Extracted::default();
        let doc = Document {
            file,
            template: None,
            tree: Err(&error),
            whole_file: true,
            extracted: &extracted,
            schema: &[],
        };
        for rule in document_rules {
            rule.check_document(&doc, &mut out.diagnostics);
        }
    }
    let read = |chunk, out: &mut FileResult| {
        load_document(chunk, json, file, settings, document_rules, claims, out);
    };
    if text.len() >= PARALLEL_DOCUMENTS_BYTES && chunks.len() > 1 {
        // A large stream (an operator's install bundle, a rendered chart): its documents are
        // parsed in parallel too, and their results joined in document order.
        let parts: Vec<FileResult> = chunks
            .into_par_iter()
            // A document a task: a bundle's documents differ in size (a CRD beside a Service).
            .with_max_len(1)
            .map(|chunk| {
                let mut part = FileResult::default();
                read(chunk, &mut part);
                part
            })
            .collect();
        for part in parts {
            out.append(part);
        }
    } else {
        for chunk in chunks {
            read(chunk, &mut out);
        }
    }
    // Kept until the index is built: no spare capacity (a vector's first growth holds four
    // objects, most files have one).
    out.objects.shrink_to_fit();
    out.diagnostics.shrink_to_fit();
    out.suppressions.shrink_to_fit();
    out
}

/// Parses one document and adds its objects, suppressions and the document hooks' findings
/// to `out`.
fn load_document(
    chunk: yaml::Chunk<'_>,
    json: bool,
    file: FileId,
    settings: &Settings,
    document_rules: &[&dyn Rule],
    claims: &schema::CrdClaims,
    out: &mut FileResult,
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
    let mut extracted = Extracted::default();
    let mut problems = Vec::new();
    if let Ok(tree) = &doc.tree {
        model::extract_with(
            tree,
            file,
            doc.chunk.template,
            &settings.namespace,
            &settings.controllers,
            &mut extracted,
        );
        for obj in &extracted.objects {
            suppress::from_annotations(obj, &doc.chunk, &mut out.suppressions);
        }
        // The schema check, while the tree is alive; values the model already found of the
        // wrong type are not judged again.
        let known: Vec<Pos> = extracted
            .field_errors
            .iter()
            .map(|e| e.span.start)
            .collect();
        schema::check_document(
            tree,
            &extracted.objects,
            doc.chunk.first_line,
            settings,
            &known,
            &mut problems,
            &mut schema::Gathering {
                collected: &mut out.schema,
                claims,
            },
        );
    }
    let template: Option<Arc<str>> = doc.chunk.template.map(Arc::from);
    let view = Document {
        file,
        template: template.as_ref(),
        tree: doc.tree.as_ref(),
        whole_file: false,
        extracted: &extracted,
        schema: &problems,
    };
    for rule in document_rules {
        rule.check_document(&view, &mut out.diagnostics);
    }
    out.objects
        .extend(extracted.objects.into_iter().map(Box::new));
    out.skipped += extracted.skipped;
}
