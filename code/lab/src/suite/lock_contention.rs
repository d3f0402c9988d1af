//! `lock-contention`: W threads add 1 to a shared count, T times in all, six ways: one thread
//! alone, a `Mutex`, one atomic, one atomic per thread packed side by side, one per thread
//! each on its own cache line, and a plain local sum per thread merged at the end.
//!
//! The answer is T every time; what differs is how often the threads touch the same cache
//! line. Packed shards share lines though no two threads share a counter (false sharing);
//! padded ones do not.

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam::utils::CachePadded;

use super::strategies::on_each_thread;
use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "lock-contention",
    plan,
    sources: &[sources!["code/lab/src/suite/lock_contention.rs"]],
};

/// Increments per run, T, shared among the threads. Enough that the uncontended strategies'
/// runs are not mostly the tens of microseconds it takes to start a thread; the contended
/// ones then take a good part of a second at the most threads, which is the point.
fn increments(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 2_000_000,
        Mode::Full => 8_000_000,
    }
}

/// A contended strategy: how W threads count T increments.
type Strategy = fn(usize, usize) -> u64;

const STRATEGIES: [(&str, Strategy); 5] = [
    ("mutex", mutex),
    ("atomic", atomic),
    ("shards", packed_shards),
    ("padded-shards", padded_shards),
    ("thread-local", thread_local_sums),
];

fn plan(ctx: &PlanContext) -> Plan {
    let total = increments(ctx.mode);
    let mut builder = Plan::builder(ENTRY.id, "Counting from many threads", Axis::Workers)
        .x_label("threads", "on {} thread{s}")
        .workload(format!(
            "{total} increments of one count in all, shared equally among W threads"
        ))
        .baseline("serial")
        .cpu_bound()
        .note("value: the run's elapsed time divided by its increments, threads started included")
        .note("serial: one thread adding 1 to a local count, T times")
        .note("mutex: every increment locks a shared Mutex<u64>")
        .note("atomic: every increment is a fetch_add on one shared AtomicU64")
        .note(
            "shards: one AtomicU64 per thread in a plain Vec, 8 to a 64-byte cache line, \
             summed at the end",
        )
        .note("padded-shards: the same, each counter padded to its own line (CachePadded)")
        .note("thread-local: each thread counts in a local variable, summed after the join")
        .budget(ctx.budget(Duration::from_secs(8)))
        .trial(Trial::self_timed("serial", 1, total, move || {
            move || Sample::time_per_operation(total, || serial(total))
        }));
    for (name, strategy) in STRATEGIES {
        builder = builder.sweep(&thread_counts(ctx), |workers| {
            Trial::self_timed(name, workers, total, move || {
                move || Sample::time_per_operation(total, || strategy(total, workers))
            })
        });
    }
    builder.build()
}

/// Threads: the suite's worker counts from 1 to twice the CPUs, less those that are neither a
/// power of two nor a multiple of the CPU count (3 on a 2-CPU machine). The contended runs
/// are slow, and the budget is better spent on more rounds of the counts that remain.
fn thread_counts(ctx: &PlanContext) -> Vec<usize> {
    ctx.worker_counts()
        .into_iter()
        .filter(|&w| w.is_power_of_two() || w % ctx.logical_cpus == 0)
        .collect()
}

/// Thread `w`'s share of `total` increments among `workers` threads: equal, give or take one.
fn share(total: usize, workers: usize, w: usize) -> usize {
    total / workers + usize::from(w < total % workers)
}

/// Adds 1, `times` times, to a count only this thread sees. `black_box` keeps the compiler
/// from replacing the loop with one addition, which would measure nothing.
fn count_locally(times: usize) -> u64 {
    let mut count = 0u64;
    for _ in 0..times {
        count = black_box(count) + 1;
    }
    count
}

fn serial(total: usize) -> u64 {
    count_locally(total)
}

fn mutex(total: usize, workers: usize) -> u64 {
    let count = Mutex::new(0u64);
    on_each_thread(workers, |w| {
        for _ in 0..share(total, workers, w) {
            *count.lock().expect("no increment panics") += 1;
        }
    });
    count.into_inner().expect("no increment panics")
}

fn atomic(total: usize, workers: usize) -> u64 {
    let count = AtomicU64::new(0);
    on_each_thread(workers, |w| {
        for _ in 0..share(total, workers, w) {
            // Relaxed: the count carries no other data, and the scope's join orders every
            // increment before the load below.
            count.fetch_add(1, Ordering::Relaxed);
        }
    });
    count.load(Ordering::Relaxed)
}

fn packed_shards(total: usize, workers: usize) -> u64 {
    let shards: Vec<AtomicU64> = (0..workers).map(|_| AtomicU64::new(0)).collect();
    on_each_thread(workers, |w| {
        for _ in 0..share(total, workers, w) {
            shards[w].fetch_add(1, Ordering::Relaxed);
        }
    });
    shards.iter().map(|s| s.load(Ordering::Relaxed)).sum()
}

fn padded_shards(total: usize, workers: usize) -> u64 {
    let shards: Vec<CachePadded<AtomicU64>> = (0..workers)
        .map(|_| CachePadded::new(AtomicU64::new(0)))
        .collect();
    on_each_thread(workers, |w| {
        for _ in 0..share(total, workers, w) {
            shards[w].fetch_add(1, Ordering::Relaxed);
        }
    });
    shards.iter().map(|s| s.load(Ordering::Relaxed)).sum()
}

fn thread_local_sums(total: usize, workers: usize) -> u64 {
    on_each_thread(workers, |w| count_locally(share(total, workers, w)))
        .into_iter()
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_span_one_to_twice_the_cpus() {
        let on = |logical_cpus| PlanContext {
            mode: Mode::Quick,
            logical_cpus,
        };
        assert_eq!(thread_counts(&on(2)), [1, 2, 4]);
        assert_eq!(thread_counts(&on(16)), [1, 2, 4, 8, 16, 32]);
        assert_eq!(thread_counts(&on(6)), [1, 2, 4, 6, 8, 12]);
    }

    #[test]
    fn shares_add_up_to_the_total() {
        for workers in 1..=7 {
            let sum: usize = (0..workers).map(|w| share(1_000, workers, w)).sum();
            assert_eq!(sum, 1_000, "{workers} workers");
        }
    }

    #[test]
    fn every_strategy_counts_every_increment() {
        assert_eq!(serial(10_001), 10_001);
        for (name, strategy) in STRATEGIES {
            for workers in [1, 2, 3] {
                assert_eq!(strategy(10_001, workers), 10_001, "{name} ×{workers}");
            }
        }
    }
}
