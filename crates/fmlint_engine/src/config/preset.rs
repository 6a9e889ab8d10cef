//! The built-in QuickTakes preset: an embedded `fmlint.toml`.

/// The built-in default: the QuickTakes preset as a config, with comments.
/// `fmlint init` writes it out; running without a config compiles it.
pub const QUICKTAKES_TOML: &str = include_str!("../../../../schemas/quicktakes.fmlint.toml");

/// Where [`QUICKTAKES_TOML`] claims to come from, in messages.
pub const QUICKTAKES_SOURCE: &str = "builtin:quicktakes";
