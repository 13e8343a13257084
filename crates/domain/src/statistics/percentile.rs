//! Median and 90th percentile of processing times, by the nearest-rank
//! method.
//!
//! For `n` values sorted ascending, `x₁ ≤ x₂ ≤ … ≤ xₙ`, the `p`-th percentile
//! is the value at rank `⌈p/100 × n⌉` (and at least rank 1): always one of
//! the values themselves, so a percentile of working days is a whole number
//! of working days that a date can be counted from. The median is the 50th
//! percentile, which for an even `n` is the lower of the two middle values
//! (not their average). Examples: one value: both are that value; two
//! values: the median is the smaller, the 90th percentile the larger; ten
//! values: the median is the 5th, the 90th percentile the 9th.

/// The `percent`-th percentile of `sorted` (ascending) by the nearest-rank
/// method: the value at rank `⌈percent/100 × n⌉`, at least rank 1; percents
/// above 100 count as 100. `None` when there are no values.
pub fn nearest_rank(sorted: &[i64], percent: u32) -> Option<i64> {
    let n = sorted.len();
    let percent = usize::try_from(percent.min(100)).unwrap_or(100);
    let rank = (percent * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// How long something took, in working days, over the cases counted: how
/// many, the median and the 90th percentile (nearest rank). Both are `None`
/// when no case was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Durations {
    pub count: u64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Durations {
    /// The summary of `values` (in any order).
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        Self {
            count: u64::try_from(values.len()).unwrap_or(u64::MAX),
            median: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn edge_sizes() {
        assert_eq!(Durations::of(vec![]), Durations::default());
        assert_eq!(
            Durations::of(vec![7]),
            Durations {
                count: 1,
                median: Some(7),
                p90: Some(7)
            }
        );
        // Two values: ranks ⌈1.0⌉ = 1 and ⌈1.8⌉ = 2.
        assert_eq!(
            Durations::of(vec![30, 12]),
            Durations {
                count: 2,
                median: Some(12),
                p90: Some(30)
            }
        );
        // Ten values: ranks ⌈5.0⌉ = 5 and ⌈9.0⌉ = 9.
        assert_eq!(
            Durations::of(vec![60, 12, 40, 25, 33, 18, 10, 29, 45, 21]),
            Durations {
                count: 10,
                median: Some(25),
                p90: Some(45)
            }
        );
        // Eleven values: ranks ⌈5.5⌉ = 6 and ⌈9.9⌉ = 10.
        assert_eq!(
            Durations::of((1..=11).collect()),
            Durations {
                count: 11,
                median: Some(6),
                p90: Some(10)
            }
        );
    }

    #[test]
    fn the_ends_of_the_scale() {
        let v = [1, 2, 3, 4];
        assert_eq!(nearest_rank(&v, 0), Some(1));
        assert_eq!(nearest_rank(&v, 25), Some(1));
        assert_eq!(nearest_rank(&v, 26), Some(2));
        assert_eq!(nearest_rank(&v, 100), Some(4));
        assert_eq!(nearest_rank(&v, 250), Some(4));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    proptest! {
        #[test]
        fn median_lies_between_min_and_max_and_p90_is_not_below_it(
            values in proptest::collection::vec(-500i64..500, 1..60)
        ) {
            let d = Durations::of(values.clone());
            let (median, p90) = (d.median.unwrap_or_default(), d.p90.unwrap_or_default());
            let min = values.iter().copied().min().unwrap_or_default();
            let max = values.iter().copied().max().unwrap_or_default();
            prop_assert!(min <= median && median <= max);
            prop_assert!(p90 >= median && p90 <= max);
            prop_assert!(values.contains(&median) && values.contains(&p90));
            // At least half the values are at or below the median, and at
            // least 90 % at or below the 90th percentile.
            let at_or_below = |x: i64| values.iter().filter(|v| **v <= x).count();
            prop_assert!(2 * at_or_below(median) >= values.len());
            prop_assert!(10 * at_or_below(p90) >= 9 * values.len());
        }
    }
}
