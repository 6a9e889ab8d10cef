//! The symbolic-link policy for named paths: a named link is followed only
//! to a target inside the project it lies in (`--corpus-root`, else the
//! nearest marked directory above it); a link in no project stands for its
//! target. Either way the target is shown under the link's name. (Links
//! met while walking a directory are never followed: [`crate::walk`].)

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::target::Target;
use crate::root::marked_root;

/// Follows the named links (as named, where the link lies, its target)
/// that the policy allows, adding their targets to `given`; returns each
/// followed target's display path. A refused link is a run error.
pub(super) fn follow(
    named: Vec<(&Path, PathBuf, PathBuf)>,
    target: &Target,
    given: &mut Vec<PathBuf>,
    errors: &mut Vec<String>,
) -> HashMap<PathBuf, PathBuf> {
    let mut aliases = HashMap::new();
    for (path, location, canonical) in named {
        let home = match &target.corpus_root {
            Some(root) => root.canonicalize().ok(),
            None => location.parent().and_then(marked_root),
        };
        match home {
            Some(home) if !canonical.starts_with(&home) => errors.push(format!(
                "{}: symbolic link leads outside the project root ({}); not followed",
                path.display(),
                home.display()
            )),
            _ => {
                aliases.insert(canonical.clone(), location);
                given.push(canonical);
            }
        }
    }
    aliases
}
