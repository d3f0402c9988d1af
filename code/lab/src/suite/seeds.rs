//! `seeds-cpu` and `seeds-waits`: the Rust twins of the seeds' own Python programs, which
//! `cpython-seeds-cpu` and `cpython-seeds-waits` run in CPython in the same suite run (see
//! `python/seeds.py`). Each twin does what its program does, the way Rust would:
//!
//! - seed 001's benchmark: `cpu_task(i)` for `i` in `0..4`, on one std thread each, and in one
//!   worker process each;
//! - 20 waits of 100 ms on one std thread each (the ThreadPoolExecutor with a thread per wait)
//!   and as tokio tasks (`asyncio.gather`);
//! - 10,000 waits of 100 ms as tokio tasks.

use std::time::Duration;

use super::strategies::{on_a_worker, round_robin, sum_of_tasks};
use super::{Axis, Entry, Plan, PlanContext, Trial, worker};
use crate::workloads::{CPU_TASK_ITERATIONS, IO_WAIT, async_wait, blocking_wait, cpu_task};

/// seed 001's benchmark.
pub(super) const CPU: Entry = Entry {
    id: "seeds-cpu",
    plan: plan_cpu,
    sources: &[SOURCES],
};

/// The waits of seeds 001 and 003.
pub(super) const WAITS: Entry = Entry {
    id: "seeds-waits",
    plan: plan_waits,
    sources: &[SOURCES],
};

const SOURCES: &[super::Source] = sources![
    "code/lab/src/suite/seeds.rs",
    "code/lab/src/suite/strategies.rs",
    "code/lab/src/suite/worker.rs",
    "code/lab/src/workloads.rs",
];

/// The seeds' benchmark runs `cpu_task(i)` for `i` in `range(4)`, one thread or process each.
pub(super) const CPU_TASKS: usize = 4;

/// The seeds' example waits: 20 in a pool, then 10,000 as coroutines.
pub(super) const POOL_WAITS: usize = 20;
/// Waits for the asyncio program at scale.
pub(super) const MANY_WAITS: usize = 10_000;

fn plan_cpu(ctx: &PlanContext) -> Plan {
    let builder = Plan::builder(
        CPU.id,
        "The seeds' CPU benchmark in Rust: cpu_task(i) for i in 0..4",
        Axis::Workers,
    )
    .workload(format!(
        "{CPU_TASKS} calls of cpu_task(i), {CPU_TASK_ITERATIONS} iterations each, one thread or \
         process each, as seed 001's benchmark"
    ))
    .note("threads: one std thread per call, spawned and joined inside the timing")
    .budget(ctx.budget(Duration::from_secs(1)))
    .trial(Trial::timed("threads", CPU_TASKS, CPU_TASKS, || {
        || round_robin(CPU_TASKS, CPU_TASKS, || (), |(), i| cpu_task(i))
    }));
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("processes")).build();
    };
    builder
        .note(
            "processes: one worker process per call (this suite binary re-run), started and \
             reaped inside the timing, as seed 001's multiprocessing.Process objects",
        )
        .trial(Trial::timed("processes", CPU_TASKS, CPU_TASKS, move || {
            move || {
                worker::sum_of(&exe, "cpu-tasks", worker::dealt(CPU_TASKS, CPU_TASKS))
                    .unwrap_or_else(|err| panic!("seeds-cpu worker processes: {err:#}"))
            }
        }))
        .build()
}

fn plan_waits(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        WAITS.id,
        "The seeds' waits in Rust: threads and tokio tasks",
        Axis::Tasks,
    )
    .x_label("waits (N)", "for {} wait{s}")
    .workload(format!(
        "N waits of {} ms, all started at once; each answers 1, the run their count",
        IO_WAIT.as_millis()
    ))
    .note("threads: one std thread per wait, spawned and joined inside the timing")
    .note(
        "tokio: one task per wait on a multi-thread runtime built before the rounds, spawned \
         from a task and awaited in turn",
    )
    .budget(ctx.budget(Duration::from_secs(3)))
    .trial(Trial::timed("threads", POOL_WAITS, POOL_WAITS, || {
        || thread_waits(POOL_WAITS)
    }));
    for n in [POOL_WAITS, MANY_WAITS] {
        builder = builder.trial(Trial::timed("tokio", n, n, move || {
            let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime builds");
            move || runtime.block_on(task_waits(n))
        }));
    }
    builder.build()
}

/// `n` threads, each waiting once; the count of waits done.
fn thread_waits(n: usize) -> u64 {
    round_robin(
        n,
        n,
        || (),
        |(), _| {
            blocking_wait(IO_WAIT);
            1
        },
    )
}

/// `n` tasks, each waiting once, spawned from a task on the runtime (see [`on_a_worker`]);
/// the count of waits done.
async fn task_waits(n: usize) -> u64 {
    on_a_worker(async move {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                tokio::spawn(async {
                    async_wait(IO_WAIT).await;
                    1u64
                })
            })
            .collect();
        sum_of_tasks(handles).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn every_task_waits_once_and_all_at_once() {
        let start = tokio::time::Instant::now();
        assert_eq!(task_waits(1_000).await, 1_000);
        assert_eq!(start.elapsed(), IO_WAIT, "all waits overlap");
    }

    #[test]
    fn every_thread_waits_once() {
        let start = std::time::Instant::now();
        assert_eq!(thread_waits(5), 5);
        assert!(start.elapsed() >= IO_WAIT);
    }
}
