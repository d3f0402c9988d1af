//! `spawn-cost`: what starting and joining one thread costs, with `thread::spawn` and with
//! `thread::scope`, when threads are started one at a time or many at once; and, beside them,
//! what starting and reaping one process costs (this suite binary, re-run as a worker that
//! exits at once); and what spawning and awaiting one tokio task costs.
//!
//! Each run starts the same number of threads, in batches: a batch is spawned, then joined,
//! before the next starts. The value is the run's time divided by its threads.

use std::thread;
use std::time::Duration;

use super::strategies::on_a_worker;
use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial, worker};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "spawn-cost",
    plan,
    sources: &[sources![
        "code/lab/src/suite/spawn_cost.rs",
        "code/lab/src/suite/strategies.rs",
        "code/lab/src/suite/worker.rs",
    ]],
};

/// The x axis: how many threads, processes or tasks are alive at once.
const ALIVE: Axis = Axis::Param {
    name: "alive",
    label: "threads, processes or tasks alive at once",
    phrase: "with {} alive at once",
};

/// Threads started per run: enough that one run is not a single clock reading.
fn spawns_per_run(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 64,
        Mode::Full => 256,
    }
}

/// Batch sizes: one thread at a time, a few, and all of the run's threads at once.
fn batch_sizes(mode: Mode) -> Vec<usize> {
    vec![1, 8, spawns_per_run(mode)]
}

fn plan(ctx: &PlanContext) -> Plan {
    let spawns = spawns_per_run(ctx.mode);
    let mut builder = Plan::builder(
        ENTRY.id,
        "Starting a thread, a process or a task: spawn, then join or wait",
        ALIVE,
    )
    .workload(format!(
        "{spawns} threads (or processes, or tasks) per run, each returning at once; started \
             in batches (the number alive at once), each batch joined before the next is \
             spawned"
    ))
    .note("value: the run's elapsed time divided by the threads or processes it started")
    .note("spawn: thread::spawn, the JoinHandles joined in order")
    .note("scoped: s.spawn inside one thread::scope per batch, joined when the scope ends")
    .note(
        "tokio-task: tokio::spawn from a task on a multi-thread runtime built before timing, \
         the JoinHandles awaited in order; one block_on per run",
    )
    .budget(ctx.budget(Duration::from_secs(5)));
    for alive in batch_sizes(ctx.mode) {
        for (strategy, run) in [
            ("spawn", spawn_batches as fn(usize, usize) -> u64),
            ("scoped", scoped_batches),
        ] {
            builder = builder.trial(
                Trial::self_timed(strategy, alive, spawns, move || {
                    move || Sample::time_per_operation(spawns, || run(spawns, alive))
                })
                .with_param("alive", alive as u64),
            );
        }
    }
    for alive in batch_sizes(ctx.mode) {
        builder = builder.trial(
            Trial::self_timed("tokio-task", alive, spawns, move || {
                let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime builds");
                move || {
                    Sample::time_per_operation(spawns, || {
                        runtime.block_on(on_a_worker(task_batches(spawns, alive)))
                    })
                }
            })
            .with_param("alive", alive as u64),
        );
    }
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("process")).build();
    };
    builder = builder.note(
        "process: Command::spawn of this suite binary as a worker that exits at once, then \
         wait; the same batches",
    );
    for alive in batch_sizes(ctx.mode) {
        let exe = exe.clone();
        builder = builder.trial(
            Trial::self_timed("process", alive, spawns, move || {
                move || {
                    Sample::time_per_operation(spawns, || {
                        worker::start_and_reap(&exe, spawns, alive)
                            .unwrap_or_else(|err| panic!("spawn-cost processes: {err:#}"))
                    })
                }
            })
            .with_param("alive", alive as u64),
        );
    }
    builder.build()
}

/// `thread::spawn` in batches of `alive`: returns the sum of the indexes the threads return.
fn spawn_batches(spawns: usize, alive: usize) -> u64 {
    let mut sum = 0;
    for first in (0..spawns).step_by(alive) {
        let handles: Vec<_> = (first..spawns.min(first + alive))
            .map(|i| thread::spawn(move || i as u64))
            .collect();
        sum += handles
            .into_iter()
            .map(|h| h.join().expect("an empty thread cannot panic"))
            .sum::<u64>();
    }
    sum
}

/// `thread::scope` in batches of `alive`: the same threads, joined by the scope.
fn scoped_batches(spawns: usize, alive: usize) -> u64 {
    let mut sum = 0;
    for first in (0..spawns).step_by(alive) {
        sum += thread::scope(|s| {
            let handles: Vec<_> = (first..spawns.min(first + alive))
                .map(|i| s.spawn(move || i as u64))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("an empty thread cannot panic"))
                .sum::<u64>()
        });
    }
    sum
}

/// `tokio::spawn` in batches of `alive`: the same indexes, returned by tasks.
async fn task_batches(spawns: usize, alive: usize) -> u64 {
    let mut sum = 0;
    for first in (0..spawns).step_by(alive) {
        let handles: Vec<_> = (first..spawns.min(first + alive))
            .map(|i| tokio::spawn(async move { i as u64 }))
            .collect();
        for handle in handles {
            sum += handle.await.expect("an empty task cannot panic");
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_size_starts_every_thread_once() {
        let expected: u64 = (0..10).sum();
        for alive in [1, 3, 10] {
            assert_eq!(spawn_batches(10, alive), expected, "spawn ×{alive}");
            assert_eq!(scoped_batches(10, alive), expected, "scoped ×{alive}");
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let tasks = runtime.block_on(task_batches(10, alive));
            assert_eq!(tasks, expected, "tokio-task ×{alive}");
        }
    }
}
