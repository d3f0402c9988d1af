//! A claim against this build's results: each point it names is judged by its whole 95%
//! interval, and the worst point decides.
//!
//! A comparison with another strategy becomes a ratio that must lie at most, at least, or
//! within P% of 1. In the same experiment the ratio is taken round by round (both sides were
//! measured in the same minutes); against another experiment, whose rounds are not paired
//! with these, it is the ratio of the two intervals, wider but honest.

use anyhow::{Result, anyhow, bail};
use lab_results::{
    Estimate, Experiment, MIN_FOR_INTERVAL, Metric, Point, Results, amdahl_speedup,
    attainable_speedup, implied_serial_share,
};

use super::{Bound, Claim, Outcome, Scope, Value, Verdict, find};
use crate::format::{self, Kind};
use crate::naming::{self, kind_of};

/// One point, judged.
struct Judged {
    outcome: Outcome,
    /// How far inside (positive) or outside (negative) the allowed range the interval lies,
    /// as a share of the bound: the point with the least is the one shown.
    slack: f64,
    measured: String,
    headline: String,
    why: Option<String>,
}

/// What was measured at one point, before it is judged.
struct Measured<'e> {
    quantity: Estimate,
    /// The value the bound is set around.
    limit: f64,
    /// How the quantity and the limit read.
    kind: Kind<'e>,
    /// The figures, as the page shows them.
    shown: String,
    /// The one figure the bound judged, for a claim shown compactly: `81% of the ceiling`.
    headline: String,
    /// Rounds behind the interval.
    rounds: usize,
}

impl Claim {
    /// Checks the claim against this build's results. Errors when it names something that
    /// does not exist; says "not checked" when an experiment it needs could not run here.
    pub(crate) fn check(&self, results: &Results) -> Result<Verdict> {
        let experiment = find(results, &self.experiment)?;
        if let Some(skipped) = self.skipped(results) {
            let why = results.experiments[skipped].notes.join("; ");
            return Ok(Verdict {
                outcome: Outcome::NotChecked,
                measured: format!("{skipped} was not measured ({why})"),
                headline: "not measured here".to_string(),
                why: None,
            });
        }
        let mut judged = Vec::new();
        for point in self.points(experiment)? {
            judged.push(self.judge_point(results, experiment, point)?);
        }
        let rank = |j: &Judged| match j.outcome {
            Outcome::Failed => 0,
            Outcome::Unsettled => 1,
            Outcome::Held | Outcome::NotChecked => 2,
        };
        let worst = judged
            .into_iter()
            .min_by(|a, b| rank(a).cmp(&rank(b)).then(a.slack.total_cmp(&b.slack)))
            .expect("points() never returns an empty list");
        Ok(Verdict {
            outcome: worst.outcome,
            measured: worst.measured,
            headline: worst.headline,
            why: worst.why,
        })
    }

    /// The experiment this claim needs that has no points because it could not run here.
    fn skipped<'r>(&'r self, results: &Results) -> Option<&'r String> {
        let other = match &self.value {
            Value::Other { experiment, .. } => experiment.as_ref(),
            _ => None,
        };
        [Some(&self.experiment), other]
            .into_iter()
            .flatten()
            .find(|id| {
                results
                    .experiments
                    .get(*id)
                    .is_some_and(|e| e.series.is_empty())
            })
    }

    fn points<'e>(&self, experiment: &'e Experiment) -> Result<Vec<&'e Point>> {
        match &self.scope {
            Scope::EveryPoint => {
                known_strategy(experiment, &self.experiment, &self.strategy)?;
                Ok(experiment
                    .series
                    .iter()
                    .filter(|p| p.strategy == self.strategy)
                    .collect())
            }
            Scope::At { axis, x } => Ok(vec![point_at(
                experiment,
                &self.experiment,
                &self.strategy,
                axis,
                *x,
            )?]),
        }
    }

    fn judge_point(
        &self,
        results: &Results,
        experiment: &Experiment,
        point: &Point,
    ) -> Result<Judged> {
        let measured = self.measure(results, experiment, point)?;
        let (low, high) = self.bound.allowed(measured.limit);
        let Some([lo, hi]) = measured.quantity.interval else {
            let why = if measured.rounds < MIN_FOR_INTERVAL {
                format!(
                    "only {} rounds, too few for a 95% interval",
                    measured.rounds
                )
            } else {
                "no 95% interval could be formed (a value reaches zero)".to_string()
            };
            return Ok(unsettled(measured, why));
        };
        let scale = measured.limit.abs().max(f64::MIN_POSITIVE);
        let kind = measured.kind;
        Ok(if lo >= low && hi <= high {
            Judged {
                outcome: Outcome::Held,
                slack: (lo - low).min(high - hi) / scale,
                measured: measured.shown,
                headline: measured.headline,
                why: None,
            }
        } else if hi < low || lo > high {
            Judged {
                outcome: Outcome::Failed,
                slack: -(low - hi).max(lo - high) / scale,
                measured: measured.shown,
                headline: measured.headline,
                why: None,
            }
        } else {
            let bound = match self.bound {
                Bound::AtMost | Bound::AtLeast => {
                    format!("the bound {}", format::one(measured.limit, kind))
                }
                Bound::Within(_) => format!("the edges of {}", format::range(low, high, kind)),
            };
            let why = format!(
                "the interval {} straddles {bound}",
                format::range(lo, hi, kind)
            );
            unsettled(measured, why)
        })
    }

    /// The quantity the claim is about at `point`, and the value its bound is set around.
    fn measure<'e>(
        &self,
        results: &'e Results,
        experiment: &'e Experiment,
        point: &Point,
    ) -> Result<Measured<'e>> {
        let at = naming::point_phrase(experiment, experiment.x_of(point));
        let rounds = experiment.rounds();
        match &self.value {
            Value::Number(limit) => {
                let quantity = estimate_of(experiment, point, &self.metric)?;
                let kind = kind_of(experiment, &self.metric);
                Ok(Measured {
                    quantity,
                    limit: *limit,
                    kind,
                    shown: format!("{} {at}", format::estimate(&quantity, kind)),
                    headline: format::estimate(&quantity, kind),
                    rounds,
                })
            }
            Value::CeilingShare(share) => {
                if self.metric != Metric::Speedup {
                    bail!("`% of ceiling` compares speedups; this claim's metric is not `speedup`");
                }
                let speedup = estimate_of(experiment, point, &Metric::Speedup)?;
                let quantity = experiment
                    .estimate(point, &Metric::CeilingShare)
                    .ok_or_else(|| {
                        anyhow!(
                            "`% of ceiling` needs a ceiling measured in {}'s own rounds, and \
                             it has none (it is not CPU-bound)",
                            self.experiment
                        )
                    })?;
                let attainable = attainable_speedup(point.workers, experiment.ceiling_median());
                Ok(Measured {
                    quantity,
                    limit: *share,
                    kind: Kind::Percent,
                    shown: format!(
                        "{} {at}, {} of the attainable {}",
                        format::estimate(&speedup, Kind::Ratio),
                        format::estimate(&quantity, Kind::Percent),
                        format::one(attainable, Kind::Ratio)
                    ),
                    headline: format!(
                        "{} of the ceiling",
                        format::estimate(&quantity, Kind::Percent)
                    ),
                    rounds,
                })
            }
            Value::Amdahl => self.against_amdahl(experiment, point, at),
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
                let mine = estimate_of(experiment, point, &self.metric)?;
                let theirs = estimate_of(other_experiment, other, metric)?;
                let quantity = match other_id {
                    None => paired_ratio(experiment, point, &self.metric, other, metric)?,
                    Some(_) => unpaired_ratio(&mine, &theirs),
                };
                let place = other_id
                    .as_ref()
                    .map_or(String::new(), |id| format!(" in {id}"));
                Ok(Measured {
                    quantity,
                    limit: 1.0,
                    kind: Kind::Multiple,
                    shown: format!(
                        "{} {at} against {strategy}{place} {}: ratio {}",
                        format::estimate(&mine, kind_of(experiment, &self.metric)),
                        format::estimate(&theirs, kind_of(other_experiment, metric)),
                        format::estimate(&quantity, Kind::Multiple)
                    ),
                    headline: format!(
                        "{} of {strategy}{place}",
                        format::estimate(&quantity, Kind::Multiple)
                    ),
                    rounds: rounds.min(other_experiment.rounds()),
                })
            }
        }
    }
}

impl Claim {
    /// The point's speedup over Amdahl's prediction, round by round: each round's prediction
    /// uses the ceiling measured in that round.
    fn against_amdahl<'e>(
        &self,
        experiment: &'e Experiment,
        point: &Point,
        at: String,
    ) -> Result<Measured<'e>> {
        if self.metric != Metric::Speedup {
            bail!("`Amdahl` predicts speedups; this claim's metric is not `speedup`");
        }
        let serial_pct = point.params.get("serial_pct").ok_or_else(|| {
            anyhow!(
                "`Amdahl` needs the point's serial share, and {} has no `serial_pct` setting; \
                 give its trials `.with_param(\"serial_pct\", P)`",
                self.experiment
            )
        })?;
        let serial_share = *serial_pct as f64 / 100.0;
        let ceiling = point
            .ceiling
            .as_ref()
            .or(experiment.ceiling.as_ref())
            .ok_or_else(|| {
                anyhow!(
                    "`Amdahl` needs a ceiling measured in {}'s own rounds, and it has none \
                     (make the experiment CPU-bound)",
                    self.experiment
                )
            })?;
        let speedups = experiment
            .per_round(point, &Metric::Speedup)
            .ok_or_else(|| anyhow!("claim needs {}'s speedup {at}", point.strategy))?;
        let attainable: Vec<f64> = ceiling
            .rounds
            .iter()
            .map(|&c| attainable_speedup(point.workers, c))
            .collect();
        let predicted: Vec<f64> = attainable
            .iter()
            .map(|&n| amdahl_speedup(serial_share, n))
            .collect();
        let ratios: Vec<f64> = speedups
            .iter()
            .zip(&predicted)
            .map(|(s, p)| s / p)
            .collect();
        let quantity = Estimate::of(&ratios);
        let speedup = estimate_of(experiment, point, &Metric::Speedup)?;
        let mut shown = format!(
            "{} {at} against Amdahl's {}: ratio {}",
            format::estimate(&speedup, Kind::Ratio),
            format::estimate(&Estimate::of(&predicted), Kind::Ratio),
            format::estimate(&quantity, Kind::Ratio)
        );
        // The serial share that would explain the measured speedup: Amdahl's law fitted to
        // this point. Undefined where the machine gives one thread's worth.
        if attainable.iter().all(|&n| n > 1.0) {
            let implied: Vec<f64> = speedups
                .iter()
                .zip(&attainable)
                .map(|(&s, &n)| implied_serial_share(s, n))
                .collect();
            shown += &format!(
                "; the serial share it implies: {}",
                format::estimate(&Estimate::of(&implied), Kind::Percent)
            );
        }
        Ok(Measured {
            headline: format!(
                "{} of Amdahl's prediction",
                format::estimate(&quantity, Kind::Ratio)
            ),
            quantity,
            limit: 1.0,
            kind: Kind::Ratio,
            shown,
            rounds: experiment.rounds(),
        })
    }
}

impl Bound {
    /// The range a claimed quantity may take, for a bound set around `limit`.
    fn allowed(self, limit: f64) -> (f64, f64) {
        match self {
            Bound::AtMost => (f64::NEG_INFINITY, limit),
            Bound::AtLeast => (limit, f64::INFINITY),
            Bound::Within(share) => {
                let (a, b) = (limit * (1.0 - share), limit * (1.0 + share));
                (a.min(b), a.max(b))
            }
        }
    }
}

fn unsettled(measured: Measured<'_>, why: String) -> Judged {
    Judged {
        outcome: Outcome::Unsettled,
        slack: 0.0,
        measured: measured.shown,
        headline: measured.headline,
        why: Some(why),
    }
}

/// The stored estimate of `metric` at `point`, or an error that says why there is none.
/// Shared with `{{#measured}}`, so that a figure in a table and a claim read a point alike;
/// hence the errors name no directive.
/// Errors unless `strategy` is one of experiment `id`'s, listing the ones it has.
pub(crate) fn known_strategy(experiment: &Experiment, id: &str, strategy: &str) -> Result<()> {
    let strategies = experiment.strategies();
    if !strategies.contains(&strategy) {
        bail!(
            "`{strategy}` is not a strategy of {id}; it has: {}",
            strategies.join(", ")
        );
    }
    Ok(())
}

/// The point of `strategy` at `axis = x` in experiment `id`, for a claim or a quoted figure;
/// the error names what is wrong and what was measured instead.
pub(crate) fn point_at<'e>(
    experiment: &'e Experiment,
    id: &str,
    strategy: &str,
    axis: &str,
    x: u64,
) -> Result<&'e Point> {
    known_strategy(experiment, id, strategy)?;
    if axis != experiment.x {
        bail!(
            "`at {axis} = {x}`, but {id}'s x axis is `{}`; write `at {} = N`",
            experiment.x,
            experiment.x
        );
    }
    experiment.point(strategy, x).ok_or_else(|| {
        let measured: Vec<String> = experiment
            .series
            .iter()
            .filter(|p| p.strategy == strategy)
            .map(|p| experiment.x_of(p).to_string())
            .collect();
        anyhow!(
            "{strategy} of {id} was not measured at {axis} = {x}; it was at {axis} = {}",
            measured.join(", ")
        )
    })
}

pub(crate) fn estimate_of(
    experiment: &Experiment,
    point: &Point,
    metric: &Metric,
) -> Result<Estimate> {
    experiment
        .estimate(point, metric)
        .ok_or_else(|| match metric {
            Metric::Extra(name) => anyhow!(
                "unknown metric `{name}`; use speedup, median{}",
                point
                    .extra
                    .keys()
                    .map(|k| format!(", {k}"))
                    .collect::<String>()
            ),
            _ => match &experiment.baseline {
                Some(baseline) => anyhow!(
                    "there is no speedup of {} at {} = {}: its baseline, {baseline}, was not \
                     measured there",
                    point.strategy,
                    experiment.x,
                    experiment.x_of(point)
                ),
                None => anyhow!(
                    "there is no speedup of {}: this experiment has no baseline; use `median` \
                     or an extra metric",
                    point.strategy
                ),
            },
        })
}

/// `metric` of `mine` over `metric` of `theirs`, round by round, in one experiment.
fn paired_ratio(
    experiment: &Experiment,
    mine: &Point,
    my_metric: &Metric,
    theirs: &Point,
    their_metric: &Metric,
) -> Result<Estimate> {
    // Both exist: estimate_of has already checked them.
    let a = experiment.per_round(mine, my_metric);
    let b = experiment.per_round(theirs, their_metric);
    let (Some(a), Some(b)) = (a, b) else {
        bail!("claim compares metrics that were not measured at this point");
    };
    let ratios: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a / b).collect();
    Ok(Estimate::of(&ratios))
}

/// The ratio of two estimates from unpaired rounds: medians over medians, and the interval
/// from the far ends of both. Without both intervals, or when the divisor's reaches zero,
/// it has none.
fn unpaired_ratio(mine: &Estimate, theirs: &Estimate) -> Estimate {
    let interval = match (mine.interval, theirs.interval) {
        (Some([a_low, a_high]), Some([b_low, b_high])) if b_low > 0.0 && a_low >= 0.0 => {
            Some([a_low / b_high, a_high / b_low])
        }
        _ => None,
    };
    Estimate {
        median: mine.median / theirs.median,
        interval,
    }
}
