//! Python's daemon threads in Rust: a thread nobody joins. When `main` returns, the process
//! exits, and such a thread stops wherever it is, without running its destructors.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_daemon
//!
//! Python joins its non-daemon threads at exit and kills the daemon ones. Rust has only the
//! second kind: every thread still running when `main` returns is cut off. To wait for a
//! thread, join it.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: here
/// Prints when dropped, so we can see whether the thread's cleanup ran.
struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("daemon: cleaned up"); // never printed: see below
    }
}

fn main() {
    let (ticks, heard) = mpsc::channel();

    // The JoinHandle is dropped at once: the thread is detached, a "daemon".
    drop(thread::spawn(move || {
        let _cleanup = Cleanup;
        for tick in 1.. {
            // A failed send (main is gone) is ignored: the daemon just keeps going.
            let _ = ticks.send(tick);
            thread::sleep(Duration::from_millis(10));
        }
    }));

    for _ in 0..3 {
        let tick = heard.recv().expect("the daemon is running");
        println!("main: heard tick {tick}");
    }
    println!("main: returning without joining the daemon");
    // The process exits here. The daemon is stopped mid-loop, and `Cleanup::drop` never runs.
}
// ANCHOR_END: here
