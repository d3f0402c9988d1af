//! Measures a [`Plan`]: warm-up, samples, answer checks, summaries.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Result, bail};
use indicatif::ProgressBar;

use super::Mode;
use super::plan::{Plan, Probe, Sample};
use crate::results::{Experiment, Point};
use crate::stats::Summary;

/// Measures every trial of `plan` and returns the experiment as `results.json` stores it.
///
/// Fails if two trials with the same number of tasks compute different answers: a fast wrong
/// answer is not a speedup.
pub fn measure_plan(plan: Plan, mode: Mode, bar: &ProgressBar) -> Result<Experiment> {
    let mut answers: BTreeMap<usize, (&'static str, u64)> = BTreeMap::new();
    let mut series = Vec::with_capacity(plan.trials.len());
    for trial in plan.trials {
        bar.set_message(format!(
            "{}: {} ×{}",
            plan.id, trial.strategy, trial.workers
        ));
        let mut probe = (trial.setup)();
        let mut samples = Vec::with_capacity(mode.samples());
        for run in 0..mode.warmups() + mode.samples() {
            let (sample, answer) = run_once(&mut probe);
            if let Some(answer) = answer {
                let (first, expected) = *answers
                    .entry(trial.tasks)
                    .or_insert((trial.strategy, answer));
                if answer != expected {
                    bail!(
                        "experiment {}: {} ×{} computed {answer} for {} tasks, but {first} computed {expected}",
                        plan.id,
                        trial.strategy,
                        trial.workers,
                        trial.tasks
                    );
                }
            }
            if run >= mode.warmups() {
                samples.push(sample);
            }
            bar.inc(1);
        }
        let mut point = summarise(trial.strategy, trial.workers, trial.tasks, &samples);
        point.params = trial.params;
        series.push(point);
    }
    Ok(Experiment {
        title: plan.title,
        workload: plan.workload,
        unit: plan.unit.to_string(),
        x: plan.x.to_string(),
        x_label: plan.x_label.to_string(),
        baseline: plan.baseline.map(str::to_string),
        cpu_bound: plan.cpu_bound,
        notes: plan.notes,
        series,
    })
}

/// Runs the probe once; a timed probe also returns its answer.
fn run_once(probe: &mut Probe) -> (Sample, Option<u64>) {
    match probe {
        Probe::Timed(f) => {
            let start = Instant::now();
            let answer = f();
            let value = start.elapsed().as_secs_f64();
            (
                Sample {
                    value,
                    extra: BTreeMap::new(),
                },
                Some(answer),
            )
        }
        Probe::SelfTimed(f) => (f(), None),
    }
}

fn summarise(strategy: &str, workers: usize, tasks: usize, samples: &[Sample]) -> Point {
    let values: Vec<f64> = samples.iter().map(|s| s.value).collect();
    let summary = Summary::of(&values);
    let mut extra = BTreeMap::new();
    for key in samples.iter().flat_map(|s| s.extra.keys()) {
        if extra.contains_key(key) {
            continue;
        }
        let metric: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.extra.get(key))
            .copied()
            .collect();
        extra.insert(key.clone(), Summary::of(&metric).median);
    }
    Point {
        strategy: strategy.to_string(),
        workers,
        tasks,
        params: BTreeMap::new(),
        median: summary.median,
        min: summary.min,
        max: summary.max,
        p90: Some(summary.p90),
        samples: summary.samples,
        extra,
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::Trial;
    use super::*;

    fn plan(trials: Vec<Trial>) -> Plan {
        Plan {
            id: "test",
            title: "t".into(),
            workload: "w".into(),
            unit: "s",
            x: "workers",
            x_label: "workers",
            baseline: Some("serial"),
            cpu_bound: true,
            notes: vec![],
            trials,
        }
    }

    #[test]
    fn summarises_samples_after_the_warm_up() {
        let mut calls = 0u64;
        let p = plan(vec![Trial::self_timed("serial", 1, 1, move || {
            move || {
                calls += 1;
                Sample {
                    value: calls as f64,
                    extra: BTreeMap::from([("handoffs".to_string(), 2.0 * calls as f64)]),
                }
            }
        })]);
        let e = measure_plan(p, Mode::Quick, &ProgressBar::hidden()).unwrap();
        let point = &e.series[0];
        // Run 1 is the warm-up; runs 2..=6 are the samples.
        assert_eq!((point.min, point.median, point.max), (2.0, 4.0, 6.0));
        assert_eq!(point.samples, 5);
        assert_eq!(point.extra["handoffs"], 8.0);
    }

    #[test]
    fn disagreeing_answers_fail_the_run() {
        let p = plan(vec![
            Trial::timed("serial", 1, 4, || || 10),
            Trial::timed("threads", 2, 4, || || 11),
        ]);
        let err = measure_plan(p, Mode::Quick, &ProgressBar::hidden()).unwrap_err();
        assert!(err.to_string().contains("threads ×2 computed 11"), "{err}");
    }
}
