//! The real binary on fixture trees built in temporary directories: exit
//! codes, both human formats, the summary line, files vs directories,
//! `.gitignore`, `--threads`, broken pipes, and the rule docs commands.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use assert_cmd::Command as AssertCommand;
use predicates::prelude::*;

mod cli_support;
mod qt;
use qt::related;

/// A clean article (the shared generator in tests/qt) with a `score`.
fn article(id: i64, subject: &str, title: &str, extra: &str) -> String {
    qt::article(id, subject, title, &format!("score: -1.0\n{extra}"))
}

fn fmlint() -> AssertCommand {
    AssertCommand::cargo_bin("fmlint").expect("binary built")
}

fn write_article(
    root: &Path,
    id: i64,
    subject: &str,
    title: &str,
    extra: &str,
) -> std::path::PathBuf {
    let dir = root
        .join("content/learn")
        .join(fmlint_linter::slug::quicktakes(subject));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.md", fmlint_linter::slug::quicktakes(title)));
    fs::write(&path, article(id, subject, title, extra)).unwrap();
    path
}

/// Two clean articles that reference each other, and a marker config.
fn clean_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("fmlint.toml"), "").unwrap();
    write_article(
        dir.path(),
        1,
        "Star Gazing",
        "What is a comet?",
        &related(1, 2, "Star Gazing", "What is a meteor?"),
    );
    write_article(
        dir.path(),
        2,
        "Star Gazing",
        "What is a meteor?",
        &related(1, 1, "Star Gazing", "What is a comet?"),
    );
    dir
}

#[test]
fn clean_corpus_exits_zero_with_a_summary() {
    let dir = clean_corpus();
    fmlint()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(0)
        .stdout("")
        .stderr(
            predicate::str::is_match(
                r"^0 errors, 0 warnings in 0 files; 2 files checked in \d+\.\d\d s\n$",
            )
            .unwrap(),
        );
}

#[test]
fn errors_exit_one_in_concise_form() {
    let dir = clean_corpus();
    write_article(dir.path(), 3, "Star Gazing", "Is Pluto a planet?", "");
    let bad = dir
        .path()
        .join("content/learn/star-gazing/is-pluto-a-planet.md");
    let text = fs::read_to_string(&bad)
        .unwrap()
        .replace("date: 2024-05-01", "date: 2024-02-30");
    fs::write(&bad, text).unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(
            "content/learn/star-gazing/is-pluto-a-planet.md:4:7: error[invalid-date] `2024-02-30` is not a real calendar date: February 2024 has 29 days\n",
        )
        .stderr(predicate::str::starts_with("1 error, 0 warnings in 1 file; 3 files checked in "));
}

#[test]
fn full_format_shows_the_snippet_label_and_help() {
    let dir = clean_corpus();
    let path = dir
        .path()
        .join("content/learn/star-gazing/what-is-a-comet.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("url: /learn/star-gazing/", "url: /learn/stargazing/");
    fs::write(&path, text).unwrap();
    let output = fmlint()
        .current_dir(dir.path())
        .args(["check", "--color", "never", "--select", "url-mismatch"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let output = String::from_utf8(output).unwrap();
    assert!(output.contains("url-mismatch"), "{output}");
    assert!(
        output.contains("[content/learn/star-gazing/what-is-a-comet.md:24:6]"),
        "{output}"
    );
    assert!(
        output.contains("24 │ url: /learn/stargazing/questions/what-is-a-comet"),
        "{output}"
    );
    assert!(
        output.contains("help: set `url` to `/learn/star-gazing/questions/what-is-a-comet`"),
        "{output}"
    );
    assert!(
        !output.contains('\u{1b}'),
        "colour escapes with --color never"
    );
}

#[test]
fn a_named_file_resolves_references_against_the_whole_corpus() {
    let dir = clean_corpus();
    // The comet article refers to id 2, which only the meteor article has;
    // a dangling reference in the meteor article must not be reported.
    let meteor = dir
        .path()
        .join("content/learn/star-gazing/what-is-a-meteor.md");
    let text = fs::read_to_string(&meteor)
        .unwrap()
        .replace("    id: 1\n", "    id: 99\n");
    fs::write(&meteor, text).unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check", "content/learn/star-gazing/what-is-a-comet.md"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 file checked"));
    fmlint()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "content/learn/star-gazing/what-is-a-meteor.md",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[dangling-reference] `related_article1` refers to id 99",
        ));
}

#[test]
fn gitignored_files_are_skipped() {
    let dir = clean_corpus();
    fs::create_dir_all(dir.path().join("drafts")).unwrap();
    fs::write(dir.path().join("drafts/broken.md"), "no front matter\n").unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .code(1);
    fs::write(dir.path().join(".gitignore"), "drafts/\n").unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .code(0);
}

#[test]
fn directories_named_md_are_not_files() {
    let dir = clean_corpus();
    fs::create_dir_all(dir.path().join("content/learn/weird.md")).unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .code(0);
}

#[test]
fn usage_and_io_failures_exit_two() {
    let dir = clean_corpus();
    fmlint()
        .current_dir(dir.path())
        .args(["check", "missing.md"])
        .assert()
        .code(2);
    fmlint()
        .current_dir(dir.path())
        .args(["check", "--select", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"));
    fmlint().args(["check", "--format", "xml"]).assert().code(2);
    fmlint().args(["rule", "no-such-rule"]).assert().code(2);
}

#[test]
fn exit_zero_and_quiet() {
    let dir = clean_corpus();
    fs::write(
        dir.path().join("content/learn/star-gazing/x.md"),
        "plain text\n",
    )
    .unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["check", "--exit-zero", "--quiet", "--format", "concise"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("missing-front-matter"))
        .stderr("");
}

/// A corpus with one defect in each of `n` files.
fn broken_corpus(n: i64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("fmlint.toml"), "").unwrap();
    for i in 0..n {
        let subject = ["Star Gazing", "Tide Pools", "Ice & Snow"][(i % 3) as usize];
        let path = write_article(dir.path(), i, subject, &format!("Question number {i}?"), "");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("date: 2024-05-01", "date: 2024-13-01");
        fs::write(&path, text).unwrap();
    }
    dir
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = broken_corpus(300);
    let run = |threads: &str, format: &str| {
        fmlint()
            .current_dir(dir.path())
            .args([
                "check",
                "--threads",
                threads,
                "--format",
                format,
                "--color",
                "never",
            ])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    for format in ["concise", "full"] {
        let one = run("1", format);
        assert!(!one.is_empty());
        assert_eq!(
            one,
            run("4", format),
            "{format} differs between 1 and 4 threads"
        );
    }
}

/// Regression (issue 17): `--threads` was unbounded: `-j 10000` started
/// ten thousand workers and ran for minutes. The request is lowered to what
/// the machine can use, the binary says so, and the findings are the same.
#[test]
fn an_absurd_thread_count_is_lowered_and_said() {
    let dir = broken_corpus(30);
    let run = |threads: &str| {
        fmlint()
            .current_dir(dir.path())
            .args(["check", "--threads", threads, "--format", "concise"])
            .timeout(std::time::Duration::from_secs(120))
            .assert()
            .code(1)
            .get_output()
            .clone()
    };
    let one = run("1");
    let absurd = run("100000");
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&absurd.stdout)
    );
    let stderr = String::from_utf8_lossy(&absurd.stderr);
    assert!(
        stderr.contains("fmlint: warning: --threads 100000 lowered to "),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&one.stderr).contains("lowered"));
}

#[test]
fn a_closed_pipe_is_a_normal_exit() {
    let dir = broken_corpus(2000);
    let mut child = Command::cargo_bin("fmlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "concise"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = broken_corpus(12);
    fmlint()
        .current_dir(dir.path())
        .args(["check", "--statistics"])
        .assert()
        .code(1)
        .stdout("12  invalid-date             error\n");
}

#[test]
fn rules_and_rule_docs() {
    let listing = fmlint()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let listing = String::from_utf8(listing).unwrap();
    for rule in fmlint_linter::rules::RULES {
        assert!(
            listing.contains(rule.meta().name),
            "{} missing from `fmlint rules`",
            rule.meta().name
        );
    }
    fmlint()
        .args(["rule", "url-mismatch"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# url-mismatch\n"))
        .stdout(predicate::str::contains("## Why is this bad"));
}

/// A mistyped rule name gets the rule it was likely meant to be, on the
/// command line and in `fmlint rule`; `ALL` works in any case.
#[test]
fn mistyped_rule_names_get_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    write_article(dir.path(), 1, "Star Gazing", "What is a comet?", "");
    fmlint()
        .current_dir(dir.path())
        .args(["check", ".", "--ignore", "dupicate-id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule `dupicate-id`; did you mean `duplicate-id`?",
        ));
    fmlint()
        .args(["rule", "url-mismach"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `url-mismatch`?"));
    fmlint()
        .args(["rule", "zzzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`fmlint rules` lists the rules"));
    for all in ["ALL", "all", "All"] {
        fmlint()
            .current_dir(dir.path())
            .args(["check", ".", "--select", all])
            .assert()
            .code(0);
    }
}

/// Every subcommand has a man page: `check`'s options are documented.
#[test]
fn every_subcommand_has_a_man_page() {
    fmlint()
        .args(["man", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH fmlint-check 1"))
        .stdout(predicate::str::contains("unsafe\\-fixes"));
    let dir = tempfile::tempdir().unwrap();
    fmlint()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "fmlint.1",
        "fmlint-check.1",
        "fmlint-rule.1",
        "fmlint-server.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page} is missing");
    }
    fmlint()
        .args(["man", "chekc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fmlint-check"));
}

/// Piped, the `full` format does not wrap: a long message stays on one
/// line for the program reading it.
#[test]
fn piped_full_output_is_not_wrapped() {
    let out = fmlint()
        .current_dir("fixtures/quicktakes")
        .args(["check", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    // Paths as Windows prints them too.
    let out = String::from_utf8(out).unwrap().replace('\\', "/");
    assert!(
        out.lines().any(|l| l.ends_with(
            "× url `/learn/music-theory/questions/what-makes-a-chord-sound-minor` \
             is also used by content/learn/music-theory/what-makes-a-chord-sound-minor.md"
        )),
        "{out}"
    );
}

/// On a terminal, the `full` format wraps at the terminal's width, at
/// spaces only: no path or URL is ever split. (A real pseudo-terminal of
/// 70 columns, from util-linux `script`.)
#[test]
fn terminal_full_output_wraps_at_the_terminal_width_never_inside_a_path() {
    let Some(out) = on_a_terminal(
        Path::new("fixtures/quicktakes"),
        70,
        "check . --color never",
        "",
    ) else {
        return;
    };
    let message_lines: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with(['×', '│', '☞']))
        .collect();
    assert!(!message_lines.is_empty(), "{out}");
    for line in &message_lines {
        // Wider only when one word (a path) is wider than the terminal.
        let words = line
            .trim_start()
            .split_once(' ')
            .map_or("", |(_, rest)| rest);
        assert!(
            line.chars().count() <= 70 || !words.trim().contains(' '),
            "wider than the terminal: {line}"
        );
    }
    assert!(
        out.contains("`/learn/music-theory/questions/what-makes-a-chord-sound-minor`"),
        "a URL was split: {out}"
    );
    assert!(
        out.contains(
            "content/learn/sailing--navigation/how-do-sailors-use-a-sextant-to-find-latitude.md"
        ),
        "a path was split: {out}"
    );
}

/// A named file that is not Markdown is skipped with its reason; when
/// nothing is left to check the run fails; a missing path fails without a
/// "0 errors" summary that would read as a pass.
#[test]
fn named_paths_that_cannot_be_checked_say_why() {
    let dir = tempfile::tempdir().unwrap();
    write_article(dir.path(), 1, "Star Gazing", "What is a comet?", "");
    fs::write(dir.path().join("notes.txt"), "not markdown\n").unwrap();
    let comet = "content/learn/star-gazing/what-is-a-comet.md";
    fmlint()
        .current_dir(dir.path())
        .args(["check", "notes.txt", comet])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "warning: notes.txt: not a Markdown file (.md, .mdx, .markdown); skipped",
        ))
        .stderr(predicate::str::contains("1 file checked"));
    fmlint()
        .current_dir(dir.path())
        .args(["check", "notes.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "none of the paths given is a Markdown file",
        ));
    fmlint()
        .current_dir(dir.path())
        .args(["check", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.md"))
        .stderr(predicate::str::contains("checked in").not());
}

/// Runs `fmlint ARGS` in `dir` on a real pseudo-terminal `columns` wide
/// (util-linux `script`); its output (stdout and stderr together), or `None` without
/// `script` outside CI.
fn on_a_terminal(dir: &Path, columns: u32, args: &str, env: &str) -> Option<String> {
    let util_linux_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !util_linux_script {
        // Linux CI must run these; macOS's and Windows' have no such tool.
        assert!(
            std::env::var_os("CI").is_none() || !cfg!(target_os = "linux"),
            "CI needs util-linux `script`"
        );
        eprintln!("skipped: no util-linux `script` to make a terminal");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("fmlint");
    let output = Command::new("script")
        .current_dir(dir)
        .arg("-qec")
        .arg(format!(
            "stty rows 40 cols {columns}; {env} {} {args}",
            binary.display()
        ))
        .arg("/dev/null")
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"))
}

/// A long run on a terminal: a progress line on stderr while files are
/// read (erased before the findings), and the counts by rule after many
/// findings. Piped, neither.
#[test]
fn long_runs_show_progress_and_end_with_the_counts_by_rule() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let gone = related(1, 9_000 + i, "Star Gazing", "What is gone?");
        write_article(
            dir.path(),
            i + 1,
            "Star Gazing",
            &format!("Question {i}?"),
            &gone,
        );
    }
    let Some(out) = on_a_terminal(
        dir.path(),
        100,
        "check . --format concise --no-cache",
        "FMLINT_PROGRESS_DELAY_MS=0",
    ) else {
        return;
    };
    assert!(
        out.contains("\rchecking: ") || out.contains("\r\x1b[Kchecking: "),
        "{out:?}"
    );
    assert!(
        out.contains("\r\x1b[K"),
        "the progress line is erased: {out:?}"
    );
    let shape = out
        .split("Findings by rule:\n")
        .nth(1)
        .expect("counts by rule");
    assert!(shape.starts_with("60  dangling-reference"), "{shape}");
    let piped = fmlint()
        .current_dir(dir.path())
        .env("FMLINT_PROGRESS_DELAY_MS", "0")
        .args(["check", ".", "--format", "concise", "--no-cache"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&piped.stdout),
        String::from_utf8_lossy(&piped.stderr),
    );
    assert!(!stdout.contains("Findings by rule"), "{stdout}");
    assert!(!stderr.contains("checking:"), "{stderr}");
}

/// Without `fmlint.toml` or `.git`, the corpus is the working directory
/// when it holds the named paths, else the named paths' common folder; a
/// dangling reference then says which root it was judged against.
#[test]
fn without_a_marker_the_root_is_the_working_directory_or_the_named_paths() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    if fmlint_engine::root::marked_root(&top).is_some() {
        eprintln!("skipped: a marker above {} decides the root", top.display());
        return;
    }
    let comet = write_article(
        &top,
        1,
        "Star Gazing",
        "What is a comet?",
        &related(1, 2, "Deep Sky", "What is a quasar?"),
    );
    write_article(&top, 2, "Deep Sky", "What is a quasar?", "");
    // From the top: the quasar in the other folder is in the corpus.
    fmlint()
        .current_dir(&top)
        .args(["check", "content/learn/star-gazing/what-is-a-comet.md"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("note:").not());
    // From the comet's folder, only that folder is the corpus.
    let folder = comet.parent().unwrap();
    fmlint()
        .current_dir(folder)
        .args(["check", "--format", "concise", "what-is-a-comet.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("dangling-reference"))
        .stderr(predicate::str::contains(format!(
            "fmlint: note: references were resolved against the files under {} (no fmlint.toml or .git above it: the working directory)",
            folder.display()
        )));
    // Named from outside the working directory: their common folder.
    let elsewhere = tempfile::tempdir().unwrap();
    fmlint()
        .current_dir(elsewhere.path())
        .arg("check")
        .arg(&comet)
        .arg(top.join("content/learn/deep-sky"))
        .assert()
        .code(0);
}

/// `fmlint rule NAME` ends with what the rule checks in the project at
/// hand, in the words of its config (collections, fields, templates,
/// formats, severities), not QuickTakes'.
#[test]
fn rule_docs_describe_the_project_in_its_configs_words() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fmlint.toml"),
        r#"
[rules]
stale-reference = "warning"

[[collections]]
name = "guides"
id = "slug"
unique = ["slug", "permalink"]

[collections.dates]
published = "%Y-%m-%d %H:%M:%S %z"

[collections.templates]
permalink = { template = "/guides/{path.stem}/", unless = { draft = true } }

[[collections.references]]
field = "see_also*.slug"
mirror = { heading = "title" }

[[overrides]]
files = ["archive/**"]
rules = { stale-reference = "off" }
"#,
    )
    .unwrap();
    let section = |rule: &str| {
        let out = fmlint()
            .current_dir(dir.path())
            .args(["rule", rule])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let at = out.find("## In this project").expect("a project section");
        out[at..].to_string()
    };
    assert_eq!(
        section("stale-reference"),
        "## In this project (`fmlint.toml`)\n\n\
         Severity here: warning, and another for the files of one `[[overrides]]` table.\n\n\
         - `guides`: `see_also*` entries copy `title` (as `heading`) from the documents of \
         `guides` they refer to, and must equal their current values\n"
    );
    assert!(section("dangling-reference").contains(
        "- `guides`: `see_also*.slug` refers to documents of `guides` by their `slug`\n"
    ));
    assert!(section("field-mismatch").contains(
        "- `guides`: `permalink` must equal `/guides/{path.stem}/`, unless `draft` is true\n"
    ));
    assert!(section("invalid-date")
        .contains("- `guides`: `published` is a date in the format `%Y-%m-%d %H:%M:%S %z`\n"));
    assert!(section("duplicate-value")
        .contains("- `guides`: a value of `permalink` belongs to one document only\n"));
    assert!(section("key-order").contains("No collection of this config sets what it checks"));
    assert!(section("yaml-syntax").contains("It applies to every file the config takes"));
    for rule in fmlint_linter::rules::RULES {
        let text = section(rule.meta().name);
        assert!(
            !text.contains("related_article") && !text.contains("QuickTakes"),
            "{}: {text}",
            rule.meta().name
        );
    }
    // `--isolated` describes the built-in preset instead.
    fmlint()
        .current_dir(dir.path())
        .args(["rule", "dangling-reference", "--isolated"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("`related_article*.id` refers to"));
    // A config that does not load still leaves the rule's documentation.
    std::fs::write(dir.path().join("fmlint.toml"), "[[collections]]\nnam = 1\n").unwrap();
    fmlint()
        .current_dir(dir.path())
        .args(["rule", "dangling-reference"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## Why is this bad"))
        .stdout(predicate::str::contains("## In this project").not())
        .stderr(predicate::str::contains("no section on this project"));
}
