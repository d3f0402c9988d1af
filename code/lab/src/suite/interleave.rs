//! `interleave`: two jobs of CPU work, taken in turns on one thread (two tokio tasks on a
//! `current_thread` runtime: concurrency without parallelism) or run on two threads at once
//! (parallelism), against one thread doing one job after the other. Chapter 1 shows its
//! timelines.

use std::time::{Duration, Instant};

use super::strategies::on_each_thread;
use super::{Axis, Entry, Mode, Plan, PlanContext, Trial};
use crate::trace::{self, SpanKind};
use crate::workloads::{CPU_TASK_ITERATIONS, cpu_task};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "interleave",
    plan,
    sources: &[sources![
        "code/lab/src/suite/interleave.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// Calls of `cpu_task` per job: a few milliseconds of work, in pieces a timeline can show.
fn chunks(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 12,
        Mode::Full => 24,
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let chunks = chunks(ctx.mode);
    let tasks = 2 * chunks;
    Plan::builder(
        ENTRY.id,
        "Two jobs: in turns on one thread, or at once on two",
        Axis::Workers,
    )
    .x_label("threads", "on {} thread{s}")
    .workload(format!(
        "two jobs of {chunks} calls of cpu_task ({CPU_TASK_ITERATIONS} multiply-adds each)"
    ))
    .baseline("serial")
    .cpu_bound()
    .note("serial: one thread runs job 1, then job 2")
    .note(
        "tokio-1-thread: two tokio tasks on a current_thread runtime (built before the rounds); \
         each yields to the other after every call",
    )
    .note("threads: two scoped std threads, one job each")
    .budget(ctx.budget(Duration::from_secs(2)))
    .trial(Trial::timed("serial", 1, tasks, move || {
        move || job(1, chunks).wrapping_add(job(2, chunks))
    }))
    .trial(
        Trial::timed("tokio-1-thread", 1, tasks, move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a current_thread runtime builds");
            move || runtime.block_on(two_tasks(chunks))
        })
        .traced(),
    )
    .trial(Trial::timed("threads", 2, tasks, move || move || two_threads(chunks)).traced())
    .build()
}

/// Job `n`: `chunks` calls of `cpu_task`, one after another.
fn job(n: u64, chunks: usize) -> u64 {
    (0..chunks as u64)
        .map(|c| cpu_task(n * 1_000 + c))
        .fold(0, u64::wrapping_add)
}

/// The two jobs as tasks on the current runtime, each yielding after every call.
async fn two_tasks(chunks: usize) -> u64 {
    let first = tokio::spawn(task(1, chunks));
    let second = tokio::spawn(task(2, chunks));
    let first = first.await.expect("a job does not panic");
    let second = second.await.expect("a job does not panic");
    first.wrapping_add(second)
}

/// Job `n` as a task that yields after every call; in a timeline, each call is a running
/// span, and each wait for its next turn an idle one.
async fn task(n: u64, chunks: usize) -> u64 {
    let mut lane = trace::numbered_lane("task");
    let mut sum = 0u64;
    for c in 0..chunks as u64 {
        sum = sum.wrapping_add(trace::span(&mut lane, SpanKind::Running, || {
            cpu_task(n * 1_000 + c)
        }));
        let waiting = Instant::now();
        tokio::task::yield_now().await; // let the other task run: concurrency, one thread
        if let Some(lane) = &mut lane {
            lane.record(SpanKind::Idle, waiting, Instant::now());
        }
    }
    sum
}

/// The two jobs on two threads at once.
fn two_threads(chunks: usize) -> u64 {
    on_each_thread(2, |w| {
        let mut lane = trace::numbered_lane("thread");
        trace::span(&mut lane, SpanKind::Running, || job(w as u64 + 1, chunks))
    })
    .into_iter()
    .fold(0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_computes_the_same_sum() {
        // Not while another test records: these tasks would add lanes to its recording.
        let _one = crate::trace::one_recording_at_a_time();
        let serial = job(1, 3).wrapping_add(job(2, 3));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(two_tasks(3)), serial);
        assert_eq!(two_threads(3), serial);
    }

    #[test]
    fn on_one_thread_the_tasks_take_turns() {
        use crate::trace::Recording;

        let _one = crate::trace::one_recording_at_a_time();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let recording = Recording::start();
        runtime.block_on(two_tasks(3));
        let (lanes, _) = recording.finish();
        let tasks: Vec<_> = lanes
            .iter()
            .filter(|l| l.label.starts_with("task"))
            .collect();
        assert_eq!(tasks.len(), 2);
        // One thread: the two tasks' running spans never overlap, and both ran 3 times.
        let running = |i: usize| -> Vec<(u64, u64)> {
            tasks[i]
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Running)
                .map(|s| (s.start_ns, s.end_ns))
                .collect()
        };
        assert_eq!((running(0).len(), running(1).len()), (3, 3));
        for a in running(0) {
            for b in running(1) {
                assert!(a.1 <= b.0 || b.1 <= a.0, "{a:?} overlaps {b:?}");
            }
        }
    }
}
