//! The `schema` rule: validates the header against the collection's JSON
//! Schema and points each violation at its node.

use crate::rule::{declare_rule, FileContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Validates the front matter against the collection's JSON Schema
    /// (drafts 04 to 2020-12, by `$schema`; formats checked): required keys,
    /// types, patterns, enums, unknown keys. Each violation points at the
    /// offending node, names the property and says what is allowed.
    ///
    /// Where the schema chooses a shape (`anyOf`, `oneOf`, `if`/`then`/
    /// `else`), the branch the front matter came closest to is the one
    /// reported: the one whose `type`, condition and discriminating
    /// `const` match, with the fewest and deepest errors. A custom message
    /// in the schema (`x-fmlint-message`, or ajv-errors' `errorMessage`)
    /// replaces fmlint's.
    ///
    /// ## Why is this bad
    /// The site's templates expect these fields with these types; a missing
    /// `author` or an `id` written as a string breaks pages or builds.
    ///
    /// ## Example
    /// Each kind of failure, before and after:
    ///
    /// ```yaml
    /// page-type: http-headr          # `page-type` must be `guide` or `http-header`,
    ///                                #   not `http-headr` (help: did you mean `http-header`?)
    /// page-type: http-header         # an `enum`/`const` value (fix: unsafe, one edit away)
    ///
    /// authr: Ann                     # unknown key `authr`; did you mean `author`?
    /// author: Ann                    # (fix: unsafe rename, value and comments kept)
    ///
    /// ---                            # missing 2 required fields: `title` and `slug`
    /// title: Accept                  # (at the parent key, or the opening `---`)
    /// slug: Web/HTTP/Headers/Accept
    ///
    /// id: "140672"                   # `id` must be an integer, found a string
    /// id: 140672                     #   (help: write it without quotes)
    ///
    /// title: A title of 130 chars…   # `title` must be at most 120 characters long, found 130
    /// tags: [a, b, c, d, e, f]       # `tags` must have at most 5 items, found 6
    ///
    /// file_name: What Is It.md       # `file_name` `What Is It.md` does not have the expected
    /// file_name: what-is-it.md       #   form: <the property's description or title>
    ///                                #   (help: it must match the regular expression `^[a-z0-9-]+\.md$`)
    ///
    /// date: 2024-13-01               # `date` `2024-13-01` is not a valid date
    /// date: 2024-12-01               #   (help: the schema asks for `format: date`, e.g. `2024-05-01`)
    ///
    /// tags: [css, html, css]         # `tags` lists `css` more than once (at the second `css`)
    /// tags: [css, html]
    ///
    /// badge: [New]                   # `badge` must be a string or a mapping, found a list
    /// badge: New                     #   (no shape of the `oneOf` accepts a list)
    /// ```
    ///
    /// A schema may word its own message, for one keyword or a whole subschema:
    ///
    /// ```json
    /// "page-type": {"enum": ["guide", "http-header"],
    ///               "x-fmlint-message": "page-type must match the slug's section"}
    /// ```
    pub struct Schema {
        name: "schema",
        severity: Error,
        fix: Unsafe,
        stage: File,
    }
}

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_file(&self, cx: &mut FileContext) {
        let Some(schema) = cx.collection.schema.as_ref() else {
            return;
        };
        for diagnostic in schema.check(cx.root, cx.header, cx.text) {
            cx.report(diagnostic);
        }
    }
}
