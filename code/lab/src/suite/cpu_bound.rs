//! `cpu-bound`: the seeds' `cpu_task` over N tasks, run serially, on std threads and on rayon.

use std::thread;
use std::time::Duration;

use rayon::prelude::*;

use super::{Mode, Plan, PlanContext, Trial};
use crate::workloads::{CPU_TASK_ITERATIONS, cpu_task};

/// Stable ID in `results.json`.
pub(super) const ID: &str = "cpu-bound";

/// Tasks per run: divisible by every worker count up to 4, and many more tasks than
/// workers so that no worker idles at the end. Not fewer in quick mode: a rayon worker that
/// wakes up on the CPU where its sibling already runs waits milliseconds for the scheduler
/// to move it, which would swamp a shorter run.
fn task_count(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 120,
        Mode::Full => 480,
    }
}

pub(super) fn plan(ctx: &PlanContext) -> Plan {
    let tasks = task_count(ctx.mode);
    let mut trials = vec![Trial::timed("serial", 1, tasks, move || {
        move || serial(tasks)
    })];
    for workers in ctx.worker_counts() {
        trials.push(Trial::timed("threads", workers, tasks, move || {
            move || std_threads(tasks, workers)
        }));
    }
    for workers in ctx.worker_counts() {
        trials.push(Trial::timed("rayon", workers, tasks, move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .build()
                .expect("a rayon pool of a few threads builds");
            move || pool.install(|| rayon_tasks(tasks))
        }));
    }
    Plan {
        id: ID,
        title: "CPU-bound: cpu_task × N".into(),
        workload: format!(
            "{tasks} calls of cpu_task(i): {CPU_TASK_ITERATIONS} multiply-adds each, no I/O"
        ),
        unit: "s",
        x: "workers",
        x_label: "workers",
        baseline: Some("serial"),
        cpu_bound: true,
        notes: vec![
            "threads: the tasks dealt round-robin to W scoped std threads, one sum each".into(),
            "rayon: a W-thread pool built before the rounds, whose threads sleep between its \
             turns; tasks split by work stealing"
                .into(),
        ],
        budget: ctx.budget(Duration::from_secs(8)),
        trials,
    }
}

/// One thread does every task.
fn serial(tasks: usize) -> u64 {
    (0..tasks as u64).map(cpu_task).fold(0, u64::wrapping_add)
}

/// `workers` scoped threads; thread `w` takes tasks `w, w + workers, …`.
fn std_threads(tasks: usize, workers: usize) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..tasks)
                        .step_by(workers)
                        .map(|i| cpu_task(i as u64))
                        .fold(0, u64::wrapping_add)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("cpu_task does not panic"))
            .fold(0, u64::wrapping_add)
    })
}

/// rayon's parallel iterator, on whatever pool is installed.
fn rayon_tasks(tasks: usize) -> u64 {
    (0..tasks as u64)
        .into_par_iter()
        .map(cpu_task)
        .reduce(|| 0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::cpu_tasks_expected;

    #[test]
    fn every_strategy_computes_the_same_sum() {
        let expected = cpu_tasks_expected(7, CPU_TASK_ITERATIONS);
        assert_eq!(serial(7), expected);
        assert_eq!(std_threads(7, 3), expected);
        assert_eq!(rayon_tasks(7), expected);
    }
}
