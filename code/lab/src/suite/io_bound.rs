//! `io-bound`: N simulated 100 ms waits, run serially, on one std thread each and as tokio
//! tasks.

use std::thread;
use std::time::Duration;

use super::{Mode, Plan, PlanContext, Trial};
use crate::workloads::{IO_WAIT, async_wait, blocking_wait};

/// Stable ID in `results.json`.
pub(super) const ID: &str = "io-bound";

/// N for the concurrent strategies.
fn concurrent_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 10, 100, 1000],
        Mode::Full => &[1, 3, 10, 30, 100, 300, 1000],
    }
}

/// N for serial, which takes N × 100 ms per run: kept small on purpose.
fn serial_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 2],
        Mode::Full => &[1, 2, 5, 10],
    }
}

pub(super) fn plan(ctx: &PlanContext) -> Plan {
    let mut trials = Vec::new();
    for &n in serial_counts(ctx.mode) {
        trials.push(Trial::timed("serial", 1, n, move || move || serial(n)));
    }
    for &n in concurrent_counts(ctx.mode) {
        trials.push(Trial::timed("threads", n, n, move || {
            move || std_threads(n)
        }));
    }
    for &n in concurrent_counts(ctx.mode) {
        trials.push(Trial::timed("tokio", n, n, move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_time()
                .build()
                .expect("a tokio runtime builds");
            move || runtime.block_on(tokio_tasks(n))
        }));
    }
    let largest_serial = serial_counts(ctx.mode).last().copied().unwrap_or(1);
    Plan {
        id: ID,
        title: "I/O-bound: N waits of 100 ms".into(),
        workload: format!(
            "N simulated blocking calls of {} ms each (a sleep: no CPU used)",
            IO_WAIT.as_millis()
        ),
        unit: "s",
        x: "tasks",
        x_label: "tasks (N)",
        baseline: Some("serial"),
        cpu_bound: false,
        notes: vec![
            format!(
                "serial takes N × {} ms, so it was measured only up to N = {largest_serial}; \
                 larger N show no serial time and no speedup rather than an extrapolated one",
                IO_WAIT.as_millis()
            ),
            "threads: one std thread per wait, spawned and joined inside the timing".into(),
            "tokio: one task per wait on a multi-thread runtime built before timing".into(),
        ],
        // Waits barely vary: the fewest rounds that give an interval are usually enough.
        budget: ctx.budget(Duration::from_secs(8)),
        trials,
    }
}

/// One wait after another.
fn serial(n: usize) -> u64 {
    for _ in 0..n {
        blocking_wait(IO_WAIT);
    }
    n as u64
}

/// One OS thread per wait: each blocks in the kernel while the others wait alongside it.
fn std_threads(n: usize) -> u64 {
    let handles: Vec<_> = (0..n)
        .map(|_| thread::spawn(|| blocking_wait(IO_WAIT)))
        .collect();
    handles
        .into_iter()
        .map(|h| u64::from(h.join().is_ok()))
        .sum()
}

/// One tokio task per wait: the timers run on a handful of worker threads.
async fn tokio_tasks(n: usize) -> u64 {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        set.spawn(async_wait(IO_WAIT));
    }
    let mut done = 0;
    while let Some(joined) = set.join_next().await {
        done += u64::from(joined.is_ok());
    }
    done
}
