//! The `schema` rule: validates the header against the collection's JSON
//! Schema and points each violation at its node.

use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Validates the front matter against the collection's JSON Schema
    /// (draft 2020-12, formats checked): required keys, types, patterns,
    /// enums, unknown keys. Each violation points at the offending node: an
    /// unknown key at the key, a wrong type at the value, a missing key at
    /// its parent key (or the opening `---`).
    ///
    /// ## Why is this bad
    /// The site's templates expect these fields with these types; a missing
    /// `author` or an `id` written as a string breaks pages or builds.
    ///
    /// ## Example
    /// ```yaml
    /// id: "140672"
    /// ```
    /// Use instead: `id: 140672` (an integer).
    pub struct Schema {
        name: "schema",
        severity: Error,
        fix: None,
        stage: File,
    }
}

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let Some(schema) = cx.collection.schema.as_ref() else {
            return;
        };
        for diagnostic in schema.check(cx.root, cx.header) {
            cx.report(diagnostic);
        }
    }
}
