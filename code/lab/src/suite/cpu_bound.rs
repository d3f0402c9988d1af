//! `cpu-bound`: the seeds' `cpu_task` over N tasks, run serially, on std threads, on rayon and
//! in worker processes.

use std::time::Duration;

use rayon::prelude::*;

use super::strategies::{rayon_pool, round_robin};
use super::{Axis, Entry, Mode, Plan, PlanContext, Trial, worker};
use crate::workloads::{CPU_TASK_ITERATIONS, cpu_task};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "cpu-bound",
    plan,
    sources: &[sources![
        "code/lab/src/suite/cpu_bound.rs",
        "code/lab/src/suite/worker.rs",
        "code/lab/src/workloads.rs",
    ]],
};

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

fn plan(ctx: &PlanContext) -> Plan {
    let tasks = task_count(ctx.mode);
    let builder = Plan::builder(ENTRY.id, "CPU-bound: cpu_task × N", Axis::Workers)
        .workload(format!(
            "{tasks} calls of cpu_task(i): {CPU_TASK_ITERATIONS} multiply-adds each, no I/O"
        ))
        .baseline("serial")
        .cpu_bound()
        .note("threads: the tasks dealt round-robin to W scoped std threads, one sum each")
        .note(
            "rayon: a W-thread pool built before the rounds, whose threads sleep between its \
             turns; tasks split by work stealing",
        )
        .budget(ctx.budget(Duration::from_secs(10)))
        .trial(Trial::timed("serial", 1, tasks, move || {
            move || serial(tasks)
        }))
        .sweep(&ctx.worker_counts(), |workers| {
            Trial::timed("threads", workers, tasks, move || {
                move || std_threads(tasks, workers)
            })
        })
        .sweep(&ctx.worker_counts(), |workers| {
            Trial::timed("rayon", workers, tasks, move || {
                let pool = rayon_pool(workers);
                move || pool.install(|| rayon_tasks(tasks))
            })
        });
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("processes")).build();
    };
    builder
        .note(
            "processes: W worker processes (this suite binary re-run), the tasks dealt \
             round-robin as arguments, each printing its sum; starting them is inside the \
             timing, as with a fresh multiprocessing pool",
        )
        .sweep(&ctx.worker_counts(), |workers| {
            let exe = exe.clone();
            Trial::timed("processes", workers, tasks, move || {
                move || {
                    worker::sum_of(&exe, "cpu-tasks", worker::dealt(tasks, workers))
                        .unwrap_or_else(|err| panic!("cpu-bound worker processes: {err:#}"))
                }
            })
        })
        .build()
}

/// One thread does every task.
fn serial(tasks: usize) -> u64 {
    (0..tasks as u64).map(cpu_task).fold(0, u64::wrapping_add)
}

/// `workers` scoped threads, the tasks dealt round-robin.
fn std_threads(tasks: usize, workers: usize) -> u64 {
    round_robin(tasks, workers, || (), |(), i| cpu_task(i))
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
