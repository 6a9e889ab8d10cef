//! `unused-suppression`: an inline `# fmlint-ignore` comment that silences
//! nothing. Reported by the engine after the corpus phase (see
//! `suppress.rs`), when every finding it could silence is known.

use crate::rule::{declare_rule, docs_only};

declare_rule! {
    /// ## What it does
    /// Reports a `# fmlint-ignore` or `# fmlint-ignore-file` comment, or one
    /// rule named in it, that silences no finding, and rule names that do
    /// not exist. A rule turned off with `--select` or `--ignore` is not
    /// judged: its comment may be needed when the rule runs.
    ///
    /// `# fmlint-ignore: RULES` at the end of a line applies to that line;
    /// on a line of its own, to the next line that is not blank or a
    /// comment. It silences findings that start on that line or inside the
    /// value of a key written on it. `# fmlint-ignore-file: RULES` applies to
    /// the whole file. Without `: RULES` every rule is silenced.
    ///
    /// ## Why is this bad
    /// A suppression outlives the defect it was written for: once the value
    /// is fixed, the comment would silently hide the next, unrelated finding
    /// of that rule. A misspelt rule name silences nothing at all.
    ///
    /// ## Example
    /// ```yaml
    /// # fmlint-ignore: title-mismatch
    /// title: >-
    ///   What is a tritone?
    /// article_title: What is a tritone?
    /// ```
    /// Use instead: remove the comment once the titles agree.
    pub struct UnusedSuppression {
        name: "unused-suppression",
        severity: Warning,
        fix: None,
        stage: File,
    }
}

docs_only!(UnusedSuppression);
