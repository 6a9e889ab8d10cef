//! Stage 1: the paths the user named → canonical targets. A path that
//! does not exist, or is neither a file nor a directory, is a run error
//! (exit 2) and is left out; a named symbolic link goes by [`super::links`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::links;
use super::target::Target;
use crate::root::{corpus_root as root_rule, RootRule};
use crate::walk::under;

/// The named paths, resolved.
pub(super) struct Targets {
    /// Canonical paths of what was named and may be read.
    pub given: Vec<PathBuf>,
    /// A followed link's target → the link's own path, for display.
    pub aliases: HashMap<PathBuf, PathBuf>,
    /// The named directories among `given`, looked at once, not once per
    /// corpus file.
    given_dirs: Vec<PathBuf>,
}

impl Targets {
    /// Whether the file at `path` (canonical) is reported: it was named, or
    /// lies in a named directory.
    pub fn reports(&self, path: &Path) -> bool {
        // Canonical paths: equal as paths when equal as bytes.
        self.given_dirs.iter().any(|g| under(path, g).is_some())
            || self.given.iter().any(|g| g.as_os_str() == path.as_os_str())
    }
}

/// The extensions of the files fmlint checks when they are named.
const MARKDOWN: &[&str] = &["md", "mdx", "markdown"];

/// Resolves `target.paths`; what cannot be checked goes to `errors`, what
/// is left out on purpose to `warnings`.
pub(super) fn resolve(
    target: &Target,
    errors: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Targets {
    let mut given = Vec::new();
    let mut named_links = Vec::new();
    for path in &target.paths {
        // Standard input's stand-in path need not exist; with
        // `--report-affected`, a deleted file is named to report what its
        // deletion breaks.
        if let Some(canonical) = canonical_missing(path, target) {
            given.push(canonical);
            continue;
        }
        match path.canonicalize() {
            // Neither a file nor a directory (a FIFO, a socket, a device):
            // never opened, as reading one could block forever.
            Ok(canonical) if !canonical.is_file() && !canonical.is_dir() => {
                errors.push(format!("{}: not a regular file; skipped", path.display()))
            }
            Ok(canonical) if canonical.is_file() && !is_markdown(&canonical) => {
                warnings.push(format!(
                    "{}: not a Markdown file (.md, .mdx, .markdown); skipped",
                    path.display()
                ))
            }
            Ok(canonical) => match crate::walk::link_location(path) {
                Some(location) => named_links.push((path.as_path(), location, canonical)),
                None => given.push(canonical),
            },
            Err(error) => errors.push(format!("{}: {error}", path.display())),
        }
    }
    let aliases = links::follow(named_links, target, &mut given, errors);
    let given_dirs = given.iter().filter(|g| g.is_dir()).cloned().collect();
    Targets {
        given,
        aliases,
        given_dirs,
    }
}

/// The canonical form of a `path` that does not exist but stands for a
/// file: one in the overlay (standard input), or with
/// [`Target::report_affected`] a deleted one whose directory exists.
fn canonical_missing(path: &Path, target: &Target) -> Option<PathBuf> {
    if path.exists() {
        return None;
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let canonical = parent.canonicalize().ok()?.join(name);
    (target.report_affected || target.overlay.contains_key(&canonical)).then_some(canonical)
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MARKDOWN.iter().any(|m| e.eq_ignore_ascii_case(m)))
}

/// `--corpus-root` when given, else the root the named paths lie in (and
/// which part of the root rule chose it).
pub(super) fn corpus_root(
    target: &Target,
    given: &[PathBuf],
    cwd: &Path,
) -> Result<(PathBuf, Option<RootRule>)> {
    match &target.corpus_root {
        Some(root) => Ok((
            root.canonicalize()
                .with_context(|| format!("corpus root {}", root.display()))?,
            None,
        )),
        None => {
            let found = root_rule(given, Some(cwd));
            Ok((found.dir, Some(found.chosen_by)))
        }
    }
}
