//! The `fmlint` binary: parse arguments, run, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(fmlint::run(fmlint::cli::Cli::parse()))
}
