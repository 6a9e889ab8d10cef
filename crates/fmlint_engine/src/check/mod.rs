//! The check pipeline: what `fmlint check` runs, as a sequence of stages,
//! each with its own module and its own types in and out:
//!
//! 1. [`targets`]: the named paths → canonical targets (symbolic links by
//!    [`links`]' policy);
//! 2. [`discover`]: the corpus root's files, with the named ones merged in;
//! 3. [`pass`]: every file read, split, parsed and linted in parallel (or
//!    taken from the result cache), with its index summary;
//! 4. [`gather`]: the reported files' findings set apart from the index's
//!    summaries;
//! 5. [`corpus`]: the corpus index and the cross-file rules, their findings
//!    attached to the reported files (and to the files a change breaks,
//!    [`affected`]);
//! 6. [`finish`]: suppressions applied, findings sorted.
//!
//! With `--git-tracked`, [`untracked`] rewrites between 5 and 6 the
//! dangling references whose target is a file git does not track.
//!
//! The corpus (what references resolve against) and the reported files
//! (what the user named) are different sets: `fmlint check one.md` still
//! sees every article under the corpus root.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fmlint_linter::settings::Settings;

use crate::cache::Cache;

mod affected;
mod corpus;
mod discover;
mod finish;
mod gather;
mod links;
mod listing;
mod pass;
mod result;
mod target;
mod targets;
mod untracked;

pub use listing::{list, Listed};
pub use result::{BaselineOutcome, CheckResult, FileReport};
pub use target::{Options, Overlay, Progress, Target};

pub fn check(target: &Target, settings: &Settings) -> Result<CheckResult> {
    check_with(target, settings, Options::default())
}

/// Runs the stages in order; see the module's documentation.
pub fn check_with(target: &Target, settings: &Settings, options: Options) -> Result<CheckResult> {
    let start = Instant::now();
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .context("cannot read the working directory")?;
    let mut result = CheckResult::default();
    let targets = targets::resolve(target, &mut result.errors, &mut result.warnings);
    if targets.given.is_empty() {
        result.elapsed = start.elapsed();
        return Ok(result);
    }
    let (root, chosen_by) = targets::corpus_root(target, &targets.given, &cwd)?;
    result.corpus_root = Some(root.clone());
    result.root_chosen_by = chosen_by;
    let mut untracked = Vec::new();
    let met = discover::Met {
        errors: &mut result.errors,
        skipped: &mut result.skipped,
        untracked: &mut untracked,
    };
    let mut clock = Clock::new(start);
    let files = discover::files(&root, &targets, target, settings, &cwd, met)?;
    clock.lap("discover");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(crate::workers::workers(target.threads, files.len()))
        .build()
        .context("cannot start worker threads")?;
    let mut cache = target
        .cache
        .as_ref()
        .map(|config| Cache::open(config, &root, settings));
    clock.lap("cache open");
    let passed = pass::run(
        &pool, &files, &targets, &root, &cwd, &mut cache, target, settings, options,
    );
    clock.lap("pass");
    result.corpus_files = passed.len();
    let changed = affected::changed_ids(target, &passed, cache.as_ref());
    let mut gathered = gather::gather(passed, &changed, &mut result);
    clock.lap("gather");
    let index = corpus::run(&pool, settings, &root, &mut gathered, &changed, &mut result);
    result.corpus_phase = clock.lap("corpus");
    if let Some(index) = &index {
        untracked::explain(&untracked, index, &mut gathered, settings, &root, &cwd);
    }
    if let Some(cache) = cache {
        let summary = |i: usize| &index.as_ref().expect("summaries are indexed").files[i].summary;
        result.cache_error = cache.store(&gathered.keeps, summary).err();
        clock.lap("cache store");
    }
    // Freeing tens of thousands of summaries costs more than a warm run's
    // linting: a thread does it while the findings are printed.
    if index.as_ref().map_or(0, |index| index.files.len()) > 10_000 {
        let keeps = std::mem::take(&mut gathered.keeps);
        std::thread::spawn(move || drop((index, keeps)));
    }
    result.suppressed += finish::all(&pool, &mut gathered, settings, options);
    gathered
        .reports
        .sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
    result.files = gathered.reports;
    clock.lap("finish");
    result.stages = clock.laps;
    result.elapsed = start.elapsed();
    Ok(result)
}

/// The stages' times, each from the end of the one before.
struct Clock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn new(start: Instant) -> Clock {
        Clock {
            last: start,
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) -> Duration {
        let now = Instant::now();
        let took = now - self.last;
        self.last = now;
        self.laps.push((stage, took));
        took
    }
}
