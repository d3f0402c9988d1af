//! `cpython-gil-cpu`: the `gil-cpu` experiment in real CPython, so that the model's numbers
//! sit beside the real thing's. It shares the model's shape (tasks and iterations).

use std::time::Duration;

use super::python::{GIL_BENCH, notes, python_version, run_script, two_numbers};
use super::{Axis, Entry, Plan, PlanContext, Sample, Trial, gil_cpu};
use crate::workloads::cpu_tasks_expected;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "cpython-gil-cpu",
    plan,
    // gil_cpu.rs holds the shape both share.
    sources: &[sources![
        "code/lab/src/suite/cpython_gil_cpu.rs",
        "code/lab/src/suite/python.rs",
        "code/lab/python/gil_bench.py",
        "code/lab/src/suite/gil_cpu.rs",
        "code/lab/src/workloads.rs",
    ]],
};

fn plan(ctx: &PlanContext) -> Plan {
    let (tasks, iterations) = gil_cpu::shape(ctx.mode);
    let version = python_version();
    let mut builder = Plan::builder(
        ENTRY.id,
        "CPython: cpu_task × N on threads and processes",
        Axis::Workers,
    )
    .workload(format!(
        "{tasks} calls of cpu_task(i), {iterations} loop iterations each, in CPython"
    ))
    .baseline("serial")
    .cpu_bound()
    .budget(ctx.budget(Duration::from_secs(6)));
    for note in notes(
        version.clone(),
        &[
            "threads: W threading.Thread objects, one share of the tasks each, as the model's \
             gil-threads",
            "processes: a ProcessPoolExecutor of W processes, started inside the timing",
        ],
    ) {
        builder = builder.note(note);
    }
    if version.is_none() {
        return builder.build();
    }
    let workers = ctx.worker_counts();
    builder
        .trial(cpu_trial("serial", 1, tasks, iterations))
        .sweep(&workers, |w| cpu_trial("threads", w, tasks, iterations))
        .sweep(&workers, |w| cpu_trial("processes", w, tasks, iterations))
        .build()
}

fn cpu_trial(strategy: &'static str, workers: usize, tasks: usize, iterations: u64) -> Trial {
    Trial::self_timed(strategy, workers, tasks, move || {
        move || {
            let out = run_script(
                &GIL_BENCH,
                &[
                    "cpu",
                    strategy,
                    &workers.to_string(),
                    &tasks.to_string(),
                    &iterations.to_string(),
                ],
            );
            let (elapsed, sum) = two_numbers::<f64, u64>(&out);
            // Checked like a timed trial's answer: a fast wrong answer is not a speedup.
            assert_eq!(
                sum,
                cpu_tasks_expected(tasks as u64, iterations),
                "CPython {strategy} ×{workers} computed a wrong sum"
            );
            Sample {
                value: elapsed,
                extra: Default::default(),
                answer: None,
            }
        }
    })
}
