//! Watching a corpus on disk ourselves, for clients that cannot do it for
//! us (`workspace/didChangeWatchedFiles` with dynamic registration; Neovim
//! on Linux does not offer it by default). Without it, a file rewritten by
//! `git checkout`, a script or another editor would leave stale or false
//! cross-file findings until the server restarts.
//!
//! The operating system's watcher (`notify`) is debounced here, so a
//! checkout of many files arrives as one batch. Reads are not changes:
//! inotify reports every open of a file, the server's own reads included,
//! and taking those in would read the files again, forever.
//!
//! Only what `fmlint check` walks is watched: each folder the walk enters
//! gets its own (non-recursive) watch, and a folder created later gets one
//! if the walk would enter it ([`Reach`]; the server takes in changed paths
//! by the same test, whoever saw them). So `.gitignore`d trees
//! (`node_modules`, a site generator's `public/`, the result cache, `.git`)
//! cost no watches and their churn no work.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use fmlint_engine::walk::walker;

use crate::reach::Reach;

/// How long the disk must be quiet before a batch of changes is sent…
const DEBOUNCE: Duration = Duration::from_millis(50);
/// …or how long a batch may grow under a steady stream of changes.
const MAX_BATCH_AGE: Duration = Duration::from_secs(1);

/// What the watcher of one corpus root reports: the paths that changed
/// (created, modified, deleted, renamed from or to; files or folders), or
/// why watching failed.
pub type Changes = (PathBuf, Result<Vec<PathBuf>, String>);

/// A running watch; watching stops when it is dropped (its debounce
/// thread then ends).
pub struct Watch {
    _watcher: Arc<Mutex<RecommendedWatcher>>,
}

/// Starts watching the folders of `root` that the walk enters; each batch
/// of changes is sent to `tx` with the root.
pub fn watch(root: &Path, tx: Sender<Changes>) -> Result<Watch, String> {
    let (raw_tx, raw_rx) = crossbeam_channel::unbounded();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = raw_tx.send(event);
    })
    .map_err(|error| error.to_string())?;
    watch_folders(&mut watcher, root)?;
    let watcher = Arc::new(Mutex::new(watcher));
    let root = root.to_path_buf();
    let grow = Arc::clone(&watcher);
    std::thread::Builder::new()
        .name("fmlint-watch".into())
        .spawn(move || debounce(&root, &raw_rx, &tx, &grow))
        .map_err(|error| error.to_string())?;
    Ok(Watch { _watcher: watcher })
}

/// Watches `top` and every folder under it that the walk enters, each on
/// its own. A folder that vanished meanwhile is no error.
fn watch_folders(watcher: &mut RecommendedWatcher, top: &Path) -> Result<(), String> {
    for entry in walker(top).build().filter_map(Result::ok) {
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            match watcher.watch(entry.path(), RecursiveMode::NonRecursive) {
                Ok(()) => {}
                Err(_) if !entry.path().exists() => {}
                Err(error) => return Err(format!("{}: {error}", entry.path().display())),
            }
        }
    }
    Ok(())
}

/// Gathers the watcher's events into batches and sends them, until the
/// watcher is dropped. New folders the walk enters are watched.
fn debounce(
    root: &Path,
    raw: &Receiver<notify::Result<Event>>,
    tx: &Sender<Changes>,
    watcher: &Mutex<RecommendedWatcher>,
) {
    while let Ok(first) = raw.recv() {
        let started = Instant::now();
        let mut paths = BTreeSet::new();
        let mut take = |event: notify::Result<Event>| match event {
            Ok(event) if changes_content(&event.kind) => {
                paths.extend(event.paths.into_iter().filter(|p| !ignored(root, p)));
            }
            Ok(_) => {}
            Err(error) => {
                let _ = tx.send((root.to_path_buf(), Err(error.to_string())));
            }
        };
        take(first);
        while started.elapsed() < MAX_BATCH_AGE {
            match raw.recv_timeout(DEBOUNCE) {
                Ok(event) => take(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut reach = Reach::new(root);
        for folder in paths.iter().filter(|p| p.is_dir() && reach.reaches(p)) {
            let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(error) = watch_folders(&mut watcher, folder) {
                let _ = tx.send((root.to_path_buf(), Err(error)));
            }
        }
        if !paths.is_empty() {
            let _ = tx.send((root.to_path_buf(), Ok(paths.into_iter().collect())));
        }
    }
}

/// Whether an event may change what a file holds: not a read (an open, a
/// close after reading), but a close after writing is.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
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

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Any)));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Remove(
            notify::event::RemoveKind::Any
        )));
    }
}
