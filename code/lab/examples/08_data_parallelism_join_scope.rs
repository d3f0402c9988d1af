//! `rayon::join` and `rayon::scope`, the two primitives every parallel iterator is built on.
//! `join` runs two closures, perhaps in parallel, and returns both results: a divide-and-
//! conquer sum splits its slice until the halves are small. `scope` spawns any number of
//! tasks that may borrow local data, and returns when all have finished.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 08_data_parallelism_join_scope

extern crate rayon;

use std::sync::Mutex;

// ANCHOR: join
/// Below this many elements a half is summed in place: splitting further would cost more
/// (a job pushed, perhaps stolen) than it saves.
const GRAIN: usize = 4_096;

fn parallel_sum(numbers: &[u64]) -> u64 {
    if numbers.len() <= GRAIN {
        return numbers.iter().sum();
    }
    let (left, right) = numbers.split_at(numbers.len() / 2);
    // join pushes the right half where an idle thread can steal it, runs the left half
    // itself, then runs the right half too if nobody stole it.
    let (l, r) = rayon::join(|| parallel_sum(left), || parallel_sum(right));
    l + r
}
// ANCHOR_END: join

// ANCHOR: scope
fn word_lengths(words: &[&str]) -> Vec<(String, usize)> {
    let found = Mutex::new(Vec::new());
    rayon::scope(|s| {
        for word in words {
            let found = &found; // borrowed, not moved: the scope outlives every task
            s.spawn(move |_| found.lock().unwrap().push((word.to_string(), word.len())));
        }
    }); // every task has finished here
    let mut found = found.into_inner().unwrap();
    found.sort(); // tasks finish in any order
    found
}
// ANCHOR_END: scope

fn main() {
    let numbers: Vec<u64> = (1..=1_000_000).collect();
    let sum = parallel_sum(&numbers);
    println!(
        "join: sum of 1..=1000000 = {sum} (serial agrees: {})",
        sum == numbers.iter().sum()
    );
    println!("scope: {:?}", word_lengths(&["stealing", "join", "scope"]));
}
