//! Raw command-line arguments (clap) and their compilation into
//! [`Settings`], once, before any file is read.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use fmlint_engine::config::{Choice, Loaded};
use fmlint_linter::settings::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "fmlint",
    version = env!("FMLINT_LONG_VERSION"),
    // Every subcommand's man page names the version too.
    propagate_version = true,
    about = "A fast linter for the YAML front matter of Markdown files"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the front matter of Markdown files (directories are searched).
    Check(Box<CheckArgs>),
    /// Print the documentation of one rule, then what it checks in this
    /// project (the config in force: its collections, fields, templates).
    Rule {
        /// The rule's name, e.g. `url-mismatch`.
        name: String,

        /// Describe the project with this config instead of the nearest
        /// `fmlint.toml`.
        #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
        config: Option<PathBuf>,

        /// Ignore every `fmlint.toml`: describe the built-in preset.
        #[arg(long)]
        isolated: bool,
    },
    /// List every rule with its default severity and whether it is fixable.
    Rules,
    /// Run the language server on stdio.
    Server,
    /// Remove the result cache (`.fmlint_cache` at the corpus root).
    Clean(CleanArgs),
    /// Write a starting `fmlint.toml`: the built-in QuickTakes preset,
    /// another preset (`--preset NAME`), or one inferred from the corpus
    /// (`--infer`).
    Init(InitArgs),
    /// Print the effective configuration (or its JSON Schema).
    Config(ConfigArgs),
    /// List the files a check takes, each with the collection it lands in
    /// (`path<TAB>collection`, or `path<TAB>-<TAB>why`).
    Files(FilesArgs),
    /// Print a shell completion script (`fmlint completions bash > …`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): fmlint's, or one subcommand's; or write
    /// every page to a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (`fmlint man check` is
    /// fmlint-check(1)); fmlint(1) when absent.
    pub subcommand: Option<String>,

    /// Write every page (fmlint.1, fmlint-check.1, …) into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// A path inside the corpus whose cache to remove.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// The corpus root (default: found as `fmlint check` finds it).
    #[arg(long, value_name = "DIR")]
    pub corpus_root: Option<PathBuf>,

    /// The cache directory, when `check` was given `--cache-dir`.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the config.
    #[arg(default_value = fmlint_engine::config::FILE_NAME)]
    pub path: PathBuf,

    /// Replace existing files.
    #[arg(long)]
    pub force: bool,

    /// Write the preset NAME instead (hugo, jekyll, astro, docusaurus, mdn,
    /// quicktakes); without NAME, or with `list`, list them.
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "list", conflicts_with = "infer")]
    pub preset: Option<String>,

    /// Infer the config and a JSON Schema (`schemas/inferred.schema.json`)
    /// from the front matter of the files under DIR (default: `.`), which
    /// must be inside the config's folder; print what was inferred and what
    /// `fmlint check` finds with it.
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = ".")]
    pub infer: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FilesArgs {
    /// Files or directories, as for `check`.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Use this config instead of the nearest `fmlint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every `fmlint.toml`: use the built-in preset.
    #[arg(long)]
    pub isolated: bool,

    /// The corpus root (default: found as `fmlint check` finds it).
    #[arg(long, value_name = "DIR")]
    pub corpus_root: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Use this config instead of the nearest `fmlint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every `fmlint.toml`: show the built-in preset.
    #[arg(long)]
    pub isolated: bool,

    /// Print the config's JSON Schema instead (what
    /// `schemas/fmlint.schema.json` holds).
    #[arg(long)]
    pub schema: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,

    /// Write the findings to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// When to colour the full format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Run only these rules (comma-separated; `ALL` for every rule).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Do not run these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// The directory whose files references resolve against (default: the
    /// nearest directory with `fmlint.toml`, else the git work tree, else
    /// the working directory when it holds PATHS (never the home folder),
    /// else the common ancestor of PATHS).
    #[arg(long, value_name = "DIR")]
    pub corpus_root: Option<PathBuf>,

    /// Hide the findings recorded in FILE (see --write-baseline); report
    /// only new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE and exit 0: later runs with
    /// --baseline FILE report only new findings.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit 0 even when errors are found.
    #[arg(long)]
    pub exit_zero: bool,

    /// Apply safe fixes in place (the rest of each file is left byte for
    /// byte).
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff, also apply unsafe fixes (URL rewrites, title
    /// copies, dangling ids resolved by URL).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as unified diffs instead of writing them; exit 1 if
    /// there is anything to fix.
    #[arg(long)]
    pub diff: bool,

    /// With --fix, list every fix applied.
    #[arg(long)]
    pub show_fixes: bool,

    /// Exit 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,

    /// Print findings only: no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Lint the text on standard input as the content of PATH (which need
    /// not exist); the rest of the corpus comes from disk or the cache.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Also report files outside PATHS that the given files break: the
    /// referrers of an article whose id, url, title or subject changed, or
    /// that was deleted (known from the cache).
    #[arg(long)]
    pub report_affected: bool,

    /// Leave out files git does not track: the corpus the next commit will
    /// have (the pre-commit hook turns it on).
    #[arg(long)]
    pub git_tracked: bool,

    /// Do not read or write the result cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Where the result cache lives (default: `.fmlint_cache` at the
    /// corpus root).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Use this config instead of the nearest `fmlint.toml` (found by
    /// walking up from PATHS, or the working directory).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every `fmlint.toml`: use the built-in QuickTakes preset.
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl CheckArgs {
    /// Compiles the settings this run needs.
    pub fn settings(&self) -> Result<Settings> {
        self.config()?.compile(&self.select, &self.ignore)
    }

    /// The config this run uses: `--config`, else the nearest
    /// `fmlint.toml` (unless `--isolated`), else the built-in preset.
    pub fn config(&self) -> Result<Loaded> {
        Loaded::choose(&Choice {
            file: self.config.as_deref(),
            isolated: self.isolated,
            paths: &self.paths,
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// `fmlint completions SHELL`: the completion script, from the clap model.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_complete::generate(shell, &mut command, "fmlint", &mut out);
    std::io::Write::flush(&mut out)?;
    Ok(crate::exit::CLEAN)
}

/// `fmlint man`: the man pages (roff), from the clap model: one for
/// fmlint and one for each subcommand, so `check`'s options have a page.
pub fn man(args: &ManArgs) -> Result<u8> {
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)?;
        clap_mangen::generate_to(command, dir)?;
        eprintln!("fmlint: wrote the man pages to {}", dir.display());
        return Ok(crate::exit::CLEAN);
    }
    let page = match &args.subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => anyhow::bail!(
                "no subcommand `{name}`; the pages are fmlint and {}",
                command
                    .get_subcommands()
                    .map(|s| format!("fmlint-{}", s.get_name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_mangen::Man::new(page).render(&mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(crate::exit::CLEAN)
}
