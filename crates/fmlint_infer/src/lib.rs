//! `fmlint init --infer`: read a corpus once and describe it as an
//! `fmlint.toml` and a JSON Schema, with how well each inferred rule holds.
//!
//! The stages, each its own module:
//! - [`survey`] walks the corpus (the engine's walk), splits and parses each
//!   file (the syntax crate) and keeps per-field statistics plus a compact
//!   record of each file's short values, never the trees;
//! - [`fields`] turns the statistics into field rules: types, required
//!   fields, enums, date formats, unique fields;
//! - [`templates`] finds templates that hold for nearly every file (a field
//!   equal to the file's stem, to a slug of another field, a URL built from
//!   the folder and the stem);
//! - [`references`] finds fields whose values name other files (a subset of
//!   a unique field's values) and the fields they mirror;
//! - [`render`] writes the config, the schema and the summary.
//!
//! Thresholds are constants in [`thresholds`], documented in
//! `docs/configuration.md`.

pub mod fields;
pub mod finding;
pub mod inference;
pub mod references;
pub mod render;
pub mod survey;
pub mod templates;
pub mod thresholds;

#[cfg(test)]
mod tests;

pub use finding::Finding;
pub use inference::{from_survey, infer, Inference};
pub use render::Output;
