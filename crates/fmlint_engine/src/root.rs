//! Where a corpus is: its root directory (what references resolve
//! against, where the cache and baseline paths are relative to), and paths
//! as the user sees them.

use std::path::{Component, Path, PathBuf};

/// The directory whose articles form the corpus: the nearest one holding
/// `fmlint.toml`, else the git work tree, else the common ancestor of the
/// named paths.
pub fn find_corpus_root(given: &[PathBuf]) -> PathBuf {
    let dirs: Vec<&Path> = given
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.as_path()
            } else {
                p.parent().unwrap_or(p)
            }
        })
        .collect();
    let mut base = dirs[0].to_path_buf();
    for dir in &dirs[1..] {
        while !dir.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    marked_root(&base).unwrap_or(base)
}

/// The nearest directory at or above `dir` holding `fmlint.toml`, else the
/// nearest holding `.git`.
pub fn marked_root(dir: &Path) -> Option<PathBuf> {
    let marked = |name: &str| {
        dir.ancestors()
            .find(|d| d.join(name).exists())
            .map(Path::to_path_buf)
    };
    marked("fmlint.toml").or_else(|| marked(".git"))
}

/// `path` relative to `cwd` (with `..` where needed), as users typed it.
pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix(cwd) {
        return rest.to_path_buf();
    }
    let path_parts: Vec<Component> = path.components().collect();
    let cwd_parts: Vec<Component> = cwd.components().collect();
    let common = path_parts
        .iter()
        .zip(&cwd_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..cwd_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part);
    }
    out
}
