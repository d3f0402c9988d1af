//! The seeds' `Lock` example in Rust: four threads add to one counter, and a `Mutex` makes each
//! read-add-write one step. `Arc` is how the threads share the `Mutex`.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_arc_mutex
//!
//! In Python the lock sits beside the data (`with lock: counter += 1`), and nothing stops code
//! that forgets it. A Rust `Mutex<T>` owns the `T`: the only way to the counter is `lock()`.

use std::sync::{Arc, Barrier, Mutex};
use std::thread;

// ANCHOR: here
const THREADS: u64 = 4;
const INCREMENTS: u64 = 10_000;

fn main() {
    // Arc: shared ownership across threads, with an atomic reference count.
    let counter = Arc::new(Mutex::new(0u64));
    // Holds the threads back until main has counted the owners, so the count is all of them.
    let start = Arc::new(Barrier::new(THREADS as usize + 1));

    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = Arc::clone(&counter); // one more owner, for this thread
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                for _ in 0..INCREMENTS {
                    // lock() returns a guard; the counter is reachable only through it, and
                    // the lock is released when the guard is dropped, at the end of the line.
                    *counter.lock().expect("no thread panics while holding it") += 1;
                }
            })
        })
        .collect();
    println!(
        "owners once every thread has its clone: {}",
        Arc::strong_count(&counter)
    );
    start.wait();

    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    // Every thread has ended and dropped its Arc: main is the only owner left.
    println!("owners after the joins: {}", Arc::strong_count(&counter));
    println!(
        "counter: {} (expected {})",
        counter.lock().unwrap(),
        THREADS * INCREMENTS
    );
}
// ANCHOR_END: here
