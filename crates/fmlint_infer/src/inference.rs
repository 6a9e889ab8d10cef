//! The stages in order: survey, field rules, templates, enums (for the
//! fields no template describes), references.

use std::path::Path;

use anyhow::Result;

use crate::{fields, references, survey, templates};

/// Everything inferred from one corpus.
#[derive(Debug)]
pub struct Inference {
    pub survey: survey::Summary,
    pub fields: fields::FieldRules,
    pub templates: Vec<templates::Inferred>,
    /// The folder path as a template of fields (`[collections.path] dir`).
    pub dir: Option<templates::Inferred>,
    pub references: references::Inferred,
}

/// Reads the corpus under `corpus` (a folder inside `root`, the folder the
/// config will live in) and infers its rules.
pub fn infer(corpus: &Path, root: &Path, threads: usize) -> Result<Inference> {
    let survey = survey::Survey::read(corpus, root, threads)?;
    Ok(from_survey(&survey))
}

/// The inference from a surveyed corpus.
pub fn from_survey(survey: &survey::Survey) -> Inference {
    let mut fields = fields::infer(survey);
    let templates = templates::infer(survey, &fields);
    let dir = templates::infer_dir(survey, &fields);
    let templated: Vec<usize> = templates
        .iter()
        .filter_map(|t| survey.id(&t.field))
        .collect();
    fields::enums(survey, &mut fields, &templated);
    let references = references::infer(survey, &fields);
    Inference {
        survey: survey.summary(),
        fields,
        templates,
        dir,
        references,
    }
}
