//! "Did you mean": the known name closest to a mistyped one, for rule
//! names on the command line and in `fmlint.toml`, and config keys.

/// The number of single-character insertions, deletions and substitutions
/// that turn `a` into `b` (Levenshtein), counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// Whether `typed` looks like a typo of `known`: two edits or fewer, or one
/// contains the other (`duplicate-ids` for `duplicate-id`).
pub fn similar(known: &str, typed: &str) -> bool {
    if known.contains(typed) && typed.len() > 3 || typed.contains(known) {
        return true;
    }
    edit_distance(known, typed) <= 2
}

/// The candidate most like `typed` (fewest edits; the first of a tie), if
/// any is [`similar`].
pub fn closest<'c>(typed: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .into_iter()
        .filter(|known| similar(known, typed))
        .min_by_key(|known| edit_distance(known, typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_similar_and_strangers_are_not() {
        assert!(similar("url-mismatch", "url-mismatc"));
        assert!(similar("duplicate-id", "duplicate-ids"));
        assert!(!similar("schema", "url-mismatch"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn the_closest_candidate_wins() {
        let rules = ["duplicate-id", "duplicate-url", "duplicate-key"];
        assert_eq!(closest("duplicate-ur", rules), Some("duplicate-url"));
        assert_eq!(closest("schema", rules), None);
    }
}
