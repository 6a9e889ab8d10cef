//! Compiled settings: everything a run needs, built once from the config
//! (or the built-in preset) and the command line, and shared by reference
//! across threads.

use std::borrow::Cow;
use std::path::Path;

use globset::GlobSet;

use crate::collection::Collection;
use crate::diagnostic::Severity;

pub struct Settings {
    /// Globs (relative to the corpus root) of the files to check.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// In config order: a file belongs to the first that matches it.
    pub collections: Vec<Collection>,
    /// The rules that run, each at its severity for files no override
    /// matches. A rule that only an override turns on is here too, and
    /// [`Settings::rules_for`] tells the files it applies to.
    pub rules: RuleSet,
    /// The severities of files no override matches.
    pub base: RuleSet,
    pub overrides: Vec<Override>,
}

/// `[[overrides]]`: other severities for the files `files` matches.
pub struct Override {
    pub files: GlobSet,
    /// (position in [`RULES`], severity; `None` is off).
    pub rules: Vec<(usize, Option<Severity>)>,
}

impl Settings {
    /// The collection of the file at `relative` (to the corpus root): the
    /// first whose globs match it.
    pub fn collection_for(&self, relative: &Path) -> Option<&Collection> {
        self.collections.iter().find(|c| c.matches(relative))
    }

    /// The overrides that match the file at `relative`, in order.
    pub fn overrides_for(&self, relative: &Path) -> Vec<usize> {
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.files.is_match(relative))
            .map(|(i, _)| i)
            .collect()
    }

    /// The severity of the rule at `position` in the registry in a file that
    /// the overrides `matched` apply to; `None` is off.
    pub fn severity_at(&self, position: usize, matched: &[usize]) -> Option<Severity> {
        let mut severity = self.base.severities[position];
        for &i in matched {
            for &(rule, s) in &self.overrides[i].rules {
                if rule == position {
                    severity = s;
                }
            }
        }
        severity
    }

    /// The rule set of a file that the overrides `matched` apply to.
    pub fn rules_for(&self, matched: &[usize]) -> Cow<'_, RuleSet> {
        if self.overrides.is_empty() {
            return Cow::Borrowed(&self.rules);
        }
        let mut rules = self.base.clone();
        for &i in matched {
            for &(rule, severity) in &self.overrides[i].rules {
                rules.severities[rule] = severity;
            }
        }
        Cow::Owned(rules)
    }
}

/// Which rules run, at which severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    /// Parallel to [`RULES`]; `None` is off.
    pub(crate) severities: Vec<Option<Severity>>,
}

impl RuleSet {
    /// The severity of the rule at `position` in the registry.
    pub fn at(&self, position: usize) -> Option<Severity> {
        self.severities[position]
    }

    /// Turns on, at `severity`, each rule that is off here (for the run set:
    /// a rule an override enables must run).
    pub fn union(&mut self, position: usize, severity: Severity) {
        self.severities[position].get_or_insert(severity);
    }

    pub fn is_on(&self, position: usize) -> bool {
        self.severities[position].is_some()
    }
}
