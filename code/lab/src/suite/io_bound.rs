//! `io-bound`: N simulated 100 ms waits, run serially, on one std thread each and as tokio
//! tasks.

use std::thread;
use std::time::Duration;

use super::{Axis, Entry, Mode, Plan, PlanContext, Trial};
use crate::workloads::{IO_WAIT, async_wait, blocking_wait};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "io-bound",
    plan,
    sources: &[sources![
        "code/lab/src/suite/io_bound.rs",
        "code/lab/src/workloads.rs"
    ]],
};

/// N for the concurrent strategies (and `io-bound-sockets`').
pub(super) fn concurrent_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 10, 100, 1000],
        Mode::Full => &[1, 3, 10, 30, 100, 300, 1000],
    }
}

/// N for serial, which takes N × 100 ms per run (N × 50 ms in `io-bound-sockets`): kept
/// small on purpose.
pub(super) fn serial_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 2],
        Mode::Full => &[1, 2, 5, 10],
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let largest_serial = serial_counts(ctx.mode).last().copied().unwrap_or(1);
    Plan::builder(ENTRY.id, "I/O-bound: N waits of 100 ms", Axis::Tasks)
        .workload(format!(
            "N simulated blocking calls of {} ms each (a sleep: no CPU used)",
            IO_WAIT.as_millis()
        ))
        .baseline("serial")
        .note(format!(
            "serial takes N × {} ms, so it was measured only up to N = {largest_serial}; \
             larger N show no serial time and no speedup rather than an extrapolated one",
            IO_WAIT.as_millis()
        ))
        .note("threads: one std thread per wait, spawned and joined inside the timing")
        .note("tokio: one task per wait on a multi-thread runtime built before timing")
        // Waits barely vary: the fewest rounds that give an interval are usually enough.
        .budget(ctx.budget(Duration::from_secs(8)))
        .sweep(serial_counts(ctx.mode), |n| {
            Trial::timed("serial", 1, n, move || move || serial(n))
        })
        .sweep(concurrent_counts(ctx.mode), |n| {
            Trial::timed("threads", n, n, move || move || std_threads(n))
        })
        .sweep(concurrent_counts(ctx.mode), |n| {
            Trial::timed("tokio", n, n, move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .enable_time()
                    .build()
                    .expect("a tokio runtime builds");
                move || runtime.block_on(tokio_tasks(n))
            })
        })
        .build()
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
