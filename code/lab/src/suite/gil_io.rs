//! `gil-io`: N blocking 100 ms waits, each inside `allow_threads`, on GIL threads and
//! serially: the GIL does not stand in the way of waiting.

use std::time::Duration;

use super::strategies::round_robin;
use super::{Axis, Entry, GIL_MODEL, Mode, Plan, PlanContext, Trial};
use crate::gil::Gil;
use crate::workloads::{IO_WAIT, blocking_wait};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "gil-io",
    plan,
    sources: &[
        sources!["code/lab/src/suite/gil_io.rs", "code/lab/src/workloads.rs",],
        GIL_MODEL,
    ],
};

/// N for GIL threads.
fn thread_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 5, 50],
        Mode::Full => &[1, 5, 10, 30, 100, 300],
    }
}

/// N for serial, which takes N × 100 ms per run: only small N, and 5 in both modes, where
/// the chapter reads the speedup.
fn serial_counts(mode: Mode) -> &'static [usize] {
    match mode {
        Mode::Quick => &[1, 5],
        Mode::Full => &[1, 5, 10],
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let largest_serial = serial_counts(ctx.mode).last().copied().unwrap_or(1);
    Plan::builder(
        ENTRY.id,
        "The GIL: N blocking waits on Python threads",
        Axis::Tasks,
    )
    .workload(format!(
        "N blocking calls of {} ms (a sleep), each inside allow_threads",
        IO_WAIT.as_millis()
    ))
    .baseline("serial")
    .note(format!(
        "serial takes N × {} ms, so it was measured only up to N = {largest_serial}",
        IO_WAIT.as_millis()
    ))
    .note(
        "gil-threads: one thread per wait, sharing one GIL: each takes the GIL to start, \
         releases it around its wait (Py_BEGIN_ALLOW_THREADS) and takes it back after; \
         spawned and joined inside the timing",
    )
    .budget(ctx.budget(Duration::from_secs(6)))
    .sweep(serial_counts(ctx.mode), |n| {
        Trial::timed("serial", 1, n, move || move || serial(n))
    })
    .sweep(thread_counts(ctx.mode), |n| {
        Trial::timed("gil-threads", n, n, move || move || gil_threads(n))
    })
    .build()
}

/// One Python thread, one wait after another.
fn serial(n: usize) -> u64 {
    let gil = Gil::new();
    let mut py = gil.thread();
    for _ in 0..n {
        py.allow_threads(|| blocking_wait(IO_WAIT));
    }
    n as u64
}

/// One Python thread per wait.
fn gil_threads(n: usize) -> u64 {
    let gil = Gil::new();
    round_robin(
        n,
        n,
        || gil.thread(),
        |py, _| {
            py.allow_threads(|| blocking_wait(IO_WAIT));
            1
        },
    )
}
