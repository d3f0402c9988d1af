//! A thread's result comes back through `join`: each thread owns its share of the input,
//! because a `move` closure took it there, and hands back its answer as `JoinHandle<T>`.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_join_values
//!
//! Python's `Thread` has no return value: its target writes into a shared list or a queue,
//! and the caller reads that after `join()`. In Rust the value *is* what `join` returns.

use std::thread::{self, JoinHandle};

// ANCHOR: here
/// Sums the squares of `numbers`, the work one thread does.
fn sum_of_squares(numbers: &[u64]) -> u64 {
    numbers.iter().map(|n| n * n).sum()
}

fn main() {
    let numbers: Vec<u64> = (1..=1_000).collect();

    // Four owned parts: each thread gets one by value, so none borrows from `main`.
    let parts: Vec<Vec<u64>> = numbers.chunks(250).map(<[u64]>::to_vec).collect();

    let handles: Vec<JoinHandle<u64>> = parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            // `move` hands `part` (and `i`) to the thread; without it the closure would only
            // borrow them, and `thread::spawn` refuses closures that borrow.
            thread::spawn(move || {
                let sum = sum_of_squares(&part);
                println!("thread {i}: {} numbers, sum of squares {sum}", part.len());
                sum
            })
        })
        .collect();

    // join() is where the answer comes back: Ok(value), or Err if the thread panicked.
    let total: u64 = handles
        .into_iter()
        .map(|h| h.join().expect("a summing thread panicked"))
        .sum();
    println!("total: {total}");
    println!("check: {}", sum_of_squares(&numbers));
}
// ANCHOR_END: here
