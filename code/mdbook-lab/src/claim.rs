//! `{{#claim …}}`: a sentence about this build's results, checked when the book is built.
//!
//! ```text
//! {{#claim gil-cpu: gil-threads speedup is at most 1.1× at every point}}
//! {{#claim io-bound: tokio median is at most threads median at tasks = 1000}}
//! {{#claim cpu-bound: rayon speedup is at least 70% of ceiling at workers = 2}}
//! {{#claim gil-convoy: with-spinner median is within 25% of with-spinner median in cpython-gil-convoy at switch_us = 5000}}
//! ```
//! The grammar is the sentence itself:
//! `EXPERIMENT: STRATEGY METRIC is at most|at least|within P% of VALUE at every point|at X = N`,
//! where
//! - METRIC is `speedup` (over the experiment's baseline), `median`, `min`, `max`, `p90`, or
//!   the name of an extra metric such as `handoffs`;
//! - VALUE is a number with an optional unit (`×`, `s`, `ms`, `µs`), `P% of ceiling`
//!   (P percent of `min(workers, measured parallel ceiling)`), or `STRATEGY METRIC` (another
//!   strategy at the same x), optionally `in EXPERIMENT` (the same x of another experiment,
//!   such as the CPython run beside the model);
//! - X is the experiment's x axis (`workers`, `tasks`, or a parameter such as `switch_us`).
//!
//! A claim that holds shows ✓ and the measured value; one that does not shows a visible
//! "did not hold on this machine" with what was measured. A claim against an experiment that
//! could not run here (no `python3`) says "not checked on this machine" and why. A claim that cannot be read (unknown
//! strategy, metric or point) stops the build.

use anyhow::{Result, anyhow, bail};
use lab::results::{Experiment, Machine, Point, Results};

use crate::bench::extra_unit;
use crate::format;
use crate::format::escape;

/// A parsed claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Claim {
    /// Experiment ID.
    pub(crate) experiment: String,
    /// The sentence after the ID, as written.
    pub(crate) statement: String,
    strategy: String,
    metric: String,
    bound: Bound,
    value: Value,
    scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    AtMost,
    AtLeast,
    /// Within this share of the value, either side.
    Within(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// A number in the metric's own unit (seconds for times).
    Number(f64),
    /// A share of `min(workers, ceiling)`.
    CeilingShare(f64),
    /// Another strategy's metric at the same x, in this experiment or `experiment`.
    Other {
        strategy: String,
        metric: String,
        experiment: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Scope {
    EveryPoint,
    At { axis: String, x: u64 },
}

/// The outcome of checking a claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    /// Whether it held; `None` when it could not be checked here.
    pub(crate) held: Option<bool>,
    /// The measured value that decided it, or why it was not checked, as the page shows it.
    pub(crate) measured: String,
}

const FORM: &str =
    "write it as `EXPERIMENT: STRATEGY METRIC is at most|at least VALUE at every point|at X = N`";

impl Claim {
    /// Parses the text after `{{#claim`.
    pub(crate) fn parse(text: &str) -> Result<Claim> {
        let (experiment, statement) = text
            .split_once(':')
            .ok_or_else(|| anyhow!("claim `{text}` names no experiment; {FORM}"))?;
        let statement = statement.trim();
        let (subject, predicate) = statement
            .split_once(" is ")
            .ok_or_else(|| anyhow!("claim `{statement}` has no `is`; {FORM}"))?;
        let mut words = subject.split_whitespace();
        let (Some(strategy), Some(metric), None) = (words.next(), words.next(), words.next())
        else {
            bail!("claim `{statement}` must start with STRATEGY METRIC; {FORM}");
        };
        let (bound, rest) = if let Some(rest) = predicate.strip_prefix("at most ") {
            (Bound::AtMost, rest)
        } else if let Some(rest) = predicate.strip_prefix("at least ") {
            (Bound::AtLeast, rest)
        } else if let Some((share, rest)) = predicate
            .strip_prefix("within ")
            .and_then(|r| r.split_once("% of "))
        {
            let share: f64 = share
                .trim()
                .parse()
                .map_err(|_| anyhow!("claim `{statement}`: `within P% of` needs a number P"))?;
            (Bound::Within(share / 100.0), rest)
        } else {
            bail!(
                "claim `{statement}` must say `is at most`, `is at least` or `is within P% of`; {FORM}"
            );
        };
        let (value, scope) = rest.rsplit_once(" at ").ok_or_else(|| {
            anyhow!("claim `{statement}` must end with `at every point` or `at X = N`; {FORM}")
        })?;
        Ok(Claim {
            experiment: experiment.trim().to_string(),
            statement: statement.to_string(),
            strategy: strategy.to_string(),
            metric: metric.to_string(),
            bound,
            value: parse_value(value.trim(), statement)?,
            scope: parse_scope(scope.trim(), statement)?,
        })
    }

    /// Checks the claim against this build's results. Errors when it names something that
    /// does not exist; says "not checked" when an experiment it needs could not run here.
    pub(crate) fn check(&self, results: &Results) -> Result<Verdict> {
        let experiment = find(results, &self.experiment)?;
        let machine = &results.machine;
        if let Some(skipped) = [Some(&self.experiment), self.other_experiment()]
            .into_iter()
            .flatten()
            .find(|id| {
                results
                    .experiments
                    .get(*id)
                    .is_some_and(|e| e.series.is_empty())
            })
        {
            let why = results.experiments[skipped].notes.join("; ");
            return Ok(Verdict {
                held: None,
                measured: format!("{skipped} was not measured ({why})"),
            });
        }
        let points = self.points(experiment)?;
        let mut worst: Option<(f64, f64, &Point)> = None;
        for point in points {
            let measured = self.metric_of(experiment, point, &self.metric, &self.strategy)?;
            let limit = self.limit(results, experiment, machine, point)?;
            let margin = match self.bound {
                Bound::AtMost => limit - measured,
                Bound::AtLeast => measured - limit,
                Bound::Within(share) => share * limit.abs() - (measured - limit).abs(),
            };
            if worst.is_none_or(|(m, _, _)| margin < m) {
                worst = Some((margin, measured, point));
            }
        }
        let (margin, measured, point) = worst.expect("points() never returns an empty list");
        let limit = self.limit(results, experiment, machine, point)?;
        let mut shown = format!(
            "{} at {} = {}",
            self.show(experiment, &self.metric, measured),
            experiment.x,
            experiment.x_of(point)
        );
        if let Value::Other { metric, .. } = &self.value {
            shown.push_str(&format!(
                " against {} ({:+.0}%)",
                self.show(experiment, metric, limit),
                (measured / limit - 1.0) * 100.0
            ));
        }
        if let Value::CeilingShare(_) = self.value {
            let attainable = machine.attainable_speedup(point.workers);
            shown.push_str(&format!(
                ", {} of the attainable {}",
                format::percent(measured / attainable),
                format::ratio(attainable)
            ));
        }
        Ok(Verdict {
            held: Some(margin >= 0.0),
            measured: shown,
        })
    }

    fn other_experiment(&self) -> Option<&String> {
        match &self.value {
            Value::Other { experiment, .. } => experiment.as_ref(),
            _ => None,
        }
    }

    fn points<'e>(&self, experiment: &'e Experiment) -> Result<Vec<&'e Point>> {
        if !experiment.strategies().contains(&self.strategy.as_str()) {
            bail!(
                "claim names strategy `{}`, but {} has: {}",
                self.strategy,
                self.experiment,
                experiment.strategies().join(", ")
            );
        }
        match &self.scope {
            Scope::EveryPoint => Ok(experiment
                .series
                .iter()
                .filter(|p| p.strategy == self.strategy)
                .collect()),
            Scope::At { axis, x } => {
                if *axis != experiment.x {
                    bail!(
                        "claim is `at {axis} = {x}`, but {}'s x axis is `{}`",
                        self.experiment,
                        experiment.x
                    );
                }
                let point = experiment.point(&self.strategy, *x).ok_or_else(|| {
                    anyhow!(
                        "claim is about {} at {axis} = {x}, which was not measured",
                        self.strategy
                    )
                })?;
                Ok(vec![point])
            }
        }
    }

    fn limit(
        &self,
        results: &Results,
        experiment: &Experiment,
        machine: &Machine,
        point: &Point,
    ) -> Result<f64> {
        match &self.value {
            Value::Number(n) => Ok(*n),
            Value::CeilingShare(share) => {
                if self.metric != "speedup" {
                    bail!(
                        "`% of ceiling` compares speedups; this claim's metric is `{}`",
                        self.metric
                    );
                }
                Ok(share * machine.attainable_speedup(point.workers))
            }
            Value::Other {
                strategy,
                metric,
                experiment: other_id,
            } => {
                let x = experiment.x_of(point);
                let (other_experiment, name) = match other_id {
                    Some(id) => (find(results, id)?, id.as_str()),
                    None => (experiment, self.experiment.as_str()),
                };
                if other_experiment.x != experiment.x {
                    bail!(
                        "claim compares {} with {name}, whose x axis is `{}`, not `{}`",
                        self.experiment,
                        other_experiment.x,
                        experiment.x
                    );
                }
                let other = other_experiment.point(strategy, x).ok_or_else(|| {
                    anyhow!(
                        "claim compares with {strategy} of {name} at {} = {x}, which was not measured",
                        experiment.x
                    )
                })?;
                self.metric_of(other_experiment, other, metric, strategy)
            }
        }
    }

    fn metric_of(
        &self,
        experiment: &Experiment,
        point: &Point,
        metric: &str,
        strategy: &str,
    ) -> Result<f64> {
        match metric {
            "speedup" => experiment.speedup(point).ok_or_else(|| {
                anyhow!(
                    "claim needs {strategy}'s speedup at {} = {}, but the baseline was not measured there",
                    experiment.x,
                    experiment.x_of(point)
                )
            }),
            "median" => Ok(point.median),
            "min" => Ok(point.min),
            "max" => Ok(point.max),
            "p90" => point
                .p90
                .ok_or_else(|| anyhow!("{strategy} has no p90 in results.json")),
            extra => point.extra.get(extra).copied().ok_or_else(|| {
                anyhow!(
                    "unknown metric `{extra}`; use speedup, median, min, max, p90{}",
                    point
                        .extra
                        .keys()
                        .map(|k| format!(", {k}"))
                        .collect::<String>()
                )
            }),
        }
    }

    fn show(&self, experiment: &Experiment, metric: &str, value: f64) -> String {
        match metric {
            "speedup" => format::ratio(value),
            "median" | "min" | "max" | "p90" => format::value(value, &experiment.unit),
            extra => format::value(value, extra_unit(extra, &experiment.unit)),
        }
    }
}

fn parse_value(text: &str, statement: &str) -> Result<Value> {
    if let Some(share) = text.strip_suffix("% of ceiling") {
        let share: f64 = share
            .trim()
            .parse()
            .map_err(|_| anyhow!("`{text}` in claim `{statement}`: expected `P% of ceiling`"))?;
        return Ok(Value::CeilingShare(share / 100.0));
    }
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    if number_end > 0 {
        let number: f64 = text[..number_end]
            .parse()
            .map_err(|_| anyhow!("`{text}` in claim `{statement}` is not a number"))?;
        let scale = match text[number_end..].trim() {
            "" | "×" | "x" => 1.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "µs" | "us" => 1e-6,
            "ns" => 1e-9,
            unit => bail!("unknown unit `{unit}` in claim `{statement}`; use ×, s, ms, µs or ns"),
        };
        return Ok(Value::Number(number * scale));
    }
    let (text, experiment) = match text.split_once(" in ") {
        Some((value, experiment)) => (value, Some(experiment.trim().to_string())),
        None => (text, None),
    };
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(strategy), Some(metric), None) => Ok(Value::Other {
            strategy: strategy.to_string(),
            metric: metric.to_string(),
            experiment,
        }),
        _ => bail!(
            "cannot read the value `{text}` in claim `{statement}`; use a number with a unit, \
             `P% of ceiling`, or `STRATEGY METRIC`"
        ),
    }
}

fn parse_scope(text: &str, statement: &str) -> Result<Scope> {
    if text == "every point" {
        return Ok(Scope::EveryPoint);
    }
    let parsed = text.split_once('=').and_then(|(axis, x)| {
        let axis = axis.trim();
        let x: u64 = x.trim().parse().ok()?;
        (!axis.is_empty() && !axis.contains(' ')).then(|| Scope::At {
            axis: axis.to_string(),
            x,
        })
    });
    parsed.ok_or_else(|| {
        anyhow!("claim `{statement}` ends with `at {text}`; use `at every point` or `at X = N`")
    })
}

/// The experiment `id`, or an error listing the ones measured.
pub(crate) fn find<'r>(results: &'r Results, id: &str) -> Result<&'r Experiment> {
    results.experiments.get(id).ok_or_else(|| {
        let known: Vec<&str> = results.experiments.keys().map(String::as_str).collect();
        anyhow!(
            "unknown experiment `{id}`; results.json has: {}. Fix the ID, or run \
             `cargo xtask bench` if the experiment is new",
            known.join(", ")
        )
    })
}

/// The claim as the page shows it.
pub(crate) fn render(claim: &Claim, verdict: &Verdict) -> String {
    let statement = escape(&claim.statement);
    let measured = escape(&verdict.measured);
    let Some(held) = verdict.held else {
        return format!(
            "<span class=\"lab-claim lab-claim-skipped\" title=\"could not be checked on the machine that built this page\">\
             <span class=\"lab-claim-mark\" aria-label=\"not checked\">–</span> {statement} \
             <strong>not checked on this machine: {measured}</strong></span>"
        );
    };
    if held {
        format!(
            "<span class=\"lab-claim lab-claim-held\" title=\"checked against this build's measurements\">\
             <span class=\"lab-claim-mark\" aria-label=\"holds\">✓</span> {statement} \
             <span class=\"lab-claim-measured\">(measured: {measured})</span></span>"
        )
    } else {
        format!(
            "<span class=\"lab-claim lab-claim-failed\" title=\"checked against this build's measurements\">\
             <span class=\"lab-claim-mark\" aria-label=\"does not hold\">✗</span> {statement} \
             <strong>did not hold on this machine: measured {measured}</strong></span>"
        )
    }
}

#[cfg(test)]
mod tests;
