//! File discovery: ripgrep's parallel walker (`ignore`), honouring
//! `.gitignore` even outside a git repository, filtered by the collection's
//! include/exclude globs (`globset`), returned sorted.
//!
//! Only regular files are returned: directories named `x.md`, FIFOs and
//! sockets are never opened. Symbolic links are not followed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
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
        let glob = Glob::new(pattern).with_context(|| format!("invalid glob `{pattern}`"))?;
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

/// Every matching regular file under `root`, sorted, plus the errors met.
pub fn walk(root: &Path, filter: &FileFilter, threads: usize) -> (Vec<PathBuf>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
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
                    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    if filter.matches(relative) {
                        lock(&found).push(entry.into_path());
                    }
                }
                WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort();
    let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    (found, errors)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock only interrupted a push; the vector is
    // still valid.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
