//! The calibration: how much parallel work this machine can really do.
//!
//! The parallel ceiling is the throughput of `logical_cpus` threads spinning on independent
//! work, divided by the throughput of one. On a machine with `n` idle physical cores it is
//! close to `n`; on a VM whose vCPUs share a core or a busy host it can be far lower. Every
//! speedup in the book is read against this number, never against the core count.
//!
//! Its two trials run inside the rounds of every CPU-bound experiment, which so measures its
//! own ceiling in the same minutes as its speedups (the all-CPU spin right before each
//! parallel trial). The suite also runs them alone, first, for the machine-wide figure every
//! bench's machine line shows.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::strategies::on_each_thread;
use super::{Axis, Plan, PlanContext, Sample, Trial};
use crate::workloads::cpu_task_with;

/// Iterations of spin work per thread and run: about 10 ms, long enough to dwarf thread
/// start-up (tens of microseconds), short enough to run before every parallel trial of every
/// CPU-bound experiment.
const ITERATIONS: u64 = 25_000_000;

/// The two trials: one thread doing the work, and every logical CPU doing it at once.
pub(super) fn trials(ctx: &PlanContext) -> [Trial; 2] {
    [1, ctx.logical_cpus].map(|threads| {
        Trial::self_timed("spinning", threads, threads, move || move || spin(threads))
    })
}

/// The machine-wide calibration, as a plan with no series of its own: only the ceiling
/// trials, which the runner adds to a CPU-bound plan's rounds.
pub(super) fn plan(ctx: &PlanContext) -> Plan {
    Plan::builder(
        "calibration",
        "Calibration: the parallel ceiling",
        Axis::Workers,
    )
    .workload(format!("{ITERATIONS} multiply-adds per thread"))
    .cpu_bound()
    .budget(ctx.budget(Duration::from_secs(1)))
    .build()
}

/// `threads` scoped threads, each doing the same work. The value is the harmonic mean of
/// the threads' own times, each timed from when that thread started working: so the ceiling
/// (`threads · one / value`) is the sum of each thread's throughput relative to one thread
/// alone. Timed inside each thread, not from spawn to join, because on a VM an idle vCPU can
/// take a millisecond or two to wake, and the ceiling is the machine's steady throughput, not
/// its wake-up.
fn spin(threads: usize) -> Sample {
    let durations = on_each_thread(threads, |t| {
        let start = Instant::now();
        black_box(cpu_task_with(t as u64, ITERATIONS));
        start.elapsed().as_secs_f64()
    });
    Sample {
        value: harmonic_mean(&durations),
        extra: Default::default(),
        answer: None,
    }
}

/// `n / Σ 1/dᵢ`: the time one thread's work takes when the throughputs of all add up.
fn harmonic_mean(durations: &[f64]) -> f64 {
    durations.len() as f64 / durations.iter().map(|d| 1.0 / d).sum::<f64>()
}

/// The ceiling of one round: each of the `threads` threads did the work one thread did
/// alone in `one` seconds, together at one thread's worth per `all` seconds (the harmonic
/// mean of their times), so `threads · one / all`.
pub(super) fn ceiling(one: f64, all: f64, threads: usize) -> f64 {
    threads as f64 * one / all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_throughputs_add_up() {
        // Two threads at full speed; then one slowed to a third of its speed, which together
        // do one and a third threads' worth: 2 / (1 + 1/3) = 1.5 per thread's worth.
        assert!((harmonic_mean(&[1.0, 1.0]) - 1.0).abs() < 1e-12);
        assert!((harmonic_mean(&[1.0, 3.0]) - 1.5).abs() < 1e-12);
        assert!(spin(2).value.is_finite());
    }

    #[test]
    fn ceiling_is_n_times_one_threads_time_over_all_threads_time() {
        assert!((ceiling(0.10, 0.16, 2) - 1.25).abs() < 1e-12);
        assert!((ceiling(0.10, 0.10, 4) - 4.0).abs() < 1e-12);
    }
}
