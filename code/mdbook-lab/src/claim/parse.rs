//! A claim's sentence into a [`Claim`]. Every error shows the form to write instead.

use anyhow::{Result, anyhow, bail};
use lab_results::Metric;

use super::{Bound, Claim, Scope, Value};

const FORM: &str = "write it as `EXPERIMENT: STRATEGY METRIC is at most|at least|within P% of \
                    VALUE at every point|at X = N`, then, if you like, ` | ` and the sentence a \
                    reader should see";

impl Claim {
    /// Parses the text after `{{#claim`.
    pub(crate) fn parse(text: &str) -> Result<Claim> {
        let (experiment, statement) = text
            .split_once(':')
            .ok_or_else(|| anyhow!("claim `{text}` names no experiment; {FORM}"))?;
        let (statement, sentence) = match statement.split_once(" | ") {
            Some((check, sentence)) => (check.trim(), Some(sentence.trim())),
            None => (statement.trim(), None),
        };
        if sentence.is_some_and(str::is_empty) {
            bail!("claim `{statement}` has an empty sentence after ` | `; {FORM}");
        }
        let (subject, predicate) = statement
            .split_once(" is ")
            .ok_or_else(|| anyhow!("claim `{statement}` has no `is`; {FORM}"))?;
        let mut words = subject.split_whitespace();
        let (Some(strategy), Some(metric), None) = (words.next(), words.next(), words.next())
        else {
            bail!("claim `{statement}` must start with STRATEGY METRIC; {FORM}");
        };
        let (bound, rest) = parse_bound(predicate, statement)?;
        let (value, scope) = rest.rsplit_once(" at ").ok_or_else(|| {
            anyhow!("claim `{statement}` must end with `at every point` or `at X = N`; {FORM}")
        })?;
        Ok(Claim {
            experiment: experiment.trim().to_string(),
            statement: statement.to_string(),
            sentence: sentence.map(str::to_string),
            strategy: strategy.to_string(),
            metric: metric_named(metric),
            bound,
            value: parse_value(value.trim(), statement)?,
            scope: parse_scope(scope.trim(), statement)?,
        })
    }
}

/// `speedup`, `median`, or an extra metric's name. `{{#measured}}` reads its METRIC with
/// this too, so that a figure and a claim name a metric alike.
pub(crate) fn metric_named(word: &str) -> Metric {
    match word {
        "speedup" => Metric::Speedup,
        "median" => Metric::Value,
        extra => Metric::Extra(extra.to_string()),
    }
}

fn parse_bound<'p>(predicate: &'p str, statement: &str) -> Result<(Bound, &'p str)> {
    if let Some(rest) = predicate.strip_prefix("at most ") {
        return Ok((Bound::AtMost, rest));
    }
    if let Some(rest) = predicate.strip_prefix("at least ") {
        return Ok((Bound::AtLeast, rest));
    }
    if let Some((share, rest)) = predicate
        .strip_prefix("within ")
        .and_then(|r| r.split_once("% of "))
    {
        let share: f64 = share
            .trim()
            .parse()
            .map_err(|_| anyhow!("claim `{statement}`: `within P% of` needs a number P"))?;
        return Ok((Bound::Within(share / 100.0), rest));
    }
    bail!("claim `{statement}` must say `is at most`, `is at least` or `is within P% of`; {FORM}")
}

fn parse_value(text: &str, statement: &str) -> Result<Value> {
    if text == "Amdahl" {
        return Ok(Value::Amdahl);
    }
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
        let unit = text[number_end..].trim();
        // Bytes and bytes per second scale alike: `MB` and `MB/s` are both 10⁶.
        let scale = match unit
            .strip_suffix("/s")
            .filter(|u| u.ends_with('B'))
            .unwrap_or(unit)
        {
            "" | "×" | "x" | "s" | "B" => 1.0,
            "ms" => 1e-3,
            "µs" | "us" => 1e-6,
            "ns" => 1e-9,
            "kB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            unit => bail!(
                "unknown unit `{unit}` in claim `{statement}`; use ×, s, ms, µs, ns, B, kB, MB, \
                 GB, or bytes per second (MB/s)"
            ),
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
            metric: metric_named(metric),
            experiment,
        }),
        _ => bail!(
            "cannot read the value `{text}` in claim `{statement}`; use a number with a unit, \
             `P% of ceiling`, `Amdahl`, or `STRATEGY METRIC`"
        ),
    }
}

/// `X = N`, one point of an experiment's x axis, as claims and quoted figures name it.
pub(crate) fn parse_point(text: &str) -> Option<(String, u64)> {
    let (axis, x) = text.split_once('=')?;
    let axis = axis.trim();
    let x: u64 = x.trim().parse().ok()?;
    (!axis.is_empty() && !axis.contains(' ')).then(|| (axis.to_string(), x))
}

fn parse_scope(text: &str, statement: &str) -> Result<Scope> {
    if text == "every point" {
        return Ok(Scope::EveryPoint);
    }
    let parsed = parse_point(text).map(|(axis, x)| Scope::At { axis, x });
    parsed.ok_or_else(|| {
        anyhow!("claim `{statement}` ends with `at {text}`; use `at every point` or `at X = N`")
    })
}
