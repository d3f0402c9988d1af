//! `cpython-seeds-cpu` and `cpython-seeds-waits`: the seeds' own Python programs, ported
//! faithfully to `python/seeds.py`, run in CPython in the same suite run as their Rust twins
//! (`seeds-cpu`, `seeds-waits`), with the same counts. Without `python3`, both have no points
//! and a note that says they were skipped.

use std::time::Duration;

use super::python::{SEEDS, notes, python_version, run_script, two_numbers};
use super::seeds::{CPU_TASKS, MANY_WAITS, POOL_WAITS};
use super::{Axis, Entry, Plan, PlanContext, Sample, Trial};
use crate::workloads::{CPU_TASK_ITERATIONS, IO_WAIT, cpu_tasks_expected};

/// seed 001's benchmark.
pub(super) const CPU: Entry = Entry {
    id: "cpython-seeds-cpu",
    plan: plan_cpu,
    sources: &[SOURCES],
};

/// The waits of seeds 001 and 003.
pub(super) const WAITS: Entry = Entry {
    id: "cpython-seeds-waits",
    plan: plan_waits,
    sources: &[SOURCES],
};

const SOURCES: &[super::Source] = sources![
    "code/lab/src/suite/cpython_seeds.rs",
    "code/lab/src/suite/seeds.rs",
    "code/lab/src/suite/python.rs",
    "code/lab/python/seeds.py",
    "code/lab/src/workloads.rs",
];

fn plan_cpu(ctx: &PlanContext) -> Plan {
    let version = python_version();
    let mut builder = Plan::builder(
        CPU.id,
        "The seeds' CPU benchmark in CPython: cpu_task(i) for i in range(4)",
        Axis::Workers,
    )
    .workload(format!(
        "{CPU_TASKS} calls of cpu_task(i), {CPU_TASK_ITERATIONS} iterations each, one thread or \
         process each: seed 001's benchmark_threads and benchmark_processes"
    ))
    .budget(ctx.budget(Duration::from_secs(2)));
    for note in notes(
        version.clone(),
        &[
            "threads: one threading.Thread per call",
            "processes: one multiprocessing.Process per call, its sum sent back on a \
             multiprocessing.Queue",
        ],
    ) {
        builder = builder.note(note);
    }
    if version.is_none() {
        return builder.build();
    }
    for program in ["threads", "processes"] {
        builder = builder.trial(Trial::self_timed(
            program,
            CPU_TASKS,
            CPU_TASKS,
            move || {
                move || {
                    let out = run_script(
                        &SEEDS,
                        &[
                            "cpu",
                            program,
                            &CPU_TASKS.to_string(),
                            &CPU_TASK_ITERATIONS.to_string(),
                        ],
                    );
                    let (elapsed, sum) = two_numbers::<f64, u64>(&out);
                    assert_eq!(
                        sum,
                        cpu_tasks_expected(CPU_TASKS as u64, CPU_TASK_ITERATIONS),
                        "CPython's {program} benchmark computed a wrong sum"
                    );
                    seconds(elapsed)
                }
            },
        ));
    }
    builder.build()
}

fn plan_waits(ctx: &PlanContext) -> Plan {
    let version = python_version();
    let mut builder = Plan::builder(
        WAITS.id,
        "The seeds' waits in CPython: a thread pool and asyncio",
        Axis::Tasks,
    )
    .x_label("waits (N)", "for {} wait{s}")
    .workload(format!(
        "N waits of {} ms, all started at once; each returns 1, the run their count",
        IO_WAIT.as_millis()
    ))
    .budget(ctx.budget(Duration::from_secs(3)));
    for note in notes(
        version.clone(),
        &[
            "thread-pool: executor.map over a ThreadPoolExecutor with one thread per wait, \
             each calling time.sleep (seed 001)",
            "asyncio: asyncio.run of asyncio.gather over one coroutine per wait, each awaiting \
             asyncio.sleep (seed 003); starting the event loop is inside the timing",
        ],
    ) {
        builder = builder.note(note);
    }
    if version.is_none() {
        return builder.build();
    }
    builder = builder.trial(waits_trial("thread-pool", POOL_WAITS));
    for n in [POOL_WAITS, MANY_WAITS] {
        builder = builder.trial(waits_trial("asyncio", n));
    }
    builder.build()
}

fn waits_trial(program: &'static str, n: usize) -> Trial {
    Trial::self_timed(program, n, n, move || {
        move || {
            let out = run_script(
                &SEEDS,
                &[
                    "waits",
                    program,
                    &n.to_string(),
                    &IO_WAIT.as_secs_f64().to_string(),
                ],
            );
            let (elapsed, done) = two_numbers::<f64, usize>(&out);
            assert_eq!(done, n, "CPython's {program} finished {done} of {n} waits");
            seconds(elapsed)
        }
    })
}

/// A sample of `elapsed` seconds. No answer for the runner to compare, because the Rust
/// twins are another experiment; the sum or count is checked above instead.
fn seconds(elapsed: f64) -> Sample {
    Sample {
        value: elapsed,
        extra: Default::default(),
        answer: None,
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_programs_answer_what_they_did() {
        if python_version().is_none() {
            // CI has python3, so there this test must run; elsewhere python3 is optional.
            assert!(
                std::env::var_os("CI").is_none(),
                "python3 is missing on CI, where the CPython experiments must run"
            );
            return;
        }
        for program in ["threads", "processes"] {
            let out = run_script(&SEEDS, &["cpu", program, "3", "1000"]);
            let (_, sum) = two_numbers::<f64, u64>(&out);
            assert_eq!(sum, cpu_tasks_expected(3, 1000), "{program}");
        }
        for program in ["thread-pool", "asyncio"] {
            let out = run_script(&SEEDS, &["waits", program, "7", "0.001"]);
            let (elapsed, done) = two_numbers::<f64, usize>(&out);
            assert_eq!(done, 7, "{program}");
            assert!(elapsed >= 0.001, "{program} waited {elapsed} s");
        }
    }

    #[test]
    fn an_unknown_program_is_the_scripts_error() {
        if python_version().is_none() {
            return;
        }
        let err = std::panic::catch_unwind(|| run_script(&SEEDS, &["waits", "fibers", "1", "1"]))
            .expect_err("an unknown program must not pass");
        let text = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(text.contains("unknown waits program 'fibers'"), "{text}");
    }
}
