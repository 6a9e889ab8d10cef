//! Compiled settings: everything a run needs, built once from the config
//! (or the built-in preset) and the command line, and shared by reference
//! across threads.

use std::borrow::Cow;
use std::path::Path;

use anyhow::{bail, Result};
use globset::GlobSet;

use crate::diagnostic::Severity;
use crate::preset::Collection;
use crate::rules::{Rule, RULES};

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
    /// The built-in QuickTakes preset with every rule at its default: the
    /// embedded config, compiled like any other.
    pub fn quicktakes() -> Result<Settings> {
        crate::config::Loaded::builtin().compile(&[], &[])
    }

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

    /// The severity of rule `name` in a file that the overrides `matched`
    /// apply to; `None` is off.
    pub fn severity_for(&self, name: &str, matched: &[usize]) -> Option<Severity> {
        let position = RULES.iter().position(|r| r.meta().name == name)?;
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
}

/// Which rules run, at which severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    /// Parallel to [`RULES`]; `None` is off.
    severities: Vec<Option<Severity>>,
}

impl RuleSet {
    pub fn defaults() -> RuleSet {
        RuleSet {
            severities: RULES
                .iter()
                .map(|r| Some(r.meta().default_severity))
                .collect(),
        }
    }

    /// `select` (when not empty) keeps only the named rules, turning them on
    /// at their default severity if they were off; `ignore` turns rules
    /// off. `ALL` names every rule.
    pub fn select(mut self, select: &[String], ignore: &[String]) -> Result<RuleSet> {
        check_names(select)?;
        check_names(ignore)?;
        let named = |names: &[String], rule: &dyn Rule| {
            names.iter().any(|n| n == "ALL" || n == rule.meta().name)
        };
        for (severity, rule) in self.severities.iter_mut().zip(RULES) {
            if !select.is_empty() {
                if named(select, *rule) {
                    severity.get_or_insert(rule.meta().default_severity);
                } else {
                    *severity = None;
                }
            }
            if named(ignore, *rule) {
                *severity = None;
            }
        }
        Ok(self)
    }

    /// Sets rule `name`'s severity; `false` if there is no such rule.
    pub fn set(&mut self, name: &str, severity: Option<Severity>) -> bool {
        match RULES.iter().position(|r| r.meta().name == name) {
            Some(i) => {
                self.severities[i] = severity;
                true
            }
            None => false,
        }
    }

    pub fn severity(&self, name: &str) -> Option<Severity> {
        RULES
            .iter()
            .position(|r| r.meta().name == name)
            .and_then(|i| self.severities[i])
    }

    /// The enabled rules with their severities, in registry order.
    pub fn enabled(&self) -> impl Iterator<Item = (&'static dyn Rule, Severity)> + '_ {
        RULES
            .iter()
            .zip(&self.severities)
            .filter_map(|(rule, severity)| Some((*rule, (*severity)?)))
    }

    /// Turns on, at `severity`, each rule that is off here (for the run set:
    /// a rule an override enables must run).
    pub(crate) fn union(&mut self, position: usize, severity: Severity) {
        self.severities[position].get_or_insert(severity);
    }

    pub(crate) fn is_on(&self, position: usize) -> bool {
        self.severities[position].is_some()
    }
}

fn check_names(names: &[String]) -> Result<()> {
    for name in names {
        if name != "ALL" && crate::rules::find(name).is_none() {
            bail!("unknown rule `{name}` (see `fmlint rules`)");
        }
    }
    Ok(())
}
