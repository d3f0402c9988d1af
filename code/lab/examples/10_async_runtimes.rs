//! Chapter 10: the two tokio runtimes. `current_thread` runs every task on the one thread
//! that calls `block_on`, taking turns at each `.await`: concurrency without parallelism,
//! which is asyncio's model exactly. The multi-thread runtime runs tasks on a pool of worker
//! threads, which steal tasks from each other.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_runtimes
//!     cargo run -p lab --example 10_async_runtimes -- current-thread
//!
//! The parts: `current-thread` (three tasks take turns on one thread), `multi-thread` (where
//! tasks run on a runtime with worker threads).

extern crate tokio;

use std::thread;

use tokio::runtime::Builder;

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 2] = [
    ("current-thread", current_thread),
    ("multi-thread", multi_thread),
];

/// The name of the thread running this code.
fn thread_name() -> String {
    thread::current().name().unwrap_or("unnamed").to_string()
}

// ANCHOR: current_thread
/// Three steps, handing the thread back to the runtime after each: `yield_now` stands in
/// for any `.await` that is not ready yet, such as a socket read.
async fn steps(task: &'static str) {
    for step in 1..=3 {
        println!("  {task} step {step} on thread `{}`", thread_name());
        tokio::task::yield_now().await;
    }
}

fn current_thread() {
    // `asyncio.run(main())` is `Runtime::block_on`; `#[tokio::main(flavor = "current_thread")]`
    // writes the same thing around `main`.
    let runtime = Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let tasks = ["a", "b", "c"].map(|name| tokio::spawn(steps(name)));
        for task in tasks {
            task.await.expect("steps does not panic");
        }
    });
}
// ANCHOR_END: current_thread

// ANCHOR: multi_thread
fn multi_thread() {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        // This names every thread the runtime starts, its blocking pool's as well as its
        // workers, so names cannot tell the two pools apart; thread ids can.
        .thread_name("tokio-worker")
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The future given to block_on runs on the calling thread; spawned tasks run on the
        // runtime's workers, and may move between them at any `.await`.
        let here = thread::current().id();
        println!("block_on's future runs on `{}`", thread_name());
        let (task, name) = tokio::spawn(async { (thread::current().id(), thread_name()) })
            .await
            .unwrap();
        println!(
            "a spawned task runs on `{name}`; on block_on's thread? {}",
            task == here
        );
        let (blocking, name) =
            tokio::task::spawn_blocking(|| (thread::current().id(), thread_name()))
                .await
                .unwrap();
        println!(
            "spawn_blocking runs on `{name}` too; on the task's thread? {}",
            blocking == task
        );
    });
}
// ANCHOR_END: multi_thread

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
