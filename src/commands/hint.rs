//! The note printed when no `fmlint.toml` was found and most files fail
//! the built-in QuickTakes preset the same way: the corpus is of another
//! kind, and `fmlint init` can describe it.

use std::collections::HashMap;

use fmlint_engine::check::CheckResult;

/// Fewer files than this say nothing about the corpus's kind.
const MIN_FILES: usize = 5;

/// The share of files that must fail the same way.
const SHARE: f64 = 0.8;

/// At most this many of the shared failures are named.
const NAMED: usize = 3;

/// The note, when at least [`SHARE`] of the (at least [`MIN_FILES`])
/// reported files have the same schema finding.
pub fn embedded_preset_note(result: &CheckResult) -> Option<String> {
    let files = result.files.len();
    if files < MIN_FILES {
        return None;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for file in &result.files {
        let mut ways: Vec<String> = file
            .diagnostics
            .iter()
            .filter(|d| d.rule == "schema")
            .flat_map(|d| ways_of_failing(&d.message))
            .collect();
        ways.sort_unstable();
        ways.dedup();
        for way in ways {
            *counts.entry(way).or_default() += 1;
        }
    }
    let mut shared: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(_, n)| *n as f64 >= SHARE * files as f64)
        .collect();
    if shared.is_empty() {
        return None;
    }
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let most = shared[0].1;
    let mut named: Vec<&str> = shared.iter().take(NAMED).map(|(m, _)| m.as_str()).collect();
    if shared.len() > NAMED {
        named.push("…");
    }
    Some(format!(
        "fmlint: note: no fmlint.toml was found, so the built-in QuickTakes preset is in force, \
         and {most} of {files} files fail it the same way ({}).\n\
         fmlint: note: describe this corpus with `fmlint init --infer`, or start from a preset \
         with `fmlint init --preset NAME` (`fmlint init --preset list` names them).",
        named.join("; ")
    ))
}

/// What one schema finding says went wrong, in parts two files can share:
/// each field a "missing …" message names (files lack different subsets
/// of the preset's fields), else the whole message.
fn ways_of_failing(message: &str) -> Vec<String> {
    if !message.starts_with("missing") {
        return vec![message.to_string()];
    }
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|field| format!("`{field}` is missing"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ways_of_failing;

    #[test]
    fn missing_fields_are_counted_one_by_one() {
        assert_eq!(
            ways_of_failing("missing 2 required fields: `answer` and `url`"),
            ["`answer` is missing", "`url` is missing"]
        );
        assert_eq!(
            ways_of_failing("unknown key `draft`"),
            ["unknown key `draft`"]
        );
    }
}
