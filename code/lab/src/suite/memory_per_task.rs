//! `memory-per-task`: what one waiting tokio task weighs, against one parked OS thread.
//!
//! Both run in a fresh worker process, as the `memory` experiment's threads do: N workers
//! each run the same small task and then wait until all N have been weighed. The value is the
//! worker process's RSS with all N waiting, less its RSS before it started them, divided by N.
//! The tasks' runtime is built, and has run a task, before the first reading, so that its
//! worker threads are not counted as the tasks' weight.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use super::memory::{self, WORK};
use super::{Axis, Entry, Mode, Plan, PlanContext, Trial, worker};
use crate::procfs::{Process, memory_of};
use crate::workloads::cpu_task_with;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "memory-per-task",
    plan,
    sources: &[sources![
        "code/lab/src/suite/memory_per_task.rs",
        "code/lab/src/suite/memory.rs",
        "code/lab/src/suite/worker.rs",
        "code/lab/src/procfs.rs",
    ]],
};

/// Tasks: a thousand to a hundred thousand (a million in full mode).
fn task_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1_000, 10_000, 100_000],
        Mode::Full => &[1_000, 10_000, 100_000, 1_000_000],
    }
}

/// Threads: the counts every machine can hold (`many-waits` finds where each one stops).
const THREAD_COUNTS: [usize; 2] = [1_000, 10_000];

fn plan(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        ENTRY.id,
        "Memory per waiting task, and per parked thread",
        Axis::Tasks,
    )
    .x_label(
        "tasks or threads waiting at once (N)",
        "for {} waiting at once",
    )
    .unit("B", "resident memory per task or thread")
    .metric("pss_bytes", "PSS per task or thread", "B")
    .workload(format!(
        "N tasks or threads, each running cpu_task with {WORK} iterations and then waiting \
         until all N have been weighed"
    ))
    .note(
        "value: the worker process's RSS with all N waiting, less its RSS before it started \
         them, divided by N; lower is better",
    )
    .note(
        "tokio-tasks: tokio::spawn on a multi-thread runtime that was built, and ran a task, \
         before the first reading; the JoinHandles are counted with the tasks",
    )
    .note("threads: std threads, each parked at a Barrier (as the memory experiment's)")
    .note("pss_bytes: the same with proportional set size")
    .budget(ctx.budget(Duration::from_secs(3)));
    let Some(exe) = worker::exe() else {
        return builder
            .note(worker::not_measured("tokio-tasks"))
            .note(worker::not_measured("threads"))
            .build();
    };
    for &n in task_counts(ctx.mode) {
        builder = builder.trial(weighed_trial(&exe, "tokio-tasks", "memory-tasks", n));
    }
    for n in THREAD_COUNTS {
        builder = builder.trial(weighed_trial(&exe, "threads", "memory-threads", n));
    }
    builder.build()
}

/// A trial that weighs N workers of `role` in a fresh worker process.
fn weighed_trial(
    exe: &std::path::Path,
    strategy: &'static str,
    role: &'static str,
    n: usize,
) -> Trial {
    let exe = exe.to_path_buf();
    Trial::self_timed(strategy, n, n, move || {
        move || memory::sample(strategy, n, || memory::weigh_in_one_process(&exe, role, n))
    })
}

/// The `memory-tasks N` worker: N tokio tasks that each run the task and wait; once all have
/// run, prints what they added to this process (RSS and PSS, in bytes) and the sum of their
/// answers, as `memory-threads` does.
pub(super) fn tasks_worker(args: &[String]) -> Result<()> {
    let n: usize = match args {
        [n] => n
            .parse()
            .with_context(|| format!("memory-tasks: N `{n}` is not a number"))?,
        _ => bail!("memory-tasks: usage: memory-tasks N"),
    };
    let runtime = tokio::runtime::Runtime::new().context("memory-tasks: a tokio runtime")?;
    runtime.block_on(async {
        // One task first, so the runtime's threads and queues exist before the reading.
        tokio::spawn(async {}).await?;
        let before = memory_of(Process::This)?;
        let task = |i: usize| cpu_task_with(i as u64, WORK);
        let (during, answer) = waiting_tasks(n, task, || memory_of(Process::This)).await;
        memory::report_added(before, during?, answer)
    })
}

/// Spawns N tasks that each run `task(i)`, then wait; calls `weigh` once all have run and
/// while all wait, then lets them finish. Returns what `weigh` returned, and the wrapping sum
/// of the tasks' answers.
async fn waiting_tasks<T>(
    n: usize,
    task: impl Fn(usize) -> u64 + Clone + Send + 'static,
    weigh: impl FnOnce() -> T,
) -> (T, u64) {
    // Every task waits at `ran` once it has run, then at `weighed` until `weigh` is done:
    // all N are alive at the reading. The same two barriers as the threads.
    let (ran, weighed) = (Arc::new(Barrier::new(n + 1)), Arc::new(Barrier::new(n + 1)));
    let mut tasks = JoinSet::new();
    for i in 0..n {
        let (ran, weighed, task) = (ran.clone(), weighed.clone(), task.clone());
        tasks.spawn(async move {
            let answer = task(i);
            ran.wait().await;
            weighed.wait().await;
            answer
        });
    }
    ran.wait().await;
    let reading = weigh();
    weighed.wait().await;
    let mut answer = 0u64;
    while let Some(joined) = tasks.join_next().await {
        answer = answer.wrapping_add(joined.expect("a waiting task does not panic"));
    }
    (reading, answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_task_has_run_when_weighed_and_all_answer() {
        let n = 100;
        let ran = Arc::new(AtomicUsize::new(0));
        let counted = ran.clone();
        let task = move |i: usize| {
            counted.fetch_add(1, Ordering::SeqCst);
            i as u64
        };
        let (ran_at_reading, answer) = waiting_tasks(n, task, || ran.load(Ordering::SeqCst)).await;
        assert_eq!(ran_at_reading, n);
        assert_eq!(answer, (0..n as u64).sum::<u64>());
    }

    #[test]
    fn worker_arguments_are_checked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = |r: Result<()>| r.unwrap_err().to_string();
        assert!(err(tasks_worker(&args(&[]))).contains("usage: memory-tasks N"));
        assert!(err(tasks_worker(&args(&["x"]))).contains("N `x` is not a number"));
    }
}
