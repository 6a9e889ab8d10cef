//! `fmlint.toml`: discovery, the serde types (which also generate the JSON
//! Schema editors complete with), validation with spans, and compilation
//! into [`Settings`].
//!
//! The built-in QuickTakes preset is itself a config
//! ([`QUICKTAKES_TOML`]) and goes through this same code: running
//! with `fmlint init`'s output is running without a config. A config may
//! leave out `[files]` or `[[collections]]`; the preset's apply then (so an
//! empty `fmlint.toml` marks a corpus root and changes nothing).
//!
//! Every mistake in a config is reported with its line and column in the
//! file, all at once, and is a setup failure (exit 2).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use fmlint_linter::settings::{RuleSet, Settings};

mod compile;
mod errors;
mod model;
mod preset;
#[cfg(test)]
mod tests;
mod validate;

use compile::Compiler;
pub use errors::ConfigError;
use errors::{ErrorEntry, Errors};
pub use model::*;
pub use preset::{QUICKTAKES_SOURCE, QUICKTAKES_TOML};

/// The config file's name.
pub const FILE_NAME: &str = "fmlint.toml";

// ---------------------------------------------------------------------------
// Loading

/// A config with the text it was read from, for error spans.
pub struct Loaded {
    /// `None` for the built-in preset.
    pub path: Option<PathBuf>,
    pub text: String,
    pub config: Config,
    /// Mistakes in the config's shape whose lines were left out of
    /// `config`: reported with the others when it is compiled.
    shape_errors: Vec<ErrorEntry>,
}

/// Where the config comes from, as the command line says.
#[derive(Clone, Debug, Default)]
pub struct Choice<'a> {
    /// `--config FILE`.
    pub file: Option<&'a Path>,
    /// `--isolated`: the built-in preset whatever files exist.
    pub isolated: bool,
    /// Where discovery starts: the nearest `fmlint.toml` at or above these
    /// paths' common directory (the working directory when empty).
    pub paths: &'a [PathBuf],
}

impl Config {
    /// Parses a config's text; the error has the span toml gives.
    pub fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// The built-in QuickTakes preset.
    pub fn builtin() -> Config {
        // The embedded text is covered by `the_builtin_preset_parses`.
        Config::parse(preset::QUICKTAKES_TOML).expect("the built-in preset parses")
    }
}

impl Loaded {
    pub fn builtin() -> Loaded {
        Loaded {
            path: None,
            text: preset::QUICKTAKES_TOML.to_string(),
            config: Config::builtin(),
            shape_errors: Vec::new(),
        }
    }

    /// Reads and parses a config file.
    pub fn read(path: &Path) -> Result<Loaded> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config {}", path.display()))?;
        // Every shape mistake at once, in fmlint's words; serde's first
        // error only if the walk missed one.
        let mut errors = Errors::default();
        let pruned = validate::validate(&text, &mut errors);
        let shape_errors = errors.list;
        let Some(pruned) = pruned else {
            let errors = Errors { list: shape_errors };
            return Err(errors.into_error(Some(path), &text).into());
        };
        let config = Config::parse(&pruned).map_err(|error| {
            let mut errors = Errors::default();
            errors.push(
                error.span().unwrap_or(0..0),
                error.message().trim_end().to_string(),
                None,
            );
            errors.into_error(Some(path), &text)
        })?;
        Ok(Loaded {
            path: Some(path.to_path_buf()),
            text,
            config,
            shape_errors,
        })
    }

    /// The config a run uses: `--config FILE`, else (unless `--isolated`)
    /// the nearest `fmlint.toml`, else the built-in preset.
    pub fn choose(choice: &Choice) -> Result<Loaded> {
        if let Some(file) = choice.file {
            if !file.is_file() {
                bail!("the config {} does not exist", file.display());
            }
            return Loaded::read(file);
        }
        if choice.isolated {
            return Ok(Loaded::builtin());
        }
        match discover(&start_dir(choice.paths)?) {
            Some(path) => Loaded::read(&path),
            None => Ok(Loaded::builtin()),
        }
    }

    /// The display name in messages.
    pub fn name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => preset::QUICKTAKES_SOURCE.to_string(),
        }
    }

    /// Compiles the config with the command line's `--select`/`--ignore`.
    pub fn compile(&self, select: &[String], ignore: &[String]) -> Result<Settings> {
        // Names are checked like any usage error, before the config.
        let cli = RuleSet::defaults().select(select, ignore)?;
        let base_dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut errors = Errors {
            list: self.shape_errors.clone(),
        };
        let mut compiler = Compiler {
            errors: &mut errors,
            base_dir: &base_dir,
        };
        let settings = compiler.settings(&self.config, select, ignore, &cli);
        if !errors.list.is_empty() {
            return Err(errors.into_error(self.path.as_deref(), &self.text).into());
        }
        let Some(mut settings) = settings else {
            bail!("the configuration could not be compiled");
        };
        if self.config.collections.is_none() || self.config.files.is_none() {
            // The preset's parts, compiled from its own text.
            let builtin = Loaded::builtin();
            let mut errors = Errors::default();
            let mut compiler = Compiler {
                errors: &mut errors,
                base_dir: Path::new(""),
            };
            if self.config.collections.is_none() {
                let collections = builtin.config.collections.as_deref().unwrap_or_default();
                settings.collections = compiler.collections(collections);
            }
            // The preset's `[files]` name the QuickTakes articles: they go
            // with its collections, not with a config's own.
            if self.config.files.is_none() && self.config.collections.is_none() {
                let (include, exclude) = compiler.files(builtin.config.files.as_ref());
                settings.include = include;
                settings.exclude = exclude;
            }
            if !errors.list.is_empty() {
                return Err(errors.into_error(None, &builtin.text).into());
            }
        }
        Ok(settings)
    }

    /// The effective config as TOML: this one with the preset's parts it
    /// leaves out filled in.
    pub fn into_effective_toml(self) -> Result<String> {
        let builtin = Config::builtin();
        let name = self.name();
        let Config {
            files,
            rules,
            overrides,
            collections,
        } = self.config;
        let preset_files = collections.is_none();
        let effective = Config {
            files: files.or(builtin.files.filter(|_| preset_files)),
            rules,
            overrides,
            collections: collections.or(builtin.collections),
        };
        let body = toml::to_string(&effective).context("cannot print the config")?;
        Ok(format!(
            "# The effective fmlint configuration, from {name}.\n\n{body}"
        ))
    }
}

/// The directory discovery starts from.
fn start_dir(paths: &[PathBuf]) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let dirs: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| {
            // A link inside a project is not followed out of it
            // (`lint::check_with`): it takes that project's config.
            let home = crate::walk::link_location(p)
                .and_then(|l| Some(l.parent()?.to_path_buf()))
                .filter(|dir| crate::root::marked_root(dir).is_some());
            home.or_else(|| p.canonicalize().ok())
        })
        .map(|p| {
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        })
        .collect();
    let Some(first) = dirs.first() else {
        return Ok(cwd);
    };
    let mut base = first.clone();
    for dir in &dirs[1..] {
        while !dir.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    Ok(base)
}

/// The nearest `fmlint.toml` at or above `dir`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The settings for a corpus rooted at `root` (the language server): its
/// nearest config, else the preset.
pub fn settings_for_root(root: &Path) -> Result<Settings> {
    let loaded = match discover(root) {
        Some(path) => Loaded::read(&path)?,
        None => Loaded::builtin(),
    };
    loaded.compile(&[], &[])
}

/// `fmlint init`: writes the preset to `path`; refuses to replace a file
/// unless `force`.
pub fn init(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists (use --force to replace it)",
            path.display()
        );
    }
    std::fs::write(path, preset::QUICKTAKES_TOML)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The built-in QuickTakes preset with every rule at its default: the
/// embedded config, compiled like any other.
pub fn quicktakes() -> Result<Settings> {
    Loaded::builtin().compile(&[], &[])
}
