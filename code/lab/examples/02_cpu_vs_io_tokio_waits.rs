//! A thousand I/O-bound tasks on one thread: tokio runs 1000 waits of 100 ms each
//! concurrently, without any parallelism at all.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 02_cpu_vs_io_tokio_waits
//!
//! The same with 1000 OS threads would need 1000 kernel threads, each with its own stack
//! (the Rust playground, which allows 512 processes and threads, would refuse). A tokio
//! task waiting on a timer is a small struct in memory, parked until the timer fires.

extern crate tokio;

use std::collections::HashSet;
use std::thread;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

// ANCHOR: here
/// An I/O-bound task: it waits, like a network call, and computes nothing.
async fn io_task(id: u32) -> (u32, thread::ThreadId) {
    // 100 ms, not the seeds' 1 s. tokio::time::sleep, not thread::sleep, because it hands
    // the thread back to the runtime while waiting; thread::sleep would block every task.
    tokio::time::sleep(Duration::from_millis(100)).await;
    (id, thread::current().id())
}

// flavor = "current_thread", not the default multi-threaded runtime, because the point is
// that one thread is enough: the waits overlap, nothing runs in parallel.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start = Instant::now();

    // JoinSet, not a Vec of JoinHandles, because it yields results as tasks finish.
    let mut tasks = JoinSet::new();
    for id in 0..1000 {
        tasks.spawn(io_task(id));
    }

    let mut finished = 0;
    let mut threads = HashSet::new();
    while let Some(result) = tasks.join_next().await {
        let (_id, thread) = result.expect("io_task does not panic");
        finished += 1;
        threads.insert(thread);
    }

    println!("{finished} tasks finished");
    println!("OS threads that ran them: {}", threads.len());
    println!(
        "wall time: {:.2} s for 1000 waits of 0.10 s each",
        start.elapsed().as_secs_f64()
    );
}
// ANCHOR_END: here
