//! `granularity`: `iter` against `par_iter` over N items of a cheap operation, from ten items
//! to ten million, to find the size below which splitting the work costs more than it saves.
//!
//! One pass maps [`tiny_task`] over `0..N` and sums. A sample times enough passes to cover
//! about [`ITEMS_PER_SAMPLE`] items, so that a pass over ten items is not one clock reading;
//! the value is the time of one pass.

use std::time::Duration;

use rayon::prelude::*;

use super::strategies::rayon_pool;
use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};
use crate::workloads::tiny_task;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "granularity",
    plan,
    sources: &[sources![
        "code/lab/src/suite/granularity.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// Items one sample covers, in as many passes as that takes.
const ITEMS_PER_SAMPLE: usize = 10_000;

/// The smallest job `par-iter-min-len` lets rayon make: about as many items as take a few
/// microseconds, the cost of handing a job to another thread.
pub(super) const MIN_LEN: usize = 4_096;

/// Items per pass, the x axis: every power of ten from 10 to 10⁷.
fn sizes(_mode: Mode) -> Vec<usize> {
    (1..=7).map(|e| 10usize.pow(e)).collect()
}

fn plan(ctx: &PlanContext) -> Plan {
    let workers = ctx.logical_cpus;
    let mut builder = Plan::builder(ENTRY.id, "Granularity: iter vs par_iter", Axis::Tasks)
        .x_label("items per pass (N)")
        .workload(format!(
            "one pass maps tiny_task (a multiply) over 0..N and sums; par_iter runs on a \
             {workers}-thread pool built before the rounds, entered with install()"
        ))
        .baseline("iter")
        .note("value: the time of one pass; a sample times ⌈10 000 / N⌉ passes")
        .note(format!(
            "par-iter-min-len: par_iter().with_min_len({MIN_LEN}), so rayon never splits off \
             a job smaller than that"
        ))
        .budget(ctx.budget(Duration::from_secs(5)));
    for items in sizes(ctx.mode) {
        let passes = ITEMS_PER_SAMPLE.div_ceil(items);
        builder = builder
            .trial(Trial::self_timed("iter", 1, items, move || {
                move || Sample::time_per_operation(passes, || repeat(passes, || sum_iter(items)))
            }))
            .trial(Trial::self_timed("par-iter", workers, items, move || {
                let pool = rayon_pool(workers);
                move || {
                    Sample::time_per_operation(passes, || {
                        repeat(passes, || pool.install(|| sum_par_iter(items)))
                    })
                }
            }))
            .trial(Trial::self_timed(
                "par-iter-min-len",
                workers,
                items,
                move || {
                    let pool = rayon_pool(workers);
                    move || {
                        Sample::time_per_operation(passes, || {
                            repeat(passes, || pool.install(|| sum_par_iter_min_len(items)))
                        })
                    }
                },
            ));
    }
    builder.build()
}

/// Runs `pass` `passes` times and returns the wrapping sum of its answers.
fn repeat(passes: usize, mut pass: impl FnMut() -> u64) -> u64 {
    (0..passes).fold(0, |sum, _| sum.wrapping_add(pass()))
}

// usize ranges, not u64, because only they are indexed parallel iterators, which
// `with_min_len` needs; all three use them so they differ in nothing else.
fn sum_iter(items: usize) -> u64 {
    (0..items)
        .map(|i| tiny_task(i as u64))
        .fold(0, u64::wrapping_add)
}

fn sum_par_iter(items: usize) -> u64 {
    (0..items)
        .into_par_iter()
        .map(|i| tiny_task(i as u64))
        .reduce(|| 0, u64::wrapping_add)
}

fn sum_par_iter_min_len(items: usize) -> u64 {
    (0..items)
        .into_par_iter()
        .with_min_len(MIN_LEN)
        .map(|i| tiny_task(i as u64))
        .reduce(|| 0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_computes_the_same_sum_at_every_size() {
        for items in [1, 10, 4_097, 100_000] {
            let expected = sum_iter(items);
            assert_eq!(sum_par_iter(items), expected, "{items} items");
            assert_eq!(sum_par_iter_min_len(items), expected, "{items} items");
        }
        assert_eq!(repeat(3, || 5), 15);
    }
}
