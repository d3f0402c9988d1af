//! `cpython-gil-convoy`: the `gil-convoy` experiment in real CPython. It shares the model's
//! switch intervals and sleeps per run.

use std::time::Duration;

use super::gil_convoy::{self, SWITCH_INTERVAL};
use super::python::{GIL_BENCH, notes, python_version, run_script, two_numbers};
use super::{Entry, Plan, PlanContext, Sample, Trial};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "cpython-gil-convoy",
    plan,
    // gil_convoy.rs holds the shape both share.
    sources: &[sources![
        "code/lab/src/suite/cpython_gil_convoy.rs",
        "code/lab/src/suite/python.rs",
        "code/lab/python/gil_bench.py",
        "code/lab/src/suite/gil_convoy.rs",
    ]],
};

fn plan(ctx: &PlanContext) -> Plan {
    let version = python_version();
    let mut builder = Plan::builder(
        ENTRY.id,
        "CPython: waking up beside a CPU-bound thread",
        SWITCH_INTERVAL,
    )
    .workload(
        "time.sleep(0.001) in a loop, alone or beside a thread spinning in `while not stop: \
         n += 1`, at sys.setswitchinterval(switch_us / 1e6)",
    )
    .metric("p90_latency_s", "90th percentile", "s")
    .budget(ctx.budget(Duration::from_secs(6)));
    for note in notes(
        version.clone(),
        &[
            "value: the median extra latency of one run's sleeps beyond 1 ms; p90_latency_s: \
           that run's 90th percentile",
        ],
    ) {
        builder = builder.note(note);
    }
    if version.is_none() {
        return builder.build();
    }
    for &interval in gil_convoy::intervals_us(ctx.mode) {
        let sleeps = gil_convoy::sleeps_per_run(interval);
        for (strategy, spinner) in [("idle", false), ("with-spinner", true)] {
            builder = builder.trial(
                Trial::self_timed(strategy, 1, sleeps, move || {
                    move || convoy_sample(interval, spinner, sleeps)
                })
                .with_param("switch_us", interval),
            );
        }
    }
    builder.build()
}

fn convoy_sample(interval: u64, spinner: bool, sleeps: usize) -> Sample {
    let out = run_script(
        &GIL_BENCH,
        &[
            "convoy",
            &interval.to_string(),
            if spinner { "1" } else { "0" },
            &sleeps.to_string(),
        ],
    );
    let (median, p90) = two_numbers::<f64, f64>(&out);
    Sample {
        value: median,
        extra: [("p90_latency_s".to_string(), p90)].into(),
        answer: None,
    }
}
