//! Config mistakes as one error: every mistake in a config, each with its
//! line and column in the file, reported at once (a setup failure, exit 2).

use std::fmt;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::preset;

/// One mistake: its byte range in the file, message and help.
pub(super) type ErrorEntry = (Range<usize>, String, Option<String>);

/// Mistakes in a config, each with its byte range in the file.
#[derive(Default)]
pub(super) struct Errors {
    pub(super) list: Vec<ErrorEntry>,
}

impl Errors {
    pub(super) fn push(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.list.push((span, message, help));
    }

    pub(super) fn at<T>(&mut self, spanned: &Spanned<T>, message: String) {
        self.push(spanned.span(), message, None);
    }

    pub(super) fn into_error(mut self, path: Option<&Path>, text: &str) -> ConfigError {
        self.list.sort_by_key(|(span, _, _)| (span.start, span.end));
        ConfigError {
            name: path.map_or_else(
                || preset::QUICKTAKES_SOURCE.to_string(),
                |p| p.display().to_string(),
            ),
            text: text.to_string(),
            errors: self.list,
        }
    }
}

/// An invalid config: every mistake found, rendered with the file's lines.
#[derive(Debug)]
pub struct ConfigError {
    pub name: String,
    text: String,
    errors: Vec<(Range<usize>, String, Option<String>)>,
}

impl ConfigError {
    /// Each mistake as (line, column, message), 1-based.
    pub fn positions(&self) -> Vec<(usize, usize, &str)> {
        self.errors
            .iter()
            .map(|(span, message, _)| {
                let (line, column) = line_col(&self.text, span.start);
                (line, column, message.as_str())
            })
            .collect()
    }
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        writeln!(
            f,
            "invalid configuration {} ({count} {})",
            self.name,
            if count == 1 { "error" } else { "errors" }
        )?;
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        for ((span, message, help), (line, column, _)) in self.errors.iter().zip(self.positions()) {
            writeln!(f, "{}:{line}:{column}: {message}", self.name)?;
            let mut diagnostic = miette::MietteDiagnostic::new(message.clone())
                .with_label(miette::LabeledSpan::underline(span.clone()));
            if let Some(help) = help {
                diagnostic = diagnostic.with_help(help.clone());
            }
            let report = miette::Report::new(diagnostic).with_source_code(
                miette::NamedSource::new(&self.name, self.text.clone()).with_language("toml"),
            );
            let mut rendered = String::new();
            if handler
                .render_report(&mut rendered, report.as_ref())
                .is_ok()
            {
                f.write_str(&rendered)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
