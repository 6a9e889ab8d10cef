//! fmlint's engine: from a command's options to a [`check::CheckResult`].
//!
//! - [`config`]: `fmlint.toml` discovery, its serde model and its
//!   compilation into the linter's settings (the built-in preset too);
//! - [`root`]: where a corpus is, and paths as users see them;
//! - [`walk`]: file discovery (ripgrep's `ignore` walker and `globset`);
//! - [`check`]: the check pipeline, as named stages;
//! - [`workers`]: how many threads a run starts;
//! - [`cache`]: the result cache; [`baseline`]: known findings;
//!   [`fix`]: applying fixes in bounded passes, writing files safely.
//!
//! It must not know about command-line parsing (callers hand it plain
//! option structs, never clap types), output formats or the editor
//! protocol.

pub mod baseline;
pub mod cache;
pub mod check;
pub mod config;
pub mod fix;
pub mod root;
pub mod walk;
pub mod workers;
