//! How many worker threads a run starts: what the caller asked for, capped
//! by the machine (its cores × [`PER_CORE`]) and by the work (a thread per
//! file at most). Every pool and walk of the engine, and the language
//! server's, goes through here: `--threads 10000` once started ten thousand
//! threads and ran for minutes instead of a fraction of a second (issue 17).

/// Threads a run may start per core. Reading files waits on the disk now
/// and then, so a few more threads than cores can still help; beyond that
/// they only contend.
pub const PER_CORE: usize = 2;

/// The machine's cores as the process may use them (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The most threads a run starts: [`cores`] × [`PER_CORE`].
pub fn limit() -> usize {
    cores().saturating_mul(PER_CORE)
}

/// The threads for `jobs` units of work when `requested` were asked for (0:
/// one per core): at least 1, at most [`limit`] and `jobs`.
pub fn workers(requested: usize, jobs: usize) -> usize {
    let wanted = if requested == 0 { cores() } else { requested };
    wanted.min(limit()).min(jobs).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_requests_are_capped_by_the_machine() {
        assert_eq!(workers(usize::MAX, usize::MAX), limit());
        assert_eq!(workers(10_000, 1_556), limit().min(1_556));
        assert!(limit() >= 2);
    }

    #[test]
    fn small_work_gets_few_threads() {
        assert_eq!(workers(8, 1), 1);
        assert_eq!(workers(8, 0), 1);
        assert_eq!(workers(1, 1_000), 1);
    }

    #[test]
    fn zero_means_one_per_core() {
        assert_eq!(workers(0, usize::MAX), cores());
    }
}
