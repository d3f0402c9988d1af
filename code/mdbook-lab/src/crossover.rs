//! `{{#crossover …}}`: the size from which a strategy beats the baseline, found in this
//! build's results, so that the page never types it.
//!
//! ```text
//! {{#crossover granularity: par-iter}}
//! ```
//! reads the strategy's speedup over the experiment's baseline at every x, and finds the
//! smallest x from which every larger x is a clear win: a speedup whose whole 95% interval
//! lies above 1. It becomes a sentence such as "par-iter beats iter from items per pass (N)
//! = 1000000 up: 2.06× [1.21–2.15] there, 0.82× [0.76–0.93] at 100000". Where the largest
//! x is no clear win, the sentence says that the strategy never beat the baseline here, or
//! that the measurement did not settle it.

use anyhow::{Result, anyhow, bail};
use lab_results::{Estimate, Experiment, Metric};

use crate::format::{self, Kind, escape};
use crate::registry::Directive;

/// `{{#crossover …}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "crossover",
    usage: "{{#crossover ID: STRATEGY}}",
    becomes: "the smallest x from which STRATEGY's speedup over the baseline is above 1 at \
              every larger x, by its whole 95% interval, with the figures either side",
    render: |lab, text| {
        let (id, strategy) = text.split_once(':').ok_or_else(|| {
            anyhow!("`{{{{#crossover {text}}}}}` names no strategy; write `{{{{#crossover ID: STRATEGY}}}}`")
        })?;
        let results = lab.results()?;
        let experiment = lab.fresh(results, id.trim())?;
        Ok(render(&find(experiment, strategy.trim())?))
    },
};

/// What the search found.
#[derive(Debug, PartialEq)]
pub(crate) struct Crossover {
    strategy: String,
    baseline: String,
    x_label: String,
    /// Each x, ascending, with the strategy's speedup there.
    speedups: Vec<(u64, Estimate)>,
    /// Where the clear wins start, as an index into `speedups`.
    from: Option<usize>,
}

/// Whether the whole interval lies above 1.
fn clear_win(speedup: &Estimate) -> bool {
    speedup.interval.is_some_and(|[low, _]| low > 1.0)
}

/// Whether the whole interval lies below 1.
fn clear_loss(speedup: &Estimate) -> bool {
    speedup.interval.is_some_and(|[_, high]| high < 1.0)
}

/// Finds where `strategy` starts to beat the baseline along `experiment`'s x axis.
pub(crate) fn find(experiment: &Experiment, strategy: &str) -> Result<Crossover> {
    let baseline = experiment
        .baseline
        .clone()
        .ok_or_else(|| anyhow!("the experiment has no baseline to cross over"))?;
    if !experiment.strategies().contains(&strategy) {
        bail!(
            "unknown strategy `{strategy}`; the experiment has: {}",
            experiment.strategies().join(", ")
        );
    }
    let mut speedups: Vec<(u64, Estimate)> = experiment
        .series
        .iter()
        .filter(|p| p.strategy == strategy)
        .filter_map(|p| {
            Some((
                experiment.x_of(p),
                experiment.estimate(p, &Metric::Speedup)?,
            ))
        })
        .collect();
    if speedups.is_empty() {
        bail!(
            "{strategy} has no speedup at any point: the baseline {baseline} was not measured beside it"
        );
    }
    speedups.sort_by_key(|(x, _)| *x);
    let wins_from_the_top = speedups
        .iter()
        .rev()
        .take_while(|(_, s)| clear_win(s))
        .count();
    let from = (wins_from_the_top > 0).then(|| speedups.len() - wins_from_the_top);
    Ok(Crossover {
        strategy: strategy.to_string(),
        baseline,
        x_label: experiment.x_label.clone(),
        speedups,
        from,
    })
}

/// The sentence, in a `<p>` the page can style.
pub(crate) fn render(c: &Crossover) -> String {
    let ratio = |e: &Estimate| format::estimate(e, Kind::Ratio);
    // Plain integers, as the bench table writes x, so the sentence and the table match.
    let x = |x: u64| x.to_string();
    let (strategy, baseline, axis) = (escape(&c.strategy), escape(&c.baseline), escape(&c.x_label));
    let sentence = match c.from {
        Some(0) => {
            let (first, speedup) = &c.speedups[0];
            format!(
                "{strategy} beats {baseline} at every measured point, from {axis} = {} up: {} there",
                x(*first),
                ratio(speedup)
            )
        }
        Some(i) => {
            let (at, speedup) = &c.speedups[i];
            let (before, before_speedup) = &c.speedups[i - 1];
            format!(
                "{strategy} beats {baseline} from {axis} = {} up: {} there, {} at {}",
                x(*at),
                ratio(speedup),
                ratio(before_speedup),
                x(*before)
            )
        }
        None => {
            let (last, speedup) = c.speedups.last().expect("find() returns no empty list");
            if clear_loss(speedup) || c.speedups.iter().all(|(_, s)| clear_loss(s)) {
                format!(
                    "{strategy} never beat {baseline} here, up to {axis} = {}: {} there",
                    x(*last),
                    ratio(speedup)
                )
            } else {
                format!(
                    "this build did not settle where {strategy} overtakes {baseline}: at the \
                     largest {axis}, {}, its speedup is {}, an interval that includes 1×",
                    x(*last),
                    ratio(speedup)
                )
            }
        }
    };
    format!("<p class=\"lab-crossover\">{sentence}.</p>\n")
}

#[cfg(test)]
mod tests {
    use lab_results::{Point, fixture};

    use super::*;

    /// `par` against `seq` at N = 10, 100, 1000: `par` takes `times[i]` where `seq` takes 1.
    fn experiment(times: [f64; 3]) -> Experiment {
        let mut series: Vec<Point> = Vec::new();
        for (n, t) in [10, 100, 1000].into_iter().zip(times) {
            series.push(fixture::point("seq", 1, n, vec![1.0; 9]));
            let spread: Vec<f64> = (0..9)
                .map(|i| t * (1.0 + 0.02 * (f64::from(i) - 4.0)))
                .collect();
            series.push(fixture::point("par", 2, n, spread));
        }
        let mut e = fixture::experiment(series);
        e.baseline = Some("seq".into());
        e.x = "tasks".into();
        e.x_label = "N".into();
        e.derive_ratios();
        e
    }

    fn sentence(times: [f64; 3]) -> String {
        render(&find(&experiment(times), "par").unwrap())
    }

    #[test]
    fn the_crossover_is_where_the_clear_wins_start() {
        let html = sentence([4.0, 0.9, 0.5]);
        assert!(
            html.contains("par beats seq from N = 100 up: 1.11×"),
            "{html}"
        );
        assert!(html.contains("0.25× [0.24–0.27] at 10."), "{html}");
    }

    #[test]
    fn a_win_that_comes_and_goes_counts_only_from_where_it_stays() {
        let html = sentence([0.5, 2.0, 0.5]);
        assert!(html.contains("from N = 1000 up"), "{html}");
    }

    #[test]
    fn no_crossover_is_said_as_such() {
        assert!(sentence([0.5, 0.6, 0.7]).contains("at every measured point, from N = 10 up"));
        let never = sentence([2.0, 3.0, 4.0]);
        assert!(
            never.contains("par never beat seq here, up to N = 1000: 0.25×"),
            "{never}"
        );
        let unsettled = sentence([2.0, 1.5, 1.0]);
        assert!(unsettled.contains("did not settle"), "{unsettled}");
    }

    #[test]
    fn an_unknown_strategy_is_an_error_listing_the_known_ones() {
        let err = find(&experiment([1.0; 3]), "parr").unwrap_err().to_string();
        assert!(
            err.contains("unknown strategy `parr`") && err.contains("seq, par"),
            "{err}"
        );
    }
}
