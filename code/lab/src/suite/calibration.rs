//! The calibration: how much parallel work this machine can really do.
//!
//! The parallel ceiling is the throughput of `logical_cpus` threads spinning on independent
//! work, divided by the throughput of one. On a machine with `n` idle physical cores it is
//! close to `n`; on a VM whose vCPUs share a core or a busy host it can be far lower. Every
//! speedup in the book is read against this number, never against the core count.
//!
//! It is measured like any experiment, by the same runner (warm-up, samples, medians), but
//! only its result is kept, as `machine.parallel_ceiling`.

use std::thread;

use super::{Plan, PlanContext, Trial};
use crate::results::Experiment;
use crate::workloads::cpu_task_with;

/// Iterations of spin work per thread and run: tens of milliseconds, long enough to dwarf
/// thread start-up, short enough to repeat.
const ITERATIONS: u64 = 200_000_000;

/// Two trials: one thread doing the work, then every logical CPU doing it at once.
pub(super) fn plan(ctx: &PlanContext) -> Plan {
    let all = ctx.logical_cpus;
    let trials = [1, all]
        .into_iter()
        .map(|threads| Trial::timed("spinning", threads, threads, move || move || spin(threads)))
        .collect();
    Plan {
        id: "calibration",
        title: "Calibration: the parallel ceiling".into(),
        workload: format!("{ITERATIONS} multiply-adds per thread"),
        unit: "s",
        x: "workers",
        x_label: "threads",
        baseline: None,
        cpu_bound: true,
        notes: vec![],
        trials,
    }
}

/// `threads` scoped threads, each doing the same work; returns the sum of their answers.
fn spin(threads: usize) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || cpu_task_with(t as u64, ITERATIONS)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("spinning does not panic"))
            .fold(0, u64::wrapping_add)
    })
}

/// The ceiling from the measured calibration: each of the `n` threads did the work one
/// thread did alone, so `n` times one thread's median over all threads' median.
pub(super) fn ceiling(measured: &Experiment) -> f64 {
    let median_at = |threads: usize| {
        measured
            .series
            .iter()
            .find(|p| p.workers == threads)
            .map(|p| p.median)
            .expect("the calibration plan measures both thread counts")
    };
    let all = measured.series.iter().map(|p| p.workers).max().unwrap_or(1);
    all as f64 * median_at(1) / median_at(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Point;

    #[test]
    fn ceiling_is_n_times_one_threads_median_over_all_threads_median() {
        let mut measured = plan_shaped_experiment();
        measured.series = vec![
            Point::uniform("spinning", 1, 1, 0.10),
            Point::uniform("spinning", 2, 2, 0.16),
        ];
        assert!((ceiling(&measured) - 1.25).abs() < 1e-12);
    }

    fn plan_shaped_experiment() -> Experiment {
        Experiment {
            title: String::new(),
            workload: String::new(),
            unit: "s".into(),
            x: "workers".into(),
            x_label: "threads".into(),
            baseline: None,
            cpu_bound: true,
            notes: vec![],
            series: vec![],
        }
    }
}
