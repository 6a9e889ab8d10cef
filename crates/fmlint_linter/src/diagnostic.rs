//! Findings as data: a [`Diagnostic`] is what a rule reports about one file.
//!
//! Spans are byte ranges into the whole file (`u32` each: a header over
//! 4 GiB is refused long before this). Line and column are resolved once,
//! while the file's text is at hand, so reporters never need the text again
//! except to draw a snippet.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use fmlint_syntax::{Edit, LineCol, Location, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Applicability {
    Safe,
    Unsafe,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// A place in another file that explains a finding (the other holder of a
/// duplicated id, say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub path: Arc<Path>,
    pub location: Location,
    pub message: Cow<'static, str>,
}

/// A rule's name, from the registry. (An alias: serde would otherwise
/// try to borrow a `&'static str` from the data it reads.)
pub type RuleName = &'static str;

/// Serialized with the rule by name; the result cache reads it back as the
/// registry's name (it knows the registry; this module does not).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub rule: RuleName,
    pub severity: Severity,
    pub location: Location,
    pub message: Cow<'static, str>,
    /// The YAML path of the node, e.g. `related_article2.id`.
    pub field: Option<String>,
    pub help: Option<Cow<'static, str>>,
    /// What the label under the snippet says; the message when absent.
    pub label: Option<Cow<'static, str>>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding at `span`; rule, severity and line/column are filled in by
    /// the context that reports it.
    pub fn new(span: Span, message: impl Into<Cow<'static, str>>) -> Self {
        Diagnostic {
            rule: "",
            severity: Severity::Error,
            location: Location {
                span,
                ..Location::default()
            },
            message: message.into(),
            field: None,
            help: None,
            label: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn span(&self) -> Span {
        self.location.span
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}
