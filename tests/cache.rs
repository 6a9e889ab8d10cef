//! The result cache (`.fmlint_cache/`): the same findings with and without
//! it, unchanged files not parsed again, changed files re-linted (even with
//! the same size and modification time), damaged chunks discarded and
//! rebuilt, a settings change never served old results, `fmlint clean`,
//! `--cache-dir`, the cache at the corpus root only and under a quarter of
//! the corpus's size.

mod cli_support;
mod qt;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use fmlint_engine::check::{check_with, Options, Target};
use fmlint_linter::settings::Settings;
use qt::{article, chunks, fmlint, path_of, related, ring, title, write, SUBJECT};

/// A ring of articles with defects of every stage: a stale entry, a
/// dangling one, a duplicate id, a per-file mismatch and a suppression.
fn defective() -> tempfile::TempDir {
    let dir = ring(12);
    let root = dir.path();
    write(
        root,
        &path_of(SUBJECT, &title(3)),
        &article(
            4,
            SUBJECT,
            &title(3),
            &(related(1, 5, SUBJECT, "An old title") + &related(2, 999, SUBJECT, &title(1))),
        ),
    );
    write(
        root,
        &path_of(SUBJECT, &title(5)),
        &article(7, SUBJECT, &title(5), &related(1, 7, SUBJECT, &title(6))).replace(
            "author: QuickTakes",
            "author: QuickTakes # fmlint-ignore: schema",
        ),
    );
    write(
        root,
        &path_of(SUBJECT, &title(8)),
        &article(9, SUBJECT, &title(8), "").replace("file_name: what", "file_name: wat"),
    );
    dir
}

fn outputs(root: &Path, extra: &[&str]) -> Vec<String> {
    ["concise", "json"]
        .iter()
        .map(|format| {
            let mut args = vec!["check", "--format", format];
            args.extend(extra);
            let run = fmlint(root, &args);
            assert_eq!(run.code, 1, "{}", run.stderr);
            run.stdout
        })
        .collect()
}

fn settings() -> Settings {
    fmlint_engine::config::quicktakes().unwrap()
}

/// A library run with the cache at the default place.
fn cached_check(root: &Path, paths: &[&str]) -> fmlint_engine::check::CheckResult {
    let target = Target {
        paths: paths.iter().map(|p| root.join(p)).collect(),
        corpus_root: Some(root.to_path_buf()),
        threads: 2,
        cache: Some(fmlint_engine::cache::Config::default()),
        ..Default::default()
    };
    check_with(&target, &settings(), Options::default()).unwrap()
}

fn concise(result: &fmlint_engine::check::CheckResult) -> String {
    let mut out = Vec::new();
    fmlint::report::write(
        fmlint::report::Format::Concise,
        result,
        &mut out,
        &Default::default(),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn findings_are_the_same_with_and_without_the_cache() {
    let dir = defective();
    let root = dir.path();
    let uncached = outputs(root, &["--no-cache"]);
    assert!(
        !root.join(".fmlint_cache").exists(),
        "--no-cache wrote a cache"
    );
    let cold = outputs(root, &[]);
    assert!(!chunks(&root.join(".fmlint_cache")).is_empty());
    let warm = outputs(root, &[]);
    assert_eq!(uncached, cold);
    assert_eq!(uncached, warm);
    for rule in [
        "stale-reference",
        "dangling-reference",
        "duplicate-id",
        "file-name-mismatch",
    ] {
        assert!(
            uncached[0].contains(rule),
            "{rule} missing:\n{}",
            uncached[0]
        );
    }
    // One file at a time: its per-file findings come from the cache, its
    // cross-file ones from the index.
    let one = path_of(SUBJECT, &title(3));
    assert_eq!(
        fmlint(root, &["check", "--no-cache", &one]).stdout,
        fmlint(root, &["check", &one]).stdout
    );
}

#[test]
fn unchanged_files_are_not_parsed_again() {
    let dir = ring(20);
    let root = dir.path();
    let cold = cached_check(root, &["."]);
    assert_eq!(cold.from_cache, 0);
    // Entries written within seconds of their file's change are verified by
    // content; make every file older than that.
    let old = SystemTime::now() - Duration::from_secs(60);
    for entry in walk(root) {
        fs::File::options()
            .write(true)
            .open(&entry)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let relinted = cached_check(root, &["."]);
    assert_eq!(relinted.from_cache, 0, "new modification times: re-read");
    let warm = cached_check(root, &[&path_of(SUBJECT, &title(0))]);
    assert_eq!(warm.from_cache, 20);
    assert_eq!(concise(&warm), "");
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let dir = root
        .join("content/learn")
        .join(fmlint_linter::slug::quicktakes(SUBJECT));
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn a_changed_file_is_linted_again_even_with_the_same_size_and_time() {
    let dir = ring(6);
    let root = dir.path();
    let target = path_of(SUBJECT, &title(2));
    let old = SystemTime::now() - Duration::from_secs(60);
    let set_time = |path: &Path| {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap()
    };
    set_time(&root.join(&target));
    assert_eq!(fmlint(root, &["check", "."]).code, 0);

    // Same length, same modification time, different id: a duplicate.
    let text = fs::read_to_string(root.join(&target)).unwrap();
    fs::write(root.join(&target), text.replace("id: 3", "id: 4")).unwrap();
    set_time(&root.join(&target));
    let run = fmlint(root, &["check", "--format", "concise", "."]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("duplicate-id"), "{}", run.stdout);

    // And a change right after the cache was written (racy stamp).
    fs::write(root.join(&target), text.replace("id: 3", "id: 5")).unwrap();
    let run = fmlint(root, &["check", "--format", "concise", "."]);
    assert!(run.stdout.contains("id `5` is also used"), "{}", run.stdout);
    fs::write(root.join(&target), text).unwrap();
    assert_eq!(fmlint(root, &["check", "."]).code, 0);
}

#[test]
fn a_damaged_cache_is_discarded_and_rebuilt() {
    let dir = defective();
    let root = dir.path();
    let expected = outputs(root, &["--no-cache"]);
    assert_eq!(outputs(root, &[]), expected);
    let cache = root.join(".fmlint_cache");
    type Damage = fn(&mut Vec<u8>);
    let damage: [(&str, Damage); 4] = [
        ("truncated", |b| b.truncate(b.len() / 2)),
        ("a flipped byte", |b| {
            let at = b.len() - 10;
            b[at] ^= 0x55;
        }),
        ("empty", |b| b.clear()),
        ("garbage", |b| {
            *b = b"FMLCACHE not really a cache file".repeat(40);
        }),
    ];
    for (what, damage) in damage {
        for chunk in chunks(&cache) {
            let mut bytes = fs::read(&chunk).unwrap();
            damage(&mut bytes);
            fs::write(&chunk, bytes).unwrap();
        }
        assert_eq!(outputs(root, &[]), expected, "after a {what} cache");
        // Rebuilt: valid chunks again, trusted on the next run.
        assert_eq!(
            outputs(root, &[]),
            expected,
            "after rebuilding a {what} cache"
        );
    }
    // A stray file in the cache directory is ignored.
    let key_dir = chunks(&cache)[0].parent().unwrap().to_path_buf();
    fs::write(key_dir.join("0000000000000000.bin"), b"junk").unwrap();
    assert_eq!(outputs(root, &[]), expected);
}

#[test]
fn a_settings_change_is_never_served_old_results() {
    let dir = defective();
    let root = dir.path();
    let all = outputs(root, &[]);
    let only_dangling = outputs(root, &["--select", "dangling-reference"]);
    assert_ne!(all, only_dangling);
    assert_eq!(
        only_dangling,
        outputs(root, &["--select", "dangling-reference", "--no-cache"])
    );
    let ignored = outputs(root, &["--ignore", "stale-reference"]);
    assert!(!ignored[0].contains("stale-reference"));
    // Each selection keeps its own cache: the default one is still warm.
    assert_eq!(outputs(root, &[]), all);

    // The config is part of the key too.
    fs::write(
        root.join("fmlint.toml"),
        "[rules]\nstale-reference = \"off\"\n",
    )
    .unwrap();
    let configured = fmlint(root, &["check", "--format", "concise"]);
    let uncached = fmlint(root, &["check", "--format", "concise", "--no-cache"]);
    assert_eq!(configured.stdout, uncached.stdout, "{}", uncached.stderr);
}

#[test]
fn clean_removes_the_cache_and_cache_dir_moves_it() {
    let dir = ring(4);
    let root = dir.path();
    assert_eq!(fmlint(root, &["check"]).code, 0);
    let cache = root.join(".fmlint_cache");
    assert!(cache.join("CACHEDIR.TAG").is_file());
    assert_eq!(
        fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Created by fmlint.\n*\n"
    );
    let run = fmlint(root, &["clean"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!cache.exists());
    assert_eq!(
        fmlint(root, &["clean"]).code,
        0,
        "nothing to remove is fine"
    );

    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().join("c");
    let other_arg = other.to_str().unwrap();
    assert_eq!(fmlint(root, &["check", "--cache-dir", other_arg]).code, 0);
    assert!(!cache.exists());
    assert!(!chunks(&other).is_empty());
    assert_eq!(fmlint(root, &["clean", "--cache-dir", other_arg]).code, 0);
    assert!(!other.exists());
}

/// The cache stays under a quarter of the corpus it describes, on the
/// shape where per-file records weigh the most: small pages, each with
/// three references, some with findings. (Uncompressed, this cache was 76 %
/// of the corpus; compressed, 14 %.)
#[test]
fn the_cache_is_under_a_quarter_of_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("fmlint.toml"), "").unwrap();
    let subjects = ["Star Gazing", "Deep Oceans", "Old Maps"];
    for (s, subject) in subjects.iter().enumerate() {
        let title = |i: usize| format!("What is {subject} number {}?", i % 100);
        let id = |i: usize| (s * 100 + i % 100 + 1) as i64;
        for i in 0..100 {
            let refs: String = (1..=3)
                .map(|n| related(n as u32, id(i + n), subject, &title(i + n)))
                .collect();
            let mut text = article(id(i), subject, &title(i), &refs);
            if i % 10 == 0 {
                text = text.replacen(
                    &format!("question: >-\n    {}", title(i)),
                    "question: >-\n    Why?",
                    1,
                );
            }
            write(root, &path_of(subject, &title(i)), &text);
        }
    }
    let run = fmlint(root, &["check", "--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 30, "{}", run.stdout);
    let corpus = bytes_under(&root.join("content"));
    let cache = bytes_under(&root.join(".fmlint_cache"));
    assert!(
        cache * 4 <= corpus,
        "a cache of {cache} bytes for a corpus of {corpus}"
    );
}

/// The bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| match entry.file_type().unwrap().is_dir() {
            true => bytes_under(&entry.path()),
            false => entry.metadata().unwrap().len(),
        })
        .sum()
}

/// A subfolder named on the command line is checked with the corpus it
/// belongs to, and the cache goes to that corpus's root, ignored by git on
/// its own.
#[test]
fn the_cache_lives_at_the_corpus_root_whatever_folder_is_named() {
    let dir = ring(4);
    let root = dir.path();
    let folder = std::path::Path::new(&path_of(SUBJECT, &title(0)))
        .parent()
        .unwrap()
        .to_path_buf();
    let run = fmlint(root, &["check", folder.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = fmlint(&root.join(&folder), &["check", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!chunks(&root.join(".fmlint_cache")).is_empty());
    for dir in folder.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        assert!(
            !root.join(dir).join(".fmlint_cache").exists(),
            "a cache in {}",
            dir.display()
        );
    }
    fs::remove_file(root.join(".fmlint_cache/.gitignore")).unwrap();
    write(
        root,
        &path_of(SUBJECT, &title(1)),
        &article(2, SUBJECT, &title(1), ""),
    );
    // A changed file: its chunk is written again.
    fmlint(root, &["check"]);
    assert_eq!(
        fs::read_to_string(root.join(".fmlint_cache/.gitignore")).unwrap(),
        "# Created by fmlint.\n*\n",
        "written again when missing"
    );
}

#[test]
fn concurrent_runs_leave_a_valid_cache() {
    let dir = defective();
    let root = dir.path().to_path_buf();
    let expected = outputs(&root, &["--no-cache"]);
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || outputs(&root, &[]))
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap(), expected);
    }
    assert_eq!(outputs(&root, &[]), expected);
    let leftovers: Vec<_> = chunks(&root.join(".fmlint_cache"))
        .iter()
        .filter_map(|c| c.parent())
        .flat_map(|d| fs::read_dir(d).unwrap().flatten())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
