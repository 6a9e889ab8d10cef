//! Watching a corpus on disk ourselves, for clients that cannot do it for
//! us (`workspace/didChangeWatchedFiles` with dynamic registration; Neovim
//! on Linux does not offer it by default). Without it, a file rewritten by
//! `git checkout`, a script or another editor would leave stale or false
//! cross-file findings until the server restarts.
//!
//! The operating system's watcher (`notify`) is debounced, so a checkout
//! of many files arrives as one batch; paths under `.git` and the result
//! cache are dropped here, the rest go to the server's main loop, which
//! reads them again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::Sender;
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};

/// How long the disk must be quiet before a batch of changes is sent.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the watcher of one corpus root reports: the paths that changed
/// (created, modified, deleted, renamed from or to; files or folders), or
/// why watching failed.
pub type Changes = (PathBuf, Result<Vec<PathBuf>, String>);

/// A running watch; watching stops when it is dropped.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher>,
}

/// Starts watching `root` recursively; each batch of changes is sent to
/// `tx` with the root.
pub fn watch(root: &Path, tx: Sender<Changes>) -> Result<Watch, String> {
    let handler_root = root.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let changes = match result {
            Ok(events) => {
                let mut paths: Vec<PathBuf> = events
                    .into_iter()
                    .map(|event| event.path)
                    .filter(|path| !ignored(&handler_root, path))
                    .collect();
                paths.sort();
                paths.dedup();
                if paths.is_empty() {
                    return;
                }
                Ok(paths)
            }
            Err(error) => Err(error.to_string()),
        };
        let _ = tx.send((handler_root.clone(), changes));
    })
    .map_err(|error| error.to_string())?;
    debouncer
        .watcher()
        .watch(root, RecursiveMode::Recursive)
        .map_err(|error| error.to_string())?;
    Ok(Watch {
        _debouncer: debouncer,
    })
}

/// Paths whose changes never matter: git's own files and the result cache.
fn ignored(root: &Path, path: &Path) -> bool {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.components().any(|part| {
        let part = part.as_os_str();
        part == ".git" || part == fmlint_engine::cache::DIR_NAME
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_and_cache_paths_are_ignored() {
        let root = Path::new("/corpus");
        assert!(ignored(root, Path::new("/corpus/.git/index")));
        assert!(ignored(root, Path::new("/corpus/.fmlint_cache/k/1.bin")));
        assert!(!ignored(root, Path::new("/corpus/content/a.md")));
        assert!(!ignored(root, Path::new("/corpus/content")));
    }
}
