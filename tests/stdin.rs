//! `fmlint check --stdin-filename PATH`: the text on standard input is
//! linted as PATH's content (PATH need not exist), references resolve
//! against the rest of the corpus from disk or the cache, findings carry
//! PATH, and neither the file nor the cache's entry for it is touched.

mod cli_support;
mod qt;

use std::fs;

use qt::{article, fmlint, fmlint_stdin, path_of, related, ring, title, SUBJECT};

#[test]
fn stdin_is_linted_as_the_named_file_against_the_corpus() {
    let dir = ring(5);
    let root = dir.path();
    let path = path_of(SUBJECT, &title(1));
    let on_disk = fs::read_to_string(root.join(&path)).unwrap();
    // Warm the cache, then edit in the "editor": a reference to an id no
    // article has, and one to an article on disk (which resolves).
    assert_eq!(fmlint(root, &["check"]).code, 0);
    let buffer = article(
        2,
        SUBJECT,
        &title(1),
        &(related(1, 3, SUBJECT, &title(2)) + &related(2, 77, SUBJECT, "Nothing")),
    );
    let run = fmlint_stdin(
        root,
        &["check", "--format", "concise", "--stdin-filename", &path],
        &buffer,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "{path}:32:9: error[dangling-reference] `related_article2` refers to id 77, which no article has\n"
        )
    );
    assert!(run.stderr.contains("1 file checked"), "{}", run.stderr);
    // The file and the cache still hold the disk's version.
    assert_eq!(fs::read_to_string(root.join(&path)).unwrap(), on_disk);
    let run = fmlint(root, &["check", "--format", "concise"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn a_buffer_for_a_new_file_sees_the_corpus_and_the_corpus_sees_it() {
    let dir = ring(3);
    let root = dir.path();
    let path = path_of(SUBJECT, "What is a quasar?");
    assert!(!root.join(&path).exists());
    // Its id is already taken by an article on disk.
    let buffer = article(
        2,
        SUBJECT,
        "What is a quasar?",
        &related(1, 1, SUBJECT, &title(0)),
    );
    let run = fmlint_stdin(
        root,
        &["check", "--format", "concise", "--stdin-filename", &path],
        &buffer,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(&format!(
            "{path}:3:5: error[duplicate-id] id `2` is also used by "
        )),
        "{}",
        run.stdout
    );
    assert!(!root.join(&path).exists());

    // Full-format snippets come from the buffer, not the disk.
    let run = fmlint_stdin(
        root,
        &["check", "--color", "never", "--stdin-filename", &path],
        &buffer,
    );
    assert!(run.stdout.contains("id: 2"), "{}", run.stdout);
}

#[test]
fn stdin_with_a_clean_buffer_exits_zero_and_fix_is_refused() {
    let dir = ring(3);
    let root = dir.path();
    let path = path_of(SUBJECT, &title(0));
    let text = fs::read_to_string(root.join(&path)).unwrap();
    let run = fmlint_stdin(root, &["check", "--stdin-filename", &path], &text);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = fmlint_stdin(root, &["check", "--fix", "--stdin-filename", &path], &text);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--stdin-filename"), "{}", run.stderr);
}
