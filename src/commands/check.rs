//! `fmlint check`: the arguments → the engine's [`Target`] and
//! [`Options`], the check (or the fixes), then the findings written in the
//! chosen format and the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use fmlint_engine::check::{check_with, CheckResult, Options, Target};
use fmlint_engine::{baseline, cache, fix, workers};
use fmlint_linter::hash::hash_str;
use fmlint_linter::settings::Settings;

use crate::cli::{CheckArgs, Color};
use crate::{exit, report};

pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let settings = args.settings()?;
    // A bad baseline is a usage error: fail before the work.
    let baseline = args
        .baseline
        .as_deref()
        .map(baseline::Baseline::load)
        .transpose()?;
    warn_fix_flags_alone(args);
    let mut target = target(args)?;
    if args.fix || args.diff {
        // Fix passes lint in-memory texts; the cache would only be written
        // for files about to change (and `--diff` writes nothing).
        target.cache = None;
        return fix_files(args, target, &settings, baseline.as_ref());
    }
    let display = match args.quiet {
        true => None,
        false => crate::progress::start(&mut target),
    };
    let checked = check_with(&target, &settings, options(args));
    if let Some(display) = display {
        display.stop();
    }
    let mut result = checked?;
    if let Some(path) = &args.write_baseline {
        return write_baseline(args, path, &result, &settings);
    }
    if let Some(baseline) = &baseline {
        result.baseline = Some(baseline.apply(&mut result, &settings)?);
    }
    let broken_pipe = write_result(args, &result)?;
    if !args.quiet && !args.isolated && args.config.is_none() && no_config_found(args) {
        if let Some(note) = super::hint::embedded_preset_note(&result) {
            eprintln!("{note}");
        }
    }
    Ok(finish(args, &result, broken_pipe))
}

/// No `fmlint.toml` was found: the built-in preset is in force.
fn no_config_found(args: &CheckArgs) -> bool {
    args.config().is_ok_and(|loaded| loaded.path.is_none())
}

/// `--show-fixes` and `--unsafe-fixes` change what `--fix` and `--diff`
/// do; alone they do nothing, which the user should hear about.
fn warn_fix_flags_alone(args: &CheckArgs) {
    if args.fix || args.diff || args.quiet {
        return;
    }
    for (given, flag) in [
        (args.unsafe_fixes, "--unsafe-fixes"),
        (args.show_fixes, "--show-fixes"),
    ] {
        if given {
            eprintln!(
                "fmlint: warning: `{flag}` applies with `--fix` or `--diff`; add one of them"
            );
        }
    }
}

/// What to check, from the arguments (and standard input's text).
fn target(args: &CheckArgs) -> anyhow::Result<Target> {
    let mut target = Target {
        paths: args.paths.clone(),
        corpus_root: args.corpus_root.clone(),
        threads: threads(args),
        cache: (!args.no_cache).then(|| cache::Config {
            dir: args.cache_dir.clone(),
            // The config's text: what the compiled settings cannot show.
            extra_key: args.config().map_or(0, |c| hash_str(&c.text)),
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
    Ok(target)
}

/// `--threads`, with a warning when it asks for more than the engine will
/// start (it lowers the request itself: [`fmlint_engine::workers`]).
fn threads(args: &CheckArgs) -> usize {
    let requested = args.threads();
    let limit = workers::limit();
    if requested > limit && !args.quiet {
        eprintln!(
            "fmlint: warning: --threads {requested} lowered to {limit} ({} cores × {})",
            workers::cores(),
            workers::PER_CORE
        );
    }
    requested
}

/// What the run computes beyond the findings: value hashes where a
/// baseline or a fingerprinting format needs them.
fn options(args: &CheckArgs) -> Options {
    Options {
        content_hashes: false,
        value_hashes: args.baseline.is_some()
            || args.write_baseline.is_some()
            || matches!(args.format, report::Format::Sarif | report::Format::Gitlab),
    }
}

/// `--write-baseline PATH`: the findings go to the baseline, not the output.
fn write_baseline(
    args: &CheckArgs,
    path: &Path,
    result: &CheckResult,
    settings: &Settings,
) -> anyhow::Result<u8> {
    let entries = baseline::write(path, result, settings)?;
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
    Ok(if result.errors.is_empty() {
        exit::CLEAN
    } else {
        exit::FAILURE
    })
}

/// Writes the findings to `--output-file` or standard output; `true` when
/// standard output's reader went away (`fmlint check | head`).
fn write_result(args: &CheckArgs, result: &CheckResult) -> anyhow::Result<bool> {
    if let Some(path) = &args.output_file {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = io::BufWriter::new(file);
        write_findings(args, result, &mut out, false, false)
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(false);
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let terminal = io::stdout().is_terminal();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = write_findings(args, result, &mut out, color, terminal)
        .and_then(|()| write_shape(args, result, &mut out, terminal))
        .and_then(|()| out.flush());
    let broken_pipe = matches!(&written, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
    if !broken_pipe {
        written?;
    }
    Ok(broken_pipe)
}

/// Findings past which a terminal's reader is shown the per-rule counts
/// after them, so the shape of a long run is seen first.
const LONG_OUTPUT: usize = 50;

/// After many findings on a terminal in a human format: the counts by rule
/// (what `--statistics` prints).
fn write_shape(
    args: &CheckArgs,
    result: &CheckResult,
    out: &mut dyn Write,
    terminal: bool,
) -> io::Result<()> {
    let human = matches!(args.format, report::Format::Full | report::Format::Concise);
    let findings: usize = result.files.iter().map(|f| f.diagnostics.len()).sum();
    if !terminal || !human || args.statistics || findings <= LONG_OUTPUT {
        return Ok(());
    }
    writeln!(out, "\nFindings by rule:")?;
    report::write_statistics(result, out)
}

/// The run's errors and summary on standard error, and the exit code.
fn finish(args: &CheckArgs, result: &CheckResult, broken_pipe: bool) -> u8 {
    if !args.quiet {
        for warning in &result.warnings {
            eprintln!("fmlint: warning: {warning}");
        }
    }
    if !args.quiet {
        for skipped in &result.skipped {
            eprintln!("fmlint: note: {skipped}");
        }
    }
    for error in &result.errors {
        eprintln!("fmlint: error: {error}");
    }
    // Every path named was left out: a green run would hide a mistake.
    // Files the config leaves out on purpose are no mistake.
    if result.files.is_empty()
        && result.errors.is_empty()
        && result.skipped.is_empty()
        && !result.warnings.is_empty()
    {
        eprintln!("fmlint: error: none of the paths given is a Markdown file to check");
        return exit::FAILURE;
    }
    // Nothing was checked because of the errors above: a summary of zero
    // findings would read as a pass.
    let nothing_checked = result.files.is_empty() && !result.errors.is_empty();
    if let (Some(error), false) = (&result.cache_error, args.quiet) {
        eprintln!("fmlint: warning: cannot write the cache: {error}");
    }
    let counts = report::counts(result);
    let too_many_warnings = args.max_warnings.filter(|&max| counts.warnings > max);
    if !args.quiet && !broken_pipe && !nothing_checked {
        eprintln!("{}", report::summary_line(result));
        if let Some(line) = report::fixable_line(result) {
            eprintln!("{line}");
        }
        if let Some(line) = root_note(result) {
            eprintln!("{line}");
        }
        // For benchmarks: where the time went.
        if std::env::var_os("FMLINT_TIMINGS").is_some() {
            eprintln!(
                "timings: total {:.3} s, cross-file phase {:.3} s ({:.1}%), {} corpus files",
                result.elapsed.as_secs_f64(),
                result.corpus_phase.as_secs_f64(),
                100.0 * result.corpus_phase.as_secs_f64() / result.elapsed.as_secs_f64().max(1e-9),
                result.corpus_files
            );
            let stages: Vec<String> = result
                .stages
                .iter()
                .map(|(stage, took)| format!("{stage} {:.1} ms", took.as_secs_f64() * 1e3))
                .collect();
            eprintln!("stages: {}", stages.join(", "));
        }
        if let Some(max) = too_many_warnings {
            eprintln!(
                "fmlint: too many warnings: {} (--max-warnings {max})",
                counts.warnings
            );
        }
    }
    if !result.errors.is_empty() {
        exit::FAILURE
    } else if args.exit_zero {
        exit::CLEAN
    } else if counts.errors > 0 || too_many_warnings.is_some() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// When references dangle and no marker chose the corpus root: which
/// root they were resolved against (the corpus may not be the one meant).
fn root_note(result: &CheckResult) -> Option<String> {
    let chosen_by = result.root_chosen_by?;
    let root = result.corpus_root.as_ref()?;
    let dangling = result
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.rule == "dangling-reference");
    (dangling && chosen_by != fmlint_engine::root::RootRule::Marker).then(|| {
        format!(
            "fmlint: note: references were resolved against the files under {} ({chosen_by}); \
             put an fmlint.toml in the corpus's top folder to choose it",
            root.display()
        )
    })
}

/// The canonical form of `--stdin-filename PATH`: the file need not exist,
/// its directory must.
fn stdin_path(path: &Path) -> anyhow::Result<std::path::PathBuf> {
    if let Ok(canonical) = path.canonicalize() {
        return Ok(canonical);
    }
    let name = path
        .file_name()
        .with_context(|| format!("--stdin-filename {}: not a file name", path.display()))?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let parent = parent
        .canonicalize()
        .with_context(|| format!("--stdin-filename {}", path.display()))?;
    Ok(parent.join(name))
}

/// `--fix` and `--diff`; with `--baseline`, what remains is reported
/// (and sets the exit code) only where the baseline does not record it.
fn fix_files(
    args: &CheckArgs,
    target: Target,
    settings: &Settings,
    baseline: Option<&baseline::Baseline>,
) -> anyhow::Result<u8> {
    let level = if args.unsafe_fixes {
        fix::Level::Unsafe
    } else {
        fix::Level::Safe
    };
    let mut outcome = fix::fix_with(target, settings, level, !args.diff, options(args))?;
    if let Some(baseline) = baseline {
        outcome.result.baseline = Some(baseline.apply(&mut outcome.result, settings)?);
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = if args.diff {
        outcome
            .changed
            .iter()
            .try_for_each(|change| out.write_all(fix::unified_diff(change).as_bytes()))
    } else {
        write_findings(
            args,
            &outcome.result,
            &mut out,
            false,
            io::stdout().is_terminal(),
        )
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
            "{verb} {} in {}; {} remaining ({}, {}){}",
            report::plural(outcome.applied.len(), "fix"),
            report::plural(outcome.changed.len(), "file"),
            counts.errors + counts.warnings,
            report::plural(counts.errors, "error"),
            report::plural(counts.warnings, "warning"),
            report::baseline_note(&outcome.result)
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

/// Writes the findings in the chosen format. `terminal`: `out` is a
/// terminal, so the `full` format wraps at its width (piped or written to a
/// file, it does not wrap at all).
fn write_findings(
    args: &CheckArgs,
    result: &CheckResult,
    out: &mut dyn Write,
    color: bool,
    terminal: bool,
) -> io::Result<()> {
    if args.statistics {
        return report::write_statistics(result, out);
    }
    let options = report::FullOptions {
        color,
        width: match terminal {
            true => terminal_width(),
            false => report::NO_WRAP,
        },
    };
    report::write(args.format, result, out, &options)
}

/// The terminal's width in columns (100 when it cannot be told).
fn terminal_width() -> usize {
    terminal_size::terminal_size().map_or(100, |(width, _)| usize::from(width.0).max(40))
}
