//! `fmlint rule NAME`: a rule's documentation, then what it checks in the
//! project at hand. The documentation is static and its examples come from
//! the built-in QuickTakes preset; the section after it is in the words of
//! the config in force (its collections, fields, templates and formats), so
//! a Hugo or Starlight user reads what the rule means for their pages.

use std::io::{self, Write};

use anyhow::Result;
use fmlint_engine::config;
use fmlint_linter::collection::{
    Check, Collection, Matching, PathBase, RefBy, RefShape, References,
};
use fmlint_linter::index::PAGES;
use fmlint_linter::rule::{FixKind, RuleMeta, Stage};
use fmlint_linter::rules;
use fmlint_linter::settings::Settings;

use crate::exit;

/// Where the config comes from (`--config FILE`, `--isolated`).
pub struct Source<'a> {
    pub config: Option<&'a std::path::Path>,
    pub isolated: bool,
}

pub fn print_rule(name: &str, source: &Source) -> Result<u8> {
    let Some(rule) = rules::find(name) else {
        eprintln!(
            "fmlint: error: unknown rule `{name}`; {}",
            rules::unknown_rule_help(name)
        );
        return Ok(exit::FAILURE);
    };
    let meta = rule.meta();
    let project = project_section(meta, source);
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "# {}\n\nDefault severity: {}. Runs on: {}. {}.\n\n{}",
        meta.name,
        meta.default_severity.as_str(),
        meta.stage.as_str(),
        fix_words(meta.fix),
        meta.docs()
    )?;
    match project {
        Ok(section) => write!(out, "\n{section}")?,
        Err(error) => eprintln!(
            "fmlint: warning: no section on this project: its config does not load: {error:#}"
        ),
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

fn fix_words(fix: FixKind) -> &'static str {
    match fix {
        FixKind::None => "not fixable",
        FixKind::Safe => "fixable with --fix",
        FixKind::Unsafe => "fixable with --unsafe-fixes",
    }
}

/// `## In this project (…)`: the rule's severity here and, per collection,
/// what it compares.
fn project_section(meta: &RuleMeta, source: &Source) -> Result<String> {
    let loaded = config::Loaded::choose(&config::Choice {
        file: source.config,
        isolated: source.isolated,
        paths: &[],
    })?;
    let settings = loaded.compile(&[], &[])?;
    let mut section = format!("## In this project ({})\n\n", config_name(&loaded));
    section.push_str(&severity_line(meta.name, &settings));
    section.push('\n');
    if applies_to_every_file(meta) {
        section.push_str("\nIt applies to every file the config takes; only its severity is set in the config.\n");
        return Ok(section);
    }
    let lines: Vec<String> = settings
        .collections
        .iter()
        .flat_map(|c| {
            uses(meta.name, c, &settings)
                .into_iter()
                .map(move |what| (c, what))
        })
        .map(|(c, what)| format!("- `{}`: {what}", c.name))
        .collect();
    if lines.is_empty() {
        section.push_str(
            "\nNo collection of this config sets what it checks, so it finds nothing here.\n",
        );
    } else {
        section.push('\n');
        section.push_str(&lines.join("\n"));
        section.push('\n');
    }
    Ok(section)
}

/// Whether the rule reads nothing of a collection: the parse stage's rules
/// and `unused-suppression` go through every file the config takes.
fn applies_to_every_file(meta: &RuleMeta) -> bool {
    meta.stage == Stage::Parse || meta.name == "unused-suppression"
}

/// The config's path relative to the working directory when it is below
/// it, else as found; the preset's name for the built-in one.
fn config_name(loaded: &config::Loaded) -> String {
    let cwd = std::env::current_dir().ok();
    match (&loaded.path, cwd) {
        (Some(path), Some(cwd)) => match path.strip_prefix(&cwd) {
            Ok(relative) => format!("`{}`", relative.display()),
            Err(_) => format!("`{}`", path.display()),
        },
        _ => loaded.name(),
    }
}

/// "Severity here: warning, and another for the files of one
/// `[[overrides]]` table."
fn severity_line(name: &str, settings: &Settings) -> String {
    let Some(position) = rules::position(name) else {
        return String::new();
    };
    let base = settings
        .base
        .at(position)
        .map_or("off", |severity| severity.as_str());
    let overrides = settings
        .overrides
        .iter()
        .filter(|o| o.rules.iter().any(|(at, _)| *at == position))
        .count();
    match overrides {
        0 => format!("Severity here: {base}."),
        1 => format!(
            "Severity here: {base}, and another for the files of one `[[overrides]]` table."
        ),
        n => format!(
            "Severity here: {base}, and others for the files of {n} `[[overrides]]` tables."
        ),
    }
}

/// What rule `name` compares in collection `c`, one line each.
fn uses(name: &str, c: &Collection, settings: &Settings) -> Vec<String> {
    match name {
        "schema" => c
            .schema
            .iter()
            .map(|schema| format!("each document is validated against `{}`", schema.name))
            .collect(),
        "invalid-date" => c
            .dates
            .iter()
            .map(|d| format!("`{}` is a date {}", d.field, d.format.in_words()))
            .collect(),
        "invalid-date-format" => c
            .display_formats
            .iter()
            .map(|field| format!("`{field}` is a display pattern of date tokens"))
            .collect(),
        "key-order" if !c.key_order.is_empty() => {
            let keys: Vec<String> = c.key_order.iter().map(|k| format!("`{k}`")).collect();
            vec![format!("top-level keys in the order {}", keys.join(", "))]
        }
        "duplicate-id" | "duplicate-url" | "duplicate-value" => c
            .unique
            .iter()
            .filter(|u| u.rule == name)
            .map(|u| format!("a value of `{}` belongs to one document only", u.field))
            .collect(),
        "self-reference" | "duplicate-reference" | "dangling-reference" => c
            .references
            .iter()
            .map(|r| reference_words(r, settings))
            .collect(),
        "reference-numbering" => c
            .references
            .iter()
            .filter(|r| matches!(r.shape, RefShape::Numbered { .. }))
            .map(|r| reference_words(r, settings))
            .collect(),
        "stale-reference" => c
            .references
            .iter()
            .filter(|r| !r.mirror.is_empty())
            .map(|r| mirror_words(r, settings))
            .collect(),
        _ => c
            .checks
            .iter()
            .filter(|k| k.rule == name)
            .map(check_words)
            .collect(),
    }
}

/// "`url` must equal `/docs/{path.stem}` (when `draft` is false)".
fn check_words(check: &Check) -> String {
    let subject = match &check.actual {
        Some(actual) => check
            .actual_name
            .clone()
            .unwrap_or_else(|| format!("`{}`", actual.source())),
        None => format!("`{}`", check.field),
    };
    let verb = match check.matching {
        Matching::Equal => "must equal",
        Matching::Prefix => "must start with",
        Matching::Regex => "must match the pattern",
    };
    let mut words = format!("{subject} {verb} `{}`", check.expected.source());
    let when: Vec<String> = (check.condition.when.iter())
        .map(|(field, value)| format!("`{field}` is {value}"))
        .collect();
    let unless: Vec<String> = (check.condition.unless.iter())
        .map(|(field, value)| format!("`{field}` is {value}"))
        .collect();
    if !when.is_empty() {
        words.push_str(&format!(", when {}", when.join(" and ")));
    }
    if !unless.is_empty() {
        words.push_str(&format!(", unless {}", unless.join(" or ")));
    }
    words
}

/// "`related_article*.id` refers to documents of `learn` by their `id`".
fn reference_words(r: &References, settings: &Settings) -> String {
    let field = match &r.shape {
        RefShape::Numbered { prefix, id } => format!("`{prefix}*.{id}`"),
        RefShape::Field { field } => format!("`{field}`"),
    };
    let target = settings.collections.get(r.target);
    let what = target_words(r, settings);
    let by = match &r.by {
        RefBy::Id => format!("their `{}`", target.map_or("id", |t| t.id_field.as_str())),
        RefBy::Path(PathBase::File) => "their path from the file's folder".to_string(),
        RefBy::Path(PathBase::Root(base)) if base.is_empty() => {
            "their path from the corpus root".to_string()
        }
        RefBy::Path(PathBase::Root(base)) => format!("their path from `{base}`"),
        RefBy::Url(url) => format!("their `{url}`"),
    };
    format!("{field} refers to {what} by {by}")
}

/// "documents of `learn`", or "pages" for references to any page.
fn target_words(r: &References, settings: &Settings) -> String {
    match settings.collections.get(r.target) {
        Some(t) => format!("documents of `{}`", t.name),
        None if r.target == PAGES => "pages".to_string(),
        None => "documents".to_string(),
    }
}

/// "`related_article*` entries copy `title`, `subject` from the documents
/// of `learn` they refer to …".
fn mirror_words(r: &References, settings: &Settings) -> String {
    let pairs: Vec<String> = r
        .mirror
        .iter()
        .map(|(entry, target)| {
            if entry == target {
                format!("`{entry}`")
            } else {
                format!("`{target}` (as `{entry}`)")
            }
        })
        .collect();
    let field = match &r.shape {
        RefShape::Numbered { prefix, .. } => format!("`{prefix}*` entries copy"),
        RefShape::Field { field } => format!("`{field}` copies"),
    };
    format!(
        "{field} {} from the {} they refer to, and must equal their current values",
        pairs.join(", "),
        target_words(r, settings)
    )
}
