//! `pool-overhead`: what running one tiny task costs through the hand-built executor of
//! chapter 7, through rayon (one spawned job per task, and a parallel iterator), and on a
//! thread of its own.
//!
//! The task is [`tiny_task`], a multiply: nearly all of the time per task is the cost of
//! getting it run and its result back. The value is the run's time divided by its tasks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use super::strategies::{rayon_pool, tiny_tasks_par_iter, tiny_tasks_serial};
use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};
use crate::executor::Executor;
use crate::workloads::tiny_task;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "pool-overhead",
    plan,
    sources: &[sources![
        "code/lab/src/suite/pool_overhead.rs",
        "code/lab/examples/07_thread_pools_executor.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// Tasks per run: the x axis.
fn task_counts(mode: Mode) -> Vec<usize> {
    match mode {
        Mode::Quick => vec![100, 1_000, 10_000],
        Mode::Full => vec![100, 1_000, 10_000, 100_000],
    }
}

/// A thread per task costs tens of microseconds each: beyond this many tasks a run would
/// take most of the budget, and the per-task cost is already clear.
const MOST_THREADS: usize = 1_000;

fn plan(ctx: &PlanContext) -> Plan {
    let workers = ctx.logical_cpus;
    let mut builder = Plan::builder(ENTRY.id, "Running a tiny task: time per task", Axis::Tasks)
        .workload(format!(
            "N calls of tiny_task(i), one multiply each, their results summed; the pools have \
             {workers} threads (the logical CPUs), built before the rounds"
        ))
        .baseline("serial")
        .note("value: the run's elapsed time divided by its tasks")
        .note("serial: a plain loop, the cost of the work itself")
        .note(
            "executor: chapter 7's hand-built pool, one submit and one result() per task, \
             through a crossbeam queue and a Mutex + Condvar handle",
        )
        .note("rayon-spawn: one rayon scope, one s.spawn per task, each storing its result")
        .note("rayon-par-iter: (0..N).into_par_iter().map(tiny_task).sum(), which splits the range into a few jobs, not one per task")
        .note(format!(
            "thread-per-task: thread::spawn + join for every task, up to {MOST_THREADS} tasks"
        ))
        .budget(ctx.budget(Duration::from_secs(4)));
    for tasks in task_counts(ctx.mode) {
        let per_task = move |run: fn(usize) -> u64| {
            move || move || Sample::time_per_operation(tasks, || run(tasks))
        };
        // `run` inside a rayon pool built before the rounds.
        let in_rayon_pool = move |run: fn(usize) -> u64| {
            move || {
                let pool = rayon_pool(workers);
                move || Sample::time_per_operation(tasks, || pool.install(|| run(tasks)))
            }
        };
        builder = builder
            .trial(Trial::self_timed(
                "serial",
                1,
                tasks,
                per_task(tiny_tasks_serial),
            ))
            .trial(Trial::self_timed("executor", workers, tasks, move || {
                let pool = Executor::new(workers);
                move || Sample::time_per_operation(tasks, || through_executor(&pool, tasks))
            }))
            .trial(Trial::self_timed(
                "rayon-spawn",
                workers,
                tasks,
                in_rayon_pool(rayon_spawn),
            ))
            .trial(Trial::self_timed(
                "rayon-par-iter",
                workers,
                tasks,
                in_rayon_pool(|n| tiny_tasks_par_iter(n, 1)),
            ));
        if tasks <= MOST_THREADS {
            builder = builder.trial(Trial::self_timed(
                "thread-per-task",
                tasks,
                tasks,
                per_task(thread_per_task),
            ));
        }
    }
    builder.build()
}

/// Every task submitted, then every result awaited, in order.
fn through_executor(pool: &Executor, tasks: usize) -> u64 {
    let handles: Vec<_> = (0..tasks as u64)
        .map(|i| pool.submit(move || tiny_task(i)))
        .collect();
    handles
        .into_iter()
        .map(|h| h.result().expect("tiny_task does not panic"))
        .fold(0, u64::wrapping_add)
}

/// One rayon job per task, each storing its result in its own slot.
fn rayon_spawn(tasks: usize) -> u64 {
    let slots: Vec<AtomicU64> = (0..tasks).map(|_| AtomicU64::new(0)).collect();
    rayon::scope(|s| {
        for (i, slot) in slots.iter().enumerate() {
            s.spawn(move |_| slot.store(tiny_task(i as u64), Ordering::Relaxed));
        }
    });
    slots
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .fold(0, u64::wrapping_add)
}

fn thread_per_task(tasks: usize) -> u64 {
    let handles: Vec<_> = (0..tasks as u64)
        .map(|i| thread::spawn(move || tiny_task(i)))
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("tiny_task does not panic"))
        .fold(0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_computes_the_same_sum() {
        let expected = tiny_tasks_serial(300);
        let pool = Executor::new(3);
        assert_eq!(through_executor(&pool, 300), expected);
        assert_eq!(rayon_pool(3).install(|| rayon_spawn(300)), expected);
        assert_eq!(thread_per_task(300), expected);
    }
}
