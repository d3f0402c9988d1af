//! Stopping a thread: Rust, like Python, has no safe way to kill one from outside, because a
//! thread killed mid-step could leave a lock held or data half-written. The thread is asked
//! to stop, and checks between steps.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_stop_flag
//!
//! The flag is an `AtomicBool` shared through `thread::scope`; the worker reports its
//! progress over a channel so that `main` asks it to stop only once it is under way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: here
fn main() {
    let stop = AtomicBool::new(false);
    let (progress, steps_done) = mpsc::channel();

    thread::scope(|s| {
        let worker = s.spawn(|| {
            let mut steps = 0u64;
            // Relaxed is enough: the flag carries no other data. What main learns of the
            // worker's progress comes through the channel, and the join orders the rest.
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(5)); // one whole step of work
                steps += 1;
                let _ = progress.send(steps);
            }
        });

        // Wait until the worker has finished 3 steps, then ask it to stop.
        while steps_done.recv().expect("the worker is running") < 3 {}
        println!("main: asking the worker to stop");
        stop.store(true, Ordering::Relaxed);

        worker.join().expect("the worker panicked");
        // The worker looks at the flag only between steps, so the step it was on, it finished:
        // its last report is a whole step, and it has returned.
        // Its reports after the third are still queued; without any, the third was its last.
        let last = steps_done.try_iter().last().unwrap_or(3);
        println!("main: the worker has returned, after {last} whole steps");
    });
}
// ANCHOR_END: here
