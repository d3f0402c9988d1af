//! `{{#measured ID: STRATEGY METRIC at X = N}}`: one figure of this build's results, inline,
//! for a sentence or a table cell that quotes a number (a table of costs, say) instead of
//! copying it by hand, where it would go stale when the code or the machine changes.
//!
//! ```text
//! {{#measured spawn-cost: tokio-task median at tasks = 1}}
//! ```
//! becomes
//! ```text
//! <span class="lab-measured" title="median of this build's rounds, with its 95% interval">1.81 µs [1.63–2.52]</span>
//! ```
//! METRIC is read as a claim reads it (`median`, `speedup`, or an extra metric such as
//! `pss_bytes`), and the figure is written as a claim writes it. An experiment that could not
//! run here (no `python3`) becomes `<span class="lab-measured lab-measured-skipped">not
//! measured on this machine (its notes)</span>`.

use anyhow::{Result, anyhow, bail};
use lab_results::{Experiment, Metric, Point};

use crate::claim::{estimate_of, metric_named, parse_point, point_at};
use crate::format::{self, escape};
use crate::naming::{kind_of, metric_name};
use crate::registry::Directive;

/// `{{#measured …}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "measured",
    usage: "{{#measured ID: STRATEGY METRIC at X = N}}",
    becomes: "one figure of this build's results with its 95% interval, inline (for a table \
              of costs), or \"not measured on this machine\" where the experiment could not run",
    render: |lab, text| {
        // Parsed first, so that a typo is reported even before anything is measured.
        let wanted = Wanted::parse(text)?;
        let results = lab.results()?;
        wanted.render(lab.fresh(results, &wanted.experiment)?)
    },
};

const FORM: &str = "write it as `{{#measured ID: STRATEGY METRIC at X = N}}`, e.g. \
                    `{{#measured spawn-cost: tokio-task median at tasks = 1}}`";

/// The figure one `{{#measured}}` asks for.
#[derive(Debug, Clone, PartialEq)]
struct Wanted {
    experiment: String,
    strategy: String,
    metric: Metric,
    /// The x axis as written, checked against the experiment's.
    axis: String,
    x: u64,
}

impl Wanted {
    /// Parses the text after `{{#measured`.
    fn parse(text: &str) -> Result<Wanted> {
        let (experiment, rest) = text
            .split_once(':')
            .ok_or_else(|| anyhow!("`{text}` names no experiment before a `:`; {FORM}"))?;
        let words: Vec<&str> = rest.split_whitespace().collect();
        let [strategy, metric, "at", place @ ..] = words.as_slice() else {
            bail!(
                "`{}` must be two words, STRATEGY and METRIC, then `at X = N`; {FORM}",
                rest.trim()
            );
        };
        let (axis, x) = parse_place(&place.concat())?;
        Ok(Wanted {
            experiment: experiment.trim().to_string(),
            strategy: strategy.to_string(),
            metric: metric_named(metric),
            axis,
            x,
        })
    }

    /// The figure as the page shows it, or "not measured on this machine" for an experiment
    /// that could not run here, rather than an error, because a machine without `python3`
    /// must still build the book (as `{{#bench}}` and `{{#claim}}` do).
    fn render(&self, experiment: &Experiment) -> Result<String> {
        if experiment.series.is_empty() {
            return Ok(not_measured_here(experiment));
        }
        let point = self.point(experiment)?;
        let estimate = estimate_of(experiment, point, &self.metric)?;
        let figure = format::estimate(&estimate, kind_of(experiment, &self.metric));
        Ok(format!(
            "<span class=\"lab-measured\" title=\"{}\">{}</span>",
            title(experiment, &self.metric),
            inline_text(&figure)
        ))
    }

    /// The point asked for, or an error naming what the experiment has instead.
    fn point<'e>(&self, experiment: &'e Experiment) -> Result<&'e Point> {
        point_at(
            experiment,
            &self.experiment,
            &self.strategy,
            &self.axis,
            self.x,
        )
    }
}

fn parse_place(place: &str) -> Result<(String, u64)> {
    parse_point(place).ok_or_else(|| {
        anyhow!("`at {place}` is not a point; use `at X = N`, e.g. `at tasks = 1`; {FORM}")
    })
}

fn title(experiment: &Experiment, metric: &Metric) -> String {
    const MEDIAN: &str = "median of this build's rounds, with its 95% interval";
    match metric {
        Metric::Value => MEDIAN.to_string(),
        Metric::Speedup => format!(
            "speedup over {}, round by round: {MEDIAN}",
            escape(experiment.baseline.as_deref().unwrap_or("the baseline"))
        ),
        Metric::CeilingShare => format!("share of the attainable speedup: {MEDIAN}"),
        Metric::Extra(_) => format!("{}: {MEDIAN}", escape(&metric_name(experiment, metric))),
    }
}

/// Says why there is no figure, with the experiment's notes (which name the missing tool).
fn not_measured_here(experiment: &Experiment) -> String {
    let notes = experiment.notes.join("; ");
    let why = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", inline_text(&notes))
    };
    format!(
        "<span class=\"lab-measured lab-measured-skipped\">not measured on this machine{why}</span>"
    )
}

/// `text` escaped for HTML, and with `|` as `&#124;` and line breaks as spaces, not as
/// written, because the figure often sits in a Markdown table cell, where a `|` (even inside
/// inline HTML) ends the cell and a line break ends the row.
fn inline_text(text: &str) -> String {
    escape(text)
        .replace('|', "&#124;")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use lab_results::{PerRound, Results, fixture};

    use super::*;
    use crate::claim;

    /// Nine rounds spread evenly over `median · (1 ± spread)`; with nine values the 95%
    /// interval of the median runs from the 2nd to the 8th, `median · (1 ± 0.75 · spread)`.
    fn spread(median: f64, spread: f64) -> Vec<f64> {
        (0..9)
            .map(|i| median * (1.0 + spread * (f64::from(i) - 4.0) / 4.0))
            .collect()
    }

    fn at_tasks(strategy: &str, tasks: usize, rounds: Vec<f64>) -> Point {
        fixture::point(strategy, 1, tasks, rounds)
    }

    /// `spawn-cost` over `tasks`: serial takes 4 µs in every round; tokio-task takes 2 µs
    /// ± 20% (so its interval is 1.70–2.30 µs and its speedup's 1.74–2.35×) and weighs
    /// 45.6 kB ± 20%; both were measured at 1 and 10 tasks. `no-baseline` has no baseline;
    /// `skipped` could not run.
    fn results() -> Results {
        let mut tokio = at_tasks("tokio-task", 1, spread(2e-6, 0.2));
        tokio
            .extra
            .insert("pss_bytes".into(), PerRound::of(spread(45_600.0, 0.2)));
        let mut spawn = fixture::experiment(vec![
            at_tasks("serial", 1, vec![4e-6; 9]),
            tokio,
            at_tasks("serial", 10, vec![4e-5; 9]),
            at_tasks("tokio-task", 10, vec![2e-5; 9]),
        ]);
        spawn.x = "tasks".into();
        spawn.x_label = "tasks".into();
        spawn.x_phrase = "at {} task{s}".into();
        fixture::declare(&mut spawn, "pss_bytes", "PSS", "B");
        spawn.cpu_bound = false;
        spawn.ceiling = None;
        spawn.derive_ratios();
        let mut no_baseline = spawn.clone();
        no_baseline.baseline = None;
        no_baseline.derive_ratios();
        let mut skipped = spawn.clone();
        skipped.series.clear();
        skipped.notes = vec!["skipped: python3 was not found | not on PATH".into()];
        fixture::results(vec![
            ("spawn-cost", spawn),
            ("no-baseline", no_baseline),
            ("skipped", skipped),
        ])
    }

    /// What `{{#measured TEXT}}` renders against `results()`, as the directive does but for
    /// the staleness check (which `tests.rs` covers with a results file).
    fn measured(text: &str) -> Result<String> {
        let wanted = Wanted::parse(text)?;
        wanted.render(claim::find(&results(), &wanted.experiment)?)
    }

    fn error(text: &str) -> String {
        format!(
            "{:#}",
            measured(text).expect_err("the figure should be refused")
        )
    }

    #[test]
    fn a_median_is_shown_with_its_interval_in_its_unit() {
        assert_eq!(
            measured("spawn-cost: tokio-task median at tasks = 1").unwrap(),
            "<span class=\"lab-measured\" title=\"median of this build's rounds, with its 95% \
             interval\">2.00 µs [1.70–2.30]</span>"
        );
        // Spaces around `=` are optional, as in a claim.
        assert_eq!(
            measured("spawn-cost: tokio-task median at tasks=10").unwrap(),
            measured("spawn-cost:tokio-task median at tasks =10").unwrap()
        );
    }

    #[test]
    fn an_extra_metric_is_shown_in_its_own_unit() {
        assert_eq!(
            measured("spawn-cost: tokio-task pss_bytes at tasks = 1").unwrap(),
            "<span class=\"lab-measured\" title=\"PSS: median of this build's rounds, \
             with its 95% interval\">45.6 kB [38.8–52.4]</span>"
        );
    }

    #[test]
    fn a_speedup_is_the_median_of_the_per_round_ratios() {
        // 4 µs over 2 µs ± 20%, round by round: 2.00× with the ratios' own interval.
        assert_eq!(
            measured("spawn-cost: tokio-task speedup at tasks = 1").unwrap(),
            "<span class=\"lab-measured\" title=\"speedup over serial, round by round: median \
             of this build's rounds, with its 95% interval\">2.00× [1.74–2.35]</span>"
        );
    }

    #[test]
    fn an_experiment_that_could_not_run_says_why_instead_of_failing() {
        assert_eq!(
            measured("skipped: tokio-task median at tasks = 1").unwrap(),
            "<span class=\"lab-measured lab-measured-skipped\">not measured on this machine \
             (skipped: python3 was not found &#124; not on PATH)</span>"
        );
    }

    #[test]
    fn a_malformed_figure_says_how_to_write_it() {
        let cases = [
            (
                "spawn-cost tokio-task median at tasks = 1",
                "names no experiment before a `:`",
            ),
            (
                "spawn-cost: tokio-task at tasks = 1",
                "must be two words, STRATEGY and METRIC, then `at X = N`",
            ),
            (
                "spawn-cost: tokio task median at tasks = 1",
                "must be two words, STRATEGY and METRIC",
            ),
            ("spawn-cost: tokio-task median", "must be two words"),
            ("spawn-cost: tokio-task median at", "`at ` is not a point"),
            (
                "spawn-cost: tokio-task median at tasks",
                "`at tasks` is not a point",
            ),
            (
                "spawn-cost: tokio-task median at tasks = many",
                "`at tasks=many` is not a point",
            ),
            (
                "spawn-cost: tokio-task median at = 1",
                "`at =1` is not a point",
            ),
        ];
        for (text, says) in cases {
            let err = error(text);
            assert!(err.contains(says), "`{text}` gave `{err}`, not `{says}`");
            assert!(
                err.contains("write it as `{{#measured ID: STRATEGY METRIC at X = N}}`"),
                "`{text}` gave `{err}`, which does not show the form"
            );
        }
    }

    #[test]
    fn a_figure_of_something_not_measured_names_what_was() {
        let cases = [
            (
                "spawn-cots: tokio-task median at tasks = 1",
                "unknown experiment `spawn-cots`; results.json has: no-baseline, skipped, \
                 spawn-cost",
            ),
            (
                "spawn-cost: tokio median at tasks = 1",
                "`tokio` is not a strategy of spawn-cost; it has: serial, tokio-task",
            ),
            (
                "spawn-cost: tokio-task median at workers = 1",
                "`at workers = 1`, but spawn-cost's x axis is `tasks`; write `at tasks = N`",
            ),
            (
                "spawn-cost: tokio-task median at tasks = 100",
                "tokio-task of spawn-cost was not measured at tasks = 100; it was at tasks = \
                 1, 10",
            ),
            (
                "spawn-cost: serial pss_bytes at tasks = 1",
                "unknown metric `pss_bytes`; use speedup, median",
            ),
            (
                "spawn-cost: tokio-task rss_bytes at tasks = 1",
                "unknown metric `rss_bytes`; use speedup, median, pss_bytes",
            ),
            (
                "no-baseline: tokio-task speedup at tasks = 1",
                "there is no speedup of tokio-task: this experiment has no baseline",
            ),
        ];
        for (text, says) in cases {
            let err = error(text);
            assert!(err.contains(says), "`{text}` gave `{err}`, not `{says}`");
        }
    }
}
