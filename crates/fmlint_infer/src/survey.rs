//! The corpus read once: per-field statistics and a compact record of each
//! file's short values. Trees are dropped as soon as a file is surveyed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use fmlint_engine::walk::{walk, FileFilter};
use fmlint_linter::dates::{check_date, DateFormat};
use fmlint_syntax::{parse_header, split, Node, SplitError, Value};

use crate::thresholds::SHORT;

/// The date formats tried on string values, most common first. Only those
/// the config accepts on this version are kept ([`date_formats`]).
const DATE_CANDIDATES: &[&str] = &[
    "%Y-%m-%d",
    "rfc3339",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
];

/// The date formats `fmlint.toml` accepts, as the config compiler decides.
pub fn date_formats() -> Vec<&'static str> {
    DATE_CANDIDATES
        .iter()
        .copied()
        .filter(|spec| {
            let format = DateFormat::parse(spec);
            check_date(&format.example(), &format).is_ok()
        })
        .collect()
}

/// The kinds of value a field holds, in [`FieldStats::kinds`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    /// A list whose items are all strings.
    Strings,
    List,
    Map,
}

pub const KINDS: [Kind; 8] = [
    Kind::Null,
    Kind::Boolean,
    Kind::Integer,
    Kind::Number,
    Kind::String,
    Kind::Strings,
    Kind::List,
    Kind::Map,
];

impl Kind {
    fn of(node: &Node) -> Kind {
        match &node.value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Int(_) => Kind::Integer,
            Value::Float(_) => Kind::Number,
            Value::Str(_) => Kind::String,
            Value::Seq(items) if items.iter().all(|i| matches!(i.value, Value::Str(_))) => {
                Kind::Strings
            }
            Value::Seq(_) => Kind::List,
            Value::Map(_) => Kind::Map,
        }
    }

    /// The JSON Schema type.
    pub fn json_type(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Strings | Kind::List => "array",
            Kind::Map => "object",
        }
    }
}

/// What the corpus says about one field.
#[derive(Debug)]
pub struct FieldStats {
    /// `title`, `seo.title` (a key of a map), `related_article*` (a family
    /// of numbered maps) or `related_article*.id` (a key of its members).
    pub name: String,
    /// The map or family this field is a key of.
    pub parent: Option<usize>,
    /// A family of numbered maps (`related_article1`, `related_article2`…).
    pub family: bool,
    /// Files with at least one value.
    pub files: usize,
    /// Values seen (a family's members each count).
    pub values: usize,
    /// Values per kind, in [`KINDS`] order.
    pub kinds: [usize; KINDS.len()],
    /// Distinct scalar values (long ones by a digest) and their uses.
    pub counts: HashMap<String, usize>,
    /// Some string value holds whitespace (it is text, not an identifier).
    pub whitespace: bool,
    /// Some string value is longer than [`SHORT`].
    pub long: bool,
    /// String values that read as a date in each of [`date_formats`].
    pub dates: Vec<usize>,
}

impl FieldStats {
    pub fn count(&self, kind: Kind) -> usize {
        KINDS
            .iter()
            .position(|k| *k == kind)
            .map_or(0, |i| self.kinds[i])
    }

    /// The kind most values have.
    pub fn main_kind(&self) -> Kind {
        let mut best = (0, Kind::Null);
        for (i, kind) in KINDS.iter().enumerate() {
            if self.kinds[i] > best.0 {
                best = (self.kinds[i], *kind);
            }
        }
        best.1
    }

    /// The field's own key: `title` for `seo.title`.
    pub fn key(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

/// One file's short scalar values (and list items): what templates,
/// references and mirrors are checked against.
#[derive(Debug)]
pub struct Record {
    /// Relative to the config's folder, with `/`.
    pub path: String,
    /// (field, member number or list index, value as text).
    pub values: Vec<(usize, u32, String)>,
}

impl Record {
    /// The value of a plain field (not a family's or a list's).
    pub fn value(&self, field: usize) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, m, _)| *f == field && *m == 0)
            .map(|(_, _, v)| v.as_str())
    }
}

/// The corpus as read.
#[derive(Debug, Default)]
pub struct Survey {
    /// Files whose front matter is a mapping.
    pub files: usize,
    /// Files with no front matter, an unclosed one, or a YAML error, and
    /// paths that could not be read.
    pub left_out: usize,
    /// Files with no front matter at all (a README among the pages).
    pub without_front_matter: Vec<String>,
    /// Their common folder, relative to the config's folder (`""` for it).
    pub folder: Option<String>,
    pub extensions: BTreeSet<String>,
    pub fields: Vec<FieldStats>,
    names: HashMap<String, usize>,
    pub records: Vec<Record>,
    date_formats: Vec<&'static str>,
}

/// What [`crate::render`] says about the corpus itself.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub left_out: usize,
    pub without_front_matter: Vec<String>,
    pub folder: String,
    pub extensions: Vec<String>,
}

impl Survey {
    /// Walks `corpus` (inside `root`) and surveys every Markdown file.
    pub fn read(corpus: &Path, root: &Path, threads: usize) -> Result<Survey> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot read {}", root.display()))?;
        let corpus = corpus
            .canonicalize()
            .with_context(|| format!("cannot read {}", corpus.display()))?;
        if !corpus.starts_with(&root) {
            bail!(
                "{} is not inside {}, where the config goes: run `fmlint init --infer` from the corpus's root, or give the config's path inside it",
                corpus.display(),
                root.display()
            );
        }
        let patterns = ["**/*.md", "**/*.mdx", "**/*.markdown"].map(String::from);
        let filter = FileFilter::new(&patterns, &[])?;
        let (files, errors) = walk(&corpus, &filter, threads);
        let mut survey = Survey {
            date_formats: date_formats(),
            // Paths the walk could not read count as left out.
            left_out: errors.len(),
            ..Survey::default()
        };
        for file in files {
            survey.read_file(&file, &root);
        }
        Ok(survey)
    }

    /// Surveys one file given as text (tests, and [`Survey::read`]).
    pub fn add_text(&mut self, relative: &str, text: &str) {
        if self.date_formats.is_empty() {
            self.date_formats = date_formats();
        }
        let header = match split(text) {
            Ok(header) => header,
            Err(SplitError::Missing(_)) => {
                self.left_out += 1;
                self.without_front_matter.push(relative.to_string());
                return;
            }
            Err(SplitError::Unclosed(_)) => {
                self.left_out += 1;
                return;
            }
        };
        let parsed = parse_header(text, &header);
        let root = match parsed.root {
            Some(root) if parsed.problems.is_empty() && root.is_map() => root,
            _ => {
                self.left_out += 1;
                return;
            }
        };
        self.files += 1;
        self.note_folder(relative);
        let mut record = Record {
            path: relative.to_string(),
            values: Vec::new(),
        };
        let mut seen = Vec::new();
        for entry in root.entries() {
            let key = entry.key.text.as_ref();
            if let Some(prefix) = family_prefix(key, &entry.value) {
                let number = key[prefix.len()..].parse().unwrap_or(u32::MAX);
                let family = self.field(&format!("{prefix}*"), None, true);
                self.note(family, &entry.value, number, &mut record, &mut seen);
                for sub in entry.value.entries() {
                    let name = format!("{prefix}*.{}", sub.key.text);
                    let field = self.field(&name, Some(family), false);
                    self.note(field, &sub.value, number, &mut record, &mut seen);
                }
                continue;
            }
            let field = self.field(key, None, false);
            self.note(field, &entry.value, 0, &mut record, &mut seen);
            for sub in entry.value.entries() {
                let name = format!("{key}.{}", sub.key.text);
                let child = self.field(&name, Some(field), false);
                self.note(child, &sub.value, 0, &mut record, &mut seen);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        for field in seen {
            self.fields[field].files += 1;
        }
        self.records.push(record);
    }

    fn read_file(&mut self, file: &PathBuf, root: &Path) {
        let relative = file.strip_prefix(root).unwrap_or(file);
        let Some(relative) = slashed(relative) else {
            self.left_out += 1;
            return;
        };
        let Some(text) = std::fs::read(file)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
        else {
            self.left_out += 1;
            return;
        };
        if let Some(ext) = file.extension().and_then(|e| e.to_str()) {
            self.extensions.insert(ext.to_string());
        }
        self.add_text(&relative, &text);
    }

    fn note_folder(&mut self, relative: &str) {
        let folder = relative.rsplit_once('/').map_or("", |(dir, _)| dir);
        self.folder = Some(match self.folder.take() {
            None => folder.to_string(),
            Some(common) => common_folder(&common, folder),
        });
    }

    fn field(&mut self, name: &str, parent: Option<usize>, family: bool) -> usize {
        if let Some(&id) = self.names.get(name) {
            return id;
        }
        let id = self.fields.len();
        self.fields.push(FieldStats {
            name: name.to_string(),
            parent,
            family,
            files: 0,
            values: 0,
            kinds: [0; KINDS.len()],
            counts: HashMap::new(),
            whitespace: false,
            long: false,
            dates: vec![0; self.date_formats.len()],
        });
        self.names.insert(name.to_string(), id);
        id
    }

    fn note(
        &mut self,
        field: usize,
        node: &Node,
        member: u32,
        record: &mut Record,
        seen: &mut Vec<usize>,
    ) {
        seen.push(field);
        let kind = Kind::of(node);
        let formats = &self.date_formats;
        let stats = &mut self.fields[field];
        stats.values += 1;
        if let Some(i) = KINDS.iter().position(|k| *k == kind) {
            stats.kinds[i] += 1;
        }
        match &node.value {
            Value::Str(text) => {
                note_string(stats, formats, text);
                if text.len() <= SHORT {
                    record.values.push((field, member, text.to_string()));
                }
            }
            Value::Int(i) => {
                let text = i.to_string();
                *stats.counts.entry(text.clone()).or_default() += 1;
                record.values.push((field, member, text));
            }
            Value::Bool(b) => *stats.counts.entry(b.to_string()).or_default() += 1,
            Value::Float(f) => *stats.counts.entry(f.to_string()).or_default() += 1,
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Str(text) = &item.value {
                        if text.len() <= SHORT {
                            record.values.push((field, i as u32 + 1, text.to_string()));
                        }
                    }
                }
            }
            Value::Null | Value::Map(_) => {}
        }
    }

    pub fn summary(&self) -> Summary {
        Summary {
            files: self.files,
            left_out: self.left_out,
            without_front_matter: self.without_front_matter.clone(),
            folder: self.folder.clone().unwrap_or_default(),
            extensions: self.extensions.iter().cloned().collect(),
        }
    }

    /// The date formats [`FieldStats::dates`] counts.
    pub fn date_format_names(&self) -> &[&'static str] {
        &self.date_formats
    }

    pub fn id(&self, name: &str) -> Option<usize> {
        self.names.get(name).copied()
    }
}

fn note_string(stats: &mut FieldStats, formats: &[&str], text: &str) {
    if text.chars().any(char::is_whitespace) {
        stats.whitespace = true;
    }
    let key = if text.len() > SHORT {
        stats.long = true;
        format!("#{:016x}", fmlint_linter::hash::hash_str(text))
    } else {
        text.to_string()
    };
    *stats.counts.entry(key).or_default() += 1;
    if text.len() <= 40 && text.starts_with(|c: char| c.is_ascii_digit()) {
        for (i, spec) in formats.iter().enumerate() {
            if check_date(text, &DateFormat::parse(spec)).is_ok() {
                stats.dates[i] += 1;
            }
        }
    }
}

/// `related_article` for a key `related_article3` whose value is a map.
fn family_prefix<'k>(key: &'k str, value: &Node) -> Option<&'k str> {
    if !value.is_map() {
        return None;
    }
    let prefix = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let numbered = prefix.len() < key.len() && !prefix.is_empty();
    (numbered && !prefix.contains('.') && !prefix.contains('*')).then_some(prefix)
}

fn common_folder(a: &str, b: &str) -> String {
    let mut common = Vec::new();
    for (x, y) in a.split('/').zip(b.split('/')) {
        if x != y || x.is_empty() {
            break;
        }
        common.push(x);
    }
    common.join("/")
}

fn slashed(path: &Path) -> Option<String> {
    let parts = path
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<Vec<_>>>()?;
    Some(parts.join("/"))
}
