//! `field-mismatch`: a field differs from the template the config gives it
//! (any field but `url`, whose mismatch is `url-mismatch`). The checks are
//! the collection's; the code is the other consistency rules'.

use super::consistency::run_checks;
use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that a field equals the template `fmlint.toml` gives it,
    /// built from other fields and the file's path, and says the expected
    /// value.
    ///
    /// The templates are `[collections.templates]`; a mismatch on `url` is
    /// `url-mismatch`, and a template may name another consistency rule. The
    /// built-in QuickTakes preset has no `field-mismatch` template; Hugo,
    /// Jekyll or Docusaurus corpora use it for `slug = "{path.stem}"` and
    /// the like.
    ///
    /// ## Why is this bad
    /// A field that is derived from others (a slug from the file name, a
    /// permalink from the section) drifts when the file is renamed or moved:
    /// the page is built at one address and linked at another.
    ///
    /// ## Example
    /// With `slug = "{path.stem}"`, in `posts/hello-world.md`:
    /// ```yaml
    /// slug: hello-wrold
    /// ```
    /// Use instead: `slug: hello-world`. The template's `fix` says whether
    /// `--fix` (`safe`) or only `--unsafe-fixes` (`unsafe`, the default)
    /// may set it.
    pub struct FieldMismatch {
        name: "field-mismatch",
        severity: Error,
        fix: Unsafe,
        stage: File,
    }
}

impl Rule for FieldMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        run_checks(cx);
    }
}
