//! Compiled settings: everything a run needs, built once from the command
//! line (and later the config) and shared by reference across threads.

use anyhow::{bail, Result};

use crate::diagnostic::Severity;
use crate::preset::{self, Collection};
use crate::rules::{Rule, RULES};
use crate::schema::CompiledSchema;

pub struct Settings {
    /// Globs (relative to the corpus root) of the files to check.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub collection: Collection,
    pub schema: Option<CompiledSchema>,
    pub rules: RuleSet,
}

impl Settings {
    /// The built-in QuickTakes preset with every rule at its default.
    pub fn quicktakes() -> Result<Settings> {
        let collection = preset::quicktakes();
        let schema = collection
            .schema
            .as_deref()
            .map(CompiledSchema::builtin)
            .transpose()?;
        Ok(Settings {
            include: vec!["**/*.md".into()],
            exclude: Vec::new(),
            collection,
            schema,
            rules: RuleSet::defaults(),
        })
    }
}

/// Which rules run, at which severity.
#[derive(Clone, Debug)]
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

    /// `select` (when not empty) keeps only the named rules; `ignore` turns
    /// rules off. `ALL` names every rule.
    pub fn select(mut self, select: &[String], ignore: &[String]) -> Result<RuleSet> {
        check_names(select)?;
        check_names(ignore)?;
        let named = |names: &[String], rule: &dyn Rule| {
            names.iter().any(|n| n == "ALL" || n == rule.meta().name)
        };
        for (severity, rule) in self.severities.iter_mut().zip(RULES) {
            if (!select.is_empty() && !named(select, *rule)) || named(ignore, *rule) {
                *severity = None;
            }
        }
        Ok(self)
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
}

fn check_names(names: &[String]) -> Result<()> {
    for name in names {
        if name != "ALL" && crate::rules::find(name).is_none() {
            bail!("unknown rule `{name}` (see `fmlint rules`)");
        }
    }
    Ok(())
}
