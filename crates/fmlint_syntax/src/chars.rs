//! The characters YAML 1.2 allows in a stream (its `c-printable` set):
//! a header holding any other is an error, never read silently.

/// The first character of `text` that YAML 1.2 does not allow, with its
/// byte offset.
pub(crate) fn forbidden(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| !allowed(c))
}

/// `c-printable`: tab, line feed, carriage return, printable ASCII, NEL and
/// the rest of Unicode but the C1 controls, surrogates, U+FFFE and U+FFFF.
pub(crate) fn allowed(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\r'
            | ' '..='~'
            | '\u{85}'
            | '\u{a0}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fffd}'
            | '\u{10000}'..
    )
}
