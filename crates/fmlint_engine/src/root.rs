//! Where a corpus is: its root directory (what references resolve
//! against, where the cache and baseline paths are relative to), and paths
//! as the user sees them. The root rule ([`corpus_root`]) is shared by
//! `fmlint check` and the language server, so both judge the same corpus.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// A corpus root and the reason it was chosen (shown to the user when no
/// marker decided it: the corpus may not be the one they meant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusRoot {
    pub dir: PathBuf,
    pub chosen_by: RootRule,
}

/// Which part of the root rule ([`corpus_root`]) chose the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootRule {
    /// The nearest directory holding `fmlint.toml`, else `.git`.
    Marker,
    /// No marker: the working directory, which holds every named path.
    WorkingDirectory,
    /// No marker, and the named paths lie outside the working directory:
    /// their common ancestor.
    CommonAncestor,
}

impl fmt::Display for RootRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootRule::Marker => "the nearest directory with fmlint.toml or .git",
            RootRule::WorkingDirectory => "no fmlint.toml or .git above it: the working directory",
            RootRule::CommonAncestor => {
                "no fmlint.toml or .git above it: the folder holding the named paths"
            }
        })
    }
}

/// The root rule, one for `fmlint check` and the language server: the
/// nearest directory at or above the named paths holding `fmlint.toml`
/// (else `.git`); without a marker, the working directory `cwd` when it
/// holds every named path (unless it is the home folder or a filesystem
/// root: an editor started there must not walk every Markdown file the
/// user owns), else the common ancestor of the named paths. `given` are
/// canonical paths, at least one.
pub fn corpus_root(given: &[PathBuf], cwd: Option<&Path>) -> CorpusRoot {
    corpus_root_below(given, cwd, home_directory().as_deref())
}

/// [`corpus_root`] with the home folder given, so tests can name one.
fn corpus_root_below(given: &[PathBuf], cwd: Option<&Path>, home: Option<&Path>) -> CorpusRoot {
    let base = common_ancestor(given);
    if let Some(dir) = marked_root(&base) {
        return CorpusRoot {
            dir,
            chosen_by: RootRule::Marker,
        };
    }
    let too_broad = |dir: &Path| dir.parent().is_none() || Some(dir) == home;
    match cwd {
        Some(cwd) if base.starts_with(cwd) && !too_broad(cwd) => CorpusRoot {
            dir: cwd.to_path_buf(),
            chosen_by: RootRule::WorkingDirectory,
        },
        _ => CorpusRoot {
            dir: base,
            chosen_by: RootRule::CommonAncestor,
        },
    }
}

/// [`corpus_root`] with the process's working directory.
pub fn find_corpus_root(given: &[PathBuf]) -> PathBuf {
    corpus_root(given, working_directory().as_deref()).dir
}

/// The user's home folder (`HOME`, or `USERPROFILE` on Windows), canonical.
fn home_directory() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    PathBuf::from(home).canonicalize().ok()
}

/// The canonical working directory, when it can be read.
pub fn working_directory() -> Option<PathBuf> {
    std::env::current_dir().ok()?.canonicalize().ok()
}

/// The deepest directory holding every path of `given` (a file stands for
/// its folder).
fn common_ancestor(given: &[PathBuf]) -> PathBuf {
    let mut dirs = given.iter().map(|p| {
        if p.is_dir() {
            p.as_path()
        } else {
            p.parent().unwrap_or(p)
        }
    });
    let mut base = dirs.next().map(Path::to_path_buf).unwrap_or_default();
    for dir in dirs {
        while !dir.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    base
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_rule() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        if marked_root(&top).is_some() {
            // A marker above the temporary folder decides everything.
            return;
        }
        let a = top.join("a");
        let b = top.join("b/c");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let file = b.join("x.md");
        std::fs::write(&file, "").unwrap();
        let rule = |given: &[PathBuf], cwd: &Path| corpus_root(given, Some(cwd));
        // No marker: the working directory holding the paths…
        assert_eq!(
            rule(std::slice::from_ref(&file), &top),
            CorpusRoot {
                dir: top.clone(),
                chosen_by: RootRule::WorkingDirectory
            }
        );
        // …else the common ancestor of the paths.
        assert_eq!(
            rule(&[file.clone(), a.clone()], &a),
            CorpusRoot {
                dir: top.clone(),
                chosen_by: RootRule::CommonAncestor
            }
        );
        assert_eq!(rule(std::slice::from_ref(&file), &a).dir, b);
        // Never the home folder: its paths' common folder instead.
        assert_eq!(
            corpus_root_below(std::slice::from_ref(&file), Some(&top), Some(&top)),
            CorpusRoot {
                dir: b.clone(),
                chosen_by: RootRule::CommonAncestor
            }
        );
        // A marker wins over the working directory.
        std::fs::write(top.join("b/fmlint.toml"), "").unwrap();
        assert_eq!(
            rule(&[file], &top),
            CorpusRoot {
                dir: top.join("b"),
                chosen_by: RootRule::Marker
            }
        );
    }
}
