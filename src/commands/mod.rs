//! The subcommands other than `check` ([`check`]) and `init` ([`init`]):
//! each takes its parsed arguments and returns the exit code.

use std::io::{self, Write};

use anyhow::{Context, Result};
use fmlint_engine::root::find_corpus_root;
use fmlint_engine::{cache, config};
use fmlint_linter::rules::RULES;

use crate::{cli, exit};

pub mod check;
mod hint;
pub mod init;
pub mod rule;

/// `fmlint clean`: removes the corpus's result cache.
pub fn clean(args: &cli::CleanArgs) -> Result<u8> {
    let dir = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => {
            let root = match &args.corpus_root {
                Some(root) => root.clone(),
                None => {
                    let given = args
                        .paths
                        .iter()
                        .map(|p| p.canonicalize().with_context(|| format!("{}", p.display())))
                        .collect::<Result<Vec<_>>>()?;
                    find_corpus_root(&given)
                }
            };
            cache::Config::default().root_dir(&root)
        }
    };
    let removed = cache::clean(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    if removed {
        eprintln!("fmlint: removed {}", dir.display());
    }
    Ok(exit::CLEAN)
}

/// `fmlint files`: each file a check takes, tab-separated with the
/// collection it lands in, or `-` and why none takes it.
pub fn files(args: &cli::FilesArgs) -> Result<u8> {
    let settings = config::Loaded::choose(&config::Choice {
        file: args.config.as_deref(),
        isolated: args.isolated,
        paths: &args.paths,
    })?
    .compile(&[], &[])?;
    let target = fmlint_engine::check::Target {
        paths: args.paths.clone(),
        corpus_root: args.corpus_root.clone(),
        threads: 1,
        ..Default::default()
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let listed = fmlint_engine::check::list(&target, &settings, &mut errors, &mut warnings)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    for file in &listed {
        match &file.landed {
            Ok(collection) => writeln!(out, "{}\t{collection}", file.shown.display())?,
            Err(why) => writeln!(out, "{}\t-\t{why}", file.shown.display())?,
        }
    }
    out.flush()?;
    for warning in &warnings {
        eprintln!("fmlint: warning: {warning}");
    }
    for error in &errors {
        eprintln!("fmlint: error: {error}");
    }
    Ok(if errors.is_empty() {
        exit::CLEAN
    } else {
        exit::FAILURE
    })
}

pub fn print_rules() -> Result<u8> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let row = |out: &mut dyn Write, cells: [&str; 5]| {
        let [name, severity, stage, fix, summary] = cells;
        writeln!(
            out,
            "{name:<24} {severity:<8} {stage:<7} {fix:<6} {summary}"
        )
    };
    row(
        &mut out,
        ["RULE", "SEVERITY", "RUNS ON", "FIX", "WHAT IT CHECKS"],
    )?;
    for rule in RULES {
        let meta = rule.meta();
        let summary = meta.summary();
        row(
            &mut out,
            [
                meta.name,
                meta.default_severity.as_str(),
                meta.stage.as_str(),
                meta.fix.as_str(),
                &summary,
            ],
        )?;
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

/// `fmlint config [--config FILE | --isolated] [--schema]`.
pub fn config(args: &cli::ConfigArgs) -> Result<u8> {
    let text = if args.schema {
        config::json_schema()
    } else {
        let loaded = config::Loaded::choose(&config::Choice {
            file: args.config.as_deref(),
            isolated: args.isolated,
            paths: &[],
        })?;
        // An invalid config is reported, not printed.
        loaded.compile(&[], &[])?;
        loaded.into_effective_toml()?
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(exit::CLEAN)
}
