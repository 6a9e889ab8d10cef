//! Stage 2: the corpus's files. The walk of the corpus root (by the
//! config's `include`/`exclude`), less what git does not track when asked,
//! plus the named files the globs take. A named file the globs leave out,
//! or that no collection takes, is skipped with a note (pre-commit names
//! every staged `.md`: a README must not be linted against the articles'
//! schema); a named directory with no file to check is an error. Sorted in
//! path order: every later stage keeps this order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use fmlint_linter::settings::Settings;

use super::target::Target;
use super::targets::Targets;
use crate::root::display_path;
use crate::walk::{path_order, retain_tracked, walk, FileFilter, Tracked};

/// What the run met besides the files: walk errors and named directories
/// with nothing to check (errors), named files skipped (notes), and the
/// files left out because git does not track them.
pub(super) struct Met<'r> {
    pub errors: &'r mut Vec<String>,
    pub skipped: &'r mut Vec<String>,
    pub untracked: &'r mut Vec<PathBuf>,
}

/// The corpus files under `root`, in path order; paths in messages are
/// shown relative to `cwd`.
pub(super) fn files(
    root: &Path,
    targets: &Targets,
    target: &Target,
    settings: &Settings,
    cwd: &Path,
    met: Met,
) -> Result<Vec<PathBuf>> {
    let errors = met.errors;
    let filter = FileFilter::new(&settings.include, &settings.exclude)?;
    let tracked = target.git_tracked.then(|| Tracked::start(root));
    let (mut files, walk_errors) = walk(root, &filter, target.threads);
    for error in walk_errors {
        errors.push(match error.path {
            Some(path) => format!("{}: {}", display_path(&path, cwd).display(), error.message),
            None => error.message,
        });
    }
    if let Some(tracked) = tracked {
        match retain_tracked(tracked, root, &mut files) {
            Ok(left_out) => *met.untracked = left_out,
            Err(error) => errors.push(error),
        }
    }
    let shown = |path: &Path| {
        let path = targets.aliases.get(path).map_or(path, PathBuf::as_path);
        match display_path(path, cwd).display().to_string() {
            shown if shown.is_empty() => ".".to_string(),
            shown => shown,
        }
    };
    let named = Named {
        root,
        filter: &filter,
        settings,
    };
    merge_named(&mut files, targets, target, &named, &mut |path, why| {
        met.skipped.push(format!("{}: {why}; skipped", shown(path)));
    });
    for dir in targets.given.iter().filter(|g| g.is_dir()) {
        if !files.iter().any(|f| f.starts_with(dir)) {
            errors.push(format!(
                "{}: no Markdown file to check here (the config's `include` takes none)",
                shown(dir)
            ));
        }
    }
    Ok(files)
}

/// What decides whether a named file is checked.
struct Named<'n> {
    root: &'n Path,
    filter: &'n FileFilter,
    settings: &'n Settings,
}

impl Named<'_> {
    /// Why the named file at `path` is not checked, if it is not: the
    /// config's globs leave it out, or no collection takes it. A file that
    /// is the corpus root itself is always checked.
    fn left_out(&self, path: &Path) -> Option<&'static str> {
        let relative = path.strip_prefix(self.root).ok()?;
        if relative.as_os_str().is_empty() {
            return None;
        }
        if !self.filter.matches(relative) {
            return Some("excluded by `include`/`exclude` in the config");
        }
        if self.settings.collection_for(relative).is_none() {
            return Some("no collection in the config takes it");
        }
        None
    }
}

/// Adds the named files (on disk or in the overlay) that the walk left
/// out, and takes out those [`Named::left_out`] refuses, telling `skip`
/// why.
fn merge_named(
    files: &mut Vec<PathBuf>,
    targets: &Targets,
    target: &Target,
    named: &Named,
    skip: &mut dyn FnMut(&Path, &str),
) {
    let mut given: Vec<&Path> = targets
        .given
        .iter()
        .filter(|p| p.is_file() || target.overlay.contains_key(*p))
        .map(PathBuf::as_path)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    given.sort_unstable_by(|a, b| path_order(a, b));
    let mut added = false;
    for path in given {
        let found = files.binary_search_by(|p| path_order(p, path));
        match (named.left_out(path), found) {
            (Some(why), Ok(at)) => {
                skip(path, why);
                files.remove(at);
            }
            (Some(why), Err(_)) => skip(path, why),
            (None, Ok(_)) => {}
            (None, Err(_)) => {
                files.push(path.to_path_buf());
                added = true;
            }
        }
    }
    if added {
        files.sort_unstable_by(|a, b| path_order(a, b));
    }
}
