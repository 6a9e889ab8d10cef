//! fmlint's syntax layer: a Markdown file's front matter as text and as a
//! tree whose every key and value keeps its byte span.
//!
//! - [`split`] finds the header (`---` … `---`, or TOML's `+++` … `+++`) in
//!   a file;
//! - [`parse_header`] parses it in its language ([`front`]);
//! - [`parse`] turns the header's YAML into a [`Node`] tree: the fast
//!   scanner ([`fast`]) for the common shape, saphyr-parser ([`yaml`]) for
//!   the rest, both feeding one tree [`builder`]; [`toml`] builds the same
//!   tree from TOML;
//! - [`emit`] writes style-preserving replacements for values and keys;
//! - [`lines`] turns byte offsets into lines and columns.
//!
//! This is the only crate that knows a YAML or TOML parser exists. It knows nothing
//! of rules, settings, diagnostics or files on disk: spans are byte offsets
//! into the text it is given, and that is all it promises.

mod builder;
mod chars;
pub mod emit;
mod fast;
mod front;
pub mod lines;
pub mod span;
pub mod split;
mod toml;
pub mod tree;
mod yaml;

pub use builder::{resolves_as_string, Parsed, Problem, MAX_ALIAS_NODES, MAX_DEPTH};
pub use front::parse_header;
pub use lines::LineIndex;
pub use span::{Edit, LineCol, Location, Span};
pub use split::{split, Format, Header, SplitError};
pub use tree::{Entry, Key, KeyValue, Node, Resolved, Step, Style, Value};
pub use yaml::parse;
#[doc(hidden)]
pub use yaml::{parse_fast, parse_saphyr};
