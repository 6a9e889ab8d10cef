//! `--format gitlab`: GitLab Code Quality JSON, shown in merge requests
//! (`artifacts: reports: codequality`). Errors are `major`, warnings
//! `minor`; fingerprints are stable across line moves.

use std::io::{self, Write};

use serde::Serialize;

use super::shared::{fingerprints, slash_path};
use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    out.write_all(b"[")?;
    for file in &result.files {
        let path = slash_path(&file.path);
        for (d, fingerprint) in file.diagnostics.iter().zip(fingerprints(&path, file)) {
            let issue = Issue {
                description: &d.message,
                check_name: d.rule,
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path: &path,
                    lines: Lines {
                        begin: d.location.start.line,
                    },
                },
            };
            out.write_all(if first { b"\n  " } else { b",\n  " })?;
            first = false;
            serde_json::to_writer(&mut *out, &issue)?;
        }
    }
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}
