//! Atomics, with each memory ordering used where it is the right one: `Relaxed` for a counter,
//! `Release`/`Acquire` to publish data, and `SeqCst` where two threads must agree on one order
//! of two different variables.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_atomics
//!
//! For the whole story, read Mara Bos, *Rust Atomics and Locks* (O'Reilly, 2023), free online.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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
/// the other's flag. With Release/Acquire there is no such order: each store may still sit in
/// its core's store buffer when the other core loads, and then both see `false`.
///
/// Returns in how many of `rounds` both threads missed each other. The same two threads play
/// every round, and meet before each one, so that their stores and loads really overlap:
/// two fresh threads per try would almost never run at the same instant, and would miss each
/// other in no try, whatever the ordering.
fn both_missed(rounds: usize, store: Ordering, load: Ordering) -> usize {
    let (a, b) = (AtomicBool::new(false), AtomicBool::new(false));
    let arrived = AtomicUsize::new(0);
    // Spinning, not a std Barrier: a thread woken from sleep arrives microseconds late, long
    // after the other has stored and loaded. It yields now and then for a one-core machine.
    let meet = |meeting: usize| {
        arrived.fetch_add(1, Ordering::AcqRel);
        let mut spins = 0u32;
        while arrived.load(Ordering::Acquire) < 2 * meeting {
            spins += 1;
            if spins.is_multiple_of(1024) {
                thread::yield_now();
            }
            std::hint::spin_loop();
        }
    };
    let play = |mine: &AtomicBool, theirs: &AtomicBool| -> Vec<bool> {
        (0..rounds)
            .map(|round| {
                meet(2 * round + 1);
                mine.store(true, store);
                let missed = !theirs.load(load);
                meet(2 * round + 2); // both have looked: now the flags may come down
                mine.store(false, Ordering::Relaxed);
                missed
            })
            .collect()
    };
    let (first, second) = thread::scope(|s| {
        let first = s.spawn(|| play(&a, &b));
        let second = s.spawn(|| play(&b, &a));
        (first.join().unwrap(), second.join().unwrap())
    });
    first
        .iter()
        .zip(&second)
        .filter(|(x, y)| **x && **y)
        .count()
}

fn main() {
    println!("relaxed counter: {}", relaxed_counter());
    println!("published value: {}", publish());
    let rounds = 20_000;
    for (name, store, load) in [
        ("SeqCst:         ", Ordering::SeqCst, Ordering::SeqCst),
        ("Release/Acquire:", Ordering::Release, Ordering::Acquire),
    ] {
        let missed = both_missed(rounds, store, load);
        println!("{name} both threads missed each other in {missed} of {rounds} rounds");
    }
}
// ANCHOR_END: here
