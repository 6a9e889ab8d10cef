//! The cache's own hash: the same in every build, for file names and
//! checksums on disk.

/// A hash that is the same in every build (file names and checksums must
/// not depend on std's hasher): FNV-style mixing, eight bytes at a time.
pub(super) struct StableHasher(u64);

impl StableHasher {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub(super) fn new() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }

    pub(super) fn of(bytes: &[u8]) -> u64 {
        let mut hasher = StableHasher::new();
        hasher.write(bytes);
        hasher.finish()
    }

    pub(super) fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.mix(u64::from_le_bytes(tail) ^ ((words.remainder().len() as u64) << 59));
        self.mix(bytes.len() as u64);
    }

    pub(super) fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    pub(super) fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::PRIME).rotate_left(23);
    }

    pub(super) fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_stable() {
        // File names and checksums on disk depend on these values.
        assert_eq!(StableHasher::of(b""), StableHasher::of(b""));
        assert_ne!(StableHasher::of(b"a"), StableHasher::of(b"a\0"));
        assert_ne!(StableHasher::of(b"abcdefgh"), StableHasher::of(b"abcdefgi"));
    }
}
