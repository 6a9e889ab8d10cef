//! Rules about a file's structure, reported by the engine while it reads,
//! splits and parses a file (see `lint.rs`). A file that fails one of these
//! takes no part in the other rules.

use crate::rule::{declare_rule, docs_only};

declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be read as text: an I/O error, bytes that
    /// are not UTF-8, or NUL bytes.
    ///
    /// ## Why is this bad
    /// A Markdown file that is not UTF-8 text is a binary or a broken
    /// export; the site generator will fail on it or render mojibake.
    ///
    /// ## Example
    /// A file saved as Latin-1 (`caf\xe9`), or a PNG renamed to `.md`.
    pub struct UnreadableFile {
        name: "unreadable-file",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Markdown file whose first line is not `---` (after an
    /// optional UTF-8 BOM), so it has no front matter. (`+++` opens TOML
    /// front matter and a lone `{` a JSON one.)
    ///
    /// ## Why is this bad
    /// Every article's metadata lives in its front matter; without it the
    /// page has no title, URL or id.
    ///
    /// ## Example
    /// ```markdown
    /// # My article
    /// ---
    /// id: 1
    /// ---
    /// ```
    /// Use instead: put the `---` fence on the first line.
    pub struct MissingFrontMatter {
        name: "missing-front-matter",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports front matter that opens with `---` but is never closed by a
    /// `---` or `...` line.
    ///
    /// ## Why is this bad
    /// The whole file would be read as YAML; generators either fail or
    /// treat the body as metadata.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// id: 1
    /// title: Hello
    ///
    /// Body text.
    /// ```
    /// Use instead: add a closing `---` after the last key.
    pub struct UnclosedFrontMatter {
        name: "unclosed-front-matter",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports front matter that is not valid YAML, at the parser's line and
    /// column. Also reports headers nested too deeply or whose aliases
    /// expand too far (a "billion laughs" header).
    ///
    /// It also refuses what a YAML loader would otherwise change silently:
    /// a core tag its value does not fit (`!!int abc`, `!!null x`: at the
    /// tag), an integer beyond 64 bits (at the value: never an inexact
    /// float), and a character YAML 1.2 forbids (C0 and C1 controls other
    /// than tab, line breaks and NEL, DEL, U+FFFE, U+FFFF: at the
    /// character).
    ///
    /// ## Why is this bad
    /// The generator cannot read the header, so the page breaks or the build
    /// fails.
    ///
    /// ## Example
    /// ```yaml
    /// title: "Unclosed quote
    /// ```
    /// Use instead: close the quote, or use a folded scalar (`>-`).
    pub struct YamlSyntax {
        name: "yaml-syntax",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports TOML front matter (`+++` … `+++`, as Hugo and Zola write it)
    /// that is not valid TOML, at the parser's line and column: a bad value,
    /// an unclosed string, a key defined twice (TOML forbids it).
    ///
    /// ## Why is this bad
    /// The generator cannot read the header, so the page breaks or the build
    /// fails.
    ///
    /// ## Example
    /// ```toml
    /// draft = flase
    /// ```
    /// Use instead: `draft = false` (strings must be quoted in TOML).
    pub struct TomlSyntax {
        name: "toml-syntax",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports JSON front matter (an object whose `{` and `}` stand alone on
    /// the first line and a later one, as Hugo allows) that is not strict
    /// JSON, at the parser's line and column: an unquoted key, a trailing
    /// comma, a comment.
    ///
    /// ## Why is this bad
    /// The generator cannot read the header, so the page breaks or the build
    /// fails.
    ///
    /// ## Example
    /// ```json
    /// { "title": "Install", }
    /// ```
    /// Use instead: `{ "title": "Install" }`.
    pub struct JsonSyntax {
        name: "json-syntax",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in one mapping. The diagnostic points at
    /// the second key and names the line of the first.
    ///
    /// Keys are compared by value, as YAML does: `1` and `0x1` are the same
    /// key, `1` and `'1'` are not, and an alias used as a key (`*a :`) is the
    /// key its anchor names.
    ///
    /// ## Why is this bad
    /// YAML forbids duplicate keys, but most loaders silently keep one of
    /// the values: which one depends on the tool, so the page may show a
    /// value nobody sees in review.
    ///
    /// ## Example
    /// ```yaml
    /// author: QuickTakes
    /// author: Editorial team
    /// ```
    /// Use instead: keep one `author`.
    pub struct DuplicateKey {
        name: "duplicate-key",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports front matter that is empty, a scalar or a list instead of a
    /// mapping of keys to values.
    ///
    /// ## Why is this bad
    /// Front matter fields are looked up by key; a header that is not a
    /// mapping has none.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// - id: 1
    /// ---
    /// ```
    /// Use instead: `id: 1`.
    pub struct NotAMapping {
        name: "not-a-mapping",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports that fmlint itself failed on a file: a rule (or the parser)
    /// panicked. The rule's findings for that file are missing; every other
    /// rule and every other file were still checked, and the exit code is 2.
    /// It cannot be turned off.
    ///
    /// ## Why is this bad
    /// It is a bug in fmlint, not in the file. Please report it with the
    /// file that triggered it (the message names the rule and the place in
    /// fmlint's source).
    ///
    /// ## Example
    /// `internal error: rule `invalid-date` panicked: … (at src/rules/dates.rs:42:9)`
    pub struct InternalError {
        name: "internal-error",
        severity: Error,
        fix: None,
        stage: Parse,
    }
}

docs_only!(
    InternalError,
    UnreadableFile,
    MissingFrontMatter,
    UnclosedFrontMatter,
    YamlSyntax,
    TomlSyntax,
    JsonSyntax,
    DuplicateKey,
    NotAMapping
);
