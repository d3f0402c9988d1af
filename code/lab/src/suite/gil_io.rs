//! `gil-io`: N blocking 100 ms waits, each inside `allow_threads`, on GIL threads and
//! serially: the GIL does not stand in the way of waiting.

use std::thread;
use std::time::Duration;

use super::{Mode, Plan, PlanContext, Trial};
use crate::gil::Gil;
use crate::workloads::{IO_WAIT, blocking_wait};

/// Stable ID in `results.json`.
pub(super) const ID: &str = "gil-io";

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

pub(super) fn plan(ctx: &PlanContext) -> Plan {
    let mut trials = Vec::new();
    for &n in serial_counts(ctx.mode) {
        trials.push(Trial::timed("serial", 1, n, move || move || serial(n)));
    }
    for &n in thread_counts(ctx.mode) {
        trials.push(Trial::timed("gil-threads", n, n, move || {
            move || gil_threads(n)
        }));
    }
    let largest_serial = serial_counts(ctx.mode).last().copied().unwrap_or(1);
    Plan {
        id: ID,
        title: "The GIL: N blocking waits on Python threads".into(),
        workload: format!(
            "N blocking calls of {} ms (a sleep), each inside allow_threads",
            IO_WAIT.as_millis()
        ),
        unit: "s",
        x: "tasks",
        x_label: "tasks (N)",
        baseline: Some("serial"),
        cpu_bound: false,
        notes: vec![
            format!(
                "serial takes N × {} ms, so it was measured only up to N = {largest_serial}",
                IO_WAIT.as_millis()
            ),
            "gil-threads: one thread per wait, sharing one GIL: each takes the GIL to start, \
             releases it around its wait (Py_BEGIN_ALLOW_THREADS) and takes it back after; \
             spawned and joined inside the timing"
                .into(),
        ],
        budget: ctx.budget(Duration::from_secs(6)),
        trials,
    }
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
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let gil = gil.clone();
            thread::spawn(move || {
                let mut py = gil.thread();
                py.allow_threads(|| blocking_wait(IO_WAIT));
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| u64::from(h.join().is_ok()))
        .sum()
}
