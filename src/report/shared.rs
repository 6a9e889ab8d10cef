//! What several machine formats share: paths with `/` separators, fix
//! applicability names, and per-finding fingerprints.

use std::collections::HashMap;
use std::path::Path;

use fmlint_engine::baseline;
use fmlint_engine::check::FileReport;
use fmlint_linter::diagnostic::Applicability;

/// A shown path with `/` separators, as machine formats want it.
pub(crate) fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// `safe` or `unsafe`, as the JSON and HTML reports name a fix's kind.
pub(crate) fn applicability_name(applicability: Applicability) -> &'static str {
    match applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
    }
}

/// A fingerprint per finding of `file`, stable across line moves (see
/// [`baseline::fingerprint`]); repeats of one key get distinct ones.
pub(crate) fn fingerprints(path: &str, file: &FileReport) -> Vec<String> {
    let mut seen: HashMap<(&str, Option<&str>, u64), usize> = HashMap::new();
    file.diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let value = file
                .value_hashes
                .get(i)
                .copied()
                .unwrap_or_else(|| fmlint_linter::hash::value_hash(d.message.as_bytes()));
            let occurrence = seen.entry((d.rule, d.field.as_deref(), value)).or_default();
            *occurrence += 1;
            baseline::fingerprint(path, d, value, *occurrence - 1)
        })
        .collect()
}
