//! `RwLock`: any number of readers at once, or one writer. Three readers hold the read lock at
//! the same moment (a barrier proves it: none could pass it otherwise), then a writer updates.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_rwlock
//!
//! Python's standard library has no reader-writer lock; a `Lock` serialises readers too.

use std::sync::{Barrier, RwLock};
use std::thread;

// ANCHOR: here
struct Config {
    version: u32,
    greeting: String,
}

fn main() {
    let config = RwLock::new(Config {
        version: 1,
        greeting: "hello".to_string(),
    });
    let readers = 3;
    // Each reader waits here *while holding its read guard*: if read locks excluded each
    // other, the second reader could never reach the barrier, and this would hang.
    let all_reading = Barrier::new(readers);

    thread::scope(|s| {
        for id in 0..readers {
            let (config, all_reading) = (&config, &all_reading);
            s.spawn(move || {
                let read = config.read().unwrap();
                all_reading.wait();
                println!("reader {id}: v{} says {:?}", read.version, read.greeting);
            });
        }
    });

    // write() waits until no reader holds the lock, then excludes everyone.
    {
        let mut write = config.write().unwrap();
        write.version += 1;
        write.greeting = "hello again".to_string();
    }
    let read = config.read().unwrap();
    println!(
        "after the write: v{} says {:?}",
        read.version, read.greeting
    );
}
// ANCHOR_END: here
