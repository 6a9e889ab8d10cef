//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's upload-sarif
//! action, Azure DevOps, IDE viewers).
//!
//! One run; the driver lists every rule with its docs, so viewers can show
//! the help without fmlint. Regions give lines and columns (counted in
//! Unicode code points, declared by `columnKind`) and byte offsets.
//! `partialFingerprints` hash the path, rule, field and offending text, not
//! the line, so an alert survives edits elsewhere in the file.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::shared::{fingerprints, slash_path};
use fmlint_engine::check::CheckResult;
use fmlint_linter::diagnostic::{Diagnostic, Location, Severity};
use fmlint_linter::rule::RuleMeta;
use fmlint_linter::rules::RULES;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`; bump the version if
/// the hash ever changes.
const FINGERPRINT_KEY: &str = "fmlintFinding/v1";

pub fn write(result: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let mut results = Vec::new();
    for file in &result.files {
        let path = slash_path(&file.path);
        let uri = uri(&path);
        let prints = fingerprints(&path, file);
        for (d, print) in file.diagnostics.iter().zip(prints) {
            results.push(finding(d, &uri, &print));
        }
    }
    let mut driver = json!({
        "name": "fmlint",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": RULES.iter().map(|r| rule(r.meta())).collect::<Vec<_>>(),
    });
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(home) = home {
        driver["informationUri"] = json!(home);
    }
    let mut invocation = json!({ "executionSuccessful": result.errors.is_empty() });
    if !result.errors.is_empty() {
        invocation["toolExecutionNotifications"] = result
            .errors
            .iter()
            .map(|e| json!({ "level": "error", "message": { "text": e } }))
            .collect();
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    let docs = meta.docs();
    let what = docs
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .map_or(docs.as_str(), str::trim);
    json!({
        "id": meta.name,
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": what },
        "help": { "text": docs, "markdown": docs },
        "defaultConfiguration": { "level": level(meta.default_severity) },
    })
}

fn finding(d: &Diagnostic, uri: &str, fingerprint: &str) -> Value {
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": physical(uri, d.location) }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if let Some(index) = RULES.iter().position(|r| r.meta().name == d.rule) {
        result["ruleIndex"] = json!(index);
    }
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "message": { "text": r.message },
                    "physicalLocation": physical(&uri_of(&r.path), r.location),
                })
            })
            .collect();
    }
    if let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": { "byteOffset": e.span.start, "byteLength": e.span.len() },
                    "insertedContent": { "text": e.replacement },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.message },
            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
        }]);
    }
    result
}

fn physical(uri: &str, location: Location) -> Value {
    json!({
        "artifactLocation": { "uri": uri },
        "region": {
            "startLine": location.start.line,
            "startColumn": location.start.column,
            "endLine": location.end.line,
            "endColumn": location.end.column,
            "byteOffset": location.span.start,
            "byteLength": location.span.len(),
        },
    })
}

fn uri_of(path: &std::path::Path) -> String {
    uri(&slash_path(path))
}

/// A `/`-separated path as a URI reference: relative paths stay relative
/// (code scanning resolves them against the checkout); absolute ones become
/// `file:` URIs. Bytes outside the URI's unreserved and path characters
/// are percent-encoded.
fn uri(path: &str) -> String {
    let drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes()[0].is_ascii_alphabetic();
    let (prefix, rest) = if path.starts_with('/') {
        ("file://", path)
    } else if drive {
        ("file:///", path)
    } else {
        ("", path)
    };
    let mut out = String::from(prefix);
    for (i, byte) in rest.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (drive && i == 1 && byte == b':');
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(uri("content/a b/ü:x.md"), "content/a%20b/%C3%BC%3Ax.md");
        assert_eq!(uri("../a.md"), "../a.md");
        assert_eq!(uri("/tmp/a.md"), "file:///tmp/a.md");
        assert_eq!(uri("C:/tmp/a.md"), "file:///C:/tmp/a.md");
    }
}
