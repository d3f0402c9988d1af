//! A pool of workers fed by one crossbeam channel: crossbeam's `Receiver` can be cloned, so
//! several consumers take jobs from one queue with no `Mutex<Receiver>` around it. Dropping
//! the `Sender` is the shutdown signal: each worker finishes its current job, sees the channel
//! closed and empty, and returns.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_workers
//!
//! Chapter 2's hand-built pool wraps a std `Receiver` in a `Mutex` because std's has a single
//! consumer; crossbeam's channels are multi-producer *and* multi-consumer.

extern crate crossbeam;

use std::thread;

use crossbeam::channel;

// ANCHOR: here
fn main() {
    let (jobs, queue) = channel::bounded::<u64>(4);
    // Bounded too: a worker waits when main falls behind, so main must read as it goes.
    let (results, collected) = channel::bounded::<(usize, u64)>(2);

    let workers: Vec<_> = (0..3)
        .map(|id| {
            let (queue, results) = (queue.clone(), results.clone());
            thread::spawn(move || {
                let mut done = 0;
                // recv() fails only when the channel is empty *and* every Sender is gone.
                while let Ok(n) = queue.recv() {
                    results
                        .send((id, n * n))
                        .expect("main collects the results");
                    done += 1;
                }
                done // the worker shuts down by returning
            })
        })
        .collect();
    drop((queue, results)); // main keeps only the ends it uses

    // Feed the jobs from a thread of their own, so that main can drain results meanwhile.
    let feeder = thread::spawn(move || {
        for n in 1..=10 {
            jobs.send(n).expect("a worker is alive");
        }
        // jobs is dropped here: graceful shutdown, no more jobs, finish what you have.
    });

    // Drain first, join after. Joined first, a worker blocked on the full results channel
    // would never return, and main would wait on it for ever: a deadlock.
    let sum: u64 = collected.iter().map(|(_, square)| square).sum();
    feeder.join().expect("the feeder does not panic");
    let handled: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    println!("3 workers handled {handled} jobs; sum of squares 1..=10 is {sum}");
}
// ANCHOR_END: here
