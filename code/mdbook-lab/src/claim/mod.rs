//! `{{#claim …}}`: a sentence about this build's results, checked when the book is built.
//!
//! ```text
//! {{#claim gil-cpu: gil-threads speedup is at most 1.1× at every point}}
//! {{#claim io-bound: tokio median is at most threads median at tasks = 1000}}
//! {{#claim cpu-bound: rayon speedup is at least 70% of ceiling at workers = 2}}
//! {{#claim gil-convoy: with-spinner median is within 25% of with-spinner median in cpython-gil-convoy at switch_us = 5000}}
//! {{#claim amdahl: parallel speedup is within 10% of Amdahl at serial_pct = 10}}
//! ```
//! The grammar is the sentence itself:
//! `EXPERIMENT: STRATEGY METRIC is at most|at least|within P% of VALUE at every point|at X = N`,
//! where
//! - METRIC is `speedup` (over the experiment's baseline, round by round), `median` (of the
//!   point's value), or the name of an extra metric such as `handoffs`;
//! - VALUE is a number with an optional unit (`×`, `s`, `ms`, `µs`), `P% of ceiling`
//!   (P percent of `min(workers, ceiling)`, with the ceiling measured in the same rounds), or
//!   `STRATEGY METRIC` (another strategy at the same x), optionally `in EXPERIMENT` (the same
//!   x of another experiment, such as the CPython run beside the model), or `Amdahl` (the
//!   speedup Amdahl's law predicts from the point's `serial_pct` setting and the ceiling
//!   measured in the same round);
//! - X is the experiment's x axis (`workers`, `tasks`, or a parameter such as `switch_us`).
//!
//! Every measured quantity has a 95% interval, and the claim is judged against the whole
//! interval, so it has three outcomes on the page: ✓ when the whole interval satisfies it,
//! ✗ "did not hold on this machine" when the whole interval violates it, and "not settled on
//! this machine" when the interval straddles the bound (or too few rounds gave none). A claim
//! against an experiment that could not run here (no `python3`) says "not checked". A claim
//! that cannot be read (unknown strategy, metric or point) stops the build.
//!
//! # Layout
//!
//! - `parse`: the sentence into a [`Claim`].
//! - `judge`: a claim against `results.json` into a [`Verdict`].
//! - `words`: the check in a reader's words, with the names and phrases of the results.
//! - `render`: a verdict into the HTML the page shows.

mod judge;
mod notes;
mod parse;
mod render;
mod words;

use anyhow::{Result, anyhow};
use lab_results::{Experiment, Metric, Results};

pub(crate) use judge::{estimate_of, point_at};
pub(crate) use notes::{DIRECTIVE as NOTES_DIRECTIVE, Notes};
pub(crate) use parse::{metric_named, parse_point};
pub(crate) use render::{MARKS, Mark, render, render_compact};

use crate::registry::Directive;

/// `{{#claim …}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "claim",
    usage: "{{#claim [compact] ID: STRATEGY METRIC is at most|at least|within P% of VALUE at … [| SENTENCE]}}",
    becomes: "the sentence with ✓, ✗ \"did not hold on this machine\", or \"not settled on \
              this machine\", judged by this build's 95% intervals",
    render: |lab, text| {
        // `compact`: in a table cell, the mark and its figure, the whole claim in the notes.
        let (compact, text) = match text.strip_prefix("compact ") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let results = lab.results()?;
        let claim = Claim::parse(text)?;
        for id in claim.experiments() {
            lab.fresh(results, id)?;
        }
        let words = claim.in_words(results)?;
        let verdict = claim.check(results)?;
        let full = render(&claim, &words, &verdict, lab.legend());
        if !compact {
            return Ok(full);
        }
        let note = lab.claim_notes().defer(full);
        Ok(render_compact(
            &claim,
            &words,
            &verdict,
            lab.legend(),
            &note,
        ))
    },
};

/// A parsed claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Claim {
    /// Experiment ID.
    pub(crate) experiment: String,
    /// The check after the ID, as written.
    pub(crate) statement: String,
    /// The sentence a reader should see, if the claim gives one after ` | `.
    pub(crate) sentence: Option<String>,
    strategy: String,
    metric: Metric,
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
    /// Amdahl's prediction from the point's `serial_pct` and the round's ceiling.
    Amdahl,
    /// Another strategy's metric at the same x, in this experiment or `experiment`.
    Other {
        strategy: String,
        metric: Metric,
        experiment: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Scope {
    EveryPoint,
    At { axis: String, x: u64 },
}

/// How a claim came out on this build's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The whole interval satisfies the claim.
    Held,
    /// The whole interval violates it.
    Failed,
    /// The interval straddles the bound, or there were too few rounds for one.
    Unsettled,
    /// An experiment it needs could not run on this machine.
    NotChecked,
}

/// The outcome of checking a claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    /// How it came out.
    pub(crate) outcome: Outcome,
    /// The measured figures that decided it, or why it was not checked, as the page shows
    /// them.
    pub(crate) measured: String,
    /// The one figure the bound judged, for a claim shown compactly in a table.
    pub(crate) headline: String,
    /// For an unsettled claim, why: the interval and the bound it straddles.
    pub(crate) why: Option<String>,
}

impl Claim {
    /// The experiments the claim reads: its own, and the one it compares with, if another.
    pub(crate) fn experiments(&self) -> Vec<&str> {
        let mut ids = vec![self.experiment.as_str()];
        if let Value::Other {
            experiment: Some(other),
            ..
        } = &self.value
        {
            ids.push(other);
        }
        ids
    }
}

/// The experiment `id`, or an error listing the ones measured.
pub(crate) fn find<'r>(results: &'r Results, id: &str) -> Result<&'r Experiment> {
    results.experiments.get(id).ok_or_else(|| {
        let known: Vec<&str> = results.experiments.keys().map(String::as_str).collect();
        anyhow!(
            "unknown experiment `{id}`; results.json has: {}. Fix the ID, or run \
             `cargo xtask bench {id}` if the experiment is new",
            known.join(", ")
        )
    })
}

#[cfg(test)]
mod tests;
