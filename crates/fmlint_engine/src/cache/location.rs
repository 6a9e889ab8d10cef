//! Where the cache lives: the directory at the corpus root, the key
//! directory a run uses (everything results depend on besides the file),
//! its tags, and pruning of old keys.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use fmlint_linter::settings::Settings;

use super::chunk::FORMAT;
use super::hasher::StableHasher;
use super::stamp::nanos;

/// The cache directory's name at the corpus root.
pub const DIR_NAME: &str = ".fmlint_cache";

/// Cache keys (settings) kept side by side; older ones are removed.
const KEEP_KEYS: usize = 4;

/// Where the cache lives and what else its key depends on.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `--cache-dir`; `None` is `<corpus root>/.fmlint_cache`.
    pub dir: Option<PathBuf>,
    /// Anything else the results depend on that [`Settings`] does not show
    /// (a config file's text, say); mixed into the key.
    pub extra_key: u64,
}

impl Config {
    /// The cache directory for the corpus at `root`.
    pub fn root_dir(&self, root: &Path) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| root.join(DIR_NAME))
    }
}

/// Removes a cache directory (`fmlint clean`). Returns whether there was one.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// Everything results depend on besides the file itself.
pub(super) fn key(config: &Config, root: &Path, settings: &Settings) -> u64 {
    let mut key = StableHasher::new();
    key.write_u64(u64::from(FORMAT));
    key.write(env!("CARGO_PKG_VERSION").as_bytes());
    // The build: a rebuilt binary may judge differently under the same
    // version number (and the index's hashes come from std's hasher, whose
    // algorithm may change between toolchains: its output on a probe is
    // part of the key too).
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| fs::metadata(exe).ok())
    {
        key.write_u64(meta.len());
        key.write_u64(meta.modified().ok().and_then(nanos).unwrap_or(0) as u64);
    }
    key.write_u64(fmlint_linter::hash::hash_str("fmlint cache probe"));
    key.write_u64(settings_fingerprint(settings));
    key.write_u64(config.extra_key);
    key.write(root.as_os_str().as_encoded_bytes());
    // The nearest config of a corpus root is its own `fmlint.toml`.
    if let Ok(text) = fs::read(root.join("fmlint.toml")) {
        key.write(&text);
    }
    key.finish()
}

/// A hash of what the compiled settings show: file globs, every rule's
/// severity (overrides included), and each collection's conventions with
/// its schema's text. Values without a `Debug` form (compiled globs) are
/// covered by the config text that [`key`] and [`Config::extra_key`] mix in.
pub fn settings_fingerprint(settings: &Settings) -> u64 {
    let mut text = String::new();
    let _ = write!(
        text,
        "{:?}{:?}{:?}{:?}",
        settings.include, settings.exclude, settings.rules, settings.base
    );
    for o in &settings.overrides {
        let _ = write!(text, "{:?}", o.rules);
    }
    for c in &settings.collections {
        let _ = write!(
            text,
            "|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            c.name,
            c.index,
            c.id_field,
            c.unique,
            c.dates,
            c.display_formats,
            c.checks,
            c.references,
            c.indexed_fields,
            c.schema.as_ref().map(|s| (&s.name, s.source_hash)),
        );
    }
    StableHasher::of(text.as_bytes())
}

/// Tags the cache directory so backup tools and git leave it alone: a
/// `CACHEDIR.TAG`, and a `.gitignore` of its own ignoring everything in it
/// (so no one has to add the cache to the corpus's `.gitignore`). Each is
/// written when missing.
pub(super) fn mark_cache_dir(root_dir: &Path) {
    let tag = root_dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        let _ = fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by fmlint.\n",
        );
    }
    let ignore = root_dir.join(".gitignore");
    if !ignore.exists() {
        let _ = fs::write(ignore, "# Created by fmlint.\n*\n");
    }
}

/// Removes the oldest key directories beyond [`KEEP_KEYS`], and
/// temporary files left by interrupted runs.
pub(super) fn prune_keys(root_dir: &Path, current: &Path) {
    let Ok(entries) = fs::read_dir(root_dir) else {
        return;
    };
    let mut keys: Vec<(SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path() != current)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    keys.sort();
    let excess = (keys.len() + 1).saturating_sub(KEEP_KEYS);
    for (_, dir) in keys.into_iter().take(excess) {
        let _ = fs::remove_dir_all(dir);
    }
    let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
    if let Ok(entries) = fs::read_dir(current) {
        for entry in entries.filter_map(|e| e.ok()) {
            let stale_temp = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(".tmp"))
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t < an_hour_ago);
            if stale_temp {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}
