//! Chapter 10: cancelling async work. In Rust a future is cancelled by dropping it: at its
//! current `.await` it simply stops, and its locals are dropped, running their `Drop`. That
//! one rule gives timeouts, aborts and `select!` their behaviour, makes `Drop` guards the
//! cleanup that Python writes with `finally` and `async with`, and makes "cancel safety" a
//! question worth asking of every future a `select!` may drop.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_cancellation
//!     cargo run -p lab --example 10_async_cancellation -- cancel-safety
//!
//! The parts: `timeout`, `abort`, `token`, `cancel-safety`.
//!
//! It runs on tokio's paused clock (`start_paused`): time jumps to the next timer whenever
//! every task waits, so the output, times included, is the same on every run.

extern crate tokio;

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, interval_at, sleep, sleep_until, timeout};

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 4] = [
    ("timeout", || paused(timeouts())),
    ("abort", || paused(abort())),
    ("token", || paused(token())),
    ("cancel-safety", || paused(cancel_safety())),
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

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: guard
/// A resource that must be released however its user ends: finished, failed or cancelled.
/// Rust has no async `Drop`, so release must not need an `.await`; where it does (a polite
/// goodbye on a socket), send it to a task from `drop`, or call an async `close` first.
struct Connection {
    name: &'static str,
}

impl Connection {
    fn open(name: &'static str) -> Connection {
        println!("  {name}: opened");
        Connection { name }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        println!("  {}: released", self.name);
    }
}
// ANCHOR_END: guard

/// A request that takes `ms` milliseconds on a connection it holds throughout.
async fn request(name: &'static str, took: u64) -> &'static str {
    let _connection = Connection::open(name);
    sleep(ms(took)).await;
    println!("  {name}: answered");
    "an answer"
}

// ANCHOR: timeout
async fn timeouts() {
    // `asyncio.wait_for(request(), 0.1)` is `timeout(100 ms, request())`.
    match timeout(ms(100), request("quick request", 50)).await {
        Ok(answer) => println!("in time: {answer}"),
        Err(_) => println!("timed out"),
    }
    // When time is up, timeout drops the request's future: its connection is released.
    match timeout(ms(100), request("slow request", 500)).await {
        Ok(answer) => println!("in time: {answer}"),
        Err(elapsed) => println!("timed out: {elapsed}"),
    }
}
// ANCHOR_END: timeout

// ANCHOR: abort
async fn abort() {
    // `task.cancel()` is `JoinHandle::abort()`: the task is dropped at its next `.await`.
    let task = tokio::spawn(request("background request", 1_000));
    sleep(ms(10)).await;
    task.abort();
    match task.await {
        Ok(_) => println!("it finished first"),
        Err(err) => println!("joined: is_cancelled() = {}", err.is_cancelled()),
    }
    // Dropping a future that was never spawned cancels it just the same.
    let mut pending = Box::pin(request("dropped request", 1_000));
    let _ = timeout(ms(10), &mut pending).await;
    println!("dropping the future by hand");
    drop(pending);
}
// ANCHOR_END: abort

// ANCHOR: token
/// A cancellation token from tokio's own `watch` channel (tokio-util's `CancellationToken`
/// does the same, but the playground lacks tokio-util). Cloned to every worker; cancelling
/// wakes them all, and one that starts later sees it at once.
#[derive(Clone)]
struct Token(watch::Receiver<bool>);

impl Token {
    async fn cancelled(&mut self) {
        // Waits until the value is `true`; an error means the sender is gone, which is
        // taken as cancellation too.
        let _ = self.0.wait_for(|&cancelled| cancelled).await;
    }
}

async fn worker(id: u32, mut token: Token) -> u32 {
    let _connection = Connection::open(["worker 0", "worker 1", "worker 2"][id as usize]);
    let mut rounds = 0;
    loop {
        tokio::select! {
            _ = token.cancelled() => return rounds,
            _ = sleep(ms(30)) => rounds += 1,
        }
    }
}

async fn token() {
    let (cancel, receiver) = watch::channel(false);
    let token = Token(receiver);
    let mut workers = JoinSet::new();
    for id in 0..3 {
        workers.spawn(worker(id, token.clone()));
    }
    sleep(ms(100)).await;
    println!("cancelling at 100 ms");
    cancel.send(true).expect("the workers hold receivers");
    let mut rounds = Vec::new();
    while let Some(done) = workers.join_next().await {
        rounds.push(done.expect("no worker panics"));
    }
    println!(
        "{} workers stopped, each after {:?} rounds",
        rounds.len(),
        rounds
    );
}
// ANCHOR_END: token

// ANCHOR: cancel_safety
/// Takes two numbers from the channel. Not cancel safe: if it is dropped after the first
/// `recv` and before the second, the first number is gone with it.
async fn next_pair(numbers: &mut mpsc::Receiver<u32>) -> Option<(u32, u32)> {
    let first = numbers.recv().await?;
    let second = numbers.recv().await?;
    Some((first, second))
}

/// Sends 1 to 7, at 0, 0, 10, 30, 35, 50 and 55 ms, then closes the channel.
fn numbers() -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel(8);
    let start = Instant::now();
    tokio::spawn(async move {
        for (at, n) in [(0, 1), (0, 2), (10, 3), (30, 4), (35, 5), (50, 6), (55, 7)] {
            sleep_until(start + ms(at)).await;
            tx.send(n).await.expect("the reader is alive");
        }
    });
    rx
}

async fn lossy() -> Vec<u32> {
    let mut rx = numbers();
    let mut ticks = interval_at(Instant::now() + ms(20), ms(20));
    let mut got = Vec::new();
    loop {
        tokio::select! {
            pair = next_pair(&mut rx) => match pair {
                Some((a, b)) => got.extend([a, b]),
                None => return got,
            },
            // At 20 ms, next_pair holds 3 and waits for 4: select! drops it, and 3 with it.
            _ = ticks.tick() => {}
        }
    }
}

async fn safe() -> Vec<u32> {
    let mut rx = numbers();
    let mut ticks = interval_at(Instant::now() + ms(20), ms(20));
    let mut got = Vec::new();
    // The half-built pair lives here, outside the futures select! may drop, and each branch
    // is one `recv`, which tokio documents as cancel safe: dropped, it has taken nothing.
    let mut first = None;
    loop {
        tokio::select! {
            n = rx.recv() => match (n, first.take()) {
                (Some(b), Some(a)) => got.extend([a, b]),
                (Some(a), None) => first = Some(a),
                (None, leftover) => {
                    got.extend(leftover);
                    return got;
                }
            },
            _ = ticks.tick() => {}
        }
    }
}

async fn cancel_safety() {
    println!(
        "taken in pairs by a future select! may drop: {:?}",
        lossy().await
    );
    println!(
        "taken one cancel-safe recv at a time:        {:?}",
        safe().await
    );
}
// ANCHOR_END: cancel_safety

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
