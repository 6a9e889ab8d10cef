//! `--format json` (an array) and `--format json-lines` (one object per
//! line). The shape is a stable interface, documented in
//! `docs/json-output.md`: fields are only ever added.

use std::io::{self, Write};

use serde::Serialize;

use super::shared::{applicability_name, slash_path};
use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::{Diagnostic, Location};

#[derive(Serialize)]
struct Finding<'a> {
    path: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    field: Option<&'a str>,
    span: JsonSpan,
    help: Option<&'a str>,
    related: Vec<Related<'a>>,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl From<Location> for JsonSpan {
    fn from(location: Location) -> Self {
        JsonSpan {
            start: location.span.start,
            end: location.span.end,
            line: location.start.line,
            column: location.start.column,
            end_line: location.end.line,
            end_column: location.end.column,
        }
    }
}

#[derive(Serialize)]
struct Related<'a> {
    path: String,
    span: JsonSpan,
    message: &'a str,
}

#[derive(Serialize)]
struct Fix<'a> {
    message: &'a str,
    applicability: &'static str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    start: u32,
    end: u32,
    replacement: &'a str,
}

fn finding<'a>(path: &'a str, d: &'a Diagnostic) -> Finding<'a> {
    Finding {
        path,
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        field: d.field.as_deref(),
        span: d.location.into(),
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| Related {
                path: slash_path(&r.path),
                span: r.location.into(),
                message: &r.message,
            })
            .collect(),
        fix: d.fix.as_ref().map(|fix| Fix {
            message: &fix.message,
            applicability: applicability_name(fix.applicability),
            edits: fix
                .edits
                .iter()
                .map(|e| Edit {
                    start: e.span.start,
                    end: e.span.end,
                    replacement: &e.replacement,
                })
                .collect(),
        }),
    }
}

/// Calls `each` with every finding in output order.
fn for_each_finding(
    result: &CheckResult,
    mut each: impl FnMut(&Finding) -> io::Result<()>,
) -> io::Result<()> {
    for file in &result.files {
        let path = slash_path(&file.path);
        for d in &file.diagnostics {
            each(&finding(&path, d))?;
        }
    }
    Ok(())
}

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    out.write_all(b"[")?;
    for_each_finding(result, |finding| {
        out.write_all(if first { b"\n  " } else { b",\n  " })?;
        first = false;
        serde_json::to_writer(&mut *out, finding).map_err(io::Error::from)
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}

pub fn write_lines(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    for_each_finding(result, |finding| {
        serde_json::to_writer(&mut *out, finding).map_err(io::Error::from)?;
        out.write_all(b"\n")
    })
}
