//! fmlint's linter: what a finding is, which rules exist, and how one file
//! and one corpus index are checked.
//!
//! - [`diagnostic`]: findings as data (message, label, help, fix);
//! - [`rule`] and [`rules`]: the rule vocabulary, every rule, the registry;
//! - [`lint`]: one file's text → its findings, suppressions and summary;
//! - [`index`] and [`corpus`]: the compact corpus index and the cross-file
//!   rules run over it;
//! - [`settings`] and [`collection`]: compiled settings, built once and
//!   shared across threads; [`schema`], [`template`], [`dates`], [`slug`]:
//!   the conventions they carry;
//! - [`suppress`]: `# fmlint-ignore` comments; [`isolate`]: a panicking
//!   rule becomes an `internal-error` finding; [`similar`]: "did you mean"
//!   for mistyped names and values.
//!
//! It takes text and compiled settings and gives findings. It must not know
//! about `fmlint.toml` (the engine compiles it into [`settings::Settings`]),
//! the file system beyond what a schema's `$ref` names, the result cache,
//! command-line arguments or output formats, and it never names a YAML
//! crate (the syntax crate does).

pub mod collection;
pub mod corpus;
pub mod dates;
pub mod diagnostic;
pub mod hash;
pub mod index;
pub mod isolate;
pub mod lint;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod similar;
pub mod slug;
pub mod suppress;
pub mod template;
