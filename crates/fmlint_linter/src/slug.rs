//! Slug functions that turn titles and subjects into URL segments.

/// The QuickTakes slug: lowercase; delete every character that is not
/// `a-z`, `0-9` or a space; replace each space with `-` (no collapsing, so
/// `IPO & FPO` → `ipo--fpo`). Holds for every article of the real corpus.
pub fn quicktakes(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            match c {
                'a'..='z' | '0'..='9' => Some(c),
                ' ' => Some('-'),
                _ => None,
            }
        })
        .collect()
}

/// Hugo's `urlize`: lowercase, spaces to `-`, keep letters (any script),
/// digits, `-`, `_` and `.`, drop the rest.
pub fn urlize(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') => Some(c),
            _ => None,
        })
        .collect()
}

/// The heading anchors of GitHub (github-slugger): lowercase; keep
/// letters, digits, `-` and `_`; spaces become `-`; drop the rest (`.`,
/// punctuation, emoji). No collapsing: `a - b` is `a---b`.
pub fn github(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || matches!(c, '-' | '_') => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn quicktakes_examples_from_the_spec() {
        assert_eq!(super::quicktakes("IPO & FPO"), "ipo--fpo");
        assert_eq!(super::quicktakes("Na+ - K+"), "na--k");
        assert_eq!(super::quicktakes("decision-making"), "decisionmaking");
        assert_eq!(
            super::quicktakes("Business and Management"),
            "business-and-management"
        );
        assert_eq!(super::quicktakes("Café 🚀 Ünïcode"), "caf--ncode");
    }

    #[test]
    fn github_slug_drops_dots_and_keeps_dashes() {
        assert_eq!(
            super::github("Node.js 2.0 - Setup_Guide!"),
            "nodejs-20---setup_guide"
        );
        assert_eq!(super::github("Über Café"), "über-café");
    }

    #[test]
    fn urlize_keeps_unicode_letters() {
        assert_eq!(super::urlize("Hello, Wörld 2!"), "hello-wörld-2");
    }
}
