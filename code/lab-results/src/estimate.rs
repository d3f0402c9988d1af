//! A median with its 95% confidence interval, from order statistics.
//!
//! The interval is distribution-free: for `n` sorted values, the median lies between the
//! `k`-th smallest and the `k`-th largest with probability `1 − 2·P(B < k)`, where `B` is
//! binomial(`n`, ½). Timings on a shared machine are skewed and bursty, so an interval that
//! assumes a normal distribution (mean ± t·s) would be a guess; this one is not. It needs
//! at least [`MIN_FOR_INTERVAL`] values.

use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};
use statrs::statistics::{Data, OrderStatistics};

/// The confidence level of every interval in the book.
pub const CONFIDENCE: f64 = 0.95;

/// The fewest values that give a 95% interval for the median: with five, even the whole
/// range [min, max] covers the median with probability 1 − 2/32 < 95%.
pub const MIN_FOR_INTERVAL: usize = 6;

// ANCHOR: estimate
/// A median with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The median of the values.
    pub median: f64,
    /// The 95% confidence interval of the median, `[low, high]`; absent when there were too
    /// few values for one (fewer than six).
    #[serde(default)]
    pub interval: Option<[f64; 2]>,
}
// ANCHOR_END: estimate

impl Estimate {
    /// The median of `values` and its distribution-free 95% interval.
    ///
    /// # Examples
    ///
    /// ```
    /// use lab_results::Estimate;
    /// let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    /// assert_eq!(e.median, 5.0);
    /// assert_eq!(e.interval, Some([2.0, 8.0]));
    /// ```
    ///
    /// # Panics
    ///
    /// If `values` is empty: a configuration with no values was never measured, and reporting
    /// it would be a fake number.
    pub fn of(values: &[f64]) -> Estimate {
        assert!(!values.is_empty(), "cannot estimate from zero values");
        let median = Data::new(values.to_vec()).median();
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let interval =
            interval_rank(sorted.len()).map(|k| [sorted[k - 1], sorted[sorted.len() - k]]);
        Estimate { median, interval }
    }

    /// A value known exactly, with no spread: for fixtures and tests.
    pub fn exact(value: f64) -> Estimate {
        Estimate {
            median: value,
            interval: Some([value, value]),
        }
    }

    /// The larger distance from the median to either end of the interval, as a share of the
    /// median: `0.05` means the interval is within ±5%. Infinite without an interval, or when
    /// the median is zero and the interval is not.
    pub fn relative_half_width(&self) -> f64 {
        let Some([low, high]) = self.interval else {
            return f64::INFINITY;
        };
        let half = (self.median - low).max(high - self.median);
        if half == 0.0 {
            0.0
        } else {
            half / self.median.abs()
        }
    }
}

/// The rank `k` (1-based) such that `[x(k), x(n+1−k)]` is the narrowest order-statistics
/// interval covering the median with at least 95% probability; `None` when even `[min, max]`
/// does not.
fn interval_rank(n: usize) -> Option<usize> {
    if n < MIN_FOR_INTERVAL {
        return None;
    }
    let binomial = Binomial::new(0.5, n as u64).expect("p = 0.5 and n > 0 are valid");
    let alpha = 1.0 - CONFIDENCE;
    // The interval misses the median when fewer than k values lie below it, or fewer than k
    // above: probability 2·P(B ≤ k − 1). Take the largest k that keeps that within alpha.
    (1..=n / 2)
        .take_while(|&k| 2.0 * binomial.cdf(k as u64 - 1) <= alpha)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_ranks_match_the_binomial_table() {
        // n = 6: [min, max] covers with 1 − 2/64 = 96.9%. n = 9: P(B ≤ 1) = 10/512 < 2.5%,
        // so k = 2. n = 20: P(B ≤ 5) = 2.07% and P(B ≤ 6) = 5.8%, so k = 6.
        assert_eq!(interval_rank(5), None);
        assert_eq!(interval_rank(6), Some(1));
        assert_eq!(interval_rank(8), Some(1));
        assert_eq!(interval_rank(9), Some(2));
        assert_eq!(interval_rank(20), Some(6));
    }

    #[test]
    fn too_few_values_have_no_interval() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((e.median, e.interval), (3.0, None));
        assert!(e.relative_half_width().is_infinite());
    }

    #[test]
    #[should_panic(expected = "zero values")]
    fn no_values_is_a_bug() {
        Estimate::of(&[]);
    }

    #[test]
    fn relative_half_width_takes_the_wider_side() {
        let e = Estimate {
            median: 2.0,
            interval: Some([1.9, 2.3]),
        };
        assert!((e.relative_half_width() - 0.15).abs() < 1e-12);
        assert_eq!(Estimate::exact(3.0).relative_half_width(), 0.0);
    }
}
