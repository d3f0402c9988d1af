//! The seeds' `class MyThread(threading.Thread)` in Rust: a plain struct with a `run` method,
//! moved onto a named thread built with `thread::Builder`.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 01_introduction_worker_struct
//!
//! Rust has no class to inherit from. The thread is a value that `spawn` hands back (a
//! `JoinHandle`); the worker is your own data. Starting one is composing the two.

use std::io;
use std::thread::{self, JoinHandle};
use std::time::Duration;

// ANCHOR: here
struct Worker {
    name: String,
}

impl Worker {
    fn new(name: &str) -> Self {
        Worker {
            name: name.to_string(),
        }
    }

    /// What the thread does: Python's overridden `run()`.
    fn run(&self) {
        let thread = thread::current();
        let on = thread.name().unwrap_or("<unnamed>");
        println!("{} starting (on thread {on})", self.name);
        // 100 ms, not the seed's 1 s: enough to show both workers running at once.
        thread::sleep(Duration::from_millis(100));
        println!("{} finished", self.name);
    }

    /// Python's `start()`: moves the worker onto a new thread and returns its handle.
    fn start(self) -> io::Result<JoinHandle<()>> {
        // thread::Builder, not thread::spawn, because it lets us name the thread: the name
        // shows up in panic messages, debuggers and `top -H`. Builder::spawn returns an
        // io::Result because the OS may refuse to create a thread; thread::spawn panics.
        thread::Builder::new()
            .name(self.name.clone())
            // `move`: the thread takes ownership of the worker, so it cannot outlive its data.
            .spawn(move || self.run())
    }
}

fn main() -> io::Result<()> {
    let t1 = Worker::new("Worker-1").start()?;
    let t2 = Worker::new("Worker-2").start()?;

    t1.join().expect("Worker-1 panicked");
    t2.join().expect("Worker-2 panicked");
    println!("Both workers joined.");
    Ok(())
}
// ANCHOR_END: here
