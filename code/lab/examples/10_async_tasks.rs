//! Chapter 10: tasks, and waiting for several futures at once: `spawn` and its `JoinHandle`,
//! `join!`, `JoinSet`, and `select!`, which drops every branch but the first to finish.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_tasks
//!     cargo run -p lab --example 10_async_tasks -- select
//!
//! The parts: `spawn`, `join`, `join-set`, `select`.
//!
//! It runs on tokio's paused clock (`start_paused`): when every task is waiting on a timer,
//! time jumps to the next one instead of passing. The program takes no real time, and its
//! output, times included, is the same on every run.

extern crate tokio;

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 4] = [
    ("spawn", || paused(spawn())),
    ("join", || paused(join())),
    ("join-set", || paused(join_set())),
    ("select", || paused(select())),
];

/// Runs `part` on a current-thread runtime whose clock starts paused.
fn paused(part: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds")
        .block_on(part);
}

/// Waits `ms` milliseconds, then returns `value`: a stand-in for a request.
async fn after(ms: u64, value: &'static str) -> &'static str {
    sleep(Duration::from_millis(ms)).await;
    value
}

// ANCHOR: spawn
async fn spawn() {
    // `create_task` is `tokio::spawn`: the task is queued now, runs as soon as a thread is
    // free (on this one-thread runtime, when this task next awaits), and the handle gives
    // its result.
    let handle = tokio::spawn(after(100, "a result"));
    println!("spawned; it runs once this task awaits");
    println!("joined: {}", handle.await.expect("the task did not panic"));

    // A task that panics does not take the program down: its handle reports it.
    let failing = tokio::spawn(async {
        let items: Vec<u32> = Vec::new();
        items[0]
    });
    match failing.await {
        Ok(_) => println!("no panic?"),
        Err(err) => println!("the task panicked; is_panic() = {}", err.is_panic()),
    }
}
// ANCHOR_END: spawn

// ANCHOR: join
async fn join() {
    // `asyncio.gather(a, b, c)` is `join!`: three waits at once, on this one task.
    let start = Instant::now();
    let (a, b, c) = tokio::join!(after(300, "a"), after(100, "b"), after(200, "c"));
    println!(
        "joined {a}, {b}, {c} after {} ms",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: join

// ANCHOR: join_set
async fn join_set() {
    // `asyncio.TaskGroup` / `as_completed` is a JoinSet: spawned tasks, results as they finish.
    let start = Instant::now();
    let mut set = JoinSet::new();
    for (ms, name) in [(300, "slow"), (100, "fast"), (200, "medium")] {
        set.spawn(after(ms, name));
    }
    while let Some(done) = set.join_next().await {
        let name = done.expect("no task panics");
        println!("{name} finished at {} ms", start.elapsed().as_millis());
    }
    // Dropping a JoinSet aborts the tasks still in it: none is left running by accident.
}
// ANCHOR_END: join_set

// ANCHOR: select
/// Says so when it is dropped, finished or not.
struct Announce(&'static str);

impl Drop for Announce {
    fn drop(&mut self) {
        println!("  {} dropped", self.0);
    }
}

async fn guarded(ms: u64, name: &'static str) -> &'static str {
    let _guard = Announce(name);
    sleep(Duration::from_millis(ms)).await;
    println!("  {name} finished its wait");
    name
}

async fn select() {
    let start = Instant::now();
    // The first branch to finish wins; the other future is dropped on the spot, mid-wait.
    let winner = tokio::select! {
        name = guarded(100, "fast branch") => name,
        name = guarded(500, "slow branch") => name,
    };
    println!("{winner} won at {} ms", start.elapsed().as_millis());
}
// ANCHOR_END: select

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for name in &args {
        if !PARTS.iter().any(|(part, _)| part == name) {
            let known: Vec<&str> = PARTS.iter().map(|(part, _)| *part).collect();
            eprintln!("unknown part `{name}`; the parts are: {}", known.join(", "));
            std::process::exit(2);
        }
    }
    for (name, part) in PARTS {
        if args.is_empty() || args.iter().any(|a| a == name) {
            if args.is_empty() {
                println!("--- {name}");
            }
            part();
        }
    }
}
