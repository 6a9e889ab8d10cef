//! A header's text → tree, by the language its fences say: YAML
//! ([`crate::yaml`]) or TOML ([`crate::toml`]). Every consumer of a whole
//! header calls [`parse_header`], so no rule ever asks which it was.

use crate::builder::Parsed;
use crate::split::{Format, Header};

/// Parses the header's text in its format, with whole-file spans.
pub fn parse_header<'a>(text: &'a str, header: &Header) -> Parsed<'a> {
    match header.format {
        Format::Yaml => crate::yaml::parse(text, header.yaml),
        Format::Toml => crate::toml::parse(text, header.yaml),
    }
}
