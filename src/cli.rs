//! Raw command-line arguments (clap) and their compilation into
//! [`Settings`], once, before any file is read.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::settings::{RuleSet, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "fmlint",
    version,
    about = "A fast linter for the YAML front matter of Markdown files"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the front matter of Markdown files (directories are searched).
    Check(CheckArgs),
    /// Print the documentation of one rule.
    Rule {
        /// The rule's name, e.g. `url-mismatch`.
        name: String,
    },
    /// List every rule with its default severity and whether it is fixable.
    Rules,
    /// Run the language server on stdio.
    Server,
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

    /// The directory whose articles references resolve against (default:
    /// the nearest directory with `fmlint.toml`, else the git work tree,
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
        let mut settings = Settings::quicktakes()?;
        settings.rules = RuleSet::defaults().select(&self.select, &self.ignore)?;
        Ok(settings)
    }

    pub fn threads(&self) -> usize {
        self.threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}
