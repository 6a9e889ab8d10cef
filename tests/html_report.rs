//! `--format html`: the page's structure and escaping (its data blob
//! snapshotted on `tests/fixtures/formats` plus an article full of markup),
//! byte-identical output for any thread count, and the page in a real
//! headless Chromium (`tests/html/browser_check.mjs`, driven by
//! playwright-core) on a copy of `fixtures/quicktakes` plus the same
//! article: no console error, the totals and per-rule counts equal the JSON
//! output's, the filter shows exactly the matching findings, no injected
//! markup runs; and on 250 files, the pages of 100 files "Show more"
//! adds. The browser test saves `target/html-report.png`.
//!
//! Chromium (`/usr/bin/chromium`, or `FMLINT_CHROMIUM`), node and
//! playwright-core (`target/html-test/node_modules/playwright-core`, or
//! `FMLINT_PLAYWRIGHT`; `.ci/run` installs it) must be present: without
//! them the browser test fails under `CI=true` and is skipped, loudly,
//! elsewhere.

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli_support::{check, copy_tree as copy_dir, fmlint, summary, unix_paths};

const HOSTILE: &str = "content/learn/astronomy/hostile.md";

/// An article whose values are markup: a title that closes the script
/// element, an attribute handler, a key that is a tag.
const HOSTILE_TEXT: &str = r#"---
_schema: default
id: 410999
date: 2024-11-23
title: >-
    </script><script>window.pwned = 1</script>
article_title: >-
    <img src=x onerror="window.pwned = 2"> & more <!--
"<b onmouseover=window.pwned=3>key</b>": 1
url: /learn/astronomy/questions/<script>
---
"#;

const DATA_START: &str = r#"<script type="application/json" id="fmlint-data">"#;

/// The page for `tests/fixtures/formats` plus the hostile article, with
/// the given extra arguments.
/// The corpus is a folder named `formats` (the page names the corpus
/// root's folder).
fn formats_page(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("formats");
    copy_dir(Path::new("tests/fixtures/formats"), &root);
    fs::write(root.join(HOSTILE), HOSTILE_TEXT).unwrap();
    let mut all = vec!["--format", "html", "-o", "report.html"];
    all.extend(args);
    let run = check(&root, &all);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "the page goes to -o, not stdout");
    fs::read_to_string(root.join("report.html")).unwrap()
}

/// The JSON between the data element's tags.
fn data_blob(page: &str) -> &str {
    let start = page.find(DATA_START).expect("the data element") + DATA_START.len();
    let end = start + page[start..].find("</script>").expect("its end");
    &page[start..end]
}

#[test]
fn page_is_self_contained_and_escapes_every_value() {
    let page = formats_page(&[]);
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    // Two script elements (the data, the code) and one style: every other
    // `<script`, `</script>` or `<!--` would come from a value.
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
    assert_eq!(page.matches("<style>").count(), 1);
    assert!(!page.contains("<!--"), "a comment opener in the page");
    for value in ["window.pwned = 1", "onerror=", "onmouseover"] {
        let at = page
            .find(value)
            .expect("the hostile values are in the page");
        assert!(
            at > page.find(DATA_START).unwrap(),
            "{value} outside the data"
        );
    }
    // Nothing is fetched: no URL in an attribute, and a policy that forbids it.
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "src=\"//",
    ] {
        assert!(!page.contains(fetch), "the page fetches something: {fetch}");
    }
    assert!(page.contains("default-src 'none'"));

    let blob = data_blob(&page);
    assert!(
        !blob.contains(['<', '>', '&']),
        "unescaped markup in the data"
    );
    let data: serde_json::Value = serde_json::from_str(blob).expect("the data is JSON");
    let hostile = data["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == HOSTILE)
        .expect("the hostile article has findings");
    assert_eq!(
        hostile["lines"]["6"],
        "    </script><script>window.pwned = 1</script>"
    );
}

#[test]
fn data_snapshot() {
    let page = formats_page(&[]);
    let data: serde_json::Value = serde_json::from_str(data_blob(&page)).unwrap();
    let mut text = serde_json::to_string_pretty(&data).unwrap();
    text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!(unix_paths(text));
}

#[test]
fn output_is_the_same_for_any_thread_count() {
    let (one, two) = (formats_page(&["-j", "1"]), formats_page(&["-j", "2"]));
    if one != two {
        let at = one
            .bytes()
            .zip(two.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let around = |page: &str| {
            String::from_utf8_lossy(
                &page.as_bytes()[at.saturating_sub(40)..(at + 40).min(page.len())],
            )
            .into_owned()
        };
        panic!(
            "the pages differ from byte {at}: {:?} / {:?}",
            around(&one),
            around(&two)
        );
    }
}

/// What the browser test needs, or why it cannot run.
struct Browser {
    chromium: PathBuf,
    playwright: PathBuf,
}

fn browser() -> Result<Browser, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var_os("FMLINT_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let playwright = std::env::var_os("FMLINT_PLAYWRIGHT").map_or_else(
        || root.join("target/html-test/node_modules/playwright-core"),
        PathBuf::from,
    );
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium at {} (apt-get install chromium, or set FMLINT_CHROMIUM)",
            chromium.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node on PATH".to_string());
    }
    if !playwright.join("package.json").is_file() {
        missing.push(format!(
            "playwright-core at {} (npm install --prefix target/html-test playwright-core, \
             or set FMLINT_PLAYWRIGHT)",
            playwright.display()
        ));
    }
    match missing.is_empty() {
        true => Ok(Browser {
            chromium,
            playwright,
        }),
        false => Err(missing.join("; ")),
    }
}

/// `N files checked` from the summary line.
fn files_checked(stderr: &str) -> usize {
    let line = summary(stderr);
    let before = line.split(" files checked").next().unwrap_or("");
    let number = before.rsplit(' ').next().unwrap_or("");
    number
        .parse()
        .unwrap_or_else(|_| panic!("no file count in {line:?}"))
}

/// The browser, or `None` (the test is skipped) outside CI without it.
fn browser_or_skip(test: &str) -> Option<Browser> {
    match browser() {
        Ok(browser) => Some(browser),
        Err(missing) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the HTML report's browser test needs: {missing}")
        }
        Err(missing) => {
            eprintln!("SKIPPED html_report::{test}: missing {missing}");
            None
        }
    }
}

#[test]
fn page_in_a_real_browser() {
    let Some(browser) = browser_or_skip("page_in_a_real_browser") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("quicktakes");
    copy_dir(&root.join("fixtures/quicktakes"), &corpus);
    fs::write(corpus.join(HOSTILE), HOSTILE_TEXT).unwrap();
    let screenshot = root.join("target/html-report.png");
    // A rule, a folder, words of a message, markup, and nothing.
    let queries = [
        "url-mismatch",
        "sailing--",
        "Never Closed",
        "<script>",
        "no such finding",
    ];
    in_browser(&browser, &corpus, &queries, &screenshot);
    assert!(screenshot.is_file());
}

/// More files with findings than one page draws: "Show more" pages
/// through them, unfiltered and filtered.
#[test]
fn pages_of_many_files_in_a_real_browser() {
    let Some(browser) = browser_or_skip("pages_of_many_files_in_a_real_browser") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("many");
    fs::create_dir_all(corpus.join("content")).unwrap();
    fs::write(corpus.join("fmlint.toml"), "").unwrap();
    for i in 0..250 {
        let text = format!("# Article {i}\n\nNo front matter.\n");
        fs::write(corpus.join(format!("content/article-{i:03}.md")), text).unwrap();
    }
    // 250 files: three pages; `article-1` matches 100 files (one page),
    // `article-0` 100, `article-24` 10.
    let queries = ["article-1", "article-0", "article-24", "content/"];
    in_browser(&browser, &corpus, &queries, &dir.path().join("many.png"));
}

/// Writes the HTML and JSON reports of `corpus` and runs the browser
/// check on them.
fn in_browser(browser: &Browser, corpus: &Path, queries: &[&str], screenshot: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let html = fmlint(corpus, &["check", "--format", "html", "-o", "report.html"]);
    assert_eq!(html.code, 1, "stderr: {}", html.stderr);
    let json = fmlint(
        corpus,
        &["check", "--format", "json", "-o", "findings.json"],
    );
    assert_eq!(json.code, 1, "stderr: {}", json.stderr);

    let config = serde_json::json!({
        "html": corpus.join("report.html"),
        "json": corpus.join("findings.json"),
        "filesChecked": files_checked(&html.stderr),
        "screenshot": screenshot,
        "playwright": browser.playwright,
        "chromium": browser.chromium,
        "queries": queries,
        // FILES_PER_PAGE in src/report/html/report.js.
        "filesPerPage": 100,
    });
    let config_path = corpus.join("browser-check.json");
    fs::write(&config_path, config.to_string()).unwrap();
    let output = Command::new("node")
        .arg(root.join("tests/html/browser_check.mjs"))
        .arg(&config_path)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("ok: findings per rule"));
}
