//! QuickTakes corpora for the cache, stdin and `--report-affected` tests:
//! clean articles written into a temporary directory, and the real binary
//! run inside it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

pub const SUBJECT: &str = "Star Gazing";

/// A clean article; `extra` is appended to the header (related entries).
pub fn article(id: i64, subject: &str, title: &str, extra: &str) -> String {
    let subject_slug = fmlint_linter::slug::quicktakes(subject);
    let slug = fmlint_linter::slug::quicktakes(title);
    let lines = [
        "---".to_string(),
        "_schema: default".into(),
        format!("id: {id}"),
        "date: 2024-05-01".into(),
        format!("title: >-\n    {title}"),
        format!("article_title: >-\n    {title}"),
        "date_format: MMM DD, YYYY".into(),
        "post_on_text: Posted on".into(),
        format!("seo:\n  title: QuickTakes | {subject}"),
        "  page_description: >-\n    About it.".into(),
        "  page_keywords: >-\n    it".into(),
        "author: QuickTakes".into(),
        format!("question: >-\n    {title}"),
        "answer: >-\n    An answer.\\n\\nWith lines.".into(),
        format!("subject: {subject}"),
        format!("file_name: {slug}.md"),
        format!("url: /learn/{subject_slug}/questions/{slug}"),
    ];
    format!("{}\n{extra}---\n\n&nbsp;\n", lines.join("\n"))
}

/// A `related_articleN` entry pointing at the article `id` titled `title`.
pub fn related(n: u32, id: i64, subject: &str, title: &str) -> String {
    format!(
        "related_article{n}:\n    id: {id}\n    title: >-\n        {title}\n    subject: {subject}\n    url: /learn/{}/questions/{}\n",
        fmlint_linter::slug::quicktakes(subject),
        fmlint_linter::slug::quicktakes(title)
    )
}

/// Where the article titled `title` of `subject` lives, relative to the root.
pub fn path_of(subject: &str, title: &str) -> String {
    format!(
        "content/learn/{}/{}.md",
        fmlint_linter::slug::quicktakes(subject),
        fmlint_linter::slug::quicktakes(title)
    )
}

pub fn write(root: &Path, relative: &str, text: &str) -> PathBuf {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

/// A corpus root (marked by `fmlint.toml`) with `n` articles in a ring:
/// article `i` (id `i + 1`) references the next one.
pub fn ring(n: i64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("fmlint.toml"), "").unwrap();
    for i in 0..n {
        let next = (i + 1) % n;
        write(
            dir.path(),
            &path_of(SUBJECT, &title(i)),
            &article(
                i + 1,
                SUBJECT,
                &title(i),
                &related(1, next + 1, SUBJECT, &title(next)),
            ),
        );
    }
    dir
}

pub fn title(i: i64) -> String {
    format!("What is star number {i}?")
}

/// The binary's runner, shared with the other CLI tests (not every test
/// uses all of it).
#[allow(unused_imports)]
pub use crate::cli_support::{fmlint, fmlint_stdin, Run};

/// The `.bin` chunk files of every cache key under `cache`.
pub fn chunks(cache: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for key in fs::read_dir(cache).into_iter().flatten().flatten() {
        if key.path().is_dir() {
            for chunk in fs::read_dir(key.path()).unwrap().flatten() {
                if chunk.path().extension().is_some_and(|e| e == "bin") {
                    found.push(chunk.path());
                }
            }
        }
    }
    found.sort();
    found
}
