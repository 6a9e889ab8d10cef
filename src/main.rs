//! The `fmlint` binary: parse arguments, run, exit.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc: 15 % faster than the system allocator on a full check (a
/// few dozen short-lived allocations per file from every worker thread),
/// for 10 % more peak memory; see BENCHMARKS.md.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    ExitCode::from(fmlint::run(fmlint::cli::Cli::parse()))
}
