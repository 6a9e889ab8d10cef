//! fmlint: a fast linter for the YAML front matter of Markdown files.
//!
//! It finds each file's YAML header, parses it into a tree that keeps the
//! byte span of every key and value, checks it against a JSON Schema and
//! the corpus's conventions (URL, file name, path, titles, dates), then
//! checks references across the whole corpus, and reports every finding at
//! the exact node.
//!
//! The binary is a thin layer over [`run`]; tests and the language server
//! use [`lint::check`] and [`lint::lint_text`] directly.

use std::io::{self, IsTerminal, Write};

use anyhow::Context;

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod fix;
pub mod frontmatter;
pub mod index;
pub mod isolate;
pub mod lines;
pub mod lint;
pub mod preset;
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;
pub mod settings;
pub mod slug;
pub mod suppress;
pub mod template;
pub mod walk;
pub mod workspace;

use cli::{CheckArgs, Cli, Color, Command};

/// Exit codes: 0 clean (or warnings only), 1 errors found, 2 failure.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const FAILURE: u8 = 2;
}

pub fn run(cli: Cli) -> u8 {
    isolate::install_hook();
    let outcome = match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules => print_rules(),
        Command::Rule { name } => print_rule(&name),
        Command::Server => server::run(),
        Command::Clean(args) => clean(&args),
        Command::Init(args) => config::init_command(&args),
        Command::Config(args) => config::config_command(&args),
        Command::Completions { shell } => cli::completions(shell),
        Command::Man => cli::man(),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => exit::CLEAN,
        Err(error) => {
            eprintln!("fmlint: error: {error:#}");
            exit::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

fn check(args: &CheckArgs) -> anyhow::Result<u8> {
    let settings = args.settings()?;
    // A bad baseline is a usage error: fail before the work.
    let baseline = args
        .baseline
        .as_deref()
        .map(baseline::Baseline::load)
        .transpose()?;
    let mut target = lint::Target {
        paths: args.paths.clone(),
        corpus_root: args.corpus_root.clone(),
        threads: args.threads(),
        cache: (!args.no_cache).then(|| cache::Config {
            dir: args.cache_dir.clone(),
            // The config's text: what the compiled settings cannot show.
            extra_key: args.config().map_or(0, |c| index::hash_str(&c.text)),
        }),
        report_affected: args.report_affected,
        git_tracked: args.git_tracked,
        ..Default::default()
    };
    if let Some(path) = &args.stdin_filename {
        if args.fix || args.diff {
            anyhow::bail!("--fix and --diff do not take --stdin-filename");
        }
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin().lock(), &mut text)
            .context("cannot read standard input as UTF-8 text")?;
        let canonical = stdin_path(path)?;
        target.paths = vec![canonical.clone()];
        target.overlay.insert(canonical, text.into());
    }
    let options = lint::Options {
        content_hashes: false,
        value_hashes: args.baseline.is_some()
            || args.write_baseline.is_some()
            || matches!(args.format, report::Format::Sarif | report::Format::Gitlab),
    };
    if args.fix || args.diff {
        // Fix passes lint in-memory texts; the cache would only be written
        // for files about to change (and `--diff` writes nothing).
        target.cache = None;
        return fix_files(args, target, &settings);
    }
    let mut result = lint::check_with(&target, &settings, options)?;

    if let Some(path) = &args.write_baseline {
        let entries = baseline::write(path, &result)?;
        for error in &result.errors {
            eprintln!("fmlint: error: {error}");
        }
        if !args.quiet {
            let noun = if entries == 1 { "entry" } else { "entries" };
            eprintln!(
                "fmlint: wrote {entries} baseline {noun} to {}",
                path.display()
            );
        }
        return Ok(if result.errors.is_empty() {
            exit::CLEAN
        } else {
            exit::FAILURE
        });
    }
    if let Some(baseline) = &baseline {
        result.baseline = Some(baseline.apply(&mut result, &settings.rules)?);
    }

    let broken_pipe = match &args.output_file {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = io::BufWriter::new(file);
            write_findings(args, &result, &mut out, false)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
            false
        }
        None => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let written = write_findings(args, &result, &mut out, color).and_then(|()| out.flush());
            let broken_pipe = matches!(&written, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
            if !broken_pipe {
                written?;
            }
            broken_pipe
        }
    };

    for error in &result.errors {
        eprintln!("fmlint: error: {error}");
    }
    if let (Some(error), false) = (&result.cache_error, args.quiet) {
        eprintln!("fmlint: warning: cannot write the cache: {error}");
    }
    let counts = report::counts(&result);
    let too_many_warnings = args.max_warnings.filter(|&max| counts.warnings > max);
    if !args.quiet && !broken_pipe {
        eprintln!("{}", report::summary_line(&result));
        // For benchmarks: where the time went.
        if std::env::var_os("FMLINT_TIMINGS").is_some() {
            eprintln!(
                "timings: total {:.3} s, cross-file phase {:.3} s ({:.1}%), {} corpus files",
                result.elapsed.as_secs_f64(),
                result.corpus_phase.as_secs_f64(),
                100.0 * result.corpus_phase.as_secs_f64() / result.elapsed.as_secs_f64().max(1e-9),
                result.corpus_files
            );
        }
        if let Some(max) = too_many_warnings {
            eprintln!(
                "fmlint: too many warnings: {} (--max-warnings {max})",
                counts.warnings
            );
        }
    }
    Ok(if !result.errors.is_empty() {
        exit::FAILURE
    } else if args.exit_zero {
        exit::CLEAN
    } else if counts.errors > 0 || too_many_warnings.is_some() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// The canonical form of `--stdin-filename PATH`: the file need not exist,
/// its directory must.
fn stdin_path(path: &std::path::Path) -> anyhow::Result<std::path::PathBuf> {
    if let Ok(canonical) = path.canonicalize() {
        return Ok(canonical);
    }
    let name = path
        .file_name()
        .with_context(|| format!("--stdin-filename {}: not a file name", path.display()))?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    let parent = parent
        .canonicalize()
        .with_context(|| format!("--stdin-filename {}", path.display()))?;
    Ok(parent.join(name))
}

/// `fmlint clean`: removes the corpus's result cache.
fn clean(args: &cli::CleanArgs) -> anyhow::Result<u8> {
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
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    lint::find_corpus_root(&given)
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

/// `--fix` and `--diff`.
fn fix_files(
    args: &CheckArgs,
    target: lint::Target,
    settings: &settings::Settings,
) -> anyhow::Result<u8> {
    let level = if args.unsafe_fixes {
        fix::Level::Unsafe
    } else {
        fix::Level::Safe
    };
    let outcome = fix::fix(target, settings, level, !args.diff)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = if args.diff {
        outcome
            .changed
            .iter()
            .try_for_each(|change| out.write_all(fix::unified_diff(change).as_bytes()))
    } else {
        write_findings(args, &outcome.result, &mut out, false)
    }
    .and_then(|()| out.flush());
    if let Err(error) = written {
        if error.kind() != io::ErrorKind::BrokenPipe {
            return Err(error.into());
        }
    }
    for error in outcome.result.errors.iter().chain(&outcome.skipped) {
        eprintln!("fmlint: error: {error}");
    }
    let counts = report::counts(&outcome.result);
    if !args.quiet {
        if args.show_fixes || args.diff {
            for applied in &outcome.applied {
                eprintln!(
                    "{}: [{}] {}",
                    applied.path.display(),
                    applied.rule,
                    applied.message
                );
            }
        }
        let verb = if args.diff { "would apply" } else { "applied" };
        eprintln!(
            "{verb} {} in {}; {} remaining ({} errors, {} warnings)",
            report::plural(outcome.applied.len(), "fix"),
            report::plural(outcome.changed.len(), "file"),
            counts.errors + counts.warnings,
            counts.errors,
            counts.warnings
        );
    }
    Ok(
        if !outcome.result.errors.is_empty() || !outcome.skipped.is_empty() {
            exit::FAILURE
        } else if args.diff {
            if outcome.changed.is_empty() {
                exit::CLEAN
            } else {
                exit::FINDINGS
            }
        } else if counts.errors > 0 && !args.exit_zero {
            exit::FINDINGS
        } else {
            exit::CLEAN
        },
    )
}

fn write_findings(
    args: &CheckArgs,
    result: &lint::CheckResult,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    if args.statistics {
        return report::write_statistics(result, out);
    }
    let options = report::FullOptions {
        color,
        ..Default::default()
    };
    report::write(args.format, result, out, &options)
}

fn print_rules() -> anyhow::Result<u8> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for rule in rules::RULES {
        let meta = rule.meta();
        let fix = match meta.fix {
            rules::FixKind::None => "",
            rules::FixKind::Safe => "fix",
            rules::FixKind::Unsafe => "unsafe-fix",
        };
        writeln!(
            out,
            "{:<24} {:<8} {:<7} {:<11} {}",
            meta.name,
            meta.default_severity.as_str(),
            meta.stage.as_str(),
            fix,
            meta.summary()
        )?;
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

fn print_rule(name: &str) -> anyhow::Result<u8> {
    let Some(rule) = rules::find(name) else {
        eprintln!("fmlint: error: unknown rule `{name}` (see `fmlint rules`)");
        return Ok(exit::FAILURE);
    };
    let meta = rule.meta();
    let fix = match meta.fix {
        rules::FixKind::None => "not fixable",
        rules::FixKind::Safe => "fixable with --fix",
        rules::FixKind::Unsafe => "fixable with --unsafe-fixes",
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "# {}\n\nDefault severity: {}. Runs on: {}. {}.\n\n{}",
        meta.name,
        meta.default_severity.as_str(),
        meta.stage.as_str(),
        fix,
        meta.docs()
    )?;
    out.flush()?;
    Ok(exit::CLEAN)
}
