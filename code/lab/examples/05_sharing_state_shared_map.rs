//! Thread-safe data structures: one `HashMap` behind one `Mutex`, the same map split into
//! shards with a lock each, so that threads touching different shards do not wait for each
//! other; and crossbeam's queues built on atomics, with no lock, `SegQueue` (unbounded) and
//! `ArrayQueue` (bounded).
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_shared_map
//!
//! Python's `dict` survives concurrent use because of the GIL, which makes single operations
//! atomic, but `d[k] += 1` is still a read and a write. In Rust the map is simply not
//! reachable without a lock.

extern crate crossbeam;

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::thread;

use crossbeam::queue::{ArrayQueue, SegQueue};

// ANCHOR: here
const TEXT: &str = "the cat and the dog and the bird";

/// Counts words with every thread locking the one map.
fn one_lock(lines: &[&str]) -> HashMap<String, usize> {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    let handles: Vec<_> = lines
        .iter()
        .map(|line| {
            let (counts, line) = (Arc::clone(&counts), line.to_string());
            thread::spawn(move || {
                for word in line.split_whitespace() {
                    *counts.lock().unwrap().entry(word.to_string()).or_insert(0) += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    Arc::try_unwrap(counts).unwrap().into_inner().unwrap()
}

/// The same count with 4 shards: a word's hash picks its shard, and only that shard is locked.
fn sharded(lines: &[&str]) -> HashMap<String, usize> {
    let shards: Vec<Mutex<HashMap<String, usize>>> =
        (0..4).map(|_| Mutex::new(HashMap::new())).collect();
    let shard_of = |word: &str| {
        let mut hasher = DefaultHasher::new();
        word.hash(&mut hasher);
        hasher.finish() as usize % shards.len()
    };
    thread::scope(|s| {
        for line in lines {
            s.spawn(|| {
                for word in line.split_whitespace() {
                    let mut shard = shards[shard_of(word)].lock().unwrap();
                    *shard.entry(word.to_string()).or_insert(0) += 1;
                }
            });
        }
    });
    shards
        .into_iter()
        .flat_map(|shard| shard.into_inner().unwrap())
        .collect()
}

fn main() {
    let lines: Vec<&str> = vec![TEXT; 3];
    let mut counted: Vec<(String, usize)> = one_lock(&lines).into_iter().collect();
    counted.sort();
    println!("one lock: {counted:?}");
    println!(
        "sharded gives the same counts: {}",
        sharded(&lines) == one_lock(&lines)
    );

    // SegQueue: unbounded, built on atomics (no lock), many producers and many consumers.
    let finished = SegQueue::new();
    thread::scope(|s| {
        for id in 0..4 {
            let finished = &finished;
            s.spawn(move || finished.push(id));
        }
    });
    let mut ids: Vec<i32> = std::iter::from_fn(|| finished.pop()).collect();
    ids.sort();
    println!("SegQueue collected: {ids:?}");

    // ArrayQueue: bounded; push on a full queue hands the value back instead of blocking.
    let slots = ArrayQueue::new(2);
    for job in ["a", "b", "c"] {
        match slots.push(job) {
            Ok(()) => println!("ArrayQueue: queued {job}"),
            Err(rejected) => println!("ArrayQueue: full, {rejected} handed back"),
        }
    }
}
// ANCHOR_END: here
