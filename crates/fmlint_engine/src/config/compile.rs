//! Compilation: a parsed config → [`Settings`], checking every value
//! against what the linter accepts (rule names, globs, schemas, templates,
//! date formats), each mistake recorded with its span.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;

use fmlint_linter::collection::{
    Check, Collection, Condition, DateField, Matching, PathBase, RefBy, RefShape, References,
    Scalar, Unique,
};
use fmlint_linter::dates::{check_date, DateFormat};
use fmlint_linter::diagnostic::Applicability;
use fmlint_linter::rules::RULES;
use fmlint_linter::schema::CompiledSchema;
use fmlint_linter::settings::{Override, RuleSet, Settings};
use fmlint_linter::template::{SlugStyle, Template};

use super::errors::Errors;
use super::model::*;

/// The rules a template mismatch may be filed under.
const TEMPLATE_RULES: &[&str] = &[
    "url-mismatch",
    "file-name-mismatch",
    "title-mismatch",
    "seo-title-mismatch",
    "field-mismatch",
];

pub(super) struct Compiler<'e> {
    pub(super) errors: &'e mut Errors,
    /// Relative schema paths start here.
    pub(super) base_dir: &'e Path,
}

impl Compiler<'_> {
    pub(super) fn settings(
        &mut self,
        config: &Config,
        select: &[String],
        ignore: &[String],
        cli: &RuleSet,
    ) -> Option<Settings> {
        let (include, exclude) = self.files(config.files.as_ref());
        let mut base = RuleSet::defaults();
        for (name, level) in config.rules.iter() {
            if self.rule_name(name) {
                base.set(name.get_ref(), level.get_ref().severity());
            }
        }
        let base = base.select(select, ignore).ok()?;
        let mut rules = base.clone();
        let mut overrides = Vec::new();
        for spanned in &config.overrides {
            let o = spanned.get_ref();
            let files = self.globs(&o.files);
            if o.files.is_empty() {
                self.errors.push(
                    spanned.span(),
                    "an override with no `files` applies to nothing".into(),
                    Some("add `files = [\"glob\", …]`".into()),
                );
            }
            let mut severities = Vec::new();
            for (name, level) in o.rules.iter() {
                if !self.rule_name(name) {
                    continue;
                }
                let Some(position) = RULES.iter().position(|r| r.meta().name == name.get_ref())
                else {
                    continue;
                };
                // What the command line turned off stays off.
                if !cli.is_on(position) {
                    continue;
                }
                let severity = level.get_ref().severity();
                if let Some(severity) = severity {
                    rules.union(position, severity);
                }
                severities.push((position, severity));
            }
            overrides.push(Override {
                files,
                rules: severities,
            });
        }
        let collections = match &config.collections {
            Some(collections) => self.collections(collections),
            None => Vec::new(),
        };
        Some(Settings {
            include,
            exclude,
            collections,
            rules,
            base,
            overrides,
        })
    }

    pub(super) fn files(&mut self, files: Option<&Files>) -> (Vec<String>, Vec<String>) {
        let Some(files) = files else {
            return (default_include(), Vec::new());
        };
        let include = match &files.include {
            Some(include) => {
                self.globs(include);
                include.iter().map(|g| g.get_ref().clone()).collect()
            }
            None => default_include(),
        };
        self.globs(&files.exclude);
        let exclude = files.exclude.iter().map(|g| g.get_ref().clone()).collect();
        (include, exclude)
    }

    fn globs(&mut self, globs: &[Spanned<String>]) -> GlobSet {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            // `*` and `?` stop at `/`, as in .gitignore; `**` crosses.
            let built = GlobBuilder::new(glob.get_ref())
                .literal_separator(true)
                .build();
            match built {
                Ok(g) => {
                    builder.add(g);
                }
                Err(error) => self.errors.at(
                    glob,
                    format!("invalid glob `{}`: {}", glob.get_ref(), error.kind()),
                ),
            }
        }
        builder.build().unwrap_or_else(|_| GlobSet::empty())
    }

    /// Reports an unknown rule name; `true` if it is known.
    fn rule_name(&mut self, name: &Spanned<String>) -> bool {
        if name.get_ref() == fmlint_linter::rules::InternalError::META.name {
            self.errors.push(
                name.span(),
                "`internal-error` cannot be configured: it reports a bug in fmlint".into(),
                Some("remove this line; report the bug instead".into()),
            );
            return false;
        }
        if fmlint_linter::rules::find(name.get_ref()).is_some() {
            return true;
        }
        self.errors.push(
            name.span(),
            format!("unknown rule `{}`", name.get_ref()),
            Some(fmlint_linter::rules::unknown_rule_help(name.get_ref())),
        );
        false
    }

    pub(super) fn collections(&mut self, configs: &[CollectionConfig]) -> Vec<Collection> {
        let names: Vec<&str> = configs.iter().map(|c| c.name.get_ref().as_str()).collect();
        for (i, c) in configs.iter().enumerate() {
            if c.name.get_ref().trim().is_empty() {
                self.errors
                    .at(&c.name, "a collection's name must not be empty".into());
            } else if names[..i].contains(&c.name.get_ref().as_str()) {
                self.errors.at(
                    &c.name,
                    format!("two collections are named `{}`", c.name.get_ref()),
                );
            }
        }
        let mut collections: Vec<Collection> = (0..configs.len())
            .map(|i| {
                let chain = self.chain(i, configs, &names);
                self.collection(i, &Layers(chain), &names)
            })
            .collect();
        // What the index keeps of each collection: its unique fields and
        // the fields references to it mirror.
        let mirrored: Vec<(usize, Arc<str>)> = collections
            .iter()
            .flat_map(|c| &c.references)
            .flat_map(|r| {
                r.mirror
                    .iter()
                    .map(|(_, target)| (r.target, target.clone()))
            })
            .collect();
        // URLs references name pages by.
        let urls: Vec<(usize, Arc<str>)> = collections
            .iter()
            .flat_map(|c| &c.references)
            .filter_map(|r| match &r.by {
                RefBy::Url(field) => Some((r.target, field.clone())),
                RefBy::Id | RefBy::Path(_) => None,
            })
            .collect();
        let paged = collections
            .iter()
            .flat_map(|c| &c.references)
            .any(|r| matches!(r.by, RefBy::Path(_)));
        for c in &mut collections {
            let mut fields: Vec<Arc<str>> =
                c.unique.iter().map(|u| u.field.as_str().into()).collect();
            for (target, field) in mirrored.iter().chain(&urls) {
                if *target == c.index && !fields.contains(field) {
                    fields.push(field.clone());
                }
            }
            c.indexed_fields = fields;
            c.paged = paged;
        }
        collections
    }

    /// The collection and those it extends, nearest first; a cycle or an
    /// unknown name is reported and ends the chain.
    fn chain<'c>(
        &mut self,
        index: usize,
        configs: &'c [CollectionConfig],
        names: &[&str],
    ) -> Vec<&'c CollectionConfig> {
        let mut chain = vec![&configs[index]];
        let mut seen = vec![index];
        while let Some(parent) = &chain[chain.len() - 1].extends {
            match names.iter().position(|n| *n == parent.get_ref()) {
                Some(at) if seen.contains(&at) => {
                    if chain.len() == 1 || at == index {
                        self.errors.push(
                            parent.span(),
                            format!(
                                "`{}` extends itself, through `extends`",
                                configs[index].name.get_ref()
                            ),
                            Some("remove one `extends` of the cycle".into()),
                        );
                    }
                    break;
                }
                Some(at) => {
                    seen.push(at);
                    chain.push(&configs[at]);
                }
                None => {
                    if chain.len() == 1 {
                        self.errors.push(
                            parent.span(),
                            format!("no collection is named `{}`", parent.get_ref()),
                            Some(format!("the collections are {}", quoted(names))),
                        );
                    }
                    break;
                }
            }
        }
        chain
    }

    fn collection(&mut self, index: usize, layers: &Layers, names: &[&str]) -> Collection {
        let c = layers.0[0];
        let include = c.include.as_ref().map(|globs| self.globs(globs));
        let exclude = self.globs(&c.exclude);
        let schema = layers
            .find(|c| c.schema.as_ref())
            .and_then(|s| self.schema(s));
        let id_field = match layers.find(|c| c.id.as_ref()) {
            Some(id) if id.get_ref().trim().is_empty() => {
                self.errors.at(id, "the id field must not be empty".into());
                String::new()
            }
            Some(id) => id.get_ref().clone(),
            None => "id".into(),
        };
        let mut collection = Collection {
            name: c.name.get_ref().clone(),
            index,
            include,
            exclude,
            schema,
            id_field,
            unique: Vec::new(),
            dates: Vec::new(),
            display_formats: layers
                .find(|c| (!c.display_formats.is_empty()).then_some(&c.display_formats))
                .cloned()
                .unwrap_or_default(),
            checks: Vec::new(),
            key_order: Vec::new(),
            references: Vec::new(),
            indexed_fields: Vec::new(),
            paged: false,
        };
        for field in layers
            .find(|c| (!c.unique.is_empty()).then_some(&c.unique))
            .into_iter()
            .flatten()
        {
            if field.get_ref().is_empty() {
                self.errors.at(field, "a unique field must be named".into());
                continue;
            }
            if let Some((schema, shape)) = schema_of_maps(&collection, field.get_ref()) {
                self.errors.push(
                    field.span(),
                    format!(
                        "`unique` compares strings, numbers and lists of them, but the schema `{schema}` makes `{}` {shape}",
                        field.get_ref()
                    ),
                    Some(format!(
                        "list a field inside it instead (`{}.NAME`), or take it out of `unique`",
                        field.get_ref()
                    )),
                );
                continue;
            }
            collection.unique.push(Unique {
                field: field.get_ref().clone(),
                rule: collection.unique_rule(field.get_ref()),
            });
        }
        collection.key_order = self.key_order(layers);
        collection.dates = self.dates(layers);
        for (field, spec) in layers.merged(|c| &c.templates, |(f, _)| f.get_ref().clone()) {
            self.template_checks(field, spec, &mut collection.checks);
        }
        self.path_checks(layers, &mut collection.checks);
        for r in layers
            .find(|c| (!c.references.is_empty()).then_some(&c.references))
            .into_iter()
            .flatten()
        {
            if let Some(reference) = self.reference(r, index, names) {
                collection.references.push(reference);
            }
        }
        collection
    }

    /// The collection's `key-order`, each key once.
    fn key_order(&mut self, layers: &Layers) -> Vec<String> {
        let mut order: Vec<String> = Vec::new();
        for key in layers
            .find(|c| (!c.key_order.is_empty()).then_some(&c.key_order))
            .into_iter()
            .flatten()
        {
            if order.contains(key.get_ref()) {
                self.errors.at(
                    key,
                    format!("`{}` is listed twice in key-order", key.get_ref()),
                );
                continue;
            }
            order.push(key.get_ref().clone());
        }
        order
    }

    /// The collection's date fields and their formats (merged key by key
    /// along `extends`); a format fmlint cannot check is an error.
    fn dates(&mut self, layers: &Layers) -> Vec<DateField> {
        let mut dates = Vec::new();
        for (field, format) in layers.merged(|c| &c.dates, |(f, _)| f.clone()) {
            let parsed = DateFormat::parse(format.get_ref());
            if check_date(&parsed.example(), &parsed).is_err() {
                self.errors.push(
                    format.span(),
                    format!(
                        "`{}` is not a date format fmlint can check",
                        format.get_ref()
                    ),
                    Some(
                        "use `rfc3339` or a strftime pattern with a year, month and day, such as `%Y-%m-%d` or `%Y-%m-%d %H:%M:%S %z`"
                            .into(),
                    ),
                );
                continue;
            }
            dates.push(DateField {
                field: field.clone(),
                format: parsed,
            });
        }
        dates
    }

    /// The `path-mismatch` checks of `[collections.path]`.
    fn path_checks(&mut self, layers: &Layers, checks: &mut Vec<Check>) {
        if let Some(path) = layers.find(|c| c.path.as_ref()) {
            let condition = Condition {
                when: self.conditions(&path.when),
                unless: self.conditions(&path.unless),
            };
            let parts = [
                (&path.parent, "{path.parent}", "the file's folder"),
                (&path.dir, "{path.dir}", "the file's folder path"),
                (&path.name, "{path.name}", "the file's name"),
                (&path.stem, "{path.stem}", "the file's stem"),
            ];
            for (template, actual, actual_name) in parts {
                let Some(template) = template else { continue };
                let Some(expected) = self.template(template, SlugStyle::Quicktakes) else {
                    continue;
                };
                let Some(field) = expected.fields().next().map(str::to_string) else {
                    self.errors.push(
                        template.span(),
                        format!(
                            "the path template `{}` reads no field",
                            template.get_ref()
                        ),
                        Some("a path check compares the path with the front matter, e.g. `{url|segment:2}`".into()),
                    );
                    continue;
                };
                checks.push(Check {
                    rule: "path-mismatch",
                    field,
                    actual: Template::parse(actual).ok(),
                    expected,
                    actual_name: Some(actual_name.into()),
                    fix: None,
                    matching: Matching::Equal,
                    pattern: None,
                    condition: condition.clone(),
                });
            }
        }
    }

    fn schema(&mut self, spec: &Spanned<String>) -> Option<Arc<CompiledSchema>> {
        let text = spec.get_ref();
        let compiled = match text.strip_prefix("builtin:") {
            Some(name) => CompiledSchema::builtin(name).map_err(|e| {
                let known: Vec<String> = fmlint_linter::schema::BUILTIN
                    .iter()
                    .map(|(n, _)| format!("`builtin:{n}`"))
                    .collect();
                anyhow::anyhow!("{e:#} (known: {})", known.join(", "))
            }),
            // The project whose files `$ref`s may read is the config's
            // directory (`fmlint_linter::schema`'s docs).
            None => {
                let (file, pointer) = fmlint_linter::schema::split_spec(text);
                CompiledSchema::load(text, &self.base_dir.join(file), pointer, self.base_dir)
            }
        };
        match compiled {
            Ok(schema) => Some(Arc::new(schema)),
            Err(error) => {
                if let Some(refused) = error.downcast_ref::<fmlint_linter::schema::Refused>() {
                    self.errors
                        .push(spec.span(), refused.message.clone(), refused.help.clone());
                } else if let Some(invalid) = error.downcast_ref::<fmlint_linter::schema::Invalid>()
                {
                    for (message, help) in &invalid.problems {
                        self.errors.push(spec.span(), message.clone(), help.clone());
                    }
                } else {
                    self.errors.at(spec, format!("{error:#}"));
                }
                None
            }
        }
    }

    fn template(&mut self, source: &Spanned<String>, style: SlugStyle) -> Option<Template> {
        self.template_at(source.get_ref(), source.span(), style)
    }

    fn template_at(
        &mut self,
        source: &str,
        span: Range<usize>,
        style: SlugStyle,
    ) -> Option<Template> {
        match Template::parse_with(source, style) {
            Ok(template) => Some(template),
            Err(error) => {
                self.errors.push(span, error.to_string(), None);
                None
            }
        }
    }

    fn template_checks(
        &mut self,
        field: &Spanned<String>,
        spec: &Spanned<TemplateSpec>,
        checks: &mut Vec<Check>,
    ) {
        let default_rule = if field.get_ref() == "url" {
            "url-mismatch"
        } else {
            "field-mismatch"
        };
        let mut matching = Matching::Equal;
        let mut condition = Condition::default();
        let (sources, span, rule, fix, style) = match spec.get_ref() {
            TemplateSpec::Short(source) => (
                std::slice::from_ref(source),
                spec.span(),
                default_rule,
                Some(Applicability::Unsafe),
                SlugStyle::Quicktakes,
            ),
            TemplateSpec::Full(table) => {
                let rule = match &table.rule {
                    None => default_rule,
                    Some(rule) => match TEMPLATE_RULES.iter().find(|r| **r == rule.get_ref()) {
                        Some(rule) => rule,
                        None => {
                            self.errors.push(
                                rule.span(),
                                format!("`{}` is not a template rule", rule.get_ref()),
                                Some(format!("use one of {}", quoted(TEMPLATE_RULES))),
                            );
                            return;
                        }
                    },
                };
                let fix = match table.fix {
                    Some(FixLevel::None) => None,
                    Some(FixLevel::Safe) => Some(Applicability::Safe),
                    Some(FixLevel::Unsafe) | None => Some(Applicability::Unsafe),
                };
                let style = match table.slug {
                    Some(SlugName::Urlize) => SlugStyle::Urlize,
                    Some(SlugName::Quicktakes) | None => SlugStyle::Quicktakes,
                };
                matching = match table.matching {
                    Some(MatchName::Equal) | None => Matching::Equal,
                    Some(MatchName::Prefix) => Matching::Prefix,
                    Some(MatchName::Regex) => Matching::Regex,
                };
                condition = Condition {
                    when: self.conditions(&table.when),
                    unless: self.conditions(&table.unless),
                };
                (
                    table.template.get_ref().as_slice(),
                    table.template.span(),
                    rule,
                    fix,
                    style,
                )
            }
        };
        if field.get_ref().trim().is_empty() {
            self.errors
                .at(field, "a template needs a field name".into());
            return;
        }
        if sources.is_empty() {
            self.errors
                .push(span.clone(), "the template list is empty".into(), None);
        }
        for source in sources {
            let Some(expected) = self.template_at(source, span.clone(), style) else {
                continue;
            };
            let mut pattern = None;
            if let Matching::Regex = matching {
                // Without placeholders the pattern is the same for every
                // file: compiled once.
                if expected.skeleton("") == expected.skeleton("x") {
                    pattern = regex::Regex::new(&format!("^(?:{})$", expected.skeleton(""))).ok();
                }
                if let Err(error) = regex::Regex::new(&expected.skeleton("x")) {
                    self.errors.push(
                        span.clone(),
                        format!("`{source}` is not a regular expression: {}", first_line(&error.to_string())),
                        Some("write the pattern in Rust regex syntax; placeholders such as `{title}` are inserted as literal text".into()),
                    );
                    continue;
                }
            }
            checks.push(Check {
                rule,
                field: field.get_ref().clone(),
                actual: None,
                expected,
                actual_name: None,
                fix,
                matching: matching.clone(),
                pattern,
                condition: condition.clone(),
            });
        }
    }

    /// A `when`/`unless` table as (field, value) pairs.
    fn conditions(
        &mut self,
        table: &OrderedMap<Spanned<String>, ConditionValue>,
    ) -> Vec<(String, Scalar)> {
        let mut out = Vec::new();
        for (field, value) in table.iter() {
            if field.get_ref().trim().is_empty() {
                self.errors
                    .at(field, "a condition needs a field name".into());
                continue;
            }
            let value = match value {
                ConditionValue::Bool(b) => Scalar::Bool(*b),
                ConditionValue::Int(i) => Scalar::Int(*i),
                ConditionValue::Float(f) => Scalar::Float(*f),
                ConditionValue::Str(s) => Scalar::Str(s.clone()),
            };
            out.push((field.get_ref().clone(), value));
        }
        out
    }

    /// What the reference's `field` pattern says: numbered maps or a field.
    fn reference_shape(&mut self, r: &ReferenceConfig) -> Option<RefShape> {
        let pattern = r.field.get_ref();
        let shape = match pattern.split_once('*') {
            Some((prefix, rest)) => {
                let id = rest.strip_prefix('.').unwrap_or("");
                if prefix.is_empty() || prefix.contains('.') || id.is_empty() || id.contains('*') {
                    self.errors.push(
                        r.field.span(),
                        format!("`{pattern}` is not a reference pattern"),
                        Some("write `PREFIX*.ID` (numbered maps such as `related_article1.id`) or a field name (`authors`)".into()),
                    );
                    return None;
                }
                RefShape::Numbered {
                    prefix: prefix.to_string(),
                    id: id.to_string(),
                }
            }
            None if pattern.trim().is_empty() => {
                self.errors.at(&r.field, "a reference needs a field".into());
                return None;
            }
            None => {
                if !r.mirror.is_empty() {
                    self.errors.push(
                        r.field.span(),
                        format!("`{pattern}` holds ids, not maps: it cannot mirror fields"),
                        Some("remove `mirror`, or use a pattern such as `related*.id`".into()),
                    );
                }
                RefShape::Field {
                    field: pattern.clone(),
                }
            }
        };
        Some(shape)
    }

    /// Keys that apply to another kind of reference than `by` are errors.
    fn keys_of_other_kinds(&mut self, r: &ReferenceConfig, by: &RefBy) {
        let path_only = [
            (r.relative_to.is_some(), "relative-to"),
            (r.base.is_some(), "base"),
        ];
        for (set, key) in path_only {
            if set && !matches!(*by, RefBy::Path(_)) {
                self.errors.push(
                    r.field.span(),
                    format!("`{key}` applies to references by path"),
                    Some(format!("add `by = \"path\"`, or remove `{key}`")),
                );
            }
        }
        if r.base.is_some() && matches!(*by, RefBy::Path(PathBase::File)) {
            self.errors.push(
                r.field.span(),
                "`base` applies to paths relative to the root".into(),
                Some("add `relative-to = \"root\"`, or remove `base`".into()),
            );
        }
        if r.url_field.is_some() && !matches!(*by, RefBy::Url(_)) {
            self.errors.push(
                r.field.span(),
                "`url-field` applies to references by URL".into(),
                Some("add `by = \"url\"`, or remove `url-field`".into()),
            );
        }
        if !matches!(*by, RefBy::Id) && !r.mirror.is_empty() {
            self.errors.push(
                r.field.span(),
                "references by path or URL cannot mirror fields".into(),
                Some("remove `mirror`".into()),
            );
        }
    }

    fn reference(&mut self, r: &ReferenceConfig, own: usize, names: &[&str]) -> Option<References> {
        let shape = self.reference_shape(r)?;
        let by = reference_by(r);
        self.keys_of_other_kinds(r, &by);
        let target = match &r.collection {
            // A path may name a page of any collection.
            _ if matches!(by, RefBy::Path(_)) => {
                if let Some(name) = &r.collection {
                    self.errors.push(
                        name.span(),
                        "a reference by path names a file, whatever its collection".into(),
                        Some("remove `collection`".into()),
                    );
                }
                fmlint_linter::index::PAGES
            }
            None => own,
            Some(name) => match names.iter().position(|n| *n == name.get_ref()) {
                Some(target) => target,
                None => {
                    self.errors.push(
                        name.span(),
                        format!("no collection is named `{}`", name.get_ref()),
                        Some(format!("the collections are {}", quoted(names))),
                    );
                    return None;
                }
            },
        };
        Some(References {
            shape,
            target,
            by,
            mirror: r
                .mirror
                .iter()
                .map(|(k, v)| (k.as_str().into(), v.as_str().into()))
                .collect(),
        })
    }
}

/// A collection and those it extends (`extends`), nearest first: a key
/// the collection sets wins; tables (`dates`, `templates`) merge by key.
struct Layers<'c>(Vec<&'c CollectionConfig>);

impl<'c> Layers<'c> {
    /// The nearest layer's value of a key.
    fn find<T: ?Sized>(
        &self,
        key: impl Fn(&'c CollectionConfig) -> Option<&'c T>,
    ) -> Option<&'c T> {
        self.0.iter().find_map(|c| key(c))
    }

    /// A table's entries from every layer, the nearest layer's entry for
    /// each key, in layer order.
    fn merged<K, V>(
        &self,
        table: impl Fn(&'c CollectionConfig) -> &'c OrderedMap<K, V>,
        name: impl Fn(&(K, V)) -> String,
    ) -> Vec<&'c (K, V)> {
        let mut seen: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for layer in &self.0 {
            for entry in table(layer).iter() {
                let key = name(entry);
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(entry);
                }
            }
        }
        out
    }
}

/// The last line of a regex error (the line that says what is wrong).
fn first_line(error: &str) -> String {
    error
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or(error)
        .to_string()
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The files a config without `[files] include` takes: every Markdown file
/// (`.md`, `.mdx` as Astro and Docusaurus write, `.markdown`).
fn default_include() -> Vec<String> {
    ["**/*.md", "**/*.mdx", "**/*.markdown"]
        .map(String::from)
        .to_vec()
}

/// How the reference's values name their targets (`by`, with its base or
/// URL field).
fn reference_by(r: &ReferenceConfig) -> RefBy {
    match r.by {
        None | Some(RefByName::Id) => RefBy::Id,
        Some(RefByName::Path) => RefBy::Path(match r.relative_to {
            None | Some(RelativeTo::File) => PathBase::File,
            Some(RelativeTo::Root) => PathBase::Root(
                r.base
                    .as_ref()
                    .map(|b| b.get_ref().clone())
                    .unwrap_or_default(),
            ),
        }),
        Some(RefByName::Url) => RefBy::Url(
            r.url_field
                .as_ref()
                .map_or("url", |f| f.get_ref().as_str())
                .into(),
        ),
    }
}

/// The name of `collection`'s schema and what it makes `field` when that
/// is a map or a list of maps, which `unique` cannot compare.
fn schema_of_maps<'c>(collection: &'c Collection, field: &str) -> Option<(&'c str, &'static str)> {
    let schema = collection.schema.as_ref()?;
    Some((schema.name.as_str(), schema.map_shape(field)?))
}
