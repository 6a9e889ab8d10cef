//! Corpora of other site generators, run with the real binary on copies in
//! temporary directories: `fixtures/hugo` (TOML `+++`, YAML `---` and JSON pages,
//! datetimes with offsets, aliases) and `fixtures/jekyll` (dates with a
//! time and `%z`), their findings snapshotted; `--fix` on a TOML header;
//! which files a run takes (named files the config leaves out, `.mdx`,
//! paths with nothing to check).

mod cli_support;

use std::fs;

use cli_support::{fixture, fmlint, summary, write, Run};

/// The run's stdout and its summary line without the time it took.
fn findings(run: &Run) -> String {
    format!(
        "{}exit {}; {}\n",
        run.stdout,
        run.code,
        summary(&run.stderr)
    )
}

#[test]
fn the_hugo_site_findings() {
    let (_dir, root) = fixture("hugo");
    let run = fmlint(&root, &["check", "--no-cache", "--format", "concise"]);
    insta::assert_snapshot!(findings(&run));
}

#[test]
fn the_jekyll_blog_findings() {
    let (_dir, root) = fixture("jekyll");
    let run = fmlint(&root, &["check", "--no-cache", "--format", "concise"]);
    insta::assert_snapshot!(findings(&run));
}

#[test]
fn toml_and_json_pages_are_checked_like_a_yaml_one() {
    let (_dir, root) = fixture("hugo");
    // The YAML, TOML and JSON pages break the same rule the same way.
    let page = |fence: &str, body: &str| format!("{fence}\n{body}{fence}\nText.\n");
    write(
        &root.join("content/docs/yaml-page.md"),
        &page("---", "title: A\nslug: wrong\ndate: 2024-12-16T09:30:00Z\n"),
    );
    write(
        &root.join("content/docs/toml-page.md"),
        &page(
            "+++",
            "title = \"A\"\nslug = \"wrong\"\ndate = 2024-12-16T09:30:00Z\n",
        ),
    );
    write(
        &root.join("content/docs/json-page.md"),
        "{\n  \"title\": \"A\",\n  \"slug\": \"wrong\",\n  \"date\": \"2024-12-16T09:30:00Z\"\n}\nText.\n",
    );
    let run = fmlint(
        &root,
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "content/docs/yaml-page.md",
            "content/docs/toml-page.md",
            "content/docs/json-page.md",
        ],
    );
    assert_eq!(
        run.stdout,
        "content/docs/json-page.md:3:11: error[field-mismatch] `slug` does not match `{path.stem}`: expected `json-page`\n\
         content/docs/toml-page.md:3:8: error[field-mismatch] `slug` does not match `{path.stem}`: expected `toml-page`\n\
         content/docs/yaml-page.md:3:7: error[field-mismatch] `slug` does not match `{path.stem}`: expected `yaml-page`\n",
    );
}

#[test]
fn fix_leaves_a_toml_header_alone_and_says_so() {
    let (_dir, root) = fixture("hugo");
    let post = root.join("content/blog/release-1-0.md");
    let before = fs::read_to_string(&post).expect("post");
    let run = fmlint(
        &root,
        &[
            "check",
            "--no-cache",
            "--fix",
            "--unsafe-fixes",
            "content/blog",
        ],
    );
    assert_eq!(fs::read_to_string(&post).expect("post"), before);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("`--fix` does not edit TOML front matter"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("applied 0 fixes"), "{}", run.stderr);
    // The same defect in YAML is fixed.
    let yaml = root.join("content/blog/release-1-1.md");
    write(
        &yaml,
        "---\ntitle: Example 1.1\nslug: release-11\ndate: 2025-03-01T12:00:00Z\n---\n",
    );
    fmlint(&root, &["check", "--no-cache", "--fix", "content/blog"]);
    assert!(fs::read_to_string(&yaml)
        .expect("post")
        .contains("slug: release-1-1\n"));
    assert_eq!(fs::read_to_string(&post).expect("post"), before);
}

#[test]
fn a_cross_file_fix_leaves_a_toml_header_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        &root.join("astronomy/new-title.md"),
        "---\nid: 1\ntitle: New title\nsubject: Astronomy\nurl: /learn/astronomy/questions/new-title\n---\n",
    );
    // A reference whose title is stale: `stale-reference`, whose safe fix
    // would write YAML into the TOML table.
    let referrer = root.join("astronomy/referrer.md");
    let text = "+++\nid = 2\ntitle = \"Referrer\"\n\n[related_article1]\nid = 1\ntitle = \"Old title\"\nsubject = \"Astronomy\"\nurl = \"/learn/astronomy/questions/new-title\"\n+++\n";
    write(&referrer, text);
    let args = [
        "check",
        "--isolated",
        "--corpus-root",
        ".",
        "--no-cache",
        "--select",
        "stale-reference",
        "--fix",
        "astronomy/referrer.md",
    ];
    let run = fmlint(root, &args);
    assert_eq!(fs::read_to_string(&referrer).expect("referrer"), text);
    assert!(run.stdout.contains("stale-reference"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("`--fix` does not edit TOML front matter"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("applied 0 fixes"), "{}", run.stderr);
}

#[test]
fn a_named_file_the_config_leaves_out_is_skipped_with_a_note() {
    let (_dir, root) = fixture("hugo");
    // What pre-commit does: every staged Markdown file, the README too.
    let run = fmlint(
        &root,
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "README.md",
            "content/docs/install.md",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "fmlint: note: README.md: excluded by `include`/`exclude` in the config; skipped"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("1 file checked"), "{}", run.stderr);
    // Alone, it is no failure either; `--quiet` drops the note.
    let run = fmlint(&root, &["check", "--no-cache", "--quiet", "README.md"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

#[test]
fn a_named_file_no_collection_takes_is_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        &root.join("fmlint.toml"),
        "[[collections]]\nname = \"posts\"\ninclude = [\"posts/**\"]\n",
    );
    write(&root.join("posts/a.md"), "---\ntitle: A\n---\n");
    write(&root.join("notes.md"), "# Notes, no front matter\n");
    let run = fmlint(root, &["check", "--no-cache", "notes.md", "posts/a.md"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("fmlint: note: notes.md: no collection in the config takes it; skipped"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_path_with_nothing_to_check_fails() {
    let (_dir, root) = fixture("hugo");
    fs::create_dir_all(root.join("static/images")).expect("dir");
    write(&root.join("static/images/logo.svg"), "<svg/>");
    let run = fmlint(&root, &["check", "--no-cache", "static"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("fmlint: error: static: no Markdown file to check here"),
        "{}",
        run.stderr
    );
    // A folder whose Markdown files `include` leaves out is no better.
    write(&root.join("drafts/idea.md"), "---\ntitle: Idea\n---\n");
    let run = fmlint(&root, &["check", "--no-cache", "drafts"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("drafts: no Markdown file"),
        "{}",
        run.stderr
    );
}

#[test]
fn mdx_and_markdown_files_are_discovered_by_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        &root.join("fmlint.toml"),
        "[[collections]]\nname = \"docs\"\n[collections.dates]\ndate = \"%Y-%m-%d\"\n",
    );
    write(&root.join("docs/a.mdx"), "---\ndate: 2024-02-30\n---\n");
    write(
        &root.join("docs/b.markdown"),
        "+++\ndate = \"2024-13-01\"\n+++\n",
    );
    write(&root.join("docs/c.txt"), "---\ndate: 2024-02-30\n---\n");
    let run = fmlint(root, &["check", "--no-cache", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        "docs/a.mdx:2:7: error[invalid-date] `2024-02-30` is not a real calendar date: February 2024 has 29 days\n\
         docs/b.markdown:2:8: error[invalid-date] `2024-13-01` is not a real calendar date: the month `13` is not 01–12\n",
    );
}

#[test]
fn the_quicktakes_preset_takes_articles_not_the_site_pages_or_the_readme() {
    let (_dir, root) = fixture("quicktakes");
    let before = fmlint(&root, &["check", "--no-cache", "--format", "concise"]);
    write(&root.join("README.md"), "# The QuickTakes content\n");
    write(&root.join("content/faq.md"), "---\ntitle: FAQ\n---\n");
    write(&root.join("content/index.md"), "---\ntitle: Home\n---\n");
    let after = fmlint(&root, &["check", "--no-cache", "--format", "concise"]);
    assert_eq!(after.stdout, before.stdout);
    let named = fmlint(
        &root,
        &["check", "--no-cache", "README.md", "content/faq.md"],
    );
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert!(
        named.stderr.contains("content/faq.md: excluded by"),
        "{}",
        named.stderr
    );
}
