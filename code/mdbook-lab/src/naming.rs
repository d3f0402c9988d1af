//! How the page names what an experiment measured: each metric by the name and unit the
//! results contract gives it (never its key, never a unit guessed from the key), and each
//! point by the experiment's phrase for it ("with 2 producers", "with a 5,000 µs switch
//! interval"). Tables, claims and quoted figures all name things through here, so they name
//! them alike.

use anyhow::{Result, bail};
use lab_results::{Experiment, Metric};

use crate::format::{Kind, count};

/// How `metric` of `experiment` reads: its unit, or its kind of ratio.
pub(crate) fn kind_of<'e>(experiment: &'e Experiment, metric: &Metric) -> Kind<'e> {
    match metric {
        Metric::Speedup => Kind::Ratio,
        Metric::CeilingShare => Kind::Percent,
        Metric::Value => Kind::Unit(experiment.unit.as_str()),
        // `check` has made sure every extra metric has its info.
        Metric::Extra(key) => Kind::Unit(
            experiment
                .metrics
                .get(key)
                .map_or("", |info| info.unit.as_str()),
        ),
    }
}

/// `metric` of `experiment` in a reader's words: `speedup`, `median time`, `spawning`.
pub(crate) fn metric_name(experiment: &Experiment, metric: &Metric) -> String {
    match metric {
        Metric::Speedup => "speedup".to_string(),
        Metric::CeilingShare => "share of the ceiling".to_string(),
        Metric::Value => format!("median {}", experiment.value_name),
        Metric::Extra(key) => experiment
            .metrics
            .get(key)
            .map_or_else(|| key.clone(), |info| info.name.clone()),
    }
}

/// The point at `x` in a reader's words: `with 2 producers`, `for 10,000 waits at once`. A
/// phrase marks a plural ending `{s}`, which one of a thing goes without (`with 1 producer`).
pub(crate) fn point_phrase(experiment: &Experiment, x: u64) -> String {
    experiment
        .x_phrase
        .replacen("{}", &count(x), 1)
        .replace("{s}", if x == 1 { "" } else { "s" })
}

/// That `experiment` (`id`) names everything it measured, as schema 3 requires: a results
/// file that does not is from a suite that forgot to, and the page would fall back to keys.
pub(crate) fn check(id: &str, experiment: &Experiment) -> Result<()> {
    if experiment.x_phrase.matches("{}").count() != 1 {
        bail!(
            "results.json: `{id}`'s x phrase `{}` has no single `{{}}` for the number; fix its \
             plan and run `cargo xtask bench {id}`",
            experiment.x_phrase
        );
    }
    for point in &experiment.series {
        if let Some(key) = point
            .extra
            .keys()
            .find(|k| !experiment.metrics.contains_key(*k))
        {
            bail!(
                "results.json: `{id}` reports the metric `{key}` with no name or unit; declare \
                 it in the experiment's plan and run `cargo xtask bench {id}`"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use lab_results::fixture;

    use super::*;

    fn experiment() -> Experiment {
        let point = fixture::uniform("threads", 2, 10_000, 1.0);
        let mut e = fixture::experiment(vec![fixture::with_extra(point, "pss_bytes", 4096.0)]);
        e.x = "tasks".into();
        e.x_phrase = "for {} waits at once".into();
        fixture::declare(&mut e, "pss_bytes", "PSS per task", "B");
        e
    }

    #[test]
    fn metrics_and_points_read_in_words_with_their_units() {
        let mut e = experiment();
        let pss = Metric::Extra("pss_bytes".into());
        assert_eq!(metric_name(&e, &pss), "PSS per task");
        assert_eq!(kind_of(&e, &pss), Kind::Unit("B"));
        assert_eq!(metric_name(&e, &Metric::Value), "median time");
        assert_eq!(point_phrase(&e, 10_000), "for 10,000 waits at once");
        e.x_phrase = "with {} producer{s}".into();
        assert_eq!(point_phrase(&e, 1), "with 1 producer");
        assert_eq!(point_phrase(&e, 2), "with 2 producers");
        assert!(check("e", &e).is_ok());
    }

    #[test]
    fn a_metric_with_no_name_is_an_error_that_says_how_to_fix_it() {
        let mut e = experiment();
        e.metrics.clear();
        let err = check("many-waits", &e).unwrap_err().to_string();
        assert!(
            err.contains("`many-waits` reports the metric `pss_bytes` with no name"),
            "{err}"
        );
        assert!(err.contains("cargo xtask bench many-waits"), "{err}");
    }
}
