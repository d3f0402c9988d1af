//! The seeds' `executor.map(square, [1, 2, 3, 4, 5])` on a pool of 3 threads and on a pool of
//! 3 worker processes, in as few lines as std allows.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 02_cpu_vs_io_square_pools
//!
//! Chapter 7 builds a whole `ThreadPoolExecutor`, with handles, timeouts and cancellation, and
//! chapter 9 a process pool that keeps its workers and survives their crashes.

use std::env;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// The argument that turns a run of this program into a worker: `--square N`.
const WORKER_FLAG: &str = "--square";

// ANCHOR: here
/// The seeds' `square(n)`: a short wait, then a tiny computation.
fn square(n: u64) -> u64 {
    // 100 ms, not the seed's 1 s: the wait is what makes the pool worth having.
    thread::sleep(Duration::from_millis(100));
    n * n
}

/// `executor.map(f, inputs)` on `workers` threads: each takes the next input whenever it is
/// free, and each result goes back to its input's place, so they come out in input order.
fn pool_map(workers: usize, inputs: &[u64], f: impl Fn(u64) -> u64 + Sync) -> Vec<u64> {
    // The queue is one counter: the index of the next input nobody has taken yet.
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, u64)> = thread::scope(|s| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&n) = inputs.get(index) else {
                            return mine; // the queue is empty: this worker is done
                        };
                        mine.push((index, f(n)));
                    }
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("a job panicked"))
            .collect()
    });
    done.sort_by_key(|&(index, _)| index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `square(n)` in a fresh copy of this program, whose whole life is this one job: the
/// argument goes in on the command line, the answer comes back as text on stdout.
fn square_in_a_process(n: u64) -> u64 {
    let exe = env::current_exe().expect("the program knows its own path");
    let out = Command::new(exe)
        .args([WORKER_FLAG, &n.to_string()])
        .output()
        .expect("the OS starts the worker");
    assert!(out.status.success(), "the worker failed: {}", out.status);
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the worker prints a number")
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    if let [flag, n] = args.as_slice()
        && flag == WORKER_FLAG
    {
        println!("{}", square(n.parse().expect("a number to square")));
        return;
    }
    let inputs = [1, 2, 3, 4, 5];
    println!("ThreadPool results: {:?}", pool_map(3, &inputs, square));
    // The same pool; each of its threads hands its job to a child process and waits.
    println!(
        "ProcessPool results: {:?}",
        pool_map(3, &inputs, square_in_a_process)
    );
}
// ANCHOR_END: here
