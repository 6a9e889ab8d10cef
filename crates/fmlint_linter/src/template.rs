//! Templates that say what a field must equal, built from other fields and
//! the file's path: `/learn/{subject|slug}/questions/{title|slug}`.
//!
//! A placeholder is a source (`title`, `seo.title`, `path`, `path.dir`,
//! `path.name`, `path.stem`, `path.parent`) followed by filters (`slug`,
//! `urlize`, `github_slug`, `lower`, `upper`, `replace:FROM:TO`,
//! `last_segment`, `segment:N`, `head:N`, `no_ext`, `strip_prefix:TEXT`). A filter's
//! argument may be quoted (`replace:'::':_doublecolon_`) to hold `:` or
//! `|`. Path sources are relative to the corpus root, with `/` separators.

use std::fmt;
use std::path::Path;

use crate::slug;
use fmlint_syntax::{Node, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Var {
        source: Source,
        filters: Vec<Filter>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    Field(String),
    /// The whole path relative to the corpus root.
    Path,
    /// The folder part of [`Source::Path`] (empty at the root).
    PathDir,
    PathName,
    PathStem,
    PathParent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Filter {
    Slug,
    Urlize,
    GithubSlug,
    Lower,
    Upper,
    Replace(String, String),
    LastSegment,
    /// 1-based, counting the non-empty `/`-separated segments.
    Segment(usize),
    /// The first N characters (`2024-12-16-welcome.md` → `2024-12-16`
    /// with 10): the date of a Jekyll post's file name.
    Head(usize),
    /// Drops the last extension (`a/b.md` → `a/b`).
    NoExt,
    StripPrefix(String),
}

/// What the `slug` filter means in a template.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SlugStyle {
    /// The QuickTakes slug ([`slug::quicktakes`]).
    #[default]
    Quicktakes,
    /// Hugo's `urlize` ([`slug::urlize`]).
    Urlize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// What a template is rendered against.
pub struct Scope<'t, 'a> {
    pub root: &'t Node<'a>,
    /// The file's path relative to the corpus root.
    pub path: &'t Path,
}

impl Template {
    /// The template as the config wrote it (`/docs/{path.stem}`).
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        Self::parse_with(source, SlugStyle::Quicktakes)
    }

    /// Parses a template whose `slug` filter is `style`.
    pub fn parse_with(source: &str, style: SlugStyle) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(TemplateError(format!(
                    "unclosed `{{` in template `{source}`"
                )));
            };
            parts.push(parse_var(&rest[open + 1..open + close], source, style)?);
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            return Err(TemplateError(format!(
                "unmatched `}}` in template `{source}`"
            )));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(Template {
            source: source.to_string(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The fields the template reads.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var {
                source: Source::Field(f),
                ..
            } => Some(f.as_str()),
            _ => None,
        })
    }

    /// Renders the template; `None` when a field it reads is missing or not
    /// a scalar (the schema rule reports that).
    pub fn render(&self, scope: &Scope) -> Option<String> {
        self.render_with(scope, str::to_string)
    }

    /// The template with every placeholder replaced by `fill`: what a
    /// regex template looks like to the regex compiler.
    pub fn skeleton(&self, fill: &str) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(text) => text.as_str(),
                Part::Var { .. } => fill,
            })
            .collect()
    }

    /// Renders the template with each placeholder's value passed through
    /// `escape` (a regex template inserts values as literal text).
    pub fn render_with(&self, scope: &Scope, escape: impl Fn(&str) -> String) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Var { source, filters } => {
                    let mut value = source_value(source, scope)?;
                    for filter in filters {
                        value = apply(filter, &value);
                    }
                    out.push_str(&escape(&value));
                }
            }
        }
        Some(out)
    }
}

const FILTERS: &str = "slug, urlize, github_slug, lower, upper, replace:FROM:TO, last_segment, segment:N, head:N, no_ext, strip_prefix:TEXT";

fn parse_var(inner: &str, template: &str, style: SlugStyle) -> Result<Part, TemplateError> {
    let pieces = split_outside_quotes(inner, '|')
        .ok_or_else(|| TemplateError(format!("unclosed quote in template `{template}`")))?;
    let mut pieces = pieces.into_iter().map(str::trim);
    let name = pieces.next().unwrap_or_default();
    let source = match name {
        "" => {
            return Err(TemplateError(format!(
                "empty placeholder in template `{template}`"
            )))
        }
        "path" => Source::Path,
        "path.dir" => Source::PathDir,
        "path.name" => Source::PathName,
        "path.stem" => Source::PathStem,
        "path.parent" => Source::PathParent,
        field => Source::Field(field.to_string()),
    };
    let filters = pieces
        .map(|f| parse_filter(f, template, style))
        .collect::<Result<_, _>>()?;
    Ok(Part::Var { source, filters })
}

fn parse_filter(text: &str, template: &str, style: SlugStyle) -> Result<Filter, TemplateError> {
    let unknown = || {
        TemplateError(format!(
            "unknown filter `{text}` in template `{template}` (known: {FILTERS})"
        ))
    };
    let args = split_outside_quotes(text, ':').ok_or_else(unknown)?;
    let args: Vec<String> = args.iter().map(|a| unquote(a)).collect();
    let arity = |n: usize, usage: &str| {
        if args.len() == n + 1 {
            Ok(())
        } else {
            Err(TemplateError(format!(
                "the filter `{}` takes {usage} in template `{template}` (quote an argument that holds `:`, as in `replace:'::':_doublecolon_`)",
                args[0]
            )))
        }
    };
    Ok(match args[0].as_str() {
        "slug" if style == SlugStyle::Urlize => Filter::Urlize,
        "slug" => Filter::Slug,
        "urlize" => Filter::Urlize,
        "github_slug" => Filter::GithubSlug,
        "lower" => Filter::Lower,
        "upper" => Filter::Upper,
        "last_segment" => Filter::LastSegment,
        "no_ext" => Filter::NoExt,
        "replace" => {
            arity(2, "two arguments, `replace:FROM:TO`")?;
            if args[1].is_empty() {
                return Err(TemplateError(format!(
                    "`replace` needs text to replace in template `{template}`"
                )));
            }
            Filter::Replace(args[1].clone(), args[2].clone())
        }
        // The prefix is the rest of the text, colons included.
        _ if text.starts_with("strip_prefix:") => {
            Filter::StripPrefix(unquote(&text["strip_prefix:".len()..]))
        }
        "segment" => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) if n > 0 && args.len() == 2 => Filter::Segment(n),
            _ => return Err(unknown()),
        },
        "head" => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) if n > 0 && args.len() == 2 => Filter::Head(n),
            _ => return Err(unknown()),
        },
        _ => return Err(unknown()),
    })
}

/// Splits `text` at each `sep` outside single or double quotes; `None`
/// when a quote is not closed.
fn split_outside_quotes(text: &str, sep: char) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == sep => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    parts.push(&text[start..]);
    Some(parts)
}

/// A filter argument without its quotes, if it is quoted.
fn unquote(arg: &str) -> String {
    let quoted = |q: char| arg.len() >= 2 && arg.starts_with(q) && arg.ends_with(q);
    if quoted('\'') || quoted('"') {
        arg[1..arg.len() - 1].to_string()
    } else {
        arg.to_string()
    }
}

fn source_value(source: &Source, scope: &Scope) -> Option<String> {
    let name = |p: Option<&std::ffi::OsStr>| p.and_then(|s| s.to_str()).map(str::to_string);
    let slashed = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join("/"))
    };
    match source {
        Source::Path => slashed(scope.path),
        Source::PathDir => slashed(scope.path.parent().unwrap_or(Path::new(""))),
        Source::PathName => name(scope.path.file_name()),
        Source::PathStem => name(scope.path.file_stem()),
        Source::PathParent => name(scope.path.parent().and_then(Path::file_name)),
        Source::Field(field) => match &scope.root.lookup(field)?.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        },
    }
}

fn apply(filter: &Filter, value: &str) -> String {
    match filter {
        Filter::Slug => slug::quicktakes(value),
        Filter::Urlize => slug::urlize(value),
        Filter::GithubSlug => slug::github(value),
        Filter::Lower => value.to_lowercase(),
        Filter::Upper => value.to_uppercase(),
        Filter::Replace(from, to) => value.replace(from.as_str(), to),
        Filter::LastSegment => value
            .rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_string(),
        Filter::Segment(n) => value
            .split('/')
            .filter(|s| !s.is_empty())
            .nth(n - 1)
            .unwrap_or("")
            .to_string(),
        Filter::Head(n) => value.chars().take(*n).collect(),
        Filter::NoExt => {
            let name_start = value.rfind('/').map_or(0, |i| i + 1);
            match value[name_start..].rfind('.') {
                Some(dot) if dot > 0 => value[..name_start + dot].to_string(),
                _ => value.to_string(),
            }
        }
        Filter::StripPrefix(prefix) => value
            .strip_prefix(prefix.as_str())
            .unwrap_or(value)
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use fmlint_syntax::parse;

    #[test]
    fn renders_fields_filters_and_path() {
        let text = "subject: IPO & FPO\ntitle: What is it?\nurl: /learn/a/questions/b\n";
        let root = parse(text, Span::new(0, text.len())).root.unwrap();
        let scope = Scope {
            root: &root,
            path: Path::new("content/learn/ipo--fpo/what-is-it.md"),
        };
        let render = |t: &str| Template::parse(t).unwrap().render(&scope);
        assert_eq!(
            render("/learn/{subject|slug}/questions/{title|slug}").as_deref(),
            Some("/learn/ipo--fpo/questions/what-is-it")
        );
        assert_eq!(
            render("{path.parent}/{path.stem}").as_deref(),
            Some("ipo--fpo/what-is-it")
        );
        assert_eq!(
            render("{url|segment:2}|{url|last_segment}.md").as_deref(),
            Some("a|b.md")
        );
        assert_eq!(render("{missing}"), None);
        assert_eq!(
            render("/{path|strip_prefix:content/|no_ext}").as_deref(),
            Some("/learn/ipo--fpo/what-is-it")
        );
        assert_eq!(
            render("{path.dir}").as_deref(),
            Some("content/learn/ipo--fpo")
        );
        assert_eq!(render("{path.name|head:5}").as_deref(), Some("what-"));
        assert_eq!(render("{subject|head:99}").as_deref(), Some("IPO & FPO"));
        assert!(Template::parse("{path.name|head:0}").is_err());
        assert!(Template::parse("{path.name|head}").is_err());
    }

    #[test]
    fn the_slug_filter_follows_the_templates_style() {
        let text = "title: Ünïcode & Co.\n";
        let root = parse(text, Span::new(0, text.len())).root.unwrap();
        let scope = Scope {
            root: &root,
            path: Path::new("a.md"),
        };
        let quicktakes = Template::parse("{title|slug}").unwrap();
        let urlize = Template::parse_with("{title|slug}", SlugStyle::Urlize).unwrap();
        assert_eq!(quicktakes.render(&scope).as_deref(), Some("ncode--co"));
        assert_eq!(urlize.render(&scope).as_deref(), Some("ünïcode--co."));
    }

    #[test]
    fn replaces_in_order_with_quoted_arguments() {
        let text = "slug: Web/API/Element/:hover::before*?\n";
        let root = parse(text, Span::new(0, text.len())).root.unwrap();
        let scope = Scope {
            root: &root,
            path: Path::new("a.md"),
        };
        let template = Template::parse(
            "{slug|lower|replace:'::':_doublecolon_|replace:':':_colon_|replace:*:_star_|replace:?:_question_}",
        )
        .unwrap();
        assert_eq!(
            template.render(&scope).as_deref(),
            Some("web/api/element/_colon_hover_doublecolon_before_star__question_")
        );
        let upper = Template::parse("{slug|upper|replace:\"|\":-}").unwrap();
        assert_eq!(
            upper.render(&scope).as_deref(),
            Some("WEB/API/ELEMENT/:HOVER::BEFORE*?")
        );
        assert!(Template::parse("{slug|replace:a}").is_err());
        assert!(Template::parse("{slug|replace:'a:b}").is_err());
    }

    #[test]
    fn rejects_bad_templates() {
        assert!(Template::parse("{title").is_err());
        assert!(Template::parse("{title|nope}").is_err());
        assert!(Template::parse("{}").is_err());
        assert!(Template::parse("a}").is_err());
    }
}
