//! Stage 2: the corpus's files. The walk of the corpus root (by the
//! config's `include`/`exclude`), less what git does not track when asked,
//! plus the named files, which are checked even when the globs leave them
//! out. Sorted in path order: every later stage keeps this order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use fmlint_linter::settings::Settings;

use super::target::Target;
use super::targets::Targets;
use crate::root::display_path;
use crate::walk::{path_order, retain_tracked, walk, FileFilter};

/// The corpus files under `root`, in path order; walk errors go to
/// `errors` (shown relative to `cwd`); the files left out because git does
/// not track them go to `untracked`.
pub(super) fn files(
    root: &Path,
    targets: &Targets,
    target: &Target,
    settings: &Settings,
    cwd: &Path,
    errors: &mut Vec<String>,
    untracked: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>> {
    let filter = FileFilter::new(&settings.include, &settings.exclude)?;
    let (mut files, walk_errors) = walk(root, &filter, target.threads);
    for error in walk_errors {
        errors.push(match error.path {
            Some(path) => format!("{}: {}", display_path(&path, cwd).display(), error.message),
            None => error.message,
        });
    }
    if target.git_tracked {
        match retain_tracked(root, &mut files) {
            Ok(left_out) => *untracked = left_out,
            Err(error) => errors.push(error),
        }
    }
    merge_named(&mut files, targets, target);
    Ok(files)
}

/// Adds the named files (on disk or in the overlay) that the walk left out.
fn merge_named(files: &mut Vec<PathBuf>, targets: &Targets, target: &Target) {
    let named: HashSet<&Path> = targets
        .given
        .iter()
        .filter(|p| p.is_file() || target.overlay.contains_key(*p))
        .map(PathBuf::as_path)
        .collect();
    let mut added = false;
    for path in named {
        if files.binary_search_by(|p| path_order(p, path)).is_err() {
            files.push(path.to_path_buf());
            added = true;
        }
    }
    if added {
        files.sort_unstable_by(|a, b| path_order(a, b));
    }
}
