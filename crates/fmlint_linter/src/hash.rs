//! The hashes fmlint keys things by.
//!
//! [`hash_bytes`] and [`hash_str`] are std's hasher, for what lives only as
//! long as one binary (cache keys of settings, schema sources, file
//! contents). [`stable_hash`] is FNV-1a, for what outlives the binary that
//! wrote it (baselines, SARIF and GitLab fingerprints).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// The hash of a file's bytes (content hashes for the cache and fixes).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

pub fn hash_str(s: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    s.hash(&mut hasher);
    hasher.finish()
}

/// A stable 64-bit hash (FNV-1a): baselines and fingerprints outlive the
/// binary that wrote them, so std's unspecified hasher will not do.
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator, so ("ab", "c") and ("a", "bc") differ.
            hash = (hash ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        }
        for &byte in *part {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The hash of a finding's offending text (its span's bytes).
pub fn value_hash(bytes: &[u8]) -> u64 {
    stable_hash(&[bytes])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_fnv1a_and_separates_parts() {
        // The FNV-1a test vector: the format must never change.
        assert_eq!(value_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
    }
}
