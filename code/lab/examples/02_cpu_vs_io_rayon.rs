//! The same CPU-bound job three ways: serially, on hand-made scoped threads, and with
//! rayon's `par_iter`. All three must compute the same answer.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 02_cpu_vs_io_rayon
//!
//! These are the three strategies of the `cpu-bound` benchmark in chapter 2, cut down to
//! a size that runs in a debug build in well under a second.

extern crate rayon;

use std::hint::black_box;
use std::thread;

use rayon::prelude::*;

/// The seeds' `cpu_task(n)`: a million multiply-adds, no I/O.
fn cpu_task(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..1_000_000 {
        // black_box(i), not i, so that the optimiser cannot fold the loop away.
        total += black_box(i) * n;
    }
    total
}

// ANCHOR: here
const TASKS: u64 = 16;

/// One thread does every task.
fn serial() -> u64 {
    (0..TASKS).map(cpu_task).sum()
}

/// `workers` scoped threads; thread `w` takes tasks `w`, `w + workers`, … (round-robin).
fn threads(workers: u64) -> u64 {
    // thread::scope, not thread::spawn, so the threads could borrow from this stack frame,
    // and every thread is joined before the scope returns.
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..TASKS)
                        .step_by(workers as usize)
                        .map(cpu_task)
                        .sum::<u64>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("cpu_task does not panic"))
            .sum()
    })
}

/// rayon splits the range among its pool (one thread per core) and balances the load by
/// work stealing: an idle thread takes the oldest job waiting in a busy thread's queue,
/// usually the biggest piece of the range still waiting.
fn with_rayon() -> u64 {
    // into_par_iter, not a hand-made split, because rayon adapts to however many cores
    // there are and to tasks of uneven length; for a sum, the code barely changes.
    (0..TASKS).into_par_iter().map(cpu_task).sum()
}

fn main() {
    let cores = thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let expected = serial();
    println!("serial:  sum of cpu_task(0..{TASKS}) = {expected}");

    let by_threads = threads(cores);
    println!("threads: sum of cpu_task(0..{TASKS}) = {by_threads}");

    let by_rayon = with_rayon();
    println!("rayon:   sum of cpu_task(0..{TASKS}) = {by_rayon}");

    assert_eq!(by_threads, expected);
    assert_eq!(by_rayon, expected);
    println!("All three strategies agree.");
}
// ANCHOR_END: here
