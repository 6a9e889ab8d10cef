//! The numbers `reference-numbering`'s fix gives numbered references: 1..N,
//! with as few keys renamed as possible, in the order the author wrote.
//!
//! The order the author wrote: two entries written in order (the earlier
//! one in the file has the lower number) stay in that order. Entries the
//! author put out of file order on purpose (`3, 1, 2`) keep their numbers
//! when they can. So keys written 1, 7, 3, 4, 5 become 1, 2, 3, 4, 5 (one
//! rename), 2, 3 become 1, 2 (not 2, 1), and 3, 1, 2, 5 become 3, 1, 2, 4.
//!
//! How: a set of entries can keep their numbers when the others can take
//! the missing numbers between the kept neighbours that bound them
//! ([`assign`], earliest deadline first). Entries are tried in file order
//! and kept when the set stays feasible; `tests::greedy_is_optimal` checks
//! against every numbering that this renames the fewest keys on all short
//! sequences.

/// Above this many entries the search (cubic) is skipped: every entry is
/// numbered by its place in the file, which keeps the order but may rename
/// more keys than needed.
const MAX_SEARCHED: usize = 256;

/// The new number of each entry, given their distinct numbers in file
/// order: a permutation of 1..N. The numbers themselves when they already
/// are one.
pub(super) fn renumber(numbers: &[u32]) -> Vec<u32> {
    let n = numbers.len();
    if is_permutation(numbers) {
        return numbers.to_vec();
    }
    if n > MAX_SEARCHED {
        return (1..=n as u32).collect();
    }
    let mut kept = vec![false; n];
    for i in 0..n {
        if !in_range(numbers[i], n) {
            continue;
        }
        kept[i] = true;
        if assign(numbers, &kept).is_none() {
            kept[i] = false;
        }
    }
    assign(numbers, &kept).expect("keeping nothing is always feasible")
}

/// Whether `numbers` are exactly 1..N in some order.
fn is_permutation(numbers: &[u32]) -> bool {
    let mut seen = vec![false; numbers.len()];
    numbers
        .iter()
        .all(|&k| in_range(k, numbers.len()) && !std::mem::replace(&mut seen[k as usize - 1], true))
}

fn in_range(k: u32, n: usize) -> bool {
    k >= 1 && k as usize <= n
}

/// New numbers where the `kept` entries keep theirs and every other entry
/// takes a missing number, without reversing two entries written in
/// order; `None` when no such numbering exists.
fn assign(numbers: &[u32], kept: &[bool]) -> Option<Vec<u32>> {
    let n = numbers.len();
    let mut taken = vec![false; n + 1];
    for i in (0..n).filter(|&i| kept[i]) {
        taken[numbers[i] as usize] = true;
    }
    let missing = (1..=n).filter(|&k| !taken[k]);
    // Each renamed entry must land strictly between the kept entries
    // written in order with it.
    let mut open: Vec<(usize, usize, usize)> = (0..n)
        .filter(|&r| !kept[r])
        .map(|r| {
            let (low, high) = bounds(numbers, kept, r);
            (r, low, high)
        })
        .collect();
    let mut result: Vec<u32> = numbers.to_vec();
    for k in missing {
        // Earliest deadline first; among equal deadlines the lower number,
        // then the earlier entry, so renamed entries keep their order too.
        let pick = open
            .iter()
            .enumerate()
            .filter(|(_, &(_, low, high))| low < k && k < high)
            .min_by_key(|(_, &(r, _, high))| (high, numbers[r], r))
            .map(|(at, _)| at)?;
        let (r, _, _) = open.swap_remove(pick);
        result[r] = k as u32;
    }
    Some(result)
}

/// The numbers a renamed entry `r` must stay strictly between: the kept
/// entries written before it with a lower number, and after it with a
/// higher one.
fn bounds(numbers: &[u32], kept: &[bool], r: usize) -> (usize, usize) {
    let mut low = 0;
    let mut high = numbers.len() + 1;
    for (i, &k) in numbers.iter().enumerate().filter(|&(i, _)| kept[i]) {
        if i < r && k < numbers[r] {
            low = low.max(k as usize);
        } else if i > r && k > numbers[r] {
            high = high.min(k as usize);
        }
    }
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_17_case_renames_only_the_misnumbered_key() {
        assert_eq!(renumber(&[1, 7, 3, 4, 5]), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn the_order_written_is_kept() {
        assert_eq!(renumber(&[2, 3]), [1, 2]);
        assert_eq!(renumber(&[1, 3]), [1, 2]);
        assert_eq!(renumber(&[1, 2, 3, 5]), [1, 2, 3, 4]);
        assert_eq!(renumber(&[1, 3, 4]), [1, 2, 3]);
        assert_eq!(renumber(&[9, 10]), [1, 2]);
    }

    #[test]
    fn entries_out_of_file_order_keep_their_numbers() {
        assert_eq!(renumber(&[3, 1, 2]), [3, 1, 2]);
        assert_eq!(renumber(&[3, 1, 2, 5]), [3, 1, 2, 4]);
        assert_eq!(renumber(&[2, 1, 9]), [2, 1, 3]);
    }

    #[test]
    fn long_lists_fall_back_to_file_order() {
        let numbers: Vec<u32> = (2..=MAX_SEARCHED as u32 + 2).collect();
        let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
        assert_eq!(renumber(&numbers), expected);
    }

    /// Whether `new` never reverses two entries written in order.
    fn keeps_order(numbers: &[u32], new: &[u32]) -> bool {
        (0..numbers.len())
            .all(|i| (i + 1..numbers.len()).all(|j| numbers[i] > numbers[j] || new[i] < new[j]))
    }

    fn renames(numbers: &[u32], new: &[u32]) -> usize {
        numbers.iter().zip(new).filter(|(a, b)| a != b).count()
    }

    /// The fewest renames of any numbering 1..N that keeps the order, by
    /// trying every permutation.
    fn fewest_renames(numbers: &[u32]) -> usize {
        let mut best = usize::MAX;
        let mut all = Vec::new();
        sequences_of(
            numbers.len(),
            numbers.len() as u32,
            &mut Vec::new(),
            &mut all,
        );
        for new in all.iter().filter(|new| keeps_order(numbers, new)) {
            best = best.min(renames(numbers, new));
        }
        best
    }

    /// Every sequence of `len` distinct numbers from 1..=`max`.
    fn sequences_of(len: usize, max: u32, prefix: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if prefix.len() == len {
            out.push(prefix.clone());
            return;
        }
        for k in 1..=max {
            if !prefix.contains(&k) {
                prefix.push(k);
                sequences_of(len, max, prefix, out);
                prefix.pop();
            }
        }
    }

    #[test]
    fn greedy_is_optimal() {
        let mut all = Vec::new();
        for len in 1..=5 {
            sequences_of(len, 7, &mut Vec::new(), &mut all);
        }
        for numbers in &all {
            let new = renumber(numbers);
            let mut sorted = new.clone();
            sorted.sort_unstable();
            assert!(sorted.iter().copied().eq(1..=numbers.len() as u32));
            assert!(keeps_order(numbers, &new), "{numbers:?} → {new:?}");
            assert_eq!(
                renames(numbers, &new),
                fewest_renames(numbers),
                "{numbers:?} → {new:?}"
            );
        }
    }
}
