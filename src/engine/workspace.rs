//! The workspace: every input under a stable [`FileId`], its text and its [`FileResult`].
//!
//! A run loads every file once ([`Workspace::load`]) and then lints the whole set
//! ([`Workspace::lint`]): index, object and run hooks, suppressions. An editor keeps the
//! workspace and calls [`Workspace::replace`] when a buffer changes: only that file is read
//! again; the index and the cross-object rules are rebuilt from the kept per-file results,
//! since any object may relate to any other. Renderers take source lines from the texts held
//! here, never from the disk.

use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::FileId;
use crate::engine::load::{self, Loaded};
use crate::engine::{lint_loaded, ActiveRules, Report};
use crate::rule::settings::Settings;
use crate::schema;
use crate::source::Input;
use crate::yaml::ParseError;

/// Which texts a workspace holds once its files are loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retain {
    /// Every file's text, for a workspace that lives on (an editor) and is linted again.
    Everything,
    /// Only standard input's; a renderer that shows source lines reads the files it shows,
    /// once each. A one-shot run keeps its peak memory at the largest file plus the model.
    Reported,
}

/// A file's text as read: the text, or why it could not be read.
type Text = Result<Arc<str>, ParseError>;

pub struct Workspace {
    inputs: Vec<Input>,
    /// Parallel to `inputs`: the text, when held (empty when none is).
    texts: Vec<Option<Text>>,
    /// Parallel to `inputs`: what loading the file gave.
    results: Vec<Loaded>,
    /// One per configuration file; `Input::settings` picks a file's.
    settings: Vec<Settings>,
}

impl Workspace {
    /// Reads and loads every input, in parallel, each under its settings (`Input::settings`
    /// indexes `settings`, one per configuration file).
    pub fn load(inputs: Vec<Input>, settings: Vec<Settings>, retain: Retain) -> Workspace {
        let settings = if settings.is_empty() {
            vec![Settings::default()]
        } else {
            settings
        };
        let rules: Vec<ActiveRules> = settings.iter().map(ActiveRules::new).collect();
        let claims = match retain {
            Retain::Reported => schema::CrdClaims::first_only(),
            Retain::Everything => schema::CrdClaims::default(),
        };
        let (texts, results) = inputs
            .par_iter()
            // Every file is a task another thread may take: files differ in size by a thousand
            // times, and rayon's default leaves hold runs of files one thread must finish alone
            // (the other idle for the last 8 ms of the corpus's 55).
            .with_max_len(1)
            .enumerate()
            .map(|(i, input)| {
                let text = load::read(input);
                let k = input.settings.min(settings.len() - 1);
                let result = load::load(
                    text.as_deref(),
                    input,
                    i as FileId,
                    &settings[k],
                    &rules[k].document,
                    &claims,
                );
                let keep = retain == Retain::Everything || input.stdin.is_some();
                // Only a held text becomes shared; a one-shot run drops it here.
                (keep.then(|| text.map(Arc::from)), Loaded::from(result))
            })
            .unzip();
        let mut texts: Vec<Option<Text>> = texts;
        if texts.iter().all(Option::is_none) {
            texts = Vec::new();
        }
        Workspace {
            inputs,
            texts,
            results,
            settings,
        }
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The id of the input reports name `display`.
    pub fn file_id(&self, display: &str) -> Option<FileId> {
        self.inputs
            .iter()
            .position(|i| i.display == display)
            .map(|i| i as FileId)
    }

    /// Gives file `id` a new text (an editor's unsaved buffer) and loads only that file
    /// again; the other files keep their results. Returns false when there is no such file.
    pub fn replace(&mut self, id: FileId, text: String) -> bool {
        let i = id as usize;
        if self.texts.len() < self.inputs.len() {
            self.texts.resize(self.inputs.len(), None);
        }
        let (Some(input), Some(result), Some(held)) = (
            self.inputs.get(i),
            self.results.get_mut(i),
            self.texts.get_mut(i),
        ) else {
            return false;
        };
        let Some(settings) = self.settings.get(input.settings).or(self.settings.first()) else {
            return false;
        };
        let rules = ActiveRules::new(settings);
        let text: Arc<str> = Arc::from(text);
        *result = Loaded::from(load::load(
            Ok(&text),
            input,
            id,
            settings,
            &rules.document,
            &schema::CrdClaims::default(),
        ));
        *held = Some(Ok(text));
        true
    }

    /// Lints the loaded files as one run (index, object and run hooks, suppressions) and
    /// keeps the workspace for the next change.
    pub fn lint(&self) -> Report {
        let mut report = lint_loaded(self.results.clone(), &self.inputs, &self.settings);
        report.sources = sources(&self.texts);
        report.inputs = self.inputs.clone();
        report
    }

    /// Lints, consuming the workspace: the per-file results move into the run.
    pub fn into_report(self) -> Report {
        let mut report = lint_loaded(self.results, &self.inputs, &self.settings);
        report.sources = sources(&self.texts);
        report.inputs = self.inputs;
        report
    }
}

/// The texts the workspace holds, shared with the report (`None` where none is held). With
/// [`Retain::Reported`] the renderers that show source lines read the others when they need
/// them ([`Report::text`]), once each, so a JSON run never holds a text.
fn sources(texts: &[Option<Text>]) -> Vec<Option<Arc<str>>> {
    texts
        .iter()
        .map(|t| match t {
            Some(Ok(text)) => Some(Arc::clone(text)),
            _ => None,
        })
        .collect()
}
