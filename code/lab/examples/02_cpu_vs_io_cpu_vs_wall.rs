//! How to tell CPU-bound work from I/O-bound work: measure how much CPU time a task used
//! against how much wall-clock time it took.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 02_cpu_vs_io_cpu_vs_wall
//!
//! A CPU-bound task keeps its thread on a core the whole time: CPU time ≈ wall time. An
//! I/O-bound task spends its time waiting, off the CPU: CPU time ≪ wall time. The ratio says
//! which kind of help a task can use: more cores, or more waits in flight.

use std::fs;
use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: here
/// The seeds' `cpu_task(n)`: a million multiply-adds, no I/O.
fn cpu_task(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..1_000_000 {
        // black_box(i), not i, because the optimiser would otherwise replace the loop with
        // its closed form, and there would be no work left to measure.
        total += black_box(i) * n;
    }
    total
}

/// An I/O-bound task: it waits, like a network call, and computes nothing.
fn io_task() {
    // 100 ms, not the seeds' 1 s. thread::sleep, because a blocked thread uses no CPU at all,
    // just as a thread blocked in read() on a socket.
    thread::sleep(Duration::from_millis(100));
}

/// CPU time this thread has used so far: the first field of its schedstat, in nanoseconds.
/// Linux only; `None` elsewhere.
fn thread_cpu_time() -> Option<Duration> {
    let schedstat = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `task` on this thread and prints its wall time, its CPU time and their ratio.
fn measure<T>(label: &str, task: impl FnOnce() -> T) -> T {
    let (cpu_start, wall_start) = (thread_cpu_time(), Instant::now());
    let result = task();
    let (cpu_end, wall) = (thread_cpu_time(), wall_start.elapsed());

    let Some(cpu) = cpu_start.zip(cpu_end).map(|(start, end)| end - start) else {
        println!(
            "{label}: wall {:.3} s; CPU time is not available on this OS",
            wall.as_secs_f64()
        );
        return result;
    };
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
    let verdict = if ratio > 0.5 {
        "computing: CPU-bound"
    } else {
        "waiting: I/O-bound"
    };
    println!(
        "{label}: wall {:.3} s, CPU {:.3} s, CPU/wall {ratio:.2} (mostly {verdict})",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
    );
    result
}

fn main() {
    let sum = measure("cpu_task(0..20)", || (0..20).map(cpu_task).sum::<u64>());
    measure("3 waits of 100 ms", || (0..3).for_each(|_| io_task()));

    println!("cpu_task(3) = {}", cpu_task(3));
    println!("sum of cpu_task(0..20) = {sum}");
}
// ANCHOR_END: here
