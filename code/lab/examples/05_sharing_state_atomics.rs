//! Atomics, with each memory ordering used where it is the right one: `Relaxed` for a counter,
//! `Release`/`Acquire` to publish data, and `SeqCst` where two threads must agree on one order
//! of two different variables.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_atomics
//!
//! For the whole story, read Mara Bos, *Rust Atomics and Locks* (O'Reilly, 2023), free online.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

// ANCHOR: here
/// Relaxed: each increment is indivisible, and that is all a counter needs. The join at the
/// end of the scope orders every increment before the final load.
fn relaxed_counter() -> u64 {
    let hits = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1_000 {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    hits.load(Ordering::Relaxed)
}

/// Release/Acquire: the writer fills `data`, then sets `ready` with Release; a reader that
/// sees `ready` with Acquire is guaranteed to see the data written before it.
fn publish() -> u64 {
    let data = AtomicU64::new(0);
    let ready = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            data.store(42, Ordering::Relaxed);
            ready.store(true, Ordering::Release); // everything above happens-before …
        });
        let reader = s.spawn(|| {
            while !ready.load(Ordering::Acquire) {
                std::hint::spin_loop(); // … everything after this load sees `true`
            }
            data.load(Ordering::Relaxed) // so this is 42, never 0
        });
        reader.join().unwrap()
    })
}

/// SeqCst: each thread raises its own flag, then looks at the other's. With SeqCst there is
/// one order of all four operations that both threads agree on, so at least one of them sees
/// the other's flag. With Release/Acquire, both may see `false`: each store can still sit in
/// its core's store buffer when the other core loads.
fn both_missed_each_other() -> bool {
    let (a, b) = (AtomicBool::new(false), AtomicBool::new(false));
    let (saw_b, saw_a) = thread::scope(|s| {
        let first = s.spawn(|| {
            a.store(true, Ordering::SeqCst);
            b.load(Ordering::SeqCst)
        });
        let second = s.spawn(|| {
            b.store(true, Ordering::SeqCst);
            a.load(Ordering::SeqCst)
        });
        (first.join().unwrap(), second.join().unwrap())
    });
    !saw_b && !saw_a
}

fn main() {
    println!("relaxed counter: {}", relaxed_counter());
    println!("published value: {}", publish());
    let tries = 2_000;
    let misses = (0..tries).filter(|_| both_missed_each_other()).count();
    println!("SeqCst: both threads missed each other in {misses} of {tries} tries");
}
// ANCHOR_END: here
