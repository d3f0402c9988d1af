//! `thread::park` and `Thread::unpark`: the lowest-level way for one thread to sleep until
//! another wakes it. Channels, `Condvar` and async runtimes are built on the same idea.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_park
//!
//! `park` may return without an `unpark` (a spurious wake-up), so the worker checks a flag in
//! a loop. And an `unpark` that comes *before* the `park` is not lost: it leaves a token that
//! the next `park` consumes at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

// ANCHOR: here
fn main() {
    let go = AtomicBool::new(false);

    thread::scope(|s| {
        let worker = s.spawn(|| {
            println!("worker: waiting for the go signal");
            // A loop, not one park(): park may return spuriously, and only the flag says
            // whether the signal really came.
            while !go.load(Ordering::Acquire) {
                thread::park();
            }
            println!("worker: got the signal");
        });

        println!("main: sending the go signal");
        // Release here and Acquire in the worker: everything main wrote before this store
        // is visible to the worker once it sees `true`.
        go.store(true, Ordering::Release);
        worker.thread().unpark();
    });

    // The token: an unpark that comes first makes the next park return at once.
    thread::current().unpark();
    thread::park();
    println!("main: park returned: the unpark before it had left the token");
}
// ANCHOR_END: here
