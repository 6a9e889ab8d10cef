//! Property test for `--fix` on generated corpora: after the safe fixes, no
//! finding with a safe fix remains, only reference entries and `seo.title`
//! changed (every other byte is as it was), and fixing again changes
//! nothing.

use std::fs;
use std::path::Path;

use fmlint_engine::check::Target;
use fmlint_engine::fix::{fix, Level};
use proptest::prelude::*;

const SUBJECTS: &[&str] = &["Star Gazing", "Tide Pools", "Ice & Snow"];

/// One generated article: its subject, and its related entries as
/// (target, stale title?, stale subject?, number offset).
#[derive(Clone, Debug)]
struct Article {
    subject: usize,
    seo_stale: bool,
    refs: Vec<(usize, bool, bool)>,
    gap: bool,
}

fn title(i: usize) -> String {
    format!("Question number {i}?")
}

fn url(subject: usize, i: usize) -> String {
    let s = fmlint_linter::slug::quicktakes(SUBJECTS[subject]);
    format!(
        "/learn/{s}/questions/{}",
        fmlint_linter::slug::quicktakes(&title(i))
    )
}

fn render(i: usize, a: &Article, all: &[Article]) -> String {
    let subject = SUBJECTS[a.subject];
    let seo = if a.seo_stale {
        "QuickTakes | Old".to_string()
    } else {
        format!("QuickTakes | {subject}")
    };
    let mut text = format!(
        "---\n_schema: default\nid: {i}\ndate: 2024-05-01\ntitle: >-\n    {t}\narticle_title: >-\n    {t}\n\
date_format: MMM DD, YYYY\npost_on_text: Posted on\nseo:\n  title: {seo}\n  page_description: >-\n    About.\n  page_keywords: >-\n    k\n\
author: QuickTakes\nquestion: >-\n    {t}\nanswer: >-\n    An answer.\nsubject: {subject}\nfile_name: {slug}.md\nurl: {url}\nscore: -1.0\n",
        t = title(i),
        slug = fmlint_linter::slug::quicktakes(&title(i)),
        url = url(a.subject, i),
    );
    for (n, &(target, stale_title, stale_subject)) in a.refs.iter().enumerate() {
        let target = target % all.len();
        let number = n + 1 + usize::from(a.gap && n > 0);
        let t = if stale_title {
            "An old title".to_string()
        } else {
            title(target)
        };
        let s = if stale_subject {
            (all[target].subject + 1) % SUBJECTS.len()
        } else {
            all[target].subject
        };
        text.push_str(&format!(
            "related_article{number}:\n    id: {target}\n    title: >-\n        {t}\n    subject: {}\n    url: {}\n",
            SUBJECTS[s],
            url(s, target)
        ));
    }
    text.push_str("---\n\n&nbsp;\n");
    text
}

fn article() -> impl Strategy<Value = Article> {
    (
        0..SUBJECTS.len(),
        prop::bool::weighted(0.2),
        prop::collection::vec(
            (
                0usize..12,
                prop::bool::weighted(0.2),
                prop::bool::weighted(0.2),
            ),
            0..5,
        ),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(subject, seo_stale, refs, gap)| Article {
            subject,
            seo_stale,
            refs,
            gap,
        })
}

fn write(root: &Path, articles: &[Article]) -> Vec<(std::path::PathBuf, String)> {
    fs::write(root.join("fmlint.toml"), "").unwrap();
    articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let dir = root
                .join("content/learn")
                .join(fmlint_linter::slug::quicktakes(SUBJECTS[a.subject]));
            fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{}.md", fmlint_linter::slug::quicktakes(&title(i))));
            let text = render(i, a, articles);
            fs::write(&path, &text).unwrap();
            (path, text)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn safe_fixes_converge_and_touch_only_their_fields(articles in prop::collection::vec(article(), 2..12)) {
        let dir = tempfile::tempdir().unwrap();
        let before = write(dir.path(), &articles);
        let settings = fmlint_engine::config::quicktakes().unwrap();
        let target = || Target {
            paths: vec![dir.path().to_path_buf()],
            corpus_root: Some(dir.path().to_path_buf()),
            threads: 1,
            ..Target::default()
        };
        let outcome = fix(target(), &settings, Level::Safe, true).unwrap();
        prop_assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
        let safe_left: Vec<String> = outcome
            .result
            .files
            .iter()
            .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
            .filter(|(_, d)| d.fix.as_ref().is_some_and(|x| Level::Safe.allows(x)))
            .map(|(f, d)| format!("{}: {} {}", f.path.display(), d.rule, d.message))
            .collect();
        prop_assert!(safe_left.is_empty(), "safe fixes left: {safe_left:?}");
        for (path, old) in &before {
            let new = fs::read_to_string(path).unwrap();
            // Everything but the reference entries and `seo.title`.
            let kept = |text: &str| -> Vec<String> {
                let mut in_entry = false;
                text.lines()
                    .filter(|l| {
                        if l.starts_with("related_article") {
                            in_entry = true;
                        } else if !l.starts_with("    ") {
                            in_entry = false;
                        }
                        !in_entry && !l.starts_with("  title:")
                    })
                    .map(str::to_string)
                    .collect()
            };
            prop_assert_eq!(kept(old), kept(&new), "{} changed outside fixable fields", path.display());
        }
        let again = fix(target(), &settings, Level::Safe, true).unwrap();
        prop_assert!(again.applied.is_empty() && again.changed.is_empty(), "second --fix applied {:?}", again.applied);
    }
}
