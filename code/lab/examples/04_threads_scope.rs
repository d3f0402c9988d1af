//! Scoped threads: threads that borrow from the function that starts them, because
//! `thread::scope` joins them all before it returns.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_scope
//!
//! No `Arc`, no `move`, no copies: each thread writes into its own part of one vector, and
//! all of them read one shared table. The borrow checker checks that the parts do not overlap.

use std::thread;

// ANCHOR: here
fn main() {
    let prices = [3, 5, 7, 11]; // one shared table, read by every thread
    let mut orders = vec![1, 2, 3, 4, 5, 6, 7, 8];

    thread::scope(|s| {
        // chunks_mut splits the vector into disjoint &mut parts: one per thread.
        for (i, part) in orders.chunks_mut(2).enumerate() {
            let prices = &prices; // a shared borrow, copied into the closure
            s.spawn(move || {
                for quantity in part.iter_mut() {
                    *quantity *= prices[i];
                }
            });
        }
        // Every thread spawned in `s` is joined here, before `scope` returns, so the
        // borrows of `orders` and `prices` end before `main` uses them again.
    });

    println!("totals: {orders:?}");
    println!("prices are still ours: {prices:?}");
}
// ANCHOR_END: here
