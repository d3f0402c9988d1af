//! The seeds' `Condition` in Rust: a `Condvar` lets a thread sleep until the data behind a
//! `Mutex` is in the state it needs. Here consumers wait for items in a shared queue.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_condvar
//!
//! A `Condvar` is always used with a `Mutex` and a predicate: wake-ups can be spurious, and
//! another thread may have taken the item first, so the predicate is checked again after every
//! wake-up. `wait_while` does that loop.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::thread;

// ANCHOR: here
/// The shared state: items to process, and whether more will come.
struct Work {
    items: VecDeque<u32>,
    closed: bool,
}

fn main() {
    let work = Mutex::new(Work {
        items: VecDeque::new(),
        closed: false,
    });
    let changed = Condvar::new(); // Python's threading.Condition(lock)

    let processed: Vec<Vec<u32>> = thread::scope(|s| {
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let guard = work.lock().unwrap();
                        // Sleeps (releasing the lock) while the predicate holds; returns with
                        // the lock held once it does not. Spurious wake-ups just loop.
                        let mut guard = changed
                            .wait_while(guard, |w| w.items.is_empty() && !w.closed)
                            .unwrap();
                        match guard.items.pop_front() {
                            Some(item) => mine.push(item),
                            None => return mine, // empty and closed: no more work
                        }
                    }
                })
            })
            .collect();

        for item in 1..=6 {
            work.lock().unwrap().items.push_back(item);
            changed.notify_one(); // one item: one waiter is enough
        }
        work.lock().unwrap().closed = true;
        changed.notify_all(); // every waiter must see `closed`

        consumers.into_iter().map(|c| c.join().unwrap()).collect()
    });

    let mut all: Vec<u32> = processed.concat();
    all.sort();
    println!("processed, between {} consumers: {all:?}", processed.len());
}
// ANCHOR_END: here
