//! Embeds the commit fmlint is built from, so that `fmlint --version`
//! prints e.g. `fmlint 0.1.0 (abc123def456)`.
//!
//! The commit comes from, in this order:
//! 1. `git rev-parse --short=12 HEAD`, when this package's directory is the
//!    top of a git work tree (not when it merely lies inside some other
//!    repository, e.g. a crate unpacked under a project's `target/`);
//! 2. the environment variable `FMLINT_COMMIT` (release builds in
//!    containers where git refuses the checkout, source distributions);
//! 3. `.cargo_vcs_info.json`, which `cargo package` writes into a crate
//!    published from git (so `cargo install fmlint` knows its commit);
//! 4. `unknown`.
//!
//! std only: no build dependencies.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FMLINT_COMMIT");

    let dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let commit = from_git(&dir)
        .or_else(from_env)
        .or_else(|| from_vcs_info(&dir))
        .unwrap_or_else(|| "unknown".to_string());
    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets it");
    println!("cargo:rustc-env=FMLINT_LONG_VERSION={version} ({commit})");
}

/// `git` in `dir`; its trimmed stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn from_git(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = match (fs::canonicalize(&top), fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return None;
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;

    // Build again when HEAD moves: HEAD itself (a checkout, a detached
    // HEAD), the branch it points to (a commit), and packed-refs (where the
    // branch lives after `git gc`). `--git-path` resolves linked worktrees.
    // Only paths that exist: cargo reruns every time for a missing one; a
    // branch that is only packed is watched through its folder, where the
    // next commit writes it.
    let mut watched = vec![
        ("HEAD".to_string(), false),
        ("packed-refs".to_string(), false),
    ];
    if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push((reference, true));
    }
    for (name, is_branch) in watched {
        let Some(path) = git(dir, &["rev-parse", "--git-path", &name]) else {
            continue;
        };
        let path = dir.join(path);
        let watch = if path.is_file() {
            Some(path.as_path())
        } else if is_branch {
            path.parent().filter(|p| p.is_dir())
        } else {
            None
        };
        if let Some(watch) = watch {
            println!("cargo:rerun-if-changed={}", watch.display());
        }
    }
    Some(commit)
}

fn from_env() -> Option<String> {
    let value = env::var("FMLINT_COMMIT").ok()?;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(shorten(value))
}

/// `{"git": {"sha1": "…", …}, "path_in_vcs": ""}`, read without a JSON
/// parser: the first string after the key `"sha1"`.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let after_key = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let value = after_colon.strip_prefix('"')?;
    let value = &value[..value.find('"')?];
    let hex = !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| shorten(value))
}

/// A full hexadecimal hash is cut to the 12 digits git prints; anything
/// else is kept as given.
fn shorten(value: &str) -> String {
    if value.len() > 12 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        value[..12].to_string()
    } else {
        value.to_string()
    }
}
