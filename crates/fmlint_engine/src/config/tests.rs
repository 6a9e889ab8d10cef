//! The config loader and compiler on small configs.

use super::errors::line_col;
use super::*;

#[test]
fn the_builtin_preset_parses() {
    Config::parse(preset::QUICKTAKES_TOML).unwrap();
}

fn errors_of(text: &str) -> Vec<(usize, usize, String)> {
    let loaded = match Config::parse(text) {
        Ok(config) => Loaded {
            path: Some(PathBuf::from("fmlint.toml")),
            text: text.into(),
            config,
            shape_errors: Vec::new(),
        },
        Err(e) => {
            let (line, col) = line_col(text, e.span().unwrap().start);
            return vec![(line, col, e.message().to_string())];
        }
    };
    let Err(error) = loaded.compile(&[], &[]) else {
        return Vec::new();
    };
    let error = error.downcast::<ConfigError>().unwrap();
    error
        .positions()
        .into_iter()
        .map(|(l, c, m)| (l, c, m.to_string()))
        .collect()
}

#[test]
fn validation_errors_have_positions() {
    let text = "[rules]\nurl-mismatc = \"off\"\n\n[[collections]]\nname = \"a\"\ninclude = [\"a/[\"]\n[collections.templates]\nslug = \"{title|nope}\"\n";
    let found = errors_of(text);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (2, 1));
    assert!(found[0].2.contains("url-mismatc"));
    assert_eq!((found[1].0, found[1].1), (6, 12));
    assert_eq!((found[2].0, found[2].1), (8, 8));
}

#[test]
fn the_builtin_preset_compiles_to_one_collection_of_seven_checks() {
    let settings = super::quicktakes().unwrap();
    let [articles] = settings.collections.as_slice() else {
        panic!("one collection expected");
    };
    assert_eq!(articles.name, "articles");
    assert_eq!(articles.checks.len(), 7);
    assert_eq!(articles.references.len(), 1);
    assert!(articles.schema.is_some());
}

#[test]
fn reference_numbers() {
    let settings = super::quicktakes().unwrap();
    let refs = &settings.collections[0].references[0];
    assert_eq!(refs.number("related_article12"), Some(12));
    assert_eq!(refs.number("related_article"), None);
    assert_eq!(refs.number("related_article01"), None);
    assert_eq!(refs.number("related_articles"), None);
}
