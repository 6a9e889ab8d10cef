//! `fmlint files`: which files a check would take and which collection
//! each lands in (or why none does), from the same stages as the check
//! (targets, corpus root, discovery) so the two never disagree.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use fmlint_linter::settings::Settings;

use super::target::Target;
use super::{discover, targets};
use crate::root::display_path;

/// One file of the corpus and where it landed.
pub struct Listed {
    /// Relative to the working directory, as findings show it.
    pub shown: PathBuf,
    /// The collection's name, or why no collection takes the file.
    pub landed: Result<String, String>,
}

/// The files under the paths `target` names, in path order, with their
/// collections; the
/// errors and warnings a check would print go to the two lists.
pub fn list(
    target: &Target,
    settings: &Settings,
    errors: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Listed>> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .context("cannot read the working directory")?;
    let targets = targets::resolve(target, errors, warnings);
    if targets.given.is_empty() {
        return Ok(Vec::new());
    }
    let (root, _) = targets::corpus_root(target, &targets.given, &cwd)?;
    // Named files the config leaves out are said as a check says them.
    let mut skipped = Vec::new();
    let met = discover::Met {
        errors,
        skipped: &mut skipped,
        untracked: &mut Vec::new(),
    };
    let files = discover::files(&root, &targets, target, settings, &cwd, met)?;
    warnings.append(&mut skipped);
    // The whole corpus is read for cross-file rules; the named paths are
    // what a check reports on.
    Ok(files
        .iter()
        .filter(|path| targets.given.iter().any(|given| path.starts_with(given)))
        .map(|path| Listed {
            shown: display_path(path, &cwd),
            landed: landing(path, &root, settings),
        })
        .collect())
}

fn landing(path: &Path, root: &Path, settings: &Settings) -> Result<String, String> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    match settings.collection_for(relative) {
        Some(collection) => Ok(collection.name.clone()),
        None => Err(
            "no collection's include takes it: only its structure is checked (front matter present, closed, valid YAML, a mapping)"
                .into(),
        ),
    }
}
