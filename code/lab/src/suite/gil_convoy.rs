//! `gil-convoy`: what one CPU-bound thread costs an I/O thread. The I/O thread sleeps 1 ms
//! at a time inside `allow_threads`; each time it wakes it must take the GIL back. Idle, that
//! is immediate. Beside a spinning thread, it waits out a switch interval first (bpo-7946).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::{Axis, Entry, GIL_MODEL, Mode, Plan, PlanContext, Sample, Trial};
use crate::gil::Gil;
use crate::gil::bytecode;
use crate::stats::Summary;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "gil-convoy",
    plan,
    sources: &[sources!["code/lab/src/suite/gil_convoy.rs"], GIL_MODEL],
};

/// The x axis of the convoy experiments, the model's and CPython's alike.
pub(super) const SWITCH_INTERVAL: Axis = Axis::Param {
    name: "switch_us",
    label: "switch interval (µs)",
    phrase: "with a {} µs switch interval",
};

/// The I/O thread's blocking call.
const SLEEP: Duration = Duration::from_millis(1);

/// Switch intervals, in µs: CPython's default 5 ms, and ten times less and more. Shared with
/// the CPython twin (`cpython-gil-convoy`).
pub(super) fn intervals_us(mode: Mode) -> &'static [u64] {
    match mode {
        Mode::Quick => &[500, 5_000, 50_000],
        Mode::Full => &[500, 1_000, 5_000, 20_000, 50_000],
    }
}

/// Sleeps per run: up to 20 at short intervals, but only 3 at 50 ms, so that a round stays
/// near a third of a second and the budget buys many rounds (the rounds, not the sleeps of
/// one run, carry the interval). Shared with the CPython twin.
pub(super) fn sleeps_per_run(interval_us: u64) -> usize {
    (300_000 / (interval_us + 1_000)).clamp(3, 20) as usize
}

fn plan(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        ENTRY.id,
        "The GIL's convoy effect: waking up beside a CPU-bound thread",
        SWITCH_INTERVAL,
    )
    .workload(format!(
        "one thread sleeping {} ms at a time inside allow_threads, then re-taking the GIL; \
         alone (idle) or beside one thread running bytecode (with-spinner)",
        SLEEP.as_millis()
    ))
    .metric("p90_latency_s", "90th percentile", "s")
    .note(format!(
        "value: the extra latency of one sleep, i.e. the time from entering allow_threads to \
         holding the GIL again, minus the {} ms asked for; each round's value is the median \
         over that run's sleeps, and the extra metric p90_latency_s is that run's 90th \
         percentile",
        SLEEP.as_millis()
    ))
    .note(format!(
        "sleeps per run: {} to {}, fewer at long intervals to bound the run time",
        sleeps_per_run(u64::MAX / 2),
        sleeps_per_run(0)
    ))
    .budget(ctx.budget(Duration::from_secs(4)));
    for &interval in intervals_us(ctx.mode) {
        for (strategy, spinner) in [("idle", false), ("with-spinner", true)] {
            let sleeps = sleeps_per_run(interval);
            let trial = Trial::self_timed(strategy, 1, sleeps, move || {
                move || convoy_run(Duration::from_micros(interval), sleeps, spinner)
            })
            .with_param("switch_us", interval);
            // A timeline of the convoy: the I/O thread back from its sleep, waiting out an
            // interval beside the spinner.
            builder = builder.trial(trial.traced_if(spinner));
        }
    }
    builder.build()
}

/// One run: `sleeps` sleeps on a GIL thread, beside a spinner or not; returns the median extra
/// latency and its p90.
fn convoy_run(interval: Duration, sleeps: usize, spinner: bool) -> Sample {
    let gil = Gil::new();
    gil.set_switch_interval(interval)
        .expect("the intervals are positive");
    bytecode::unit_spins(); // calibrate outside the measured part
    let stop = Arc::new(AtomicBool::new(false));
    let spinning = spinner.then(|| {
        let (gil, stop) = (gil.clone(), stop.clone());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let handle = thread::spawn(move || {
            let mut py = gil.thread();
            py.name_in_timeline("CPU-bound thread");
            started_tx.send(()).expect("the I/O thread waits for this");
            while !stop.load(Ordering::Relaxed) {
                bytecode::cpu_task(&mut py, 1, 10_000);
            }
        });
        started_rx
            .recv()
            .expect("the spinner starts before it signals");
        handle
    });

    let mut py = gil.thread();
    py.name_in_timeline("I/O thread");
    let extra: Vec<f64> = (0..sleeps)
        .map(|_| {
            let start = Instant::now();
            py.allow_threads(|| thread::sleep(SLEEP));
            start.elapsed().saturating_sub(SLEEP).as_secs_f64()
        })
        .collect();
    drop(py);

    stop.store(true, Ordering::Relaxed);
    if let Some(handle) = spinning {
        handle.join().expect("the spinner does not panic");
    }
    let summary = Summary::of(&extra);
    Sample {
        value: summary.median,
        extra: [("p90_latency_s".to_string(), summary.p90)].into(),
        answer: None,
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_run_reports_a_latency_and_its_p90() {
        let s = convoy_run(Duration::from_micros(200), 3, true);
        assert!(s.value >= 0.0 && s.extra["p90_latency_s"] >= s.value);
    }
}
