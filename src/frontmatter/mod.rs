//! Front matter: find the header ([`split`]), parse it into a spanned tree
//! ([`tree`]), and nothing else. Only `yaml` knows which YAML crate is used.

pub mod emit;
mod fast;
pub mod split;
pub mod tree;
mod yaml;

pub use split::{split, Header, SplitError};
pub use tree::{Entry, Key, Node, Resolved, Step, Style, Value};
pub use yaml::{parse, resolves_as_string, Parsed, Problem, MAX_ALIAS_NODES, MAX_DEPTH};
#[doc(hidden)]
pub use yaml::{parse_fast, parse_saphyr};
