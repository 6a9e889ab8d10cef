//! Every `--format` on the fixture corpus `tests/fixtures/formats` (five
//! articles: a duplicated id, two title mismatches — one with `%`, `:` and
//! `,` in its message, one with non-ASCII text — a dangling reference and
//! an unused suppression), with snapshots; the SARIF output validated
//! against the official schema; JUnit parsed as XML; `-o`, `--quiet`,
//! `--max-warnings` and `--exit-zero`.

mod cli_support;

use std::path::Path;
use std::sync::Arc;

use cli_support::{check, corpus, edit, summary, unix_paths};
use fmlint::report::{self, Format, FullOptions};
use fmlint_engine::check::{CheckResult, FileReport};
use fmlint_linter::diagnostic::{
    Applicability, Diagnostic, Edit, Fix, LineCol, Location, Related, Severity, Span,
};
use serde_json::Value;

const CORPUS: &str = "formats";
const PULSAR: &str = "content/learn/astronomy/what-is-a-pulsar.md";

fn output(format: &str) -> String {
    let dir = corpus(CORPUS);
    let run = check(dir.path(), &["--format", format, "--color", "never"]);
    assert_eq!(run.code, 1, "{format}: exit code; stderr: {}", run.stderr);
    assert_eq!(
        summary(&run.stderr),
        "5 errors, 1 warning in 4 files; 5 files checked",
        "{format}: the summary goes to stderr"
    );
    unix_paths(run.stdout)
}

#[test]
fn full() {
    insta::assert_snapshot!(output("full"));
}

#[test]
fn concise() {
    insta::assert_snapshot!(output("concise"));
}

#[test]
fn json() {
    let out = output("json");
    let parsed: Value = serde_json::from_str(&out).expect("valid JSON");
    let findings = parsed.as_array().expect("an array");
    assert_eq!(findings.len(), 6);
    for finding in findings {
        for key in [
            "path", "rule", "severity", "message", "field", "span", "help", "related", "fix",
        ] {
            assert!(finding.get(key).is_some(), "{key} missing in {finding}");
        }
        let path = finding["path"].as_str().unwrap();
        assert!(path.starts_with("content/learn/"), "relative path: {path}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn json_lines_holds_the_same_objects_as_json() {
    let lines = output("json-lines");
    let array: Value = serde_json::from_str(&output("json")).unwrap();
    let objects: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    assert_eq!(Value::Array(objects), array);
    insta::assert_snapshot!(lines);
}

#[test]
fn github() {
    let out = output("github");
    // `100% cocoa: why is it bitter, really?`: `%` escaped in the message,
    // `:` and `,` left alone there (they only matter in properties).
    assert!(
        out.contains("expected `100%25 cocoa: why is it bitter, really?`"),
        "{out}"
    );
    assert!(out.contains("::warning file=content/learn/astronomy/what-is-a-pulsar.md,line=22,"));
    insta::assert_snapshot!(out);
}

#[test]
fn github_escapes_percent_colon_comma_and_line_breaks() {
    let message = "50% done: first line\nsecond, line\r\nthird";
    assert_eq!(
        report::escape_data(message),
        "50%25 done: first line%0Asecond, line%0D%0Athird"
    );
    assert_eq!(
        report::escape_property(message),
        "50%25 done%3A first line%0Asecond%2C line%0D%0Athird"
    );
}

#[test]
fn gitlab() {
    let out = output("gitlab");
    let issues: Value = serde_json::from_str(&out).expect("valid JSON");
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 6);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 6, "GitLab wants unique fingerprints");
    assert!(issues.iter().any(|i| i["severity"] == "minor"));
    insta::assert_snapshot!(out);
}

#[test]
fn junit_parses_as_xml_with_a_case_per_file_and_a_failure_per_finding() {
    let out = output("junit");
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 5, "one test case per checked file");
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 6, "one failure per finding");
    let pulsar = cases
        .iter()
        .find(|c| c.attribute("classname") == Some(PULSAR))
        .expect("the pulsar's test case");
    let types: Vec<_> = pulsar
        .children()
        .filter(|n| n.has_tag_name("failure"))
        .map(|f| f.attribute("type").unwrap())
        .collect();
    assert_eq!(
        types,
        ["title-mismatch", "unused-suppression", "dangling-reference"]
    );
    let body = pulsar
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        body.starts_with(&format!("{PULSAR}:19:5: error[title-mismatch]")),
        "{body}"
    );
    insta::assert_snapshot!(out);
}

fn sarif_validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    // The official schema's `language` patterns end in `]?`: a literal `]`
    // in ECMA-262 regexes (Annex B), an error for the regex crate, so the
    // meta-schema check refuses the schema. Escape that `]`: same language,
    // and fmlint never writes `language` anyway.
    let patched = escape_bracket(&mut schema);
    assert_eq!(
        patched, 2,
        "the vendored schema changed: revisit this workaround"
    );
    // This copy keeps the log's own constraints (`version`, `runs`, no
    // other keys) in `definitions/Root` and none at its top, which would
    // accept anything: validate against `Root`.
    assert!(
        schema.get("properties").is_none() && schema["definitions"]["Root"]["required"].is_array()
    );
    schema["$ref"] = Value::from("#/definitions/Root");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn escape_bracket(schema: &mut Value) -> usize {
    const ECMA: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        Value::Object(map) => {
            let mut n = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == ECMA {
                    *value = Value::from(ECMA.replace("]?", "\\]?"));
                    n += 1;
                } else {
                    n += escape_bracket(value);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(escape_bracket).sum(),
        _ => 0,
    }
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let out = output("sarif");
    let log: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_valid_sarif(&log);
    // The validator does reject what SARIF forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_validator().is_valid(&broken));

    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        fmlint_linter::rules::RULES.len(),
        "every rule is described"
    );
    for rule in rules {
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad"));
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        let level = &rule["defaultConfiguration"]["level"];
        assert!(level == "error" || level == "warning", "{level}");
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["fmlintFinding/v1"].is_string());
    }
    // The rules' docs belong to the rules (checked above); the version to
    // the release.
    let mut stable = log.clone();
    stable["runs"][0]["tool"]["driver"]["rules"] = Value::from("[every rule]");
    stable["runs"][0]["tool"]["driver"]["version"] = Value::from("[version]");
    insta::assert_snapshot!(serde_json::to_string_pretty(&stable).unwrap());
}

#[test]
fn sarif_columns_count_code_points_and_offsets_count_bytes() {
    let log: Value = serde_json::from_str(&output("sarif")).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mismatch = results
        .iter()
        .find(|r| {
            r["ruleId"] == "title-mismatch"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == PULSAR
        })
        .unwrap();
    let region = &mismatch["locations"][0]["physicalLocation"]["region"];
    let text =
        std::fs::read_to_string(Path::new("tests/fixtures").join(CORPUS).join(PULSAR)).unwrap();
    let value = "What is a pulsar — réally?";
    let start = text.find(value).unwrap();
    assert_eq!(region["byteOffset"], start);
    assert_eq!(region["byteLength"], value.len());
    // 26 characters, 29 bytes: the end column counts characters.
    assert_eq!(region["startColumn"], 5);
    assert_eq!(region["endColumn"], 5 + value.chars().count());
}

#[test]
fn sarif_fingerprints_survive_line_moves() {
    let fingerprints = |dir: &Path| -> Vec<String> {
        let log: Value = serde_json::from_str(&check(dir, &["--format", "sarif"]).stdout).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["fmlintFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let dir = corpus(CORPUS);
    let before = fingerprints(dir.path());
    edit(dir.path(), PULSAR, |text| {
        text.replacen("---\n", &format!("---\n{}", "# moved\n".repeat(10)), 1)
    });
    assert_eq!(fingerprints(dir.path()), before);
}

#[test]
fn sarif_with_no_findings_is_valid() {
    let dir = corpus(CORPUS);
    let run = check(
        dir.path(),
        &[
            "--format",
            "sarif",
            "content/learn/astronomy/what-is-a-quasar.md",
        ],
    );
    assert_eq!(run.code, 0);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

/// A hand-built result with a fix and a related location, which the
/// fixture corpus does not produce: the JSON and SARIF shapes of both.
fn result_with_fix() -> CheckResult {
    let at = |line, column| LineCol { line, column };
    let location = |start: u32, end: u32, line, column| Location {
        span: Span { start, end },
        start: at(line, column),
        end: at(line, column + (end - start)),
    };
    let mut diagnostic = Diagnostic::new(
        Span::default(),
        "`related_article1.title` is stale: article 7 has title `B`",
    )
    .with_field("related_article1.title")
    .with_help("update the title")
    .with_related(Related {
        path: Arc::from(Path::new("content/b.md")),
        location: location(30, 31, 4, 8),
        message: "the target's title".into(),
    })
    .with_fix(Fix {
        message: "set the title to `B`".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: Span {
                start: 120,
                end: 121,
            },
            replacement: "B".into(),
        }],
    });
    diagnostic.rule = "stale-reference";
    diagnostic.severity = Severity::Error;
    diagnostic.location = location(120, 121, 9, 16);
    CheckResult {
        files: vec![FileReport {
            path: Arc::from(Path::new("content/a.md")),
            diagnostics: vec![diagnostic],
            source: None,
            value_hashes: vec![fmlint_linter::hash::value_hash(b"A")],
            content_hash: None,
        }],
        ..CheckResult::default()
    }
}

fn render(format: Format, result: &CheckResult) -> String {
    let mut out = Vec::new();
    report::write(format, result, &mut out, &FullOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn json_fix_and_related_shape() {
    let out = render(Format::Json, &result_with_fix());
    let finding: Value = serde_json::from_str::<Value>(&out).unwrap()[0].clone();
    assert_eq!(
        finding["fix"],
        serde_json::json!({
            "message": "set the title to `B`",
            "applicability": "safe",
            "edits": [{ "start": 120, "end": 121, "replacement": "B" }],
        })
    );
    assert_eq!(
        finding["related"],
        serde_json::json!([{
            "path": "content/b.md",
            "span": { "start": 30, "end": 31, "line": 4, "column": 8, "end_line": 4, "end_column": 9 },
            "message": "the target's title",
        }])
    );
}

#[test]
fn sarif_fixes_and_related_locations_are_valid() {
    let log: Value = serde_json::from_str(&render(Format::Sarif, &result_with_fix())).unwrap();
    assert_valid_sarif(&log);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0],
        serde_json::json!({
            "deletedRegion": { "byteOffset": 120, "byteLength": 1 },
            "insertedContent": { "text": "B" },
        })
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "content/b.md"
    );
}

#[test]
fn output_file_gets_the_findings_and_stderr_the_summary() {
    let dir = corpus(CORPUS);
    let run = check(dir.path(), &["--format", "json", "-o", "out.json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    let written: Value = serde_json::from_str(&cli_support::read(dir.path(), "out.json")).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 6);
    assert_eq!(
        summary(&run.stderr),
        "5 errors, 1 warning in 4 files; 5 files checked"
    );
}

#[test]
fn quiet_prints_no_summary() {
    let dir = corpus(CORPUS);
    let run = check(dir.path(), &["--format", "concise", "--quiet"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout.lines().count(), 6);
}

#[test]
fn max_warnings_and_exit_zero() {
    let dir = corpus(CORPUS);
    // Only the warning is left once errors are off.
    let errors_off = "--ignore=duplicate-id,title-mismatch,dangling-reference";
    assert_eq!(
        check(dir.path(), &[errors_off]).code,
        0,
        "warnings alone pass"
    );
    assert_eq!(
        check(dir.path(), &[errors_off, "--max-warnings", "1"]).code,
        0
    );
    let run = check(dir.path(), &[errors_off, "--max-warnings", "0"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("too many warnings: 1 (--max-warnings 0)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        check(
            dir.path(),
            &[errors_off, "--max-warnings", "0", "--exit-zero"]
        )
        .code,
        0
    );
    assert_eq!(check(dir.path(), &["--exit-zero"]).code, 0);
}
