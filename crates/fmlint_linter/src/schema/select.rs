//! From the validator's errors to the failures worth reporting: every
//! `anyOf`/`oneOf` error is replaced by the errors of the branch the
//! document came closest to, the way Python jsonschema's `best_match` and
//! better-ajv-errors choose.
//!
//! For each branch (its own composites chosen first, recursively):
//!
//! 1. a branch that rejects the value outright — a `type` error or a
//!    `false` schema (`else: false`) at the composite's own place — is out
//!    unless every branch is (then the failure is the composite's:
//!    [`Leaf::NoBranch`]);
//! 2. fewest *discriminator mismatches*: a `const` (or one-value `enum`)
//!    one level down that another branch accepts (`type: link` picks the
//!    `link` shape, whatever else is wrong in it);
//! 3. fewest errors; 4. the deepest error; 5. the first branch.
//!
//! `enum`/`const` failures at one place in the equally good branches are
//! merged: their allowed values are the union (MDN's `page-type` may take
//! any value of any case its slug matches).

use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::ValidationError;
use serde_json::Value as Json;

/// One failure to report.
pub(super) enum Leaf<'e> {
    Error {
        error: &'e ValidationError<'e>,
        /// For `enum`/`const`: the allowed values, merged across branches.
        allowed: Option<Vec<&'e Json>>,
    },
    /// A composite none of whose branches fits the value's type or
    /// condition: `rejections` holds, per branch, the error that rejected it.
    NoBranch {
        error: &'e ValidationError<'e>,
        rejections: Vec<&'e ValidationError<'e>>,
    },
}

impl<'e> Leaf<'e> {
    pub(super) fn error(&self) -> &'e ValidationError<'e> {
        match self {
            Leaf::Error { error, .. } | Leaf::NoBranch { error, .. } => error,
        }
    }

    fn path(&self) -> &'e str {
        self.error().instance_path().as_str()
    }

    fn depth(&self) -> usize {
        depth(self.path())
    }

    /// The allowed values of an `enum`/`const` failure.
    fn allowed(&self) -> Option<Vec<&'e Json>> {
        match self {
            Leaf::Error {
                allowed: Some(allowed),
                ..
            } => Some(allowed.clone()),
            Leaf::Error { error, .. } => own_allowed(error),
            Leaf::NoBranch { .. } => None,
        }
    }

    /// Whether this failure rejects the whole value at depth `base`.
    fn rejects(&self, base: usize) -> bool {
        self.depth() == base
            && match self {
                Leaf::NoBranch { .. } => true,
                Leaf::Error { error, .. } => {
                    matches!(error.kind(), Kind::Type { .. } | Kind::FalseSchema)
                }
            }
    }

    /// Whether this is a `const` (or one-value `enum`) one level below `base`.
    fn pins(&self, base: usize) -> bool {
        self.depth() == base + 1 && self.allowed().is_some_and(|a| a.len() == 1)
    }
}

pub(super) fn own_allowed<'e>(error: &'e ValidationError<'e>) -> Option<Vec<&'e Json>> {
    match error.kind() {
        Kind::Constant { expected_value } => Some(vec![&**expected_value]),
        Kind::Enum { options } => match &**options {
            Json::Array(values) => Some(values.iter().collect()),
            other => Some(vec![other]),
        },
        _ => None,
    }
}

fn depth(pointer: &str) -> usize {
    pointer.matches('/').count()
}

/// The failures to report for `errors` (the validator's, in its order).
pub(super) fn leaves<'e>(errors: &'e [ValidationError<'e>]) -> Vec<Leaf<'e>> {
    let mut out = Vec::new();
    flatten(errors.iter(), &mut out, 0);
    out
}

/// Composites nest no deeper than this in a real schema; past it a branch
/// is reported as the composite's own failure.
const MAX_NESTING: usize = 64;

fn flatten<'e>(
    errors: impl Iterator<Item = &'e ValidationError<'e>>,
    out: &mut Vec<Leaf<'e>>,
    nesting: usize,
) {
    for error in errors {
        match error.kind() {
            Kind::AnyOf { context } | Kind::OneOfNotValid { context } if nesting < MAX_NESTING => {
                choose(error, context, out, nesting + 1);
            }
            _ => out.push(Leaf::Error {
                error,
                allowed: None,
            }),
        }
    }
}

struct Branch<'e> {
    leaves: Vec<Leaf<'e>>,
    rejected: bool,
    mismatches: usize,
}

fn choose<'e>(
    error: &'e ValidationError<'e>,
    context: &'e [Vec<ValidationError<'static>>],
    out: &mut Vec<Leaf<'e>>,
    nesting: usize,
) {
    let base = depth(error.instance_path().as_str());
    let mut branches: Vec<Branch<'e>> = context
        .iter()
        .map(|errors| {
            let mut leaves = Vec::new();
            let errors = errors.iter().map(|e| -> &'e ValidationError<'e> { e });
            flatten(errors, &mut leaves, nesting);
            let rejected = leaves.is_empty() || leaves.iter().any(|l| l.rejects(base));
            Branch {
                leaves,
                rejected,
                mismatches: 0,
            }
        })
        .collect();
    if branches.iter().all(|b| b.rejected) {
        let rejections = branches
            .iter()
            .filter_map(|b| b.leaves.iter().find(|l| l.rejects(base)).map(Leaf::error))
            .collect();
        out.push(Leaf::NoBranch { error, rejections });
        return;
    }
    count_mismatches(&mut branches, base);
    let Some(best) = (0..branches.len())
        .filter(|&i| !branches[i].rejected)
        .min_by_key(|&i| {
            let b = &branches[i];
            let deepest = b.leaves.iter().map(Leaf::depth).max().unwrap_or(0);
            (b.mismatches, b.leaves.len(), std::cmp::Reverse(deepest), i)
        })
    else {
        return;
    };
    let merged = merge_allowed(&branches, best);
    out.extend(merged);
}

/// Counts, for each candidate branch, its pinned values that another
/// candidate accepts (no failure at that place).
fn count_mismatches(branches: &mut [Branch<'_>], base: usize) {
    let counts: Vec<usize> = (0..branches.len())
        .map(|i| {
            if branches[i].rejected {
                return 0;
            }
            branches[i]
                .leaves
                .iter()
                .filter(|l| l.pins(base))
                .filter(|l| {
                    branches.iter().enumerate().any(|(j, other)| {
                        j != i
                            && !other.rejected
                            && !other.leaves.iter().any(|o| o.path() == l.path())
                    })
                })
                .count()
        })
        .collect();
    for (branch, count) in branches.iter_mut().zip(counts) {
        branch.mismatches = count;
    }
}

/// The best branch's leaves, each `enum`/`const` one carrying the values
/// every equally good branch allows at its place.
fn merge_allowed<'e>(branches: &[Branch<'e>], best: usize) -> Vec<Leaf<'e>> {
    let peers: Vec<&Branch<'e>> = branches
        .iter()
        .filter(|b| !b.rejected && b.mismatches == branches[best].mismatches)
        .collect();
    let mut out = Vec::with_capacity(branches[best].leaves.len());
    for leaf in &branches[best].leaves {
        if leaf.allowed().is_none() {
            out.push(copy(leaf));
            continue;
        }
        // In the schema's order, whichever branch was best.
        let mut allowed = Vec::new();
        for peer in &peers {
            for other in peer.leaves.iter().filter(|o| o.path() == leaf.path()) {
                for value in other.allowed().into_iter().flatten() {
                    if !allowed.contains(&value) {
                        allowed.push(value);
                    }
                }
            }
        }
        out.push(Leaf::Error {
            error: leaf.error(),
            allowed: Some(allowed),
        });
    }
    out
}

fn copy<'e>(leaf: &Leaf<'e>) -> Leaf<'e> {
    match leaf {
        Leaf::Error { error, allowed } => Leaf::Error {
            error,
            allowed: allowed.clone(),
        },
        Leaf::NoBranch { error, rejections } => Leaf::NoBranch {
            error,
            rejections: rejections.clone(),
        },
    }
}
