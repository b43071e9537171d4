//! The FNV-1a hash (64 bits), for maps keyed by short words: the extractors
//! and the text-quality sample look up words by the thousand per report,
//! and SipHash's resistance to chosen keys buys nothing there.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`Fnv`] hashers, for `HashMap`/`HashSet`.
pub(crate) type FnvBuild = BuildHasherDefault<Fnv>;

/// The FNV-1a hasher.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
