//! Serde for cached findings. A [`Diagnostic`] is written as it
//! serializes itself (its rule by name) and read back here, where the
//! registry is at hand, with its rule name resolved to the registry's
//! `&'static str` (an unknown name fails the chunk).

use std::borrow::Cow;

use fmlint_linter::diagnostic::{Diagnostic, Fix, Location, Related, RuleName, Severity};
use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

#[derive(Deserialize)]
#[serde(remote = "Diagnostic")]
struct StoredDiagnostic {
    // The alias keeps serde from borrowing a `&'static str` from the input.
    #[serde(deserialize_with = "rule_name")]
    rule: RuleName,
    severity: Severity,
    location: Location,
    message: Cow<'static, str>,
    field: Option<String>,
    help: Option<Cow<'static, str>>,
    label: Option<Cow<'static, str>>,
    related: Vec<Related>,
    fix: Option<Fix>,
}

#[derive(Deserialize)]
struct Stored(#[serde(with = "StoredDiagnostic")] Diagnostic);

pub fn serialize<S: Serializer>(findings: &[Diagnostic], out: S) -> Result<S::Ok, S::Error> {
    findings.serialize(out)
}

pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<Diagnostic>, D::Error> {
    let stored = Vec::<Stored>::deserialize(input)?;
    Ok(stored.into_iter().map(|Stored(d)| d).collect())
}

fn rule_name<'de, D: Deserializer<'de>>(input: D) -> Result<&'static str, D::Error> {
    let name = Cow::<str>::deserialize(input)?;
    fmlint_linter::rules::find(&name)
        .map(|rule| rule.meta().name)
        .ok_or_else(|| D::Error::custom(format!("unknown rule `{name}`")))
}
