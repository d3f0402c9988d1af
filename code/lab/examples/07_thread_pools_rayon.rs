//! Rayon's `ThreadPool` beside the hand-built executor: `install`, `spawn`, `scope` and
//! `join`. Rayon has no `Future` handle: results come back through the call itself (`install`,
//! `join`, `scope`) or through a channel you pass in (`spawn`).
//!
//! Run it with:
//!
//!     cargo run -p lab --example 07_thread_pools_rayon

extern crate rayon;

use std::sync::mpsc;

// ANCHOR: here
fn main() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("rayon-{i}"))
        .build()
        .expect("a 2-thread pool builds");

    // install: run a closure inside the pool; parallel iterators in it use this pool's
    // threads, not the global pool's. It blocks and returns the closure's value.
    let (threads, sum) = pool.install(|| {
        use rayon::prelude::*;
        let sum: u64 = (1..=1000u64).into_par_iter().sum();
        (rayon::current_num_threads(), sum)
    });
    println!("install: {threads} threads summed 1..=1000 to {sum}");

    // spawn: fire and forget, with 'static data only. No handle comes back, so send the
    // result on a channel, the only way to learn it finished.
    let (done, results) = mpsc::channel();
    for n in 1..=3u64 {
        let done = done.clone();
        pool.spawn(move || done.send(n * n).expect("main is listening"));
    }
    drop(done);
    let mut squares: Vec<u64> = results.iter().collect();
    squares.sort_unstable(); // they arrive in the order they finished
    println!("spawn: {squares:?}");

    // scope: spawned tasks may borrow local data; the scope returns when all have finished.
    let mut halves = [vec![1u64, 2, 3], vec![4, 5, 6]];
    pool.scope(|s| {
        for half in halves.iter_mut() {
            s.spawn(move |_| half.iter_mut().for_each(|x| *x *= 10));
        }
    });
    println!("scope: {halves:?}");

    // join: two closures, perhaps in parallel; both results come back.
    let (left, right) = pool.join(|| (1..=10u64).product::<u64>(), || (1..=10u64).sum::<u64>());
    println!("join: 10! = {left}, 1 + … + 10 = {right}");
}
// ANCHOR_END: here
