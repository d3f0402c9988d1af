//! Thread-locals: a `static` that every thread has its own copy of, Python's
//! `threading.local()`. A thread-local's destructor runs when its thread ends.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_thread_local
//!
//! Each thread counts its own calls without any lock, because no other thread can see its
//! counter. The log buffer shows the other use: per-thread state flushed when the thread ends.

use std::cell::{Cell, RefCell};
use std::thread;

// ANCHOR: here
/// Lines kept by one thread, written out when the thread ends.
struct LogBuffer {
    owner: String,
    lines: Vec<String>,
}

impl Drop for LogBuffer {
    // Runs on the thread's way out, after its closure has returned.
    fn drop(&mut self) {
        println!("{}: flushing {} log lines", self.owner, self.lines.len());
    }
}

thread_local! {
    // Cell, not a Mutex: only this thread can reach its copy, so no lock is needed.
    static CALLS: Cell<u32> = const { Cell::new(0) };
    // Built lazily, on the first use in each thread.
    static LOG: RefCell<LogBuffer> = RefCell::new(LogBuffer {
        owner: thread::current().name().unwrap_or("main").to_string(),
        lines: Vec::new(),
    });
}

fn handle_request(what: &str) {
    CALLS.set(CALLS.get() + 1);
    LOG.with_borrow_mut(|log| log.lines.push(what.to_string()));
}

fn main() {
    let workers: Vec<_> = [("worker-a", 3), ("worker-b", 5)]
        .into_iter()
        .map(|(name, requests)| {
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    for i in 0..requests {
                        handle_request(&format!("request {i}"));
                    }
                    println!("{name}: handled {} requests", CALLS.get());
                })
                .expect("the OS creates the thread")
        })
        .collect();
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    // main's own copy was never touched by the workers.
    println!("main: handled {} requests", CALLS.get());
}
// ANCHOR_END: here
