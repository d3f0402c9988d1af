//! `gil-switch`: two CPU-bound GIL threads against one thread doing the same work, across
//! switch intervals: how often the GIL changes hands, and what the hand-offs cost.

use std::time::{Duration, Instant};

use super::gil_convoy::SWITCH_INTERVAL;
use super::strategies::round_robin;
use super::{Entry, GIL_MODEL, Mode, Plan, PlanContext, Sample, Trial};
use crate::gil::Gil;
use crate::gil::bytecode;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "gil-switch",
    plan,
    sources: &[sources!["code/lab/src/suite/gil_switch.rs",], GIL_MODEL],
};

/// Switch intervals, in µs. Quick mode leaves out 50 ms, where its short runs see about one
/// hand-off in all, so that its budget buys more rounds of the intervals that teach.
fn intervals_us(mode: Mode) -> &'static [u64] {
    match mode {
        Mode::Quick => &[500, 1_000, 5_000],
        Mode::Full => &[100, 500, 1_000, 5_000, 20_000, 50_000],
    }
}

/// Work units per thread (two threads): about 80 ms of work in all in quick mode. Not less:
/// a waiter must wait out a whole interval before each hand-off, so a run of `T` seconds sees
/// at most `T / interval + 1` of them, and the `+ 1` (the hand-off when the first thread
/// finishes) would inflate the rate of a shorter run past one per interval.
fn units_per_thread(mode: Mode) -> u64 {
    match mode {
        Mode::Quick => 1_000_000,
        Mode::Full => 2_000_000,
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let units = units_per_thread(ctx.mode);
    let mut builder = Plan::builder(
        ENTRY.id,
        "The GIL's switch interval: two CPU-bound threads",
        SWITCH_INTERVAL,
    )
    .workload(format!(
        "two tasks of {units} work units each: on one GIL thread (serial) or one per thread \
         on two GIL threads"
    ))
    .baseline("serial")
    .cpu_bound()
    .metric("handoffs", "hand-offs", "")
    .metric("handoffs_per_sec", "hand-offs per second", "")
    .note(
        "value: elapsed time of one run; handoffs: how many times the GIL changed owner after \
         its first acquisition (switch_number − 1); handoffs_per_sec: handoffs over the \
         elapsed time",
    )
    .budget(ctx.budget(Duration::from_secs(8)));
    for &interval in intervals_us(ctx.mode) {
        for (strategy, threads) in [("serial", 1), ("gil-threads", 2)] {
            let trial = Trial::self_timed(strategy, threads, 2, move || {
                move || switch_run(Duration::from_micros(interval), threads, units)
            })
            .with_param("switch_us", interval);
            // A timeline of the two threads at each interval: the hand-offs, one per interval.
            builder = builder.trial(trial.traced_if(threads == 2));
        }
    }
    builder.build()
}

/// Two tasks of `units` units on `threads` GIL threads (1 or 2); returns the elapsed time and
/// the hand-offs.
fn switch_run(interval: Duration, threads: usize, units: u64) -> Sample {
    let gil = Gil::new();
    gil.set_switch_interval(interval)
        .expect("the intervals are positive");
    bytecode::unit_spins();
    let start = Instant::now();
    // Two tasks dealt to one thread or to two: the same work either way.
    round_robin(
        2,
        threads,
        || gil.thread(),
        |py, n| bytecode::cpu_task(py, n, units),
    );
    let elapsed = start.elapsed().as_secs_f64();
    let handoffs = gil.switch_number().saturating_sub(1) as f64;
    Sample {
        value: elapsed,
        extra: [
            ("handoffs".to_string(), handoffs),
            ("handoffs_per_sec".to_string(), handoffs / elapsed),
        ]
        .into(),
        answer: None,
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_thread_never_hands_off() {
        let s = switch_run(Duration::from_micros(100), 1, 1_000);
        assert_eq!(s.extra["handoffs"], 0.0);
    }
}
