//! gen-corpus: writes a synthetic QuickTakes-like corpus
//! (`DIR/content/learn/<subject-slug>/<slug>.md`) with a known number of
//! defects per fmlint rule, and prints the expected diagnostic counts as JSON.
//!
//! The whole corpus is modelled in memory first; defects are injected into
//! the model; related entries are rendered from their targets' final values;
//! then the expected counts are computed by evaluating the rules on the final
//! model (and cross-checked against the per-defect intended counts).

mod words;

use clap::Parser;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use words::*;

#[derive(Parser, Debug)]
#[command(name = "gen-corpus", version, about = "Generate a synthetic QuickTakes-like corpus with known fmlint defect counts")]
struct Cli {
    /// Number of articles (one file each)
    #[arg(long)]
    articles: usize,
    /// Output directory; files go to DIR/content/learn/<subject>/<slug>.md
    #[arg(long)]
    out: PathBuf,
    /// PRNG seed (same seed + same N => same bytes)
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Fraction of articles that get exactly one injected defect
    #[arg(long, default_value_t = 0.05)]
    defect_rate: f64,
    /// Delete DIR/content/learn and DIR/expected.json first if they exist
    #[arg(long)]
    clean: bool,
    /// Render and count, but write nothing (prints the JSON only)
    #[arg(long)]
    dry_run: bool,
    /// Writer threads (default: available parallelism)
    #[arg(long)]
    threads: Option<usize>,
}

// ---------------------------------------------------------------- PRNG

/// splitmix64: tiny, deterministic, good enough for test data.
struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x243F_6A88_85A3_08D3);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next() >> 11) as u128 * n as u128 >> 53) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------- helpers

/// slug(s): lowercase; delete every char not a-z, 0-9 or space; each space -> '-'.
fn slug(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}

fn title_case(s: &str) -> String {
    s.split(' ').map(capitalize).collect::<Vec<_>>().join(" ")
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    // Howard Hinnant's algorithm; z = days since 1970-01-01
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    d >= 1 && d <= dim
}

const VALID_DATE_FORMAT: &str = "MMM DD, YYYY";
const INVALID_DATE_FORMATS: &[&str] = &["MMM QQ, YYYY", "YYYYY-MM"];

// ---------------------------------------------------------------- defects

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
enum Defect {
    InvalidDate,
    InvalidDateFormat,
    UrlMismatch,
    FileNameMismatch,
    PathMismatch,
    TitleMismatch,
    SeoTitleMismatch,
    SchemaMissingField,
    SchemaQuotedId,
    SchemaUnknownKey,
    DuplicateKey,
    YamlSyntax,
    MissingFrontMatter,
    UnclosedFrontMatter,
    UnreadableFile,
    SelfReference,
    DuplicateReference,
    ReferenceNumbering,
    DanglingReference,
    StaleReference,
    DuplicateId,
    DuplicateUrl,
}

const DEFECTS: &[(Defect, f64)] = &[
    (Defect::InvalidDate, 1.0),
    (Defect::InvalidDateFormat, 1.0),
    (Defect::UrlMismatch, 1.0),
    (Defect::FileNameMismatch, 1.0),
    (Defect::PathMismatch, 1.0),
    (Defect::TitleMismatch, 1.0),
    (Defect::SeoTitleMismatch, 1.0),
    (Defect::SchemaMissingField, 0.5),
    (Defect::SchemaQuotedId, 0.5),
    (Defect::SchemaUnknownKey, 0.5),
    (Defect::DuplicateKey, 1.0),
    (Defect::YamlSyntax, 0.5),
    (Defect::MissingFrontMatter, 0.5),
    (Defect::UnclosedFrontMatter, 0.5),
    (Defect::UnreadableFile, 0.25),
    (Defect::SelfReference, 1.0),
    (Defect::DuplicateReference, 1.0),
    (Defect::ReferenceNumbering, 1.0),
    (Defect::DanglingReference, 1.0),
    (Defect::StaleReference, 1.5),
    (Defect::DuplicateId, 0.75),
    (Defect::DuplicateUrl, 0.5),
];

impl Defect {
    fn name(self) -> &'static str {
        match self {
            Defect::InvalidDate => "invalid-date",
            Defect::InvalidDateFormat => "invalid-date-format",
            Defect::UrlMismatch => "url-mismatch",
            Defect::FileNameMismatch => "file-name-mismatch",
            Defect::PathMismatch => "path-mismatch",
            Defect::TitleMismatch => "title-mismatch",
            Defect::SeoTitleMismatch => "seo-title-mismatch",
            Defect::SchemaMissingField => "schema/missing-field",
            Defect::SchemaQuotedId => "schema/quoted-id",
            Defect::SchemaUnknownKey => "schema/unknown-key",
            Defect::DuplicateKey => "duplicate-key",
            Defect::YamlSyntax => "yaml-syntax",
            Defect::MissingFrontMatter => "missing-front-matter",
            Defect::UnclosedFrontMatter => "unclosed-front-matter",
            Defect::UnreadableFile => "unreadable-file",
            Defect::SelfReference => "self-reference",
            Defect::DuplicateReference => "duplicate-reference",
            Defect::ReferenceNumbering => "reference-numbering",
            Defect::DanglingReference => "dangling-reference",
            Defect::StaleReference => "stale-reference",
            Defect::DuplicateId => "duplicate-id",
            Defect::DuplicateUrl => "duplicate-url",
        }
    }
    /// Diagnostics this defect is designed to cause (rule, count).
    fn intended(self) -> &'static [(&'static str, u64)] {
        match self {
            Defect::InvalidDate => &[("invalid-date", 1)],
            Defect::InvalidDateFormat => &[("invalid-date-format", 1)],
            Defect::UrlMismatch => &[("url-mismatch", 1)],
            Defect::FileNameMismatch => &[("file-name-mismatch", 1)],
            Defect::PathMismatch => &[("path-mismatch", 1)],
            Defect::TitleMismatch => &[("title-mismatch", 1)],
            Defect::SeoTitleMismatch => &[("seo-title-mismatch", 1)],
            Defect::SchemaMissingField | Defect::SchemaQuotedId | Defect::SchemaUnknownKey => {
                &[("schema", 1)]
            }
            Defect::DuplicateKey => &[("duplicate-key", 1)],
            Defect::YamlSyntax => &[("yaml-syntax", 1)],
            Defect::MissingFrontMatter => &[("missing-front-matter", 1)],
            Defect::UnclosedFrontMatter => &[("unclosed-front-matter", 1)],
            Defect::UnreadableFile => &[("unreadable-file", 1)],
            Defect::SelfReference => &[("self-reference", 1)],
            Defect::DuplicateReference => &[("duplicate-reference", 1)],
            Defect::ReferenceNumbering => &[("reference-numbering", 1)],
            Defect::DanglingReference => &[("dangling-reference", 1)],
            Defect::StaleReference => &[("stale-reference", 1)],
            // both holders of the id are reported
            Defect::DuplicateId => &[("duplicate-id", 2)],
            // both holders of the url are reported; the copy lives on disk as
            // <slug>-N.md, so its file_name differs from its name on disk
            Defect::DuplicateUrl => &[("duplicate-url", 2), ("file-name-mismatch", 1)],
        }
    }
    /// The file is not parsed by the linter: no front matter / broken YAML /
    /// unreadable. Nothing may reference it.
    fn unparsed(self) -> bool {
        matches!(
            self,
            Defect::YamlSyntax
                | Defect::MissingFrontMatter
                | Defect::UnclosedFrontMatter
                | Defect::UnreadableFile
        )
    }
}

/// Every rule the expected JSON reports (zeros included).
const RULES: &[&str] = &[
    "unreadable-file",
    "missing-front-matter",
    "unclosed-front-matter",
    "yaml-syntax",
    "duplicate-key",
    "not-a-mapping",
    "schema",
    "invalid-date",
    "invalid-date-format",
    "url-mismatch",
    "file-name-mismatch",
    "path-mismatch",
    "title-mismatch",
    "seo-title-mismatch",
    "duplicate-id",
    "duplicate-url",
    "dangling-reference",
    "stale-reference",
    "duplicate-reference",
    "self-reference",
    "reference-numbering",
];

// ---------------------------------------------------------------- model

#[derive(Clone, Debug)]
enum Target {
    Art(usize),
    Fake { id: u64, title: String, subject: usize },
}

#[derive(Clone, Debug)]
enum Stale {
    Title(String),
    Subject(usize),
    Url(String),
}

#[derive(Clone, Debug)]
struct Rel {
    target: Target,
    stale: Option<Stale>,
}

#[derive(Clone, Debug, Default)]
struct Article {
    id: u64,
    date: String,
    title: String,
    subject: usize,
    concept: String,
    concept2: String,
    domain: String,
    na_answer: bool,
    no_index: bool,
    score: &'static str,
    size_target: usize,
    related: Vec<Rel>,
    defect: Option<Defect>,
    partner: bool,
    // overrides (None = consistent/derived value)
    date_format: Option<&'static str>,
    article_title: Option<String>,
    question: Option<String>,
    seo_title: Option<String>,
    url: Option<String>,
    folder: Option<String>,
    disk_name: Option<String>,
    file_name: Option<String>,
    missing: Option<&'static str>,
    unknown_key: Option<(&'static str, &'static str)>,
    numbering: Option<Vec<u32>>,
}

struct Model {
    arts: Vec<Article>,
}

/// What a file says (and where it is), exactly as rendered.
struct View {
    id: u64,
    id_quoted: bool,
    date: String,
    date_format: &'static str,
    title: String,
    article_title: String,
    question: String,
    seo_title: String,
    subject: &'static str,
    file_name: String,
    url: String,
    folder: String,
    disk_name: String,
    related: Vec<(u32, u64, String, &'static str, String)>,
}

fn derived_url(subject: usize, title: &str) -> String {
    format!("/learn/{}/questions/{}", slug(SUBJECTS[subject]), slug(title))
}

impl Model {
    fn url(&self, i: usize) -> String {
        let a = &self.arts[i];
        a.url.clone().unwrap_or_else(|| derived_url(a.subject, &a.title))
    }
    fn file_name(&self, i: usize) -> String {
        let a = &self.arts[i];
        a.file_name.clone().unwrap_or_else(|| format!("{}.md", slug(&a.title)))
    }
    fn folder(&self, i: usize) -> String {
        let a = &self.arts[i];
        a.folder.clone().unwrap_or_else(|| slug(SUBJECTS[a.subject]))
    }
    fn disk_name(&self, i: usize) -> String {
        self.arts[i].disk_name.clone().unwrap_or_else(|| self.file_name(i))
    }
    fn rel_path(&self, i: usize) -> String {
        format!("{}/{}", self.folder(i), self.disk_name(i))
    }
    fn parsed(&self, i: usize) -> bool {
        !self.arts[i].defect.is_some_and(|d| d.unparsed())
    }
    fn rel_values(&self, r: &Rel) -> (u64, String, &'static str, String) {
        let (id, mut title, mut subject, mut url) = match &r.target {
            Target::Art(j) => {
                let t = &self.arts[*j];
                (t.id, t.title.clone(), SUBJECTS[t.subject], self.url(*j))
            }
            Target::Fake { id, title, subject } => {
                (*id, title.clone(), SUBJECTS[*subject], derived_url(*subject, title))
            }
        };
        match &r.stale {
            None => {}
            Some(Stale::Title(t)) => title = t.clone(),
            Some(Stale::Subject(s)) => subject = SUBJECTS[*s],
            Some(Stale::Url(u)) => url = u.clone(),
        }
        (id, title, subject, url)
    }
    fn view(&self, i: usize) -> View {
        let a = &self.arts[i];
        let nums: Vec<u32> = a
            .numbering
            .clone()
            .unwrap_or_else(|| (1..=a.related.len() as u32).collect());
        View {
            id: a.id,
            id_quoted: a.defect == Some(Defect::SchemaQuotedId),
            date: a.date.clone(),
            date_format: a.date_format.unwrap_or(VALID_DATE_FORMAT),
            title: a.title.clone(),
            article_title: a.article_title.clone().unwrap_or_else(|| a.title.clone()),
            question: a.question.clone().unwrap_or_else(|| a.title.clone()),
            seo_title: a
                .seo_title
                .clone()
                .unwrap_or_else(|| format!("QuickTakes | {}", SUBJECTS[a.subject])),
            subject: SUBJECTS[a.subject],
            file_name: self.file_name(i),
            url: self.url(i),
            folder: self.folder(i),
            disk_name: self.disk_name(i),
            related: a
                .related
                .iter()
                .zip(nums)
                .map(|(r, n)| {
                    let (id, t, s, u) = self.rel_values(r);
                    (n, id, t, s, u)
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------- text

fn concept(rng: &mut Rng) -> String {
    let n = *rng.pick(NOUNS);
    if n.starts_with("the ") || rng.chance(0.45) {
        n.to_string()
    } else {
        format!("{} {}", rng.pick(ADJECTIVES), n)
    }
}

struct TitleParts {
    title: String,
    c: String,
    c2: String,
    d: String,
}

fn gen_title(rng: &mut Rng, subject: usize, na: bool) -> TitleParts {
    let tpl = *rng.pick(TITLE_TEMPLATES);
    let c = if na { rng.pick(NA_CONCEPTS).to_string() } else { concept(rng) };
    let mut c2 = concept(rng);
    if c2 == c {
        c2 = concept(rng);
    }
    let d = if rng.chance(0.3) {
        SUBJECTS[subject].to_lowercase()
    } else {
        rng.pick(DOMAINS).to_string()
    };
    let title = tpl.replace("{c2}", &c2).replace("{c}", &c).replace("{d}", &d);
    TitleParts { title: capitalize(&title), c, c2, d }
}

fn fill(rng: &mut Rng, tpl: &str, a: &Article) -> String {
    let mut s = tpl
        .replace("{C}", &capitalize(&a.concept))
        .replace("{c2}", &a.concept2)
        .replace("{c}", &a.concept)
        .replace("{D}", &title_case(&a.domain))
        .replace("{d}", &a.domain);
    if s.contains("{adj}") {
        s = s.replace("{adj}", *rng.pick(ADJECTIVES));
    }
    for k in ["{n1}", "{n2}", "{n3}"] {
        if s.contains(k) {
            s = s.replace(k, *rng.pick(NOUNS));
        }
    }
    s
}

fn gen_answer(rng: &mut Rng, a: &Article, target: usize) -> String {
    let mut out = String::with_capacity(target + 400);
    let mut na_left = if a.na_answer { 1 + rng.below(3) } else { 0 };
    let mut push_sentence = |rng: &mut Rng, out: &mut String| {
        if !out.is_empty() && !out.ends_with("\\n\\n") && !out.ends_with(": ") {
            out.push(' ');
        }
        if na_left > 0 && rng.chance(0.35) {
            na_left -= 1;
            out.push_str(*rng.pick(NA_SENTENCES));
        } else {
            let t = *rng.pick(SENTENCES);
            out.push_str(&fill(rng, t, a));
        }
    };
    for _ in 0..2 + rng.below(2) {
        push_sentence(rng, &mut out);
    }
    let mut item = 0;
    while out.len() < target {
        let r = rng.below(10);
        if r < 2 {
            out.push_str("\\n\\n");
            let h = *rng.pick(HEADINGS);
            out.push_str(&fill(rng, h, a));
            out.push_str("\\n\\n");
            item = 0;
            push_sentence(rng, &mut out);
        } else if r < 6 {
            item += 1;
            out.push_str("\\n\\n");
            let term = title_case(*rng.pick(NOUNS));
            let _ = write!(out, "{item}. **{term}**: ");
            push_sentence(rng, &mut out);
            if rng.chance(0.5) {
                push_sentence(rng, &mut out);
            }
        } else {
            if rng.chance(0.3) {
                out.push_str("\\n\\n");
            }
            push_sentence(rng, &mut out);
        }
    }
    while na_left > 0 {
        na_left -= 1;
        out.push(' ');
        out.push_str(*rng.pick(NA_SENTENCES));
    }
    out.push_str("\\n\\nOverall, ");
    out.push_str(&a.concept);
    out.push_str(" remains an important topic for anyone working in ");
    out.push_str(&a.domain);
    out.push('.');
    if a.na_answer {
        out = out.replace("'", "\u{2019}");
    }
    out
}

fn gen_description(rng: &mut Rng, a: &Article) -> String {
    format!(
        "{} is examined in relation to {}, {} and {}, highlighting its significance for {} and the {} factors that shape its use.",
        capitalize(&a.concept),
        a.concept2,
        rng.pick(NOUNS),
        rng.pick(NOUNS),
        a.domain,
        rng.pick(ADJECTIVES)
    )
}

fn gen_keywords(rng: &mut Rng, a: &Article) -> String {
    let mut kw = vec![a.concept.clone(), a.concept2.clone()];
    for _ in 0..6 + rng.below(8) {
        kw.push(rng.pick(NOUNS).to_string());
    }
    kw.push(a.domain.clone());
    kw.join(", ")
}

// ---------------------------------------------------------------- build

const UNKNOWN_KEYS: &[(&str, &str)] = &[
    ("draft", "false"),
    ("tags", "[study, review]"),
    ("category", "general"),
    ("reading_time", "5"),
    ("featured_image", "/images/placeholder.png"),
];

fn build(n: usize, seed: u64, defect_rate: f64) -> (Model, BTreeMap<Defect, u64>) {
    let mut rng = Rng::new(seed);
    // Zipf-ish subject weights so some subjects are much bigger than others.
    let sw: Vec<f64> = (0..SUBJECTS.len()).map(|k| 1.0 / (1.0 + k as f64 * 0.25)).collect();
    let swsum: f64 = sw.iter().sum();
    let pick_subject = |rng: &mut Rng| {
        let mut x = rng.unit() * swsum;
        for (k, w) in sw.iter().enumerate() {
            if x < *w {
                return k;
            }
            x -= w;
        }
        SUBJECTS.len() - 1
    };

    // --- base articles
    let mut arts: Vec<Article> = Vec::with_capacity(n);
    let mut slugs: HashSet<String> = HashSet::with_capacity(n * 2);
    let mut gap_ids: Vec<u64> = Vec::new();
    let mut next_id: u64 = 100_000;
    let start_day = 19_358i64; // 2023-01-01
    let span_days = 880i64;
    let mut fallback = 0u64;
    for i in 0..n {
        if rng.chance(0.25) {
            for _ in 0..1 + rng.below(3) {
                gap_ids.push(next_id);
                next_id += 1;
            }
        }
        let id = next_id;
        next_id += 1;
        let day = start_day + (i as i64 * span_days) / n.max(1) as i64 + rng.below(4) as i64;
        let (y, m, d) = civil_from_days(day);
        let subject = pick_subject(&mut rng);
        let na_title = rng.chance(0.03);
        let mut parts = gen_title(&mut rng, subject, na_title);
        let mut tries = 0;
        while slugs.contains(&slug(&parts.title)) {
            tries += 1;
            parts = gen_title(&mut rng, subject, na_title);
            if tries > 40 {
                fallback += 1;
                let base = parts.title.trim_end_matches('?').to_string();
                parts.title = format!("{base} (case {fallback})?");
            }
        }
        slugs.insert(slug(&parts.title));
        let size_target =
            1100 + (6500.0 * (rng.unit() + rng.unit() + rng.unit()) / 3.0) as usize;
        arts.push(Article {
            id,
            date: format!("{y:04}-{m:02}-{d:02}"),
            title: parts.title,
            subject,
            concept: parts.c,
            concept2: parts.c2,
            domain: parts.d,
            na_answer: !na_title && rng.chance(0.17),
            no_index: rng.chance(0.002),
            score: if rng.chance(0.9) { "-1.0" } else { *rng.pick(&["0.0", "0.25", "0.5", "0.75", "1.0"]) },
            size_target,
            ..Default::default()
        });
    }
    drop(slugs);

    // by-subject index for related choice
    let mut by_subject: Vec<Vec<usize>> = vec![Vec::new(); SUBJECTS.len()];
    for (i, a) in arts.iter().enumerate() {
        by_subject[a.subject].push(i);
    }

    // --- base related lists (clean: distinct targets, not self)
    if n >= 7 {
        for i in 0..n {
            let k = if rng.chance(0.27) {
                0
            } else {
                *rng.pick(&[1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5])
            };
            let mut chosen: Vec<usize> = Vec::with_capacity(k);
            let mut guard = 0;
            while chosen.len() < k && guard < 100 {
                guard += 1;
                let same = &by_subject[arts[i].subject];
                let j = if same.len() > 6 && rng.chance(0.6) { *rng.pick(same) } else { rng.below(n) };
                if j != i && !chosen.contains(&j) {
                    chosen.push(j);
                }
            }
            arts[i].related =
                chosen.into_iter().map(|j| Rel { target: Target::Art(j), stale: None }).collect();
        }
    }

    // --- choose defects (one per article at most; partners get none)
    let wsum: f64 = DEFECTS.iter().map(|(_, w)| w).sum();
    let mut tally: BTreeMap<Defect, u64> = BTreeMap::new();
    let mut pairs: Vec<(usize, usize, Defect)> = Vec::new(); // (defect article, partner, kind)
    if n >= 20 {
        for i in 0..n {
            if arts[i].partner || !rng.chance(defect_rate) {
                continue;
            }
            let mut x = rng.unit() * wsum;
            let mut d = DEFECTS[DEFECTS.len() - 1].0;
            for (dd, w) in DEFECTS {
                if x < *w {
                    d = *dd;
                    break;
                }
                x -= w;
            }
            if matches!(d, Defect::DuplicateId | Defect::DuplicateUrl) {
                let mut partner = None;
                for _ in 0..100 {
                    let j = rng.below(n);
                    if j != i && arts[j].defect.is_none() && !arts[j].partner {
                        if d == Defect::DuplicateId && by_subject.iter().filter(|s| !s.is_empty()).count() < 2 {
                            break;
                        }
                        partner = Some(j);
                        break;
                    }
                }
                let Some(j) = partner else { continue };
                arts[j].partner = true;
                pairs.push((i, j, d));
            }
            arts[i].defect = Some(d);
            *tally.entry(d).or_default() += 1;
        }
    }

    let mut m = Model { arts };
    let mut paths: HashSet<String> = (0..n).map(|i| m.rel_path(i)).collect();
    let free_name = |paths: &mut HashSet<String>, folder: &str, stem: &str| -> String {
        for k in 2.. {
            let name = format!("{stem}-{k}.md");
            if paths.insert(format!("{folder}/{name}")) {
                return name;
            }
        }
        unreachable!()
    };

    // --- article-level defects
    for i in 0..n {
        let Some(d) = m.arts[i].defect else { continue };
        let subj = m.arts[i].subject;
        let other_subject = |rng: &mut Rng| loop {
            let s = rng.below(SUBJECTS.len());
            if s != subj {
                return s;
            }
        };
        match d {
            Defect::InvalidDate => {
                let y = &m.arts[i].date[..4];
                let bad = match rng.below(6) {
                    0 => format!("{y}-02-30"),
                    1 => format!("{y}-13-01"),
                    2 => format!("{y}-04-31"),
                    3 => format!("{y}-00-10"),
                    4 => format!("{y}-06-31"),
                    _ => "2023-02-29".to_string(),
                };
                m.arts[i].date = bad;
            }
            Defect::InvalidDateFormat => {
                m.arts[i].date_format = Some(*rng.pick(INVALID_DATE_FORMATS));
            }
            Defect::UrlMismatch => {
                // The url keeps a valid shape (the schema has a pattern for
                // it), and folder/file_name stay equal to its segments, so
                // only url-mismatch fires.
                let (old_url, old_fn) = (m.url(i), m.file_name(i));
                if rng.chance(0.5) {
                    // subject changed; url and folder still name the old one
                    m.arts[i].folder = Some(slug(SUBJECTS[subj]));
                    m.arts[i].subject = other_subject(&mut rng);
                } else {
                    // title edited; url, file_name and file keep the old slug
                    let new = loop {
                        let t = gen_title(&mut rng, subj, false);
                        if slug(&t.title) != slug(&m.arts[i].title) {
                            break t;
                        }
                    };
                    m.arts[i].title = new.title;
                    m.arts[i].concept = new.c;
                    m.arts[i].file_name = Some(old_fn);
                }
                m.arts[i].url = Some(old_url);
            }
            Defect::FileNameMismatch => {
                let (folder, stem) = (m.folder(i), slug(&m.arts[i].title));
                paths.remove(&m.rel_path(i));
                m.arts[i].disk_name = Some(free_name(&mut paths, &folder, &stem));
            }
            Defect::PathMismatch => {
                let old = m.rel_path(i);
                let disk = m.disk_name(i);
                loop {
                    let f = slug(SUBJECTS[other_subject(&mut rng)]);
                    if paths.insert(format!("{f}/{disk}")) {
                        m.arts[i].folder = Some(f);
                        break;
                    }
                }
                paths.remove(&old);
            }
            Defect::TitleMismatch => {
                let t = &m.arts[i].title;
                let variant = match t.strip_suffix('?') {
                    Some(s) => s.to_string(),
                    None => format!("{t}?"),
                };
                if rng.chance(0.5) {
                    m.arts[i].article_title = Some(variant);
                } else {
                    m.arts[i].question = Some(variant);
                }
            }
            Defect::SeoTitleMismatch => {
                let s = SUBJECTS[subj];
                m.arts[i].seo_title = Some(match rng.below(3) {
                    0 => format!("QuickTakes | {}", SUBJECTS[other_subject(&mut rng)]),
                    1 => format!("QuickTakes - {s}"),
                    _ => format!("Quicktakes | {s}"),
                });
            }
            Defect::SchemaMissingField => {
                m.arts[i].missing = Some(*rng.pick(&["author", "page_keywords", "post_on_text"]));
            }
            Defect::SchemaUnknownKey => {
                m.arts[i].unknown_key = Some(*rng.pick(UNKNOWN_KEYS));
            }
            Defect::DuplicateId | Defect::DuplicateUrl => {
                let &(_, j, _) = pairs.iter().find(|p| p.0 == i).unwrap();
                let old = m.rel_path(i);
                if d == Defect::DuplicateId {
                    // The same article copied into another subject: same id and
                    // title, different subject/folder/url.
                    m.arts[i].title = m.arts[j].title.clone();
                    m.arts[i].concept = m.arts[j].concept.clone();
                    let disk = m.file_name(i);
                    let mut s = m.arts[i].subject;
                    let mut guard = 0;
                    while s == m.arts[j].subject
                        || !paths.insert(format!("{}/{}", slug(SUBJECTS[s]), disk))
                    {
                        s = rng.below(SUBJECTS.len());
                        guard += 1;
                        assert!(guard < 10_000, "no free folder for duplicate-id copy");
                    }
                    m.arts[i].subject = s;
                    m.arts[i].id = m.arts[j].id;
                } else {
                    // Same subject, a title with the same slug (punctuation
                    // differs) => same url; stored on disk as <slug>-N.md.
                    let t = &m.arts[j].title;
                    m.arts[i].title = match t.strip_suffix('?') {
                        Some(s) => s.to_string(),
                        None => format!("{t}?"),
                    };
                    m.arts[i].subject = m.arts[j].subject;
                    m.arts[i].concept = m.arts[j].concept.clone();
                    let folder = m.folder(j);
                    let stem = slug(&m.arts[j].title);
                    m.arts[i].disk_name = Some(free_name(&mut paths, &folder, &stem));
                }
                paths.remove(&old);
            }
            _ => {}
        }
    }

    // --- sanitize related lists now that ids/urls/kinds are final
    let indexable = |m: &Model, j: usize| m.parsed(j) && m.arts[j].defect != Some(Defect::SchemaQuotedId);
    let safe = |m: &Model, j: usize| {
        indexable(m, j)
            && !m.arts[j].partner
            && !matches!(m.arts[j].defect, Some(Defect::DuplicateId | Defect::DuplicateUrl))
    };
    let urls: Vec<String> = (0..n).map(|i| m.url(i)).collect();
    let pick_safe = |m: &Model, rng: &mut Rng, i: usize, taken: &[u64]| -> Option<usize> {
        for _ in 0..1000 {
            let j = rng.below(n);
            if j != i
                && safe(m, j)
                && m.arts[j].id != m.arts[i].id
                && urls[j] != urls[i]
                && !taken.contains(&m.arts[j].id)
            {
                return Some(j);
            }
        }
        None
    };
    for i in 0..n {
        let mut seen: Vec<u64> = Vec::new();
        let rel = std::mem::take(&mut m.arts[i].related);
        let mut out = Vec::with_capacity(rel.len());
        for r in rel {
            let Target::Art(j) = r.target else { unreachable!() };
            let ok = indexable(&m, j)
                && m.arts[j].id != m.arts[i].id
                && urls[j] != urls[i]
                && !seen.contains(&m.arts[j].id);
            let j = if ok { Some(j) } else { pick_safe(&m, &mut rng, i, &seen) };
            if let Some(j) = j {
                seen.push(m.arts[j].id);
                out.push(Rel { target: Target::Art(j), stale: None });
            }
        }
        m.arts[i].related = out;
    }

    // --- reference defects (lists are clean at this point)
    let mut gap_iter = gap_ids.into_iter();
    let mut extra_fake = next_id + 1_000_000;
    for i in 0..n {
        let Some(d) = m.arts[i].defect else { continue };
        let ids = |m: &Model, i: usize| -> Vec<u64> {
            m.arts[i]
                .related
                .iter()
                .map(|r| match &r.target {
                    Target::Art(j) => m.arts[*j].id,
                    Target::Fake { id, .. } => *id,
                })
                .collect()
        };
        let add_safe = |m: &mut Model, rng: &mut Rng, i: usize| {
            let taken = ids(m, i);
            if let Some(j) = pick_safe(m, rng, i, &taken) {
                let pos = rng.below(m.arts[i].related.len() + 1);
                m.arts[i].related.insert(pos, Rel { target: Target::Art(j), stale: None });
            }
        };
        let make_room = |m: &mut Model, rng: &mut Rng, i: usize, max: usize| {
            while m.arts[i].related.len() > max {
                let k = rng.below(m.arts[i].related.len());
                m.arts[i].related.remove(k);
            }
        };
        match d {
            Defect::SelfReference => {
                make_room(&mut m, &mut rng, i, 4);
                let pos = rng.below(m.arts[i].related.len() + 1);
                m.arts[i].related.insert(pos, Rel { target: Target::Art(i), stale: None });
            }
            Defect::DuplicateReference => {
                make_room(&mut m, &mut rng, i, 4);
                if m.arts[i].related.is_empty() {
                    add_safe(&mut m, &mut rng, i);
                }
                let len = m.arts[i].related.len();
                let e = rng.below(len);
                let copy = m.arts[i].related[e].clone();
                let pos = e + 1 + rng.below(len - e);
                m.arts[i].related.insert(pos, copy);
            }
            Defect::ReferenceNumbering => {
                make_room(&mut m, &mut rng, i, 4);
                if m.arts[i].related.is_empty() {
                    add_safe(&mut m, &mut rng, i);
                }
                let len = m.arts[i].related.len() as u32;
                let nums: Vec<u32> = if rng.chance(0.5) {
                    (1..=len).map(|k| if k == len { len + 1 } else { k }).collect()
                } else {
                    (2..=len + 1).collect()
                };
                m.arts[i].numbering = Some(nums);
            }
            Defect::DanglingReference => {
                make_room(&mut m, &mut rng, i, 4);
                let id = gap_iter.next().unwrap_or_else(|| {
                    extra_fake += 1;
                    extra_fake
                });
                let subject = rng.below(SUBJECTS.len());
                let title = gen_title(&mut rng, subject, false).title;
                let pos = rng.below(m.arts[i].related.len() + 1);
                m.arts[i].related.insert(pos, Rel { target: Target::Fake { id, title, subject }, stale: None });
            }
            Defect::StaleReference => {
                if m.arts[i].related.is_empty() {
                    add_safe(&mut m, &mut rng, i);
                }
                let len = m.arts[i].related.len();
                if len == 0 {
                    continue;
                }
                let e = rng.below(len);
                let Target::Art(mut j) = m.arts[i].related[e].target else { unreachable!() };
                if !safe(&m, j) {
                    let mut taken = ids(&m, i);
                    taken.remove(e);
                    match pick_safe(&m, &mut rng, i, &taken) {
                        Some(k) => j = k,
                        None => continue,
                    }
                }
                let t = &m.arts[j];
                let t_url = m.url(j);
                // another subject; its url must also differ from the target's
                // (a url-mismatch target's url may name a former subject)
                let other = loop {
                    let s = rng.below(SUBJECTS.len());
                    if s != t.subject && derived_url(s, &t.title) != t_url {
                        break s;
                    }
                };
                let stale = match rng.below(3) {
                    0 => {
                        let mut old = gen_title(&mut rng, t.subject, false).title;
                        if old == t.title {
                            old.push_str(" (draft)");
                        }
                        Stale::Title(old)
                    }
                    1 => Stale::Subject(other),
                    _ => Stale::Url(derived_url(other, &t.title)),
                };
                m.arts[i].related[e] = Rel { target: Target::Art(j), stale: Some(stale) };
            }
            _ => {}
        }
    }
    assert_eq!(paths.len(), n, "path collision");
    (m, tally)
}

// ---------------------------------------------------------------- evaluate

/// Count the diagnostics fmlint must report, by evaluating the rules on the
/// final model (exactly what is rendered).
fn evaluate(m: &Model) -> BTreeMap<&'static str, u64> {
    let n = m.arts.len();
    let mut c: BTreeMap<&'static str, u64> = RULES.iter().map(|r| (*r, 0)).collect();
    let bump = |c: &mut BTreeMap<&'static str, u64>, r: &'static str, k: u64| {
        *c.get_mut(r).expect("unknown rule") += k;
    };
    let views: Vec<Option<View>> =
        (0..n).map(|i| if m.parsed(i) { Some(m.view(i)) } else { None }).collect();
    let mut by_id: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut by_url: HashMap<&str, u64> = HashMap::new();
    for (i, v) in views.iter().enumerate() {
        let Some(v) = v else {
            let r = match m.arts[i].defect.unwrap() {
                Defect::YamlSyntax => "yaml-syntax",
                Defect::MissingFrontMatter => "missing-front-matter",
                Defect::UnclosedFrontMatter => "unclosed-front-matter",
                Defect::UnreadableFile => "unreadable-file",
                _ => unreachable!(),
            };
            bump(&mut c, r, 1);
            continue;
        };
        let a = &m.arts[i];
        if a.defect == Some(Defect::DuplicateKey) {
            bump(&mut c, "duplicate-key", 1);
        }
        let schema = a.missing.is_some() as u64 + a.unknown_key.is_some() as u64 + v.id_quoted as u64;
        bump(&mut c, "schema", schema);
        bump(&mut c, "invalid-date", !valid_date(&v.date) as u64);
        bump(&mut c, "invalid-date-format", (v.date_format != VALID_DATE_FORMAT) as u64);
        let expected_url = derived_url(a.subject, &v.title);
        bump(&mut c, "url-mismatch", (v.url != expected_url) as u64);
        let segs: Vec<&str> = v.url.split('/').filter(|s| !s.is_empty()).collect();
        let last = format!("{}.md", segs.last().copied().unwrap_or(""));
        bump(&mut c, "file-name-mismatch", (v.file_name != v.disk_name || v.file_name != last) as u64);
        bump(&mut c, "path-mismatch", (segs.get(1).copied() != Some(v.folder.as_str())) as u64);
        bump(
            &mut c,
            "title-mismatch",
            (v.article_title != v.title) as u64 + (v.question != v.title) as u64,
        );
        bump(&mut c, "seo-title-mismatch", (v.seo_title != format!("QuickTakes | {}", v.subject)) as u64);
        if !v.id_quoted {
            by_id.entry(v.id).or_default().push(i);
        }
        *by_url.entry(v.url.as_str()).or_default() += 1;
    }
    for holders in by_id.values() {
        if holders.len() > 1 {
            bump(&mut c, "duplicate-id", holders.len() as u64);
        }
    }
    for k in by_url.values() {
        if *k > 1 {
            bump(&mut c, "duplicate-url", *k);
        }
    }
    for v in views.iter().flatten() {
        let nums: Vec<u32> = v.related.iter().map(|r| r.0).collect();
        let want: Vec<u32> = (1..=nums.len() as u32).collect();
        bump(&mut c, "reference-numbering", (nums != want) as u64);
        let mut seen = HashSet::new();
        for (_, id, title, subject, url) in &v.related {
            if (!v.id_quoted && *id == v.id) || *url == v.url {
                bump(&mut c, "self-reference", 1);
            }
            if !seen.insert(*id) {
                bump(&mut c, "duplicate-reference", 1);
            }
            match by_id.get(id) {
                None => bump(&mut c, "dangling-reference", 1),
                Some(holders) => {
                    let diffs: Vec<u64> = holders
                        .iter()
                        .map(|h| {
                            let t = views[*h].as_ref().unwrap();
                            (t.title != *title) as u64 + (t.subject != *subject) as u64 + (t.url != *url) as u64
                        })
                        .collect();
                    if !diffs.contains(&0) {
                        assert_eq!(holders.len(), 1, "stale entry to a duplicated id (ambiguous count)");
                        bump(&mut c, "stale-reference", diffs[0]);
                    }
                }
            }
        }
    }
    c
}

// ---------------------------------------------------------------- render

fn folded(out: &mut String, key: &str, indent: usize, text: &str) {
    // as in the real files: content at the next multiple of 4 columns
    // (top level: 4, `seo:` children: 4, related entries: 8)
    let pad = " ".repeat(indent);
    let cpad = " ".repeat((indent / 4 + 1) * 4);
    let _ = write!(out, "{pad}{key}: >-\n{cpad}{text}\n");
}

fn render(m: &Model, i: usize, seed: u64) -> Vec<u8> {
    let a = &m.arts[i];
    let v = m.view(i);
    let mut rng = Rng::new(seed ^ (i as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let desc = gen_description(&mut rng, a);
    let kw = gen_keywords(&mut rng, a);

    let mut head = String::with_capacity(2048);
    head.push_str("_schema: default\n");
    if v.id_quoted {
        let _ = writeln!(head, "id: \"{}\"", v.id);
    } else {
        let _ = writeln!(head, "id: {}", v.id);
    }
    let _ = writeln!(head, "date: {}", v.date);
    if a.defect == Some(Defect::YamlSyntax) {
        let _ = writeln!(head, "title: \"{}", v.title);
    } else {
        folded(&mut head, "title", 0, &v.title);
    }
    folded(&mut head, "article_title", 0, &v.article_title);
    let _ = writeln!(head, "date_format: {}", v.date_format);
    if a.missing != Some("post_on_text") {
        head.push_str("post_on_text: Posted on\n");
    }
    head.push_str("seo:\n");
    let _ = writeln!(head, "  title: {}", v.seo_title);
    folded(&mut head, "page_description", 2, &desc);
    if a.missing != Some("page_keywords") {
        folded(&mut head, "page_keywords", 2, &kw);
    }
    if a.missing != Some("author") {
        head.push_str("author: QuickTakes\n");
        if a.defect == Some(Defect::DuplicateKey) {
            head.push_str("author: QuickTakes\n");
        }
    }
    folded(&mut head, "question", 0, &v.question);
    if a.no_index {
        head.push_str("no_index: true\n");
    }

    let mut tail = String::with_capacity(2048);
    let _ = writeln!(tail, "subject: {}", v.subject);
    let _ = writeln!(tail, "file_name: {}", v.file_name);
    let _ = writeln!(tail, "url: {}", v.url);
    let _ = writeln!(tail, "score: {}", a.score);
    if let Some((k, val)) = a.unknown_key {
        let _ = writeln!(tail, "{k}: {val}");
    }
    for (num, id, title, subject, url) in &v.related {
        let _ = writeln!(tail, "related_article{num}:");
        let _ = writeln!(tail, "    id: {id}");
        folded(&mut tail, "title", 4, title);
        let _ = writeln!(tail, "    subject: {subject}");
        let _ = writeln!(tail, "    url: {url}");
    }

    let overhead = head.len() + tail.len() + 40;
    let budget = a.size_target.saturating_sub(overhead).max(300);
    let answer = gen_answer(&mut rng, a, budget);

    let mut yaml = head;
    folded(&mut yaml, "answer", 0, &answer);
    yaml.push_str(&tail);
    if a.defect == Some(Defect::YamlSyntax) {
        // keep the quoted title unclosed until the end of the header
        let cut = yaml.find("title: \"").unwrap() + 8;
        let rest = yaml[cut..].replace('"', "'");
        yaml.truncate(cut);
        yaml.push_str(&rest);
    }

    let text = match a.defect {
        Some(Defect::MissingFrontMatter) => format!("{yaml}\n&nbsp;\n"),
        Some(Defect::UnclosedFrontMatter) => format!("---\n{yaml}\n&nbsp;\n"),
        _ => format!("---\n{yaml}---\n\n&nbsp;\n"),
    };
    let mut bytes = text.into_bytes();
    if a.defect == Some(Defect::UnreadableFile) {
        // invalid UTF-8 at the start of the answer
        let at = bytes.windows(15).position(|w| w == b"answer: >-\n    ").unwrap() + 15;
        bytes.splice(at..at, [0xFFu8, 0xFE]);
    }
    bytes
}

// ---------------------------------------------------------------- main

fn json_map<K: std::fmt::Display>(m: impl Iterator<Item = (K, u64)>) -> String {
    let parts: Vec<String> = m.map(|(k, v)| format!("\"{k}\": {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

fn main() {
    let cli = Cli::parse();
    if !(0.0..=1.0).contains(&cli.defect_rate) {
        eprintln!("gen-corpus: --defect-rate must be within 0..=1");
        std::process::exit(2);
    }
    let learn = cli.out.join("content").join("learn");
    if learn.exists() && !cli.dry_run {
        if cli.clean {
            std::fs::remove_dir_all(&learn).unwrap_or_else(|e| die(&learn, e));
            let _ = std::fs::remove_file(cli.out.join("expected.json"));
        } else if std::fs::read_dir(&learn).map(|mut d| d.next().is_some()).unwrap_or(false) {
            eprintln!("gen-corpus: {} is not empty (use --clean to replace it)", learn.display());
            std::process::exit(2);
        }
    }

    let (model, tally) = build(cli.articles, cli.seed, cli.defect_rate);
    let expected = evaluate(&model);

    // self-check: the evaluation must equal what the injected defects intend
    let mut intended: BTreeMap<&str, u64> = RULES.iter().map(|r| (*r, 0)).collect();
    for (d, k) in &tally {
        for (r, c) in d.intended() {
            *intended.get_mut(r).unwrap() += c * k;
        }
    }
    if intended != expected {
        eprintln!("gen-corpus: internal error: evaluated counts differ from intended counts");
        for r in RULES {
            if intended[r] != expected[r] {
                eprintln!("  {r}: intended {} evaluated {}", intended[r], expected[r]);
            }
        }
        std::process::exit(3);
    }

    for s in SUBJECTS.iter().filter(|_| !cli.dry_run) {
        let d = learn.join(slug(s));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| die(&d, e));
    }
    let threads = cli
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
        .max(1);
    let n = model.arts.len();
    let bytes: u64 = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let (model, learn) = (&model, &learn);
                sc.spawn(move || {
                    let mut total = 0u64;
                    for i in (t..n).step_by(threads) {
                        let data = render(model, i, cli.seed);
                        if !cli.dry_run {
                            let p = learn.join(model.rel_path(i));
                            std::fs::write(&p, &data).unwrap_or_else(|e| die(&p, e));
                        }
                        total += data.len() as u64;
                    }
                    total
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });

    let json = format!(
        "{{\"articles\": {}, \"files\": {}, \"bytes\": {}, \"seed\": {}, \"defect_rate\": {}, \"expected\": {}, \"injected\": {}}}\n",
        n,
        n,
        bytes,
        cli.seed,
        cli.defect_rate,
        json_map(expected.iter().map(|(k, v)| (*k, *v))),
        json_map(tally.iter().map(|(d, v)| (d.name(), *v))),
    );
    if !cli.dry_run {
        let ej = cli.out.join("expected.json");
        std::fs::write(&ej, &json).unwrap_or_else(|e| die(&ej, e));
    }
    print!("{json}");
}

fn die(p: &Path, e: std::io::Error) -> ! {
    eprintln!("gen-corpus: {}: {e}", p.display());
    std::process::exit(1);
}
