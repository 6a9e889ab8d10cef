//! `fmlint init`: write a starting `fmlint.toml`: the built-in QuickTakes
//! preset, another preset (`--preset NAME`), or a config and JSON Schema
//! inferred from the corpus (`--infer [DIR]`, by `fmlint_infer`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use fmlint_engine::check::{check, Target};
use fmlint_engine::config::{self, Loaded, QUICKTAKES_TOML};

use crate::{cli, exit};

/// A preset: its name, what it is for, its config and its schema (written
/// to `schemas/NAME.schema.json`).
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub config: &'static str,
    pub schema: Option<&'static str>,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "quicktakes",
        summary: "QuickTakes articles (the built-in default)",
        config: QUICKTAKES_TOML,
        schema: None,
    },
    Preset {
        name: "hugo",
        summary: "Hugo pages under content/",
        config: include_str!("../../presets/hugo.fmlint.toml"),
        schema: Some(include_str!("../../presets/hugo.schema.json")),
    },
    Preset {
        name: "jekyll",
        summary: "Jekyll posts (_posts/) and pages",
        config: include_str!("../../presets/jekyll.fmlint.toml"),
        schema: Some(include_str!("../../presets/jekyll.schema.json")),
    },
    Preset {
        name: "astro",
        summary: "Astro Starlight docs under src/content/docs/ (.md, .mdx)",
        config: include_str!("../../presets/astro.fmlint.toml"),
        schema: Some(include_str!("../../presets/astro.schema.json")),
    },
    Preset {
        name: "docusaurus",
        summary: "Docusaurus docs (docs/) and blog posts (blog/), .md and .mdx",
        config: include_str!("../../presets/docusaurus.fmlint.toml"),
        schema: Some(include_str!("../../presets/docusaurus.schema.json")),
    },
    Preset {
        name: "mdn",
        summary: "MDN-style pages: files/<locale>/<slug>/index.md",
        config: include_str!("../../presets/mdn.fmlint.toml"),
        schema: Some(include_str!("../../presets/mdn.schema.json")),
    },
];

/// Where an inferred schema goes, relative to the config's folder.
const INFERRED_SCHEMA: &str = "schemas/inferred.schema.json";

/// `fmlint init [PATH] [--force] [--preset [NAME] | --infer [DIR]]`.
pub fn run(args: &cli::InitArgs) -> Result<u8> {
    if let Some(dir) = &args.infer {
        return infer(args, dir);
    }
    match args.preset.as_deref() {
        None => {
            config::init(&args.path, args.force)?;
            eprintln!(
                "fmlint: wrote the built-in QuickTakes preset to {}",
                args.path.display()
            );
            Ok(exit::CLEAN)
        }
        Some("list") => {
            print_presets();
            Ok(exit::CLEAN)
        }
        Some(name) => write_preset(args, name),
    }
}

fn print_presets() {
    println!("Presets for `fmlint init --preset NAME`:");
    for preset in PRESETS {
        println!("  {:<12} {}", preset.name, preset.summary);
    }
    println!("Or describe your own corpus: `fmlint init --infer [DIR]`.");
}

fn write_preset(args: &cli::InitArgs, name: &str) -> Result<u8> {
    let Some(preset) = PRESETS.iter().find(|p| p.name == name) else {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        bail!(
            "no preset is named `{name}`; the presets are {} (`fmlint init --preset list`)",
            names.join(", ")
        );
    };
    let mut files = vec![(args.path.clone(), preset.config)];
    if let Some(schema) = preset.schema {
        let path = folder(&args.path).join(format!("schemas/{}.schema.json", preset.name));
        files.push((path, schema));
    }
    write_all(&files, args.force)?;
    eprintln!(
        "fmlint: wrote the {} preset to {}",
        preset.name,
        files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    Ok(exit::CLEAN)
}

/// The folder a config at `path` lives in (the corpus root).
fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes every file, or none when one exists and `force` is off.
fn write_all(files: &[(PathBuf, &str)], force: bool) -> Result<()> {
    if !force {
        if let Some((path, _)) = files.iter().find(|(p, _)| p.exists()) {
            bail!(
                "{} already exists (use --force to replace it)",
                path.display()
            );
        }
    }
    for (path, text) in files {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// `--infer DIR`: survey the corpus, write the config and its schema, say
/// what was inferred, then check the corpus with it.
fn infer(args: &cli::InitArgs, dir: &Path) -> Result<u8> {
    let root = folder(&args.path);
    let schema_path = root.join(INFERRED_SCHEMA);
    // Refuse before the work, not after it.
    if !args.force {
        for path in [&args.path, &schema_path] {
            if path.exists() {
                bail!(
                    "{} already exists (use --force to replace it)",
                    path.display()
                );
            }
        }
    }
    let inference = fmlint_infer::infer(dir, &root, 0)?;
    if inference.survey.files == 0 {
        bail!(
            "no Markdown file with front matter under {}: nothing to infer from",
            dir.display()
        );
    }
    let output = fmlint_infer::render::render(&inference, INFERRED_SCHEMA);
    write_all(
        &[
            (schema_path.clone(), output.schema.as_str()),
            (args.path.clone(), output.config.as_str()),
        ],
        true,
    )?;
    eprint!("{}", output.summary);
    eprintln!(
        "\nfmlint: wrote {} and {}",
        args.path.display(),
        schema_path.display()
    );
    report_check(&args.path, &root)?;
    Ok(exit::CLEAN)
}

/// Loads the written config (it must) and prints what `fmlint check`
/// finds with it, per rule.
fn report_check(config_path: &Path, root: &Path) -> Result<()> {
    let settings = Loaded::read(config_path)?
        .compile(&[], &[])
        .context("the inferred config does not load (a bug in fmlint init --infer)")?;
    let target = Target {
        paths: vec![root.to_path_buf()],
        corpus_root: Some(root.to_path_buf()),
        ..Default::default()
    };
    let result = check(&target, &settings)?;
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for file in &result.files {
        let mut rules: Vec<&str> = file.diagnostics.iter().map(|d| d.rule).collect();
        for rule in &rules {
            per_rule.entry(rule).or_default().0 += 1;
        }
        rules.sort_unstable();
        rules.dedup();
        for rule in rules {
            per_rule.entry(rule).or_default().1 += 1;
        }
    }
    if per_rule.is_empty() {
        eprintln!("fmlint: `fmlint check` finds nothing with it");
        return Ok(());
    }
    eprintln!("fmlint: `fmlint check` with it finds:");
    for (rule, (findings, files)) in per_rule {
        let s = if files == 1 { "" } else { "s" };
        eprintln!("  {rule:<24} {findings:>6} in {files} file{s}");
    }
    Ok(())
}
