//! Summaries of measured values: order statistics of one run's samples (through `statrs`),
//! and, from the results contract, the median with its 95% interval.

use statrs::statistics::{Data, Max, Min, OrderStatistics};

pub use lab_results::{CONFIDENCE, Estimate, MIN_FOR_INTERVAL};

/// Order statistics of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The middle sample: robust to the one slow run a busy VM always has.
    pub median: f64,
    /// The fastest sample.
    pub min: f64,
    /// The slowest sample.
    pub max: f64,
    /// The 90th percentile, for latency experiments where the tail matters.
    pub p90: f64,
    /// How many samples the summary is over.
    pub samples: usize,
}

impl Summary {
    /// Summarises `samples`.
    ///
    /// # Panics
    ///
    /// If `samples` is empty: a configuration with no samples was never measured, and reporting
    /// it would be a fake number.
    pub fn of(samples: &[f64]) -> Summary {
        assert!(!samples.is_empty(), "cannot summarise zero samples");
        let mut data = Data::new(samples.to_vec());
        Summary {
            median: data.median(),
            min: data.min(),
            max: data.max(),
            p90: data.percentile(90),
            samples: samples.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_odd_count() {
        let s = Summary::of(&[3.0, 1.0, 2.0, 5.0, 4.0]);
        assert_eq!((s.median, s.min, s.max, s.samples), (3.0, 1.0, 5.0, 5));
        assert!(s.p90 >= 4.0 && s.p90 <= 5.0);
    }

    #[test]
    #[should_panic(expected = "zero samples")]
    fn summary_of_nothing_panics() {
        Summary::of(&[]);
    }
}
