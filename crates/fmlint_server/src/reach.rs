//! Whether `fmlint check`'s walk reaches a path: the same ignore files
//! (`.gitignore` even outside git, `.ignore`), hidden files skipped, links
//! not followed. Changes on disk, whether our own watch or the client saw
//! them, are taken in only for paths the walk reaches, so a file written in
//! `node_modules` or a site generator's output never joins the corpus.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use fmlint_engine::walk::walker;

/// Whether the walk from a corpus root reaches a path under it: every
/// folder on the way, and the path itself, is listed by a one-level walk
/// of its parent (which reads the same ignore files as the whole walk).
/// Listings are kept for one batch.
pub(crate) struct Reach {
    root: PathBuf,
    listings: HashMap<PathBuf, HashSet<PathBuf>>,
}

impl Reach {
    pub(crate) fn new(root: &Path) -> Reach {
        Reach {
            root: root.to_path_buf(),
            listings: HashMap::new(),
        }
    }

    pub(crate) fn reaches(&mut self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut folder = self.root.clone();
        for part in relative.components() {
            let next = folder.join(part);
            if !self.listing(&folder).contains(&next) {
                return false;
            }
            folder = next;
        }
        true
    }

    fn listing(&mut self, folder: &Path) -> &HashSet<PathBuf> {
        self.listings
            .entry(folder.to_path_buf())
            .or_insert_with(|| {
                walker(folder)
                    .max_depth(Some(1))
                    .build()
                    .filter_map(Result::ok)
                    .map(ignore::DirEntry::into_path)
                    .collect()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_walk_reaches_is_reached() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join(".gitignore"), "public/\n*.draft.md\n").unwrap();
        for folder in ["content/guides", "public/guides"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "content/guides/a.md",
            "content/guides/b.draft.md",
            "public/guides/a.md",
        ] {
            std::fs::write(root.join(file), "---\nid: 1\n---\n").unwrap();
        }
        let mut reach = Reach::new(&root);
        assert!(reach.reaches(&root.join("content/guides/a.md")));
        assert!(reach.reaches(&root.join("content/guides")));
        assert!(!reach.reaches(&root.join("content/guides/b.draft.md")));
        assert!(!reach.reaches(&root.join("public/guides/a.md")));
        assert!(!reach.reaches(&root.join("public")));
        assert!(!reach.reaches(&root.join(".gitignore/x")));
        assert!(!reach.reaches(Path::new("/elsewhere/a.md")));
    }
}
