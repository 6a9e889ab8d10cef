//! Fixes the schema itself suggests, all unsafe (a human should look): a
//! value one edit away from exactly one allowed value, an unknown key one
//! edit away from exactly one known key. Both keep the author's style
//! (`fmlint_syntax::emit`).

use fmlint_syntax::emit::{rename_key, Slot};
use fmlint_syntax::{Key, Node};
use serde_json::Value as Json;

use crate::diagnostic::{Applicability, Fix};
use crate::similar;

/// Replaces a string value one edit away from exactly one of `allowed`.
pub(super) fn value(text: &str, node: &Node, in_flow: bool, allowed: &[&Json]) -> Option<Fix> {
    let wrote = node.as_str()?;
    let target = similar::one_edit_away(wrote, allowed.iter().filter_map(|v| v.as_str()))?;
    let slot = Slot::of(text, node, in_flow)?;
    Some(Fix {
        message: format!("replace `{wrote}` with `{target}`"),
        applicability: Applicability::Unsafe,
        edits: vec![slot.replace(target)],
    })
}

/// Renames `key` to the one known key exactly one edit away, unless that
/// key is already in the mapping (`taken`).
pub(super) fn key(
    text: &str,
    key: &Key,
    known: &[&str],
    taken: impl Fn(&str) -> bool,
    in_flow: bool,
) -> Option<Fix> {
    let target = similar::one_edit_away(&key.text, known.iter().copied())?;
    if taken(target) {
        return None;
    }
    Some(Fix {
        message: format!("rename `{}` to `{target}`", key.text),
        applicability: Applicability::Unsafe,
        edits: vec![rename_key(text, key.span, target, in_flow)],
    })
}
