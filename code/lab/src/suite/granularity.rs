//! `granularity`: `iter` against `par_iter` over N items of a cheap operation, from ten items
//! to ten million, to find the size below which splitting the work costs more than it saves.
//!
//! One pass maps [`tiny_task`] over `0..N` and sums. A sample times enough passes to cover
//! about [`ITEMS_PER_SAMPLE`] items, so that a pass over ten items is not one clock reading;
//! the value is the time of one pass.

use std::time::Duration;

use super::strategies::{rayon_pool, tiny_tasks_par_iter, tiny_tasks_serial};
use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};

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
        .x_label("items per pass (N)", "for {} item{s}")
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
        // A pass of par_iter splitting into jobs of at least `min_len` items, on a pool built
        // before the rounds.
        let par_iter = move |min_len: usize| {
            move || {
                let pool = rayon_pool(workers);
                move || {
                    Sample::time_per_operation(passes, || {
                        repeat(passes, || {
                            pool.install(|| tiny_tasks_par_iter(items, min_len))
                        })
                    })
                }
            }
        };
        builder = builder
            .trial(Trial::self_timed("iter", 1, items, move || {
                move || {
                    Sample::time_per_operation(passes, || {
                        repeat(passes, || tiny_tasks_serial(items))
                    })
                }
            }))
            .trial(Trial::self_timed("par-iter", workers, items, par_iter(1)))
            .trial(Trial::self_timed(
                "par-iter-min-len",
                workers,
                items,
                par_iter(MIN_LEN),
            ));
    }
    builder.build()
}

/// Runs `pass` `passes` times and returns the wrapping sum of its answers.
fn repeat(passes: usize, mut pass: impl FnMut() -> u64) -> u64 {
    (0..passes).fold(0, |sum, _| sum.wrapping_add(pass()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_sums_every_pass() {
        let mut pass = 0;
        assert_eq!(
            repeat(3, || {
                pass += 1;
                pass
            }),
            6
        );
    }
}
