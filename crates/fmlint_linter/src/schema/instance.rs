//! The spanned tree as jsonschema's instance, so that a valid header (nearly
//! every one) is checked without building a `serde_json::Value` copy of it.
//!
//! The tree reads exactly as [`Node::to_json`] would: mappings by key text
//! with the last of equal keys winning, non-finite floats as `null`,
//! integers as `serde_json` numbers. Duplicate key texts are the one place
//! where reading the tree in place would differ (the JSON copy keeps one
//! member), so [`plain`] says when a tree has none; the caller validates
//! the JSON copy otherwise. Only the verdict (`is_valid`) is taken from
//! here: the error analysis runs on the JSON copy, as before.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::{Number, Value as Value_};

use fmlint_syntax::{Entry, Node, Span, Style, Value};

/// The representation: nodes of the spanned tree.
pub struct Tree;

/// A node of the tree, as the validator sees it.
#[derive(Clone, Copy)]
pub struct TreeNode<'a>(pub &'a Node<'a>);

/// A mapping's entries.
#[derive(Clone, Copy)]
pub struct Members<'a>(&'a [Entry<'a>]);

/// A sequence's items.
#[derive(Clone, Copy)]
pub struct Items<'a>(&'a [Node<'a>]);

/// The scratch node `propertyNames` validates each key through.
pub struct NameSlot(Node<'static>);

impl Default for NameSlot {
    fn default() -> Self {
        NameSlot(Node {
            span: Span::empty(0),
            style: Style::Plain,
            value: Value::Null,
        })
    }
}

impl Json for Tree {
    type Node<'a> = TreeNode<'a>;
    type PreparedKey = String;
    type StringBuffer = NameSlot;

    // A lookup is a scan of the entries: a members pass is never dearer.
    const KEYS_PER_LOOKUP: usize = usize::MAX / 64;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut NameSlot,
        string: &str,
        f: impl FnOnce(TreeNode<'_>) -> T,
    ) -> T {
        match &mut buffer.0.value {
            Value::Str(Cow::Owned(existing)) => {
                existing.clear();
                existing.push_str(string);
            }
            other => *other = Value::Str(Cow::Owned(string.to_owned())),
        }
        f(TreeNode(&buffer.0))
    }
}

/// Whether no mapping in the tree has two entries with the same key text:
/// then reading the tree in place is reading its JSON copy.
pub fn plain(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().all(plain),
        Value::Map(entries) => {
            distinct_keys(entries) && entries.iter().all(|entry| plain(&entry.value))
        }
        _ => true,
    }
}

/// Mappings longer than this are checked for repeated key texts with a
/// set: pairwise is quadratic (100,000 keys took seconds). Real headers
/// (15–20 keys) stay pairwise: no allocation, a few hundred comparisons.
const PAIRWISE_KEYS: usize = 32;

/// Whether no two entries have the same key text.
fn distinct_keys(entries: &[Entry]) -> bool {
    if entries.len() <= PAIRWISE_KEYS {
        return entries.iter().enumerate().all(|(i, entry)| {
            entries[i + 1..]
                .iter()
                .all(|later| later.key.text != entry.key.text)
        });
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    entries.iter().all(|entry| seen.insert(&*entry.key.text))
}

impl<'a> TreeNode<'a> {
    /// The number `to_json` would write; `None` for non-numbers and
    /// non-finite floats (`null` there).
    fn number(&self) -> Option<Number> {
        match self.0.value {
            Value::Int(i) => Some(Number::from(i)),
            Value::Float(f) => Number::from_f64(f),
            _ => None,
        }
    }
}

impl<'a> JsonNode<'a, Tree> for TreeNode<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match &self.0.value {
            Value::Map(entries) => Some(Members(entries)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        match &self.0.value {
            Value::Seq(items) => Some(Items(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.0.value {
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        self.number()
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.0.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.0.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) => JsonType::Number,
            Value::Float(f) if f.is_finite() => JsonType::Number,
            Value::Float(_) => JsonType::Null,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &Value_) -> bool {
        match (&self.0.value, expected) {
            (Value::Str(s), Value_::String(e)) => s.as_ref() == e.as_str(),
            (Value::Str(_), _) => false,
            (Value::Seq(_) | Value::Map(_), _) => {
                jsonschema::json::cmp::equal(&self.0.to_json(), expected)
            }
            (Value::Bool(b), _) => expected.as_bool() == Some(*b),
            (Value::Null, _) => expected.is_null(),
            (Value::Int(_) | Value::Float(_), _) => match self.number() {
                Some(n) => jsonschema::json::cmp::equal(&Value_::Number(n), expected),
                None => expected.is_null(),
            },
        }
    }

    fn to_value(&self) -> Cow<'a, Value_> {
        Cow::Owned(self.0.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Node>(self.0) as usize
        ))
    }
}

impl<'a> Object<'a, Tree> for Members<'a> {
    type Node = TreeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = std::iter::Map<
        std::slice::Iter<'a, Entry<'a>>,
        fn(&'a Entry<'a>) -> (&'a str, TreeNode<'a>),
    >;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &String) -> Option<TreeNode<'a>> {
        self.0
            .iter()
            .rev()
            .find(|entry| entry.key.text == key.as_str())
            .map(|entry| TreeNode(&entry.value))
    }

    fn members(&self) -> Self::MembersIter {
        self.0
            .iter()
            .map(member as fn(&'a Entry<'a>) -> (&'a str, TreeNode<'a>))
    }
}

/// A mapping entry as a JSON member: its key text and its value.
fn member<'a>(entry: &'a Entry<'a>) -> (&'a str, TreeNode<'a>) {
    (entry.key.text.as_ref(), TreeNode(&entry.value))
}

impl<'a> Array<'a, Tree> for Items<'a> {
    type Node = TreeNode<'a>;
    type ElementsIter =
        std::iter::Map<std::slice::Iter<'a, Node<'a>>, fn(&'a Node<'a>) -> TreeNode<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0
            .iter()
            .map(TreeNode as fn(&'a Node<'a>) -> TreeNode<'a>)
    }

    fn is_unique(&self) -> bool {
        let strings: Option<Vec<&str>> = self.0.iter().map(Node::as_str).collect();
        match strings {
            Some(mut strings) => {
                let len = strings.len();
                strings.sort_unstable();
                strings.dedup();
                strings.len() == len
            }
            None => {
                let values: Vec<Value_> = self.0.iter().map(Node::to_json).collect();
                jsonschema::json::unique::is_unique(&values)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use fmlint_syntax::Span;
    use serde_json::json;

    use super::{plain, Tree, TreeNode};

    /// The schema every case runs against: one of each keyword whose
    /// reading of the instance differs by representation.
    fn schema() -> serde_json::Value {
        json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "ratio": {"type": "number"},
                "none": {"type": "null"},
                "kind": {"enum": ["a", "b", 2, null, true, [1, "x"], {"k": 1}]},
                "tags": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                "mixed": {"uniqueItems": true},
                "seo": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]+$"},
                    "maxProperties": 2
                },
                "slug": {"type": "string", "pattern": "^[a-z-]+$", "maxLength": 4}
            },
            "patternProperties": {"^x-": {"type": "string"}},
            "additionalProperties": false
        })
    }

    fn verdicts(yaml: &str) -> (bool, bool) {
        let parsed = fmlint_syntax::parse(yaml, Span::new(0, yaml.len()));
        let root = parsed.root.expect("a tree");
        let serde = jsonschema::options().build(&schema()).expect("schema");
        let tree = jsonschema::options_for::<Tree>()
            .build(&schema())
            .expect("schema");
        (
            serde.is_valid(&root.to_json()),
            tree.is_valid(TreeNode(&root)),
        )
    }

    #[test]
    fn the_tree_in_place_gets_the_json_copys_verdict() {
        let cases = [
            ("id: 1\n", true),
            ("id: 0\n", false),
            ("id: '1'\n", false),
            ("id: 1\nratio: 1.5\n", true),
            ("id: 1\nratio: .nan\n", false),
            ("id: 1\nnone: .inf\n", true),
            ("id: 1\nnone: ~\n", true),
            ("id: 1\nkind: a\n", true),
            ("id: 1\nkind: c\n", false),
            ("id: 1\nkind: 2.0\n", true),
            ("id: 1\nkind: ~\n", true),
            ("id: 1\nkind: true\n", true),
            ("id: 1\nkind: 'true'\n", false),
            ("id: 1\nkind: [1, x]\n", true),
            ("id: 1\nkind: {k: 1.0}\n", true),
            ("id: 1\ntags: [a, b]\n", true),
            ("id: 1\ntags: [a, b, a]\n", false),
            ("id: 1\nmixed: [1, 1.0]\n", false),
            ("id: 1\nmixed: [1, '1']\n", true),
            ("id: 1\nseo: {ab: 1}\n", true),
            ("id: 1\nseo: {Ab: 1}\n", false),
            ("id: 1\nseo: {a: 1, b: 2, c: 3}\n", false),
            ("id: 1\nslug: ab-c\n", true),
            ("id: 1\nslug: ab-cd\n", false),
            ("id: 1\nslug: éé\n", false),
            ("id: 1\nx-extra: s\n", true),
            ("id: 1\nx-extra: 1\n", false),
            ("id: 1\nother: 1\n", false),
            ("- 1\n", false),
        ];
        for (yaml, expected) in cases {
            assert_eq!(verdicts(yaml), (expected, expected), "{yaml:?}");
        }
    }

    #[test]
    fn duplicate_key_texts_are_not_plain() {
        let read = |yaml: &str| {
            let parsed = fmlint_syntax::parse(yaml, Span::new(0, yaml.len()));
            plain(&parsed.root.expect("a tree"))
        };
        assert!(read("a: 1\nb: {c: 1, d: 2}\n"));
        assert!(!read("a: 1\nb: 2\na: 3\n"));
        assert!(!read("a: 1\nb: [{c: 1, c: 2}]\n"));
        // `1` and `'1'` are two YAML keys but one JSON member.
        assert!(!read("1: a\n'1': b\n"));
        // Long mappings are checked with a set, not pairwise.
        let long: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(read(&long));
        assert!(!read(&format!("{long}k7: again\n")));
        assert!(!read(&format!(
            "outer:\n{}",
            long.replace("k", "  k") + "  k99: again\n"
        )));
    }
}
