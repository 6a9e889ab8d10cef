//! File discovery: ripgrep's parallel walker (`ignore`), honouring
//! `.gitignore` even outside a git repository, filtered by the collection's
//! include/exclude globs (`globset`), returned sorted.
//!
//! Only regular files are returned: directories named `x.md`, FIFOs and
//! sockets are never opened. Symbolic links met while walking are not
//! followed (nor returned). A symbolic link named on the command line is
//! followed only to a target inside the project it lies in
//! ([`link_location`] and `lint::check_with`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

/// Include/exclude globs, matched against paths relative to the walk root.
pub struct FileFilter {
    include: GlobSet,
    exclude: GlobSet,
}

impl FileFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<FileFilter> {
        Ok(FileFilter {
            include: build(include)?,
            exclude: build(exclude)?,
        })
    }

    pub fn matches(&self, relative: &Path) -> bool {
        self.include.is_match(relative) && !self.exclude.is_match(relative)
    }
}

fn build(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // `*` stays within one path segment, as in .gitignore; `**` crosses.
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .with_context(|| format!("invalid glob `{pattern}`"))?;
        builder.add(glob);
    }
    Ok(builder.build()?)
}

/// A path the walker could not read (permission denied, a loop …).
#[derive(Debug)]
pub struct WalkError {
    pub path: Option<PathBuf>,
    pub message: String,
}

/// The walk's rules from `top`: ignore files (`.gitignore` even outside a
/// git repository, `.ignore`) and hidden files left out, symbolic links
/// not followed. The language server's watch uses the same rules.
pub fn walker(top: &Path) -> WalkBuilder {
    let mut builder = WalkBuilder::new(top);
    builder.require_git(false).follow_links(false);
    builder
}

/// Every matching regular file under `root`, sorted, plus the errors met,
/// on `threads` walkers (as lowered by [`crate::workers::workers`]).
pub fn walk(root: &Path, filter: &FileFilter, threads: usize) -> (Vec<PathBuf>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    walker(root)
        .threads(crate::workers::workers(threads, usize::MAX))
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        let path = match &error {
                            ignore::Error::WithPath { path, .. } => Some(path.clone()),
                            _ => None,
                        };
                        lock(&errors).push(WalkError {
                            path,
                            message: error.to_string(),
                        });
                        return WalkState::Continue;
                    }
                };
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    let relative = under(entry.path(), root).unwrap_or(entry.path());
                    if filter.matches(relative) {
                        lock(&found).push(entry.into_path());
                    }
                }
                WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_unstable_by(|a, b| path_order(a, b));
    let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    (found, errors)
}

/// Where `path` lies if it is itself a symbolic link (its directory
/// resolved, its own name kept), else `None`. The project a link belongs
/// to is looked for from there, not from wherever the link leads.
pub fn link_location(path: &Path) -> Option<PathBuf> {
    // `link/` would name the link's target: drop the trailing separator.
    let path: PathBuf = path.components().collect();
    if !path.symlink_metadata().ok()?.file_type().is_symlink() {
        return None;
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

/// The order of paths in every output: by their bytes. Deterministic, and
/// far cheaper than `Path`'s component-wise order on 100,000s of paths.
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    a.as_os_str().cmp(b.as_os_str())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock only interrupted a push; the vector is
    // still valid.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `path` relative to `dir`, when it lies under it (`""` when it is
/// `dir`): [`Path::strip_prefix`] for paths without `.` components or
/// doubled separators (canonical ones, and those a walk joins), which it
/// compares as bytes instead of component by component, the cost of which
/// shows on 100,000s of paths. Other paths take `strip_prefix` itself.
pub fn under<'p>(path: &'p Path, dir: &Path) -> Option<&'p Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (bytes, prefix) = (path.as_os_str().as_bytes(), dir.as_os_str().as_bytes());
        let rest = match bytes.strip_prefix(prefix) {
            _ if prefix.is_empty() => None,
            Some([]) => Some(&[][..]),
            Some([b'/', rest @ ..]) => Some(rest),
            Some(_) | None => None,
        };
        if let Some(rest) = rest.filter(|_| plain(bytes)) {
            return Some(Path::new(std::ffi::OsStr::from_bytes(rest)));
        }
    }
    path.strip_prefix(dir).ok()
}

/// Whether a `/`-separated path has no `.` components and no doubled or
/// trailing separators (the root `/` alone aside), so that its bytes say
/// what its components do.
pub(crate) fn plain(path: &[u8]) -> bool {
    let after_slash = memchr::memchr_iter(b'/', path).map(|at| &path[at + 1..]);
    let doubled_or_dot = |rest: &[u8]| matches!(rest, [b'/', ..] | [b'.'] | [b'.', b'/', ..]);
    for rest in after_slash {
        if rest.is_empty() {
            return path == b"/";
        }
        if doubled_or_dot(rest) {
            return false;
        }
    }
    !matches!(path, [b'.'] | [b'.', b'/', ..])
}

/// `git ls-files` of the corpus root, started at once so that git reads
/// its index while the walk runs; [`retain_tracked`] takes its answer.
pub struct Tracked {
    child: std::io::Result<std::process::Child>,
}

impl Tracked {
    pub fn start(root: &Path) -> Tracked {
        let child = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["ls-files", "-z", "--cached", "--"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        Tracked { child }
    }
}

/// Keeps the files git tracks (its index: staged content, new files
/// included once added), dropping untracked ones, which it returns. The
/// corpus a commit will have, as pre-commit leaves untracked files on disk
/// while it runs hooks.
pub fn retain_tracked(
    tracked: Tracked,
    root: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>, String> {
    let output = tracked
        .child
        .and_then(std::process::Child::wait_with_output)
        .map_err(|e| format!("--git-tracked: cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "--git-tracked: git ls-files failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    // git lists its index in byte order; sorted again only if it did not.
    let mut tracked: Vec<&[u8]> = output
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .collect();
    if !tracked.is_sorted() {
        tracked.sort_unstable();
    }
    // `files` are in path order too: one merge, each list read once.
    let mut next = 0;
    let mut is_tracked = |relative: &[u8]| {
        if next > 0 && tracked[next - 1] > relative {
            return tracked.binary_search(&relative).is_ok();
        }
        while tracked.get(next).is_some_and(|t| *t < relative) {
            next += 1;
        }
        tracked.get(next) == Some(&relative)
    };
    let (kept, untracked) = std::mem::take(files).into_iter().partition(|path| {
        under(path, root).is_some_and(|relative| {
            // git prints `/`-separated paths relative to `-C`.
            let relative = relative.to_string_lossy();
            let relative = match std::path::MAIN_SEPARATOR {
                '/' => relative,
                separator => relative.replace(separator, "/").into(),
            };
            is_tracked(relative.as_bytes())
        })
    });
    *files = kept;
    Ok(untracked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths() {
        for path in ["/a/b.md", "a/b.md", "/", "/a/.git/x", "a/../b"] {
            assert!(plain(path.as_bytes()), "{path}");
        }
        for path in ["/a//b.md", "./a", ".", "a/./b", "a/.", "a/", "/a/b/"] {
            assert!(!plain(path.as_bytes()), "{path}");
        }
    }

    #[test]
    fn under_agrees_with_strip_prefix() {
        let cases = [
            ("/a/b/c.md", "/a/b"),
            ("/a/b/c.md", "/a"),
            ("/a/b", "/a/b"),
            ("/a/bc/d.md", "/a/b"),
            ("/a/b/c.md", "/"),
            ("/a/b//c.md", "/a/b"),
            ("/a/b/./c.md", "/a/b"),
            ("/a/b/c.md", "/a/b/"),
            ("/a/b/c/", "/a/b"),
            ("/x/c.md", "/a"),
            ("a/b.md", "a"),
            ("./a/b.md", "a"),
            ("./a/b.md", "."),
            ("/a/b/c/.", "/a/b"),
            ("/a/b/../c.md", "/a/b"),
            ("/a/.hidden/c.md", "/a"),
            ("/a/b.md", ""),
            ("a/b.md", ""),
        ];
        for (path, dir) in cases {
            let (path, dir) = (Path::new(path), Path::new(dir));
            assert_eq!(
                under(path, dir),
                path.strip_prefix(dir).ok(),
                "{path:?} under {dir:?}"
            );
        }
    }
}
