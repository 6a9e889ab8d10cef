//! The rule engine's vocabulary: the [`Rule`] trait, the metadata every
//! rule declares ([`declare_rule!`]), and the contexts rules report
//! through.
//!
//! Per-file rules implement [`Rule::check_file`] and see one parsed header;
//! cross-file rules implement [`Rule::check_corpus`] and see only the
//! compact [`Index`]. This module knows no rule: the registry
//! ([`crate::rules`]) lists them.

use std::path::Path;

use fmlint_syntax::{Header, LineIndex, Node, Span};

use crate::collection::Collection;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::index::Index;
use crate::settings::Settings;

/// Declares a rule: a unit struct whose doc comment becomes `META.docs`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis struct $name:ident {
            name: $rule:literal,
            severity: $severity:ident,
            fix: $fix:ident,
            stage: $stage:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $rule,
                default_severity: $crate::diagnostic::Severity::$severity,
                fix: $crate::rule::FixKind::$fix,
                stage: $crate::rule::Stage::$stage,
                docs: concat!($($doc, "\n"),+),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Implements [`Rule::meta`] for rules that only have docs (parse stage).
macro_rules! docs_only {
    ($($name:ident),+ $(,)?) => {
        $(impl $crate::rule::Rule for $name {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                &Self::META
            }
        })+
    };
}
pub(crate) use docs_only;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    None,
    /// Applied by `--fix`.
    Safe,
    /// Applied only with `--unsafe-fixes`; a suggestion otherwise.
    Unsafe,
}

impl FixKind {
    /// As the rule table says it: `safe`, `unsafe`, or empty.
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "",
            FixKind::Safe => "safe",
            FixKind::Unsafe => "unsafe",
        }
    }
}

/// When a rule runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// While reading and parsing the file.
    Parse,
    /// On one parsed file.
    File,
    /// On the corpus index, after every file.
    Corpus,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::File => "file",
            Stage::Corpus => "corpus",
        }
    }
}

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub default_severity: Severity,
    pub fix: FixKind,
    pub stage: Stage,
    /// Markdown: What it does / Why is this bad / Example.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The docs with the one space `///` leaves at each line's start removed.
    pub fn docs(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The first sentence of "What it does".
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = docs
            .split("## What it does")
            .nth(1)
            .unwrap_or(&docs)
            .trim_start();
        let paragraph = body.split("\n\n").next().unwrap_or("").replace('\n', " ");
        paragraph.trim().to_string()
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check_file(&self, _cx: &mut FileContext) {}

    fn check_corpus(&self, _cx: &mut CorpusContext) {}
}

/// The rule a [`FileContext`] reports under before the engine sets one.
static UNSET: RuleMeta = RuleMeta {
    name: "",
    default_severity: Severity::Error,
    fix: FixKind::None,
    stage: Stage::File,
    docs: "",
};

/// What a per-file rule sees.
pub struct FileContext<'c, 'a> {
    /// Relative to the corpus root (what collections, overrides and path
    /// templates match).
    pub path: &'c Path,
    pub text: &'a str,
    pub header: Header,
    /// The header's mapping.
    pub root: &'c Node<'a>,
    pub settings: &'c Settings,
    /// The file's collection: the conventions the rules check.
    pub collection: &'c Collection,
    lines: &'c LineIndex<'a>,
    rule: &'static RuleMeta,
    severity: Severity,
    out: &'c mut Vec<Diagnostic>,
}

impl<'c, 'a> FileContext<'c, 'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        path: &'c Path,
        text: &'a str,
        header: Header,
        root: &'c Node<'a>,
        settings: &'c Settings,
        collection: &'c Collection,
        lines: &'c LineIndex<'a>,
        out: &'c mut Vec<Diagnostic>,
    ) -> Self {
        FileContext {
            path,
            text,
            header,
            root,
            settings,
            collection,
            lines,
            rule: &UNSET,
            severity: Severity::Error,
            out,
        }
    }

    /// How many findings the file has so far: a rule that panics has the
    /// ones it added taken back ([`FileContext::take_back`]).
    pub fn findings(&self) -> usize {
        self.out.len()
    }

    pub fn take_back(&mut self, to: usize) {
        self.out.truncate(to);
    }

    pub fn set_rule(&mut self, rule: &'static RuleMeta, severity: Severity) {
        self.rule = rule;
        self.severity = severity;
    }

    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// Reports a finding under the running rule.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.out
            .push(resolve(diagnostic, self.rule, self.severity, self.lines));
    }

    pub fn locate(&self, span: Span) -> Location {
        self.lines.locate(span)
    }
}

/// Fills in what the reporter knows: rule, severity, line and column.
pub fn resolve(
    mut diagnostic: Diagnostic,
    rule: &'static RuleMeta,
    severity: Severity,
    lines: &LineIndex,
) -> Diagnostic {
    diagnostic.rule = rule.name;
    diagnostic.severity = severity;
    diagnostic.location = lines.locate(diagnostic.location.span);
    diagnostic
}

/// What a cross-file rule sees: the index, never whole documents.
pub struct CorpusContext<'c> {
    pub index: &'c Index,
    pub settings: &'c Settings,
    rule: &'static RuleMeta,
    /// The rule's position in the registry (for its severity per file).
    position: usize,
    severity: Severity,
    /// (file number in the index, finding with its location resolved).
    out: &'c mut Vec<(usize, Diagnostic)>,
}

impl<'c> CorpusContext<'c> {
    pub fn new(
        index: &'c Index,
        settings: &'c Settings,
        rule: &'static RuleMeta,
        position: usize,
        severity: Severity,
        out: &'c mut Vec<(usize, Diagnostic)>,
    ) -> Self {
        CorpusContext {
            index,
            settings,
            rule,
            position,
            severity,
            out,
        }
    }

    /// Reports a finding in file `file` of the index, at the rule's
    /// severity in that file (an override may turn it off there). The
    /// diagnostic's location must already be resolved (the index keeps
    /// locations).
    pub fn report(&mut self, file: usize, mut diagnostic: Diagnostic) {
        let overrides = &self.index.files[file].summary.overrides;
        let severity = if overrides.is_empty() && self.settings.overrides.is_empty() {
            Some(self.severity)
        } else {
            self.settings.severity_at(self.position, overrides)
        };
        let Some(severity) = severity else { return };
        diagnostic.rule = self.rule.name;
        diagnostic.severity = severity;
        self.out.push((file, diagnostic));
    }

    /// The collection at position `index` in the settings.
    pub fn collection(&self, index: usize) -> &'c Collection {
        &self.settings.collections[index]
    }
}
