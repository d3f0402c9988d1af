//! `gil-cpu`: the seeds' `cpu_task` × N as "Python" under the GIL model: serially, on GIL
//! threads, on free threads (no GIL, as in PEP 703) and in processes that each have a GIL of
//! their own.
//!
//! The processes are real: the suite binary re-runs itself as a worker (see `worker`), as
//! `multiprocessing` starts a fresh interpreter.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use super::strategies::round_robin;
use super::{Axis, Entry, GIL_MODEL, Mode, Plan, PlanContext, Trial, worker};
use crate::gil::Gil;
use crate::gil::bytecode::{self, cpu_task_free_threaded};
use crate::trace::{self, SpanKind};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "gil-cpu",
    plan,
    sources: &[
        sources![
            "code/lab/src/suite/gil_cpu.rs",
            "code/lab/src/suite/worker.rs",
            "code/lab/src/workloads.rs",
        ],
        GIL_MODEL,
    ],
};

/// Tasks per run and loop iterations per task, shared with the CPython twin
/// (`cpython-gil-cpu`) so the two compare like for like. Both modes shorten the seeds' 10⁶
/// iterations: a round runs every configuration, and a budget buys more precision as many
/// short rounds than as a few long ones. 12 and 24 tasks divide evenly among 1–4 workers.
pub(super) fn shape(mode: Mode) -> (usize, u64) {
    match mode {
        Mode::Quick => (12, 50_000),
        Mode::Full => (24, 250_000),
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let (tasks, iterations) = shape(ctx.mode);
    let workers = ctx.worker_counts();
    let builder = Plan::builder(
        ENTRY.id,
        "The GIL: cpu_task × N as Python threads",
        Axis::Workers,
    )
    .workload(format!(
        "{tasks} calls of cpu_task(i), {iterations} loop iterations each, run as GIL-checked \
             work units"
    ))
    .baseline("serial")
    .cpu_bound()
    .note(format!(
        "each task is cpu_task's loop of {iterations} iterations as work units costing about \
             {} ns each, the cost of one CPython loop iteration; the eval breaker is checked \
             before each unit",
        bytecode::UNIT_NS
    ))
    .note("serial: one thread holding the GIL runs every task")
    .note("gil-threads: W threads share one GIL, tasks dealt round-robin; switch interval 5 ms")
    .note("free-threads: the same units on W threads with no GIL (a PEP 703 build)")
    .budget(ctx.budget(Duration::from_secs(7)))
    .trial(Trial::timed("serial", 1, tasks, move || {
        move || gil_threads(tasks, 1, iterations)
    }))
    .sweep(&workers, |w| {
        Trial::timed("gil-threads", w, tasks, move || {
            move || gil_threads(tasks, w, iterations)
        })
        .traced()
    })
    .sweep(&workers, |w| {
        Trial::timed("free-threads", w, tasks, move || {
            move || free_threads(tasks, w, iterations)
        })
        .traced()
    });
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("processes")).build();
    };
    builder
        .note(
            "processes: W worker processes (this suite binary re-run), each with its own GIL; \
             start-up is inside the timing, as with a fresh multiprocessing pool",
        )
        .sweep(&workers, |w| {
            let exe = exe.clone();
            Trial::timed("processes", w, tasks, move || {
                move || {
                    processes(&exe, tasks, w, iterations)
                        .unwrap_or_else(|err| panic!("gil-cpu worker processes: {err:#}"))
                }
            })
        })
        .build()
}

/// `workers` threads sharing one GIL, the tasks dealt round-robin.
fn gil_threads(tasks: usize, workers: usize, iterations: u64) -> u64 {
    let gil = Gil::new();
    bytecode::unit_spins(); // calibrate before timing threads, not inside one of them
    round_robin(
        tasks,
        workers,
        || gil.thread(),
        |py, i| bytecode::cpu_task(py, i, iterations),
    )
}

/// `workers` threads and no GIL; in a timeline, each task is a running span.
fn free_threads(tasks: usize, workers: usize, iterations: u64) -> u64 {
    bytecode::unit_spins();
    round_robin(
        tasks,
        workers,
        || trace::numbered_lane("thread"),
        |lane, i| {
            trace::span(lane, SpanKind::Running, || {
                cpu_task_free_threaded(i, iterations)
            })
        },
    )
}

/// `workers` worker processes, started together; each runs its share under its own GIL.
fn processes(exe: &Path, tasks: usize, workers: usize, iterations: u64) -> Result<u64> {
    let settings = [bytecode::unit_spins().to_string(), iterations.to_string()];
    let args = worker::dealt(tasks, workers)
        .into_iter()
        .map(|share| settings.iter().cloned().chain(share).collect())
        .collect();
    worker::sum_of(exe, "gil-cpu", args)
}

/// The `gil-cpu` worker role: `args` are `SPINS ITERATIONS TASK…`. Prints the sum of
/// `cpu_task(TASK)` on stdout.
///
/// # Errors
///
/// If an argument is missing or not a number.
pub fn worker_main(args: &[String]) -> Result<()> {
    let number = |i: usize, what: &str| -> Result<u64> {
        let arg = args
            .get(i)
            .with_context(|| format!("gil-cpu worker: missing {what}"))?;
        arg.parse()
            .with_context(|| format!("gil-cpu worker: {what} `{arg}` is not a number"))
    };
    let spins = u32::try_from(number(0, "SPINS")?).context("SPINS is too large")?;
    let iterations = number(1, "ITERATIONS")?;
    bytecode::use_unit_spins(spins);
    let sum = worker_sum(&args[2..], iterations)?;
    writeln!(std::io::stdout(), "{sum}")?;
    Ok(())
}

/// One process, one GIL, one thread: the tasks in order.
fn worker_sum(tasks: &[String], iterations: u64) -> Result<u64> {
    let gil = Gil::new();
    let mut py = gil.thread();
    let mut sum = 0u64;
    for task in tasks {
        let n: u64 = task
            .parse()
            .with_context(|| format!("gil-cpu worker: task `{task}` is not a number"))?;
        sum = sum.wrapping_add(bytecode::cpu_task(&mut py, n, iterations));
    }
    Ok(sum)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::workloads::cpu_tasks_expected;

    #[test]
    fn every_strategy_computes_the_same_sum() {
        let expected = cpu_tasks_expected(7, 2_000);
        assert_eq!(gil_threads(7, 1, 2_000), expected);
        assert_eq!(gil_threads(7, 3, 2_000), expected);
        assert_eq!(free_threads(7, 3, 2_000), expected);
        let all: Vec<String> = (0..7).map(|i| i.to_string()).collect();
        assert_eq!(worker_sum(&all, 2_000).unwrap(), expected);
    }

    #[test]
    fn worker_arguments_are_checked() {
        let err = worker_main(&["40".into(), "many".into()]).unwrap_err();
        assert!(err.to_string().contains("ITERATIONS `many`"), "{err}");
    }
}
