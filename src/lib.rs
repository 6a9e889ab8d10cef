//! fmlint: a fast linter for the YAML front matter of Markdown files.
//!
//! It finds each file's YAML header, parses it into a tree that keeps the
//! byte span of every key and value, checks it against a JSON Schema and
//! the corpus's conventions (URL, file name, path, titles, dates), then
//! checks references across the whole corpus, and reports every finding at
//! the exact node.
//!
//! This crate is the command line: [`cli`] parses arguments into the
//! engine's plain option structs, [`commands`] runs each subcommand, and
//! [`report`] writes findings in every output format. The work is done by
//! the workspace's crates, bottom to top: `fmlint_syntax` (the spanned
//! YAML tree), `fmlint_linter` (the rules), `fmlint_engine` (config,
//! discovery, cache, the check pipeline) and `fmlint_server` (the language
//! server); see ARCHITECTURE.md.

use std::io;

pub mod cli;
pub mod commands;
pub mod exit;
pub mod progress;
pub mod report;

use cli::{Cli, Command};

pub fn run(cli: Cli) -> u8 {
    fmlint_linter::isolate::install_hook();
    let outcome = match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Rules => commands::print_rules(),
        Command::Rule {
            name,
            config,
            isolated,
        } => commands::rule::print_rule(
            &name,
            &commands::rule::Source {
                config: config.as_deref(),
                isolated,
            },
        ),
        Command::Server => fmlint_server::run(),
        Command::Clean(args) => commands::clean(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Config(args) => commands::config(&args),
        Command::Files(args) => commands::files(&args),
        Command::Completions { shell } => cli::completions(shell),
        Command::Man(args) => cli::man(&args),
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
