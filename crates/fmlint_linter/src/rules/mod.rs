//! Every rule, one file each, and the static registry [`RULES`] that the
//! engine loops over.
//!
//! Adding a rule is one file plus one line in [`RULES`]. Rules of the
//! `parse` stage are reported by the linter itself while it reads a file
//! ([`crate::lint`]); they are listed here for their names and docs. A
//! [`RuleSet`] is parallel to [`RULES`]: what it means by name lives here.

use anyhow::{bail, Result};

use crate::diagnostic::Severity;
use crate::rule::Rule;
use crate::settings::{RuleSet, Settings};

mod consistency;
mod dangling;
mod dates;
mod duplicates;
mod field_mismatch;
mod key_order;
mod references;
mod schema;
mod stale;
mod structure;
mod unused_suppression;

pub use structure::{
    DuplicateKey, InternalError, JsonSyntax, MissingFrontMatter, NotAMapping, TomlSyntax,
    UnclosedFrontMatter, UnreadableFile, YamlSyntax,
};
pub use unused_suppression::UnusedSuppression;

/// Every rule, in the order `fmlint rules` lists them.
pub static RULES: &[&dyn Rule] = &[
    &structure::UnreadableFile,
    &structure::MissingFrontMatter,
    &structure::UnclosedFrontMatter,
    &structure::YamlSyntax,
    &structure::TomlSyntax,
    &structure::JsonSyntax,
    &structure::DuplicateKey,
    &structure::NotAMapping,
    &schema::Schema,
    &dates::InvalidDate,
    &dates::InvalidDateFormat,
    &consistency::UrlMismatch,
    &consistency::FileNameMismatch,
    &consistency::PathMismatch,
    &consistency::TitleMismatch,
    &consistency::SeoTitleMismatch,
    &field_mismatch::FieldMismatch,
    &key_order::KeyOrder,
    &references::SelfReference,
    &references::DuplicateReference,
    &references::ReferenceNumbering,
    &duplicates::DuplicateId,
    &duplicates::DuplicateUrl,
    &duplicates::DuplicateValue,
    &dangling::DanglingReference,
    &stale::StaleReference,
    &unused_suppression::UnusedSuppression,
    &structure::InternalError,
];

/// The rule table of the README, generated from the registry (a test keeps
/// the README in step).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| rule | severity | runs on | fix | what it checks |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let meta = rule.meta();
        let fix = meta.fix.as_str();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            meta.name,
            meta.default_severity.as_str(),
            meta.stage.as_str(),
            fix,
            meta.summary().replace('|', "\\|")
        ));
    }
    out
}

/// The rule's position in [`RULES`] (what [`RuleSet`]s are parallel to).
pub fn position(name: &str) -> Option<usize> {
    RULES.iter().position(|r| r.meta().name == name)
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// The registry's view of a [`Settings`]: rules by name.
impl Settings {
    /// The severity of rule `name` in a file that the overrides `matched`
    /// apply to; `None` is off.
    pub fn severity_for(&self, name: &str, matched: &[usize]) -> Option<Severity> {
        self.severity_at(position(name)?, matched)
    }
}

/// The registry's view of a [`RuleSet`]: rules by name, in registry order.
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
    /// off. `ALL` (in any case) names every rule.
    pub fn select(mut self, select: &[String], ignore: &[String]) -> Result<RuleSet> {
        check_names(select)?;
        check_names(ignore)?;
        let named = |names: &[String], rule: &dyn Rule| {
            names.iter().any(|n| is_all(n) || n == rule.meta().name)
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
        match position(name) {
            Some(i) => {
                self.severities[i] = severity;
                true
            }
            None => false,
        }
    }

    pub fn severity(&self, name: &str) -> Option<Severity> {
        position(name).and_then(|i| self.severities[i])
    }

    /// The enabled cross-file rules with their positions and severities, in
    /// registry order.
    pub fn enabled_corpus(&self) -> impl Iterator<Item = crate::corpus::CorpusRule> + '_ {
        RULES
            .iter()
            .zip(&self.severities)
            .enumerate()
            .filter(|(_, (rule, _))| rule.meta().stage == crate::rule::Stage::Corpus)
            .filter_map(|(position, (rule, severity))| Some((position, *rule, (*severity)?)))
    }

    /// The enabled rules with their severities, in registry order.
    pub fn enabled(&self) -> impl Iterator<Item = (&'static dyn Rule, Severity)> + '_ {
        RULES
            .iter()
            .zip(&self.severities)
            .filter_map(|(rule, severity)| Some((*rule, (*severity)?)))
    }
}

/// Whether `name` is `ALL` (every rule), in any case.
fn is_all(name: &str) -> bool {
    name.eq_ignore_ascii_case("all")
}

fn check_names(names: &[String]) -> Result<()> {
    for name in names {
        if !is_all(name) && find(name).is_none() {
            bail!("unknown rule `{name}`; {}", unknown_rule_help(name));
        }
    }
    Ok(())
}

/// What to do about the unknown rule name `name`: the rule it was likely
/// meant to be, or where the names are listed.
pub fn unknown_rule_help(name: &str) -> String {
    match crate::similar::closest(name, RULES.iter().map(|r| r.meta().name)) {
        Some(known) => format!("did you mean `{known}`? (`fmlint rules` lists them all)"),
        None => "`fmlint rules` lists the rules".to_string(),
    }
}
