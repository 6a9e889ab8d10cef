//! Running one cross-file rule over the corpus index, isolated: the step
//! the check pipeline (in parallel, per rule) and the language server (for
//! one open document) share.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::Index;
use crate::isolate;
use crate::rule::{CorpusContext, Rule};
use crate::settings::Settings;

/// A cross-file rule that runs, with its registry position and severity.
pub type CorpusRule = (usize, &'static dyn Rule, Severity);

/// The findings of `rule` on `index`, each with its file's number in the
/// index; `Err` with the report request when the rule panicked (its
/// findings are dropped: half a rule's findings are worse than none).
/// `at` names where the run was (the corpus root, the open document).
pub fn run_rule(
    index: &Index,
    settings: &Settings,
    (position, rule, severity): CorpusRule,
    at: &Path,
) -> Result<Vec<(usize, Diagnostic)>, String> {
    let mut out = Vec::new();
    let mut cx = CorpusContext::new(index, settings, rule.meta(), position, severity, &mut out);
    isolate::run_rule("cross-file rule", rule.meta().name, at, || {
        rule.check_corpus(&mut cx)
    })?;
    Ok(out)
}
