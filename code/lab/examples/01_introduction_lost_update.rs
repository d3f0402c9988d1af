//! A race condition that compiles: two threads increment a shared counter by reading it and
//! then writing the value plus one, and one increment is lost. Every access is an atomic
//! operation, so there is no data race for the compiler to refuse; the bug is in the order
//! of two correct steps.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 01_introduction_lost_update
//!
//! A barrier makes both threads read before either writes, so the loss happens on every run:
//! the program shows the bug, not a lucky moment.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: here
fn main() {
    let count = AtomicU64::new(0);
    let both_have_read = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let seen = count.load(Ordering::SeqCst); // read …
                both_have_read.wait(); // (the other thread reads now too)
                count.store(seen + 1, Ordering::SeqCst); // … then write: the other's +1 is lost
            });
        }
    });
    println!(
        "read, then write: {} after two increments",
        count.load(Ordering::SeqCst)
    );

    // The fix makes read-modify-write one indivisible step.
    let count = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| count.fetch_add(1, Ordering::SeqCst));
        }
    });
    println!(
        "fetch_add: {} after two increments",
        count.load(Ordering::SeqCst)
    );
}
// ANCHOR_END: here
