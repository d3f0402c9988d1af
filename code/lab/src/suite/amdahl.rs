//! `amdahl`: a CPU-bound job with a settable serial share (0, 10 and 50%), run serially and on
//! every logical CPU, so that the page can set the measured speedup beside Amdahl's prediction
//! from this build's ceiling.
//!
//! The job is [`TASKS`] calls of `cpu_task_with(i, ITERATIONS)`. The serial share is the first
//! `serial_pct`% of them, run on the calling thread before the rest; the rest run on a rayon
//! pool. With this many small tasks the parallel part divides evenly over any worker count up
//! to 16 to within a few percent, as Amdahl's law assumes.

use std::time::Duration;

use rayon::prelude::*;

use super::strategies::rayon_pool;
use super::{Axis, Entry, Plan, PlanContext, Trial};
use crate::workloads::cpu_task_with;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "amdahl",
    plan,
    sources: &[sources![
        "code/lab/src/suite/amdahl.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// Tasks per job.
const TASKS: usize = 600;

/// Iterations of each task: the job takes about 40 ms on one thread. Not less: in a job of a
/// few milliseconds, a pool thread that wakes on the CPU its sibling is using waits for the
/// scheduler to move it for a good share of the run, and the speedup measures that instead.
const ITERATIONS: u64 = 200_000;

/// The serial shares measured, in percent: the x axis.
const SERIAL_PERCENTS: [u64; 3] = [0, 10, 50];

/// The x axis.
const SERIAL_SHARE: Axis = Axis::Param {
    name: "serial_pct",
    label: "serial share of the work (%)",
    phrase: "at a serial share of {}%",
};

fn plan(ctx: &PlanContext) -> Plan {
    let workers = ctx.logical_cpus;
    let mut builder = Plan::builder(
        ENTRY.id,
        "Amdahl's law: speedup vs serial share",
        SERIAL_SHARE,
    )
    .workload(format!(
        "{TASKS} calls of cpu_task_with(i, {ITERATIONS}); the first serial_pct% run on one \
             thread, then the rest on a {workers}-thread rayon pool"
    ))
    .baseline("serial")
    .cpu_bound()
    .note("serial: every task on one thread, the baseline at each serial share")
    .note(format!(
        "parallel: the serial share on the calling thread, the rest split by rayon over \
             {workers} threads (every logical CPU)"
    ))
    .budget(ctx.budget(Duration::from_secs(7)));
    for percent in SERIAL_PERCENTS {
        let serial_tasks = TASKS * percent as usize / 100;
        builder = builder
            .trial(
                Trial::timed("serial", 1, TASKS, move || move || run(0, TASKS))
                    .with_param("serial_pct", percent),
            )
            .trial(
                Trial::timed("parallel", workers, TASKS, move || {
                    let pool = rayon_pool(workers);
                    move || {
                        let serial = run(0, serial_tasks);
                        let parallel = pool.install(|| run_parallel(serial_tasks, TASKS));
                        serial.wrapping_add(parallel)
                    }
                })
                .with_param("serial_pct", percent),
            );
    }
    builder.build()
}

/// Tasks `first..end`, one after another.
fn run(first: usize, end: usize) -> u64 {
    (first as u64..end as u64)
        .map(|i| cpu_task_with(i, ITERATIONS))
        .fold(0, u64::wrapping_add)
}

/// Tasks `first..end`, split by rayon.
fn run_parallel(first: usize, end: usize) -> u64 {
    (first as u64..end as u64)
        .into_par_iter()
        .map(|i| cpu_task_with(i, ITERATIONS))
        .reduce(|| 0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_job_computes_what_the_serial_one_does() {
        let whole = run(0, 50);
        for cut in [0, 5, 25, 50] {
            assert_eq!(
                run(0, cut).wrapping_add(run_parallel(cut, 50)),
                whole,
                "cut {cut}"
            );
        }
    }
}
