//! `--report-affected`: files outside the given set that the given files
//! break are reported too — the referrers of an article renamed (new
//! title, url and file) or whose id changed, and of one deleted (known from
//! the cache) — with only the findings about that article.

mod cli_support;
mod qt;

use std::fs;

use qt::{article, fmlint, path_of, related, title, write, SUBJECT};

/// Article 1 and 2 both reference article 3; article 2 also has an old,
/// unrelated stale entry (to article 4), which nothing here changes.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("fmlint.toml"), "").unwrap();
    write(
        root,
        &path_of(SUBJECT, &title(1)),
        &article(1, SUBJECT, &title(1), &related(1, 3, SUBJECT, &title(3))),
    );
    write(
        root,
        &path_of(SUBJECT, &title(2)),
        &article(
            2,
            SUBJECT,
            &title(2),
            &(related(1, 3, SUBJECT, &title(3)) + &related(2, 4, SUBJECT, "An old title")),
        ),
    );
    write(
        root,
        &path_of(SUBJECT, &title(3)),
        &article(3, SUBJECT, &title(3), ""),
    );
    write(
        root,
        &path_of(SUBJECT, &title(4)),
        &article(4, SUBJECT, &title(4), ""),
    );
    dir
}

fn check(root: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check", "--format", "concise"];
    all.extend(args);
    let run = fmlint(root, &all);
    (run.code, run.stdout)
}

#[test]
fn referrers_of_a_renamed_article_are_reported_stale() {
    let dir = corpus();
    let root = dir.path();
    assert_eq!(check(root, &[]).0, 1, "article 2's old stale entry");

    // Rename article 3: new title, url and file.
    fs::remove_file(root.join(path_of(SUBJECT, &title(3)))).unwrap();
    let renamed = path_of(SUBJECT, "What is a red giant?");
    write(
        root,
        &renamed,
        &article(3, SUBJECT, "What is a red giant?", ""),
    );

    assert_eq!(check(root, &[&renamed]), (0, String::new()));
    let (code, out) = check(root, &["--report-affected", &renamed]);
    assert_eq!(code, 1);
    let one = path_of(SUBJECT, &title(1));
    let two = path_of(SUBJECT, &title(2));
    assert_eq!(
        out,
        [
            format!("{one}:28:9: error[stale-reference] `related_article1.title` is stale: article 3 has title `What is a red giant?`"),
            format!("{one}:30:10: error[stale-reference] `related_article1.url` is stale: article 3 has url `/learn/star-gazing/questions/what-is-a-red-giant`"),
            format!("{two}:28:9: error[stale-reference] `related_article1.title` is stale: article 3 has title `What is a red giant?`"),
            format!("{two}:30:10: error[stale-reference] `related_article1.url` is stale: article 3 has url `/learn/star-gazing/questions/what-is-a-red-giant`"),
            String::new(),
        ]
        .join("\n"),
        "article 2's unrelated stale entry is not reported"
    );
}

#[test]
fn referrers_of_a_deleted_article_are_reported_dangling() {
    let dir = corpus();
    let root = dir.path();
    check(root, &[]);
    let deleted = path_of(SUBJECT, &title(3));
    fs::remove_file(root.join(&deleted)).unwrap();

    let one = path_of(SUBJECT, &title(1));
    let two = path_of(SUBJECT, &title(2));
    let expected = [
        format!("{one}:26:9: error[dangling-reference] `related_article1` refers to id 3, which no article has"),
        format!("{two}:26:9: error[dangling-reference] `related_article1` refers to id 3, which no article has"),
        String::new(),
    ]
    .join("\n");
    // The deleted file can be named, or any other file given: the cache
    // knows what went away.
    assert_eq!(
        check(root, &["--report-affected", &deleted]),
        (1, expected.clone())
    );
    let four = path_of(SUBJECT, &title(4));
    assert_eq!(
        check(root, &["--report-affected", &four]),
        (1, expected.clone())
    );
    // Remembered until the referrers are fixed, even after the cache is
    // rewritten by other runs.
    check(root, &[]);
    assert_eq!(check(root, &["--report-affected", &four]), (1, expected));
    for path in [&one, &two] {
        let text = fs::read_to_string(root.join(path)).unwrap();
        let start = text.find("related_article1:").unwrap();
        let end = text[start..]
            .find("related_article2:")
            .map_or(text.find("---\n\n").unwrap(), |e| start + e);
        let fixed = format!("{}{}", &text[..start], &text[end..]);
        fs::write(
            root.join(path),
            fixed.replace("related_article2:", "related_article1:"),
        )
        .unwrap();
    }
    let (_, out) = check(root, &["--report-affected", &four]);
    assert!(!out.contains("dangling"), "{out}");
    assert!(!out.contains(&one), "{out}");
}

#[test]
fn an_id_change_breaks_referrers_and_an_unchanged_file_breaks_nothing() {
    let dir = corpus();
    let root = dir.path();
    check(root, &[]);
    let three = path_of(SUBJECT, &title(3));
    // Unchanged: the referrers' own old defects are not its doing.
    assert_eq!(
        check(root, &["--report-affected", &three]),
        (0, String::new())
    );
    write(root, &three, &article(33, SUBJECT, &title(3), ""));
    let (code, out) = check(root, &["--report-affected", &three]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .all(|l| l.contains("refers to id 3, which no article has")),
        "{out}"
    );
    // Without the cache nothing is known of id 3.
    assert_eq!(
        check(root, &["--report-affected", "--no-cache", &three]),
        (0, String::new())
    );
}

#[test]
fn affected_findings_honour_suppressions() {
    let dir = corpus();
    let root = dir.path();
    let one = path_of(SUBJECT, &title(1));
    let text = fs::read_to_string(root.join(&one)).unwrap();
    fs::write(
        root.join(&one),
        text.replace(
            "    id: 3\n",
            "    id: 3 # fmlint-ignore: dangling-reference\n",
        ),
    )
    .unwrap();
    check(root, &[]);
    let deleted = path_of(SUBJECT, &title(3));
    fs::remove_file(root.join(&deleted)).unwrap();
    let (_, out) = check(root, &["--report-affected", &deleted]);
    assert!(!out.contains(&one), "{out}");
    assert!(out.contains(&path_of(SUBJECT, &title(2))), "{out}");
}
