//! "Did you mean …?": edit distances between a value the user wrote and
//! the values or keys a schema allows.

/// The optimal-string-alignment distance between `a` and `b` (insertions,
/// deletions, substitutions and swaps of two neighbours cost one each), in
/// Unicode scalar values. Gives up past `limit` and returns `limit + 1`.
pub fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows[..width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur * width] = i;
        let mut best = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev * width + j - 1] + cost)
                .min(rows[prev * width + j] + 1)
                .min(rows[cur * width + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 * width + j - 2] + 1);
            }
            rows[cur * width + j] = d;
            best = best.min(d);
        }
        if best > limit {
            return limit + 1;
        }
    }
    rows[(a.len() % 3) * width + b.len()].min(limit + 1)
}

/// Whether `wrote` is a likely slip for `meant`: equal but for case, or a
/// few edits apart for its length (one for short words, two from five
/// characters on, three from twelve).
pub fn is_close(wrote: &str, meant: &str) -> bool {
    if wrote.eq_ignore_ascii_case(meant) || wrote.to_lowercase() == meant.to_lowercase() {
        return true;
    }
    let len = wrote.chars().count().min(meant.chars().count());
    let limit = match len {
        0..=2 => 0,
        3..=4 => 1,
        5..=11 => 2,
        _ => 3,
    };
    limit > 0 && distance(&wrote.to_lowercase(), &meant.to_lowercase(), limit) <= limit
}

/// The closest of `candidates` to `wrote`, if one is close; ties go to the
/// first.
pub fn closest<'c>(wrote: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let wrote_lower = wrote.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| is_close(wrote, c))
        .min_by_key(|c| distance(&wrote_lower, &c.to_lowercase(), 8))
}

/// The one candidate exactly one edit from `wrote`, if exactly one is.
pub fn one_edit_away<'c>(
    wrote: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let mut found = None;
    for candidate in candidates {
        if distance(wrote, candidate, 1) == 1 {
            if found.is_some_and(|f| f != candidate) {
                return None;
            }
            found = Some(candidate);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("guide", "guide", 3), 0);
        assert_eq!(distance("guied", "guide", 3), 1);
        assert_eq!(distance("authr", "author", 3), 1);
        assert_eq!(distance("http-headr", "http-header", 3), 1);
        assert_eq!(distance("", "abc", 3), 3);
        assert_eq!(distance("kitten", "sitting", 3), 3);
        assert_eq!(distance("a", "abcdefgh", 2), 3);
        assert_eq!(distance("é", "e", 2), 1);
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("authr", ["title", "author"]), Some("author"));
        assert_eq!(closest("Guide", ["guide", "tutorial"]), Some("guide"));
        assert_eq!(closest("xyz", ["guide", "tutorial"]), None);
        assert_eq!(one_edit_away("gide", ["guide", "gides"]), None);
        assert_eq!(one_edit_away("gide", ["guide", "tutorial"]), Some("guide"));
        assert_eq!(one_edit_away("guide", ["guide"]), None);
    }
}
