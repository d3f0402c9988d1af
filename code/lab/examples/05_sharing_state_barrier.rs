//! `Barrier`: every thread waits at the barrier until all of them have arrived, then all go
//! on. Phases of a computation that must not overlap are the classic use.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_barrier
//!
//! Python's `threading.Barrier(n)` is the same thing; Rust's picks one thread as the "leader"
//! of each crossing, as Python's `wait()` returns a distinct index.

use std::sync::Barrier;
use std::thread;

// ANCHOR: here
fn main() {
    let workers = 3;
    let phase_done = Barrier::new(workers);

    thread::scope(|s| {
        for id in 0..workers {
            let phase_done = &phase_done;
            s.spawn(move || {
                println!("worker {id}: loaded its part");
                // Nobody starts phase 2 before everyone has finished phase 1.
                if phase_done.wait().is_leader() {
                    println!("all {workers} loaded; starting phase 2");
                }
                phase_done.wait(); // a Barrier can be reused: the leader's line comes first
                println!("worker {id}: computed");
            });
        }
    });
}
// ANCHOR_END: here
