//! How often a pattern must hold before it becomes a rule. Documented in
//! `docs/configuration.md` (`fmlint init --infer`); change both together.

/// A field is required when it is present in at least this share of the
/// files (of the maps holding it, for a nested field).
pub const REQUIRED: f64 = 0.95;

/// A type, an enum, a date format or a template is inferred when at least
/// this share of the values (files) follow it.
pub const HOLDS: f64 = 0.95;

/// A field is unique when at least this share of its values are distinct.
pub const UNIQUE: f64 = 0.95;

/// A unique field must be present in at least this share of the files.
pub const UNIQUE_PRESENT: f64 = 0.5;

/// A field's values are references to a unique field when at least this
/// share of them are values of it…
pub const REFERENCE: f64 = 0.95;

/// …or this share when the field is named like the target (`related*.id`
/// and `id`): a corpus cut from a larger one names files it does not hold.
pub const REFERENCE_NAMED: f64 = 0.5;

/// A referring map's entry mirrors a target field when it equals the
/// target's field for at least this share of the resolved references.
pub const MIRROR: f64 = 0.8;

/// An enum lists at most this many values…
pub const ENUM_MAX: usize = 10;

/// …each used at least this many times (and by 2 % of the values).
pub const ENUM_MIN_USES: usize = 3;

/// Fewer values than this say nothing about a field's type or values.
pub const MIN_VALUES: usize = 3;

/// Templates, unique fields and references need this many files (values):
/// on fewer, anything two files share looks like a rule.
pub const MIN_FILES: usize = 5;

/// Values longer than this (answers, descriptions) are counted but not kept
/// for templates, references and enums.
pub const SHORT: usize = 200;

/// `share` of `of` is at least `threshold`.
pub fn at_least(share: usize, of: usize, threshold: f64) -> bool {
    of > 0 && share as f64 >= threshold * of as f64
}
