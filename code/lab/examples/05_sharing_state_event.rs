//! The seeds' `Event` in Rust: a flag threads can wait on, built from a `Mutex<bool>` and a
//! `Condvar`. std has no `Event` type; this is the whole of one.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_event
//!
//! `set` wakes every waiter; `wait` returns at once if the flag is already set, so a waiter
//! that comes late does not miss it. `wait_timeout` gives up after a while.

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: here
/// Python's `threading.Event`.
#[derive(Default)]
struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    fn set(&self) {
        *self.flag.lock().unwrap() = true;
        self.changed.notify_all();
    }

    fn clear(&self) {
        *self.flag.lock().unwrap() = false;
    }

    fn is_set(&self) -> bool {
        *self.flag.lock().unwrap()
    }

    fn wait(&self) {
        let flag = self.flag.lock().unwrap();
        let _set = self.changed.wait_while(flag, |set| !*set).unwrap();
    }

    /// Waits at most `timeout`; returns whether the flag was set.
    fn wait_timeout(&self, timeout: Duration) -> bool {
        let flag = self.flag.lock().unwrap();
        let (flag, _) = self
            .changed
            .wait_timeout_while(flag, timeout, |set| !*set)
            .unwrap();
        *flag
    }
}

fn main() {
    let start = Event::default();

    println!(
        "nobody set it, wait_timeout: {}",
        start.wait_timeout(Duration::from_millis(20))
    );

    thread::scope(|s| {
        for id in 0..3 {
            let start = &start;
            s.spawn(move || {
                start.wait();
                println!("runner {id}: started");
            });
        }
        println!("main: set");
        start.set();
    });

    println!("is_set: {}", start.is_set());
    start.clear();
    println!("after clear, is_set: {}", start.is_set());
}
// ANCHOR_END: here
