//! `--format full` (the default): miette's graphical reports with the
//! source snippet, the label under the offending node, the help, and
//! snippets of related locations in other files.
//!
//! miette scans its source from byte 0 for each label; this module hands it
//! a [`SourceCode`] that cuts the window around the span from a line index,
//! so the cost does not grow with the file. Files are rendered in parallel
//! and written in order.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;

use fmlint_engine::check::{CheckResult, FileReport};
use fmlint_linter::diagnostic::{Diagnostic, Location, Severity};

pub struct FullOptions {
    pub color: bool,
    /// Line width for wrapping messages (the terminal's on a terminal;
    /// fixed in tests so output is deterministic; [`NO_WRAP`] when piped).
    pub width: usize,
}

/// A width no message reaches: output read by programs is not wrapped.
pub const NO_WRAP: usize = 1 << 20;

impl Default for FullOptions {
    fn default() -> Self {
        FullOptions {
            color: false,
            width: 100,
        }
    }
}

pub fn write(result: &CheckResult, out: &mut dyn Write, options: &FullOptions) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        // Messages carry URLs and paths that users copy: never break them,
        // not even at their hyphens or slashes; wrap at spaces only.
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false);
    let rendered: Vec<String> = result
        .files
        .par_iter()
        .filter(|f| !f.diagnostics.is_empty())
        .map(|file| render_file(file, &handler))
        .collect();
    for text in rendered {
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn render_file(file: &FileReport, handler: &GraphicalReportHandler) -> String {
    let source = match &file.source {
        Some(text) => Some(FileSource::new(&file.path, text.clone())),
        None => FileSource::read(&file.path),
    };
    // A file that cannot be shown (not text, or gone): each finding on
    // one line that names the file and the position.
    let Some(source) = source else {
        return file.diagnostics.iter().map(|d| one_line(file, d)).collect();
    };
    let mut others: HashMap<Arc<Path>, FileSource> = HashMap::new();
    for d in &file.diagnostics {
        for related in &d.related {
            others.entry(related.path.clone()).or_insert_with(|| {
                FileSource::read(&related.path)
                    .unwrap_or_else(|| FileSource::new(&related.path, "".into()))
            });
        }
    }
    let mut out = String::new();
    for d in &file.diagnostics {
        let report = Report::new(d, &source, &others);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String fails only if a snippet cannot be
            // cut; fall back to the one-line form.
            out.push_str(&one_line(file, d));
        } else {
            out.push('\n');
        }
    }
    out
}

/// A finding as `path:line:col: severity[rule] message`, its help on the
/// next line, and a blank line.
fn one_line(file: &FileReport, d: &Diagnostic) -> String {
    let mut out = super::concise::line(file, d);
    out.push('\n');
    if let Some(help) = &d.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out.push('\n');
    out
}

/// A file's text with its line starts, so any window is cut in O(log n).
struct FileSource {
    name: String,
    text: Arc<str>,
    starts: Vec<usize>,
}

impl FileSource {
    fn new(path: &Path, text: Arc<str>) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        FileSource {
            name: path.display().to_string(),
            text,
            starts,
        }
    }

    /// Reads the file again for its snippet; `None` for a file that
    /// vanished or is not text.
    fn read(path: &Path) -> Option<Self> {
        let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
        Some(FileSource::new(path, text.into()))
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    fn line_end(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len())
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start).saturating_sub(before);
        let last_of_span =
            self.line_of(end.saturating_sub(usize::from(!span.is_empty())).max(start));
        let last = (last_of_span + after).min(self.starts.len() - 1);
        // Without leading context miette wants the span's own position (it
        // titles the snippet with it); with context, whole lines.
        let (window_start, column) = if before == 0 {
            let line_start = self.starts[self.line_of(start)];
            let column = self
                .text
                .get(line_start..start)
                .map_or(0, |s| s.chars().count());
            (start, column)
        } else {
            (self.starts[first], 0)
        };
        let window_end = self.line_end(last);
        let data = &self.text.as_bytes()[window_start..window_end];
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(window_start.into(), window_end - window_start),
            first,
            column,
            last - first + 1,
        )))
    }
}

/// One finding in miette's terms.
struct Report<'s> {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<&'s FileSource>,
    related: Vec<Report<'s>>,
}

impl<'s> Report<'s> {
    fn new(
        d: &Diagnostic,
        source: &'s FileSource,
        others: &'s HashMap<Arc<Path>, FileSource>,
    ) -> Self {
        let label = d.label.as_deref().map(str::to_string);
        Report {
            message: d.message.to_string(),
            code: Some(d.rule),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: d.help.as_deref().map(str::to_string),
            labels: labels(source, d.location, label),
            source: (!source.text.is_empty()).then_some(source),
            related: d
                .related
                .iter()
                .filter_map(|r| {
                    let other = others.get(&r.path)?;
                    Some(Report {
                        message: format!("{}: {}", r.path.display(), r.message),
                        code: None,
                        severity: miette::Severity::Advice,
                        help: None,
                        labels: labels(other, r.location, Some(r.message.to_string())),
                        source: (!other.text.is_empty()).then_some(other),
                        related: Vec::new(),
                    })
                })
                .collect(),
        }
    }
}

fn labels(source: &FileSource, location: Location, text: Option<String>) -> Vec<LabeledSpan> {
    let span = location.span;
    if span.end as usize > source.text.len() {
        return Vec::new();
    }
    vec![LabeledSpan::new(text, span.start as usize, span.len())]
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}
