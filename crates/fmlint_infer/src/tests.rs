//! The inference on small corpora given as text: each kind of rule is
//! found when it holds and not when it does not.

use crate::fields::FieldRules;
use crate::inference::{from_survey, Inference};
use crate::survey::Survey;

fn corpus(files: &[(&str, String)]) -> Inference {
    let mut survey = Survey::default();
    for (path, text) in files {
        survey.add_text(path, text);
    }
    from_survey(&survey)
}

fn rule<'r>(fields: &'r FieldRules, name: &str) -> &'r crate::fields::FieldRule {
    let i = fields.names.iter().position(|n| n == name).unwrap();
    &fields.rules[i]
}

/// `n` pages under `docs/<section>/<slug>.md`, each naming the next one.
fn pages(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let section = ["guides", "reference"][i % 2];
            let slug = format!("page-{i}");
            let text = format!(
                "---\nid: {}\ntitle: Page {i}\nslug: {slug}\nkind: {}\nupdated: 2024-03-{:02}\npath: /{section}/{slug}\nrelated1:\n  id: {}\n  title: Page {}\n---\n",
                100 + i,
                ["how-to", "concept"][i % 2],
                i % 28 + 1,
                100 + (i + 1) % n,
                (i + 1) % n,
            );
            (format!("docs/{section}/{slug}.md"), text)
        })
        .collect()
}

fn infer_pages(n: usize, edit: impl Fn(usize, String) -> String) -> Inference {
    let files: Vec<(String, String)> = pages(n)
        .into_iter()
        .enumerate()
        .map(|(i, (p, t))| (p, edit(i, t)))
        .collect();
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    corpus(&refs)
}

#[test]
fn types_required_dates_enums_and_unique_fields() {
    let inferred = infer_pages(40, |_, t| t);
    let fields = &inferred.fields;
    assert_eq!(rule(fields, "id").types, ["integer"]);
    assert!(rule(fields, "id").required && rule(fields, "id").unique);
    assert_eq!(rule(fields, "updated").date, Some("%Y-%m-%d"));
    assert!(!rule(fields, "updated").unique, "dates are not ids");
    assert_eq!(rule(fields, "kind").values, ["concept", "how-to"]);
    assert!(rule(fields, "slug").unique);
    assert!(
        !rule(fields, "title").unique,
        "text with spaces is not an id"
    );
    assert_eq!(inferred.survey.folder, "docs");
}

#[test]
fn a_field_present_in_too_few_files_is_not_required() {
    let inferred = infer_pages(40, |i, t| {
        if i < 3 {
            t.replace("kind: ", "kind_: ")
        } else {
            t
        }
    });
    assert!(!rule(&inferred.fields, "kind").required, "37 of 40 < 95 %");
    assert!(rule(&inferred.fields, "id").required);
}

#[test]
fn templates_of_the_path_and_of_other_fields() {
    let inferred = infer_pages(40, |_, t| t);
    let templates: Vec<(&str, &str)> = inferred
        .templates
        .iter()
        .map(|t| (t.field.as_str(), t.template.as_str()))
        .collect();
    assert!(
        templates.contains(&("slug", "{path.stem}")),
        "{templates:?}"
    );
    assert!(
        templates.contains(&("path", "/{path.parent}/{path.stem}")),
        "{templates:?}"
    );
}

#[test]
fn a_template_broken_in_more_than_5_percent_of_files_is_not_inferred() {
    let inferred = infer_pages(40, |i, t| {
        if i % 10 == 0 {
            t.replace("slug: page-", "slug: other-")
        } else {
            t
        }
    });
    assert!(
        inferred.templates.iter().all(|t| t.field != "slug"),
        "{:?}",
        inferred.templates
    );
}

#[test]
fn numbered_maps_refer_to_the_id_and_mirror_the_title() {
    let inferred = infer_pages(40, |i, t| {
        // One dangling reference and one stale title.
        match i {
            5 => t.replace("  id: 106", "  id: 999"),
            7 => t.replace("  title: Page 8", "  title: Old page"),
            _ => t,
        }
    });
    let references = &inferred.references;
    assert_eq!(references.id.as_deref(), Some("id"));
    assert_eq!(references.references.len(), 1, "{references:?}");
    let reference = &references.references[0];
    assert_eq!(reference.field, "related*.id");
    assert_eq!(
        reference.mirror,
        [("title".to_string(), "title".to_string())]
    );
    let finding = &references.findings[0];
    assert_eq!((finding.holds, finding.of), (39, 40));
}

#[test]
fn values_unrelated_to_any_unique_field_are_no_references() {
    let inferred = infer_pages(40, |i, t| {
        t.replace(
            &format!("  id: {}", 100 + (i + 1) % 40),
            &format!("  id: {}", 5000 + i),
        )
    });
    assert!(inferred.references.references.is_empty());
    assert_eq!(inferred.references.id, None);
}

/// A blog: posts name their author by the `id` only the author pages
/// hold.
#[test]
fn a_field_few_files_hold_can_be_what_references_name() {
    let mut files: Vec<(String, String)> = (0..6)
        .map(|a| {
            (
                format!("content/authors/author-{a}.md"),
                format!("---\nid: author-{a}\nname: Author {a}\n---\n"),
            )
        })
        .collect();
    files.extend((0..30).map(|p| {
        (
            format!("content/posts/post-{p}.md"),
            format!("---\ntitle: Post {p}\nauthors: [author-{}]\n---\n", p % 6),
        )
    }));
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let inferred = corpus(&refs);
    assert!(!rule(&inferred.fields, "id").unique, "6 of 36 files");
    assert_eq!(inferred.references.id.as_deref(), Some("id"));
    assert_eq!(inferred.references.references[0].field, "authors");
    let output = crate::render::render(&inferred, "schemas/inferred.schema.json");
    assert!(
        output.config.contains("unique = [\"id\"]"),
        "{}",
        output.config
    );
}

/// MDN-style pages: the folder is the slug, lower-cased.
#[test]
fn the_folder_as_a_template_of_a_field() {
    let files: Vec<(String, String)> = (0..20)
        .map(|i| {
            let slug = format!("Web/API/Thing{i}");
            (
                format!("files/en-us/{}/index.md", slug.to_lowercase()),
                format!("---\ntitle: Thing {i}\nslug: {slug}\n---\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let inferred = corpus(&refs);
    let dir = inferred.dir.as_ref().expect("a folder template");
    assert_eq!(dir.template, "files/en-us/{slug|lower}");
    let output = crate::render::render(&inferred, "schemas/inferred.schema.json");
    assert!(
        output
            .config
            .contains("[collections.path]\ndir = \"files/en-us/{slug|lower}\""),
        "{}",
        output.config
    );
}

/// A README among the pages is excluded by name, not reported.
#[test]
fn files_without_front_matter_among_the_pages_are_excluded() {
    let mut files = pages(10);
    files.push(("docs/README.md".into(), "# About these docs\n".into()));
    files.push(("README.md".into(), "# The repository\n".into()));
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let inferred = corpus(&refs);
    let output = crate::render::render(&inferred, "schemas/inferred.schema.json");
    assert!(
        output
            .config
            .contains("include = [\"docs/**/*.md\"]\n# Files without front matter among the pages.\nexclude = [\"docs/README.md\"]\n"),
        "{}",
        output.config
    );
}

/// Distinct numbers are unique only when named like ids.
#[test]
fn distinct_weights_are_not_unique_but_ids_are() {
    let inferred = infer_pages(20, |i, t| {
        format!("{}weight: {}\n---\n", t.trim_end_matches("---\n"), i * 10)
    });
    assert!(rule(&inferred.fields, "weight").distinct);
    assert!(!rule(&inferred.fields, "weight").unique);
    assert!(rule(&inferred.fields, "id").unique);
}

/// Hugo's TOML (`+++`) and JSON headers are surveyed like YAML ones: a
/// site whose pages mix them is inferred from all of its pages.
#[test]
fn toml_and_json_headers_are_surveyed_too() {
    let text = |i: usize| match i % 3 {
        0 => format!("---\ntitle: Page {i}\nslug: page-{i}\n---\n"),
        1 => format!("+++\ntitle = \"Page {i}\"\nslug = \"page-{i}\"\n+++\n"),
        _ => format!("{{\n\"title\": \"Page {i}\",\n\"slug\": \"page-{i}\"\n}}\n"),
    };
    let files: Vec<(String, String)> = (0..30)
        .map(|i| (format!("content/p{i}.md"), text(i)))
        .collect();
    let mut survey = Survey::default();
    for (path, text) in &files {
        survey.add_text(path, text);
    }
    assert_eq!((survey.files, survey.left_out), (30, 0));
    let inferred = from_survey(&survey);
    assert!(rule(&inferred.fields, "slug").required);
    assert!(rule(&inferred.fields, "slug").unique);
}

/// A folder rule that holds for the files in folders but not for the
/// pages at the top (a Jekyll site: `_posts/` for `layout: post`, and
/// `about.md` with `layout: page`) is not inferred: it would report them.
#[test]
fn a_folder_rule_counts_the_files_at_the_top() {
    let mut files: Vec<(String, String)> = (0..19)
        .map(|i| {
            let layout = ["post", "draft"][i % 2];
            let text = format!("---\nlayout: {layout}\ntitle: Post {i}\n---\n");
            (format!("_{layout}s/2024-01-{:02}-post-{i}.md", i + 1), text)
        })
        .collect();
    let in_folders = corpus(
        &files
            .iter()
            .map(|(p, t)| (p.as_str(), t.clone()))
            .collect::<Vec<_>>(),
    );
    assert!(in_folders.dir.is_some(), "the rule holds for posts alone");
    files.push((
        "about.md".into(),
        "---\nlayout: page\ntitle: About\n---\n".into(),
    ));
    files.push((
        "index.md".into(),
        "---\nlayout: home\ntitle: Home\n---\n".into(),
    ));
    let with_pages = corpus(
        &files
            .iter()
            .map(|(p, t)| (p.as_str(), t.clone()))
            .collect::<Vec<_>>(),
    );
    assert!(with_pages.dir.is_none());
}
