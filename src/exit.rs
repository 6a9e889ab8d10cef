//! Exit codes: 0 clean (or warnings only), 1 errors found, 2 failure.

pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILURE: u8 = 2;
