//! One inferred rule and how well it holds, as the summary prints it.

/// One inferred rule and how well it holds: `holds` of `of` files (or
/// values) agree with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of rule: `required`, `type`, `enum`, `date`, `unique`,
    /// `template`, `reference`, `mirror`.
    pub kind: &'static str,
    /// The rule in the corpus's words, e.g. ``url = "/learn/{path.stem}"``.
    pub what: String,
    pub holds: usize,
    pub of: usize,
}

impl Finding {
    /// How many files or values break the rule.
    pub fn breaks(&self) -> usize {
        self.of.saturating_sub(self.holds)
    }
}
