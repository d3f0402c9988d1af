//! Chapter 10: CPU work inside async code. A task that computes for 200 ms without an
//! `.await` keeps its thread for 200 ms, and every other task on that thread waits: here, a
//! ticker that wants to run every 10 ms. The two ways out move the work to another thread:
//! tokio's blocking pool (`spawn_blocking`), or rayon, with the answer coming back through a
//! oneshot channel. This is `run_in_executor` in asyncio terms.
//!
//!     cargo run -p lab --example 10_async_blocking
//!
//! Times here are real, so they differ from run to run.

extern crate rayon;
extern crate tokio;

use std::hint::black_box;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, MissedTickBehavior, interval};

/// How long the CPU-bound job computes.
const JOB: Duration = Duration::from_millis(200);

/// How often the ticker wants to run.
const TICK: Duration = Duration::from_millis(10);

/// Computes for `duration` without yielding: a stand-in for parsing, hashing or compressing.
fn compute_for(duration: Duration) -> u64 {
    let start = std::time::Instant::now();
    let mut x = 1u64;
    while start.elapsed() < duration {
        for _ in 0..1_000 {
            x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
    x
}

// ANCHOR: ticker
/// Ticks every [`TICK`] until `done` fires, and returns the worst lateness of a tick: how
/// much later than planned the ticker got to run.
async fn ticker(mut done: oneshot::Receiver<()>) -> Duration {
    let mut ticks = interval(TICK);
    // Skip, not Burst: after a stall, tick on the schedule instead of catching up at once.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut worst = Duration::ZERO;
    loop {
        tokio::select! {
            // `biased`: a tick that came due during a stall is counted before `done` is seen.
            biased;
            planned = ticks.tick() => worst = worst.max(Instant::now() - planned),
            _ = &mut done => return worst,
        }
    }
}
// ANCHOR_END: ticker

// ANCHOR: strategies
/// Runs the job on this task, holding the runtime's only thread.
async fn on_the_runtime() -> u64 {
    compute_for(JOB)
}

/// Runs the job on tokio's blocking pool; this task waits without holding the thread.
async fn on_spawn_blocking() -> u64 {
    tokio::task::spawn_blocking(|| compute_for(JOB))
        .await
        .expect("the job does not panic")
}

/// Runs the job on rayon's pool; the answer comes back through a oneshot channel.
async fn on_rayon() -> u64 {
    match on_rayon_pool(|| compute_for(JOB)).await {
        Ok(answer) => answer,
        Err(panic) => std::panic::resume_unwind(panic), // as spawn_blocking's JoinError would
    }
}

/// Runs `job` on rayon's pool and awaits its answer, or its panic. A panic in a spawned rayon
/// job that nobody catches aborts the whole process (rayon has nobody to hand it to), so the
/// job catches its own and sends it back as the answer.
async fn on_rayon_pool<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> std::thread::Result<T> {
    let (send, answer) = oneshot::channel();
    rayon::spawn(move || {
        let _ = send.send(std::panic::catch_unwind(AssertUnwindSafe(job)));
    });
    answer
        .await
        .expect("the job sends its outcome, even when it panics")
}
// ANCHOR_END: strategies

// ANCHOR: main
/// Runs the ticker beside `job` on a one-thread runtime, and reports the ticker's lateness.
fn measure(name: &str, job: impl std::future::Future<Output = u64>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (done, done_rx) = oneshot::channel();
        let ticker = tokio::spawn(ticker(done_rx));
        // Give the ticker its first tick before the job starts.
        tokio::time::sleep(TICK * 3).await;
        black_box(job.await);
        // And a few ticks after it ends, so the ticker has run again before it stops.
        tokio::time::sleep(TICK * 3).await;
        let _ = done.send(());
        let worst = ticker.await.expect("the ticker does not panic");
        println!(
            "{name}: the {} ms ticker was up to {:.1} ms late",
            TICK.as_millis(),
            worst.as_secs_f64() * 1e3
        );
    });
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("panic") {
        return a_panicking_rayon_job();
    }
    println!(
        "a job computing for {} ms, beside a ticker",
        JOB.as_millis()
    );
    measure("on the runtime's thread", on_the_runtime());
    measure("spawn_blocking         ", on_spawn_blocking());
    measure("rayon + oneshot        ", on_rayon());
}
// ANCHOR_END: main

// ANCHOR: panic
/// A rayon job that panics: the awaiting task gets the panic back, and the program goes on.
/// (The default panic hook still prints the panic's message to stderr.)
fn a_panicking_rayon_job() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let outcome = runtime.block_on(on_rayon_pool(|| -> u64 { panic!("the job failed") }));
    let message = outcome
        .err()
        .and_then(|panic| panic.downcast_ref::<&str>().map(|s| s.to_string()));
    println!("the task got the rayon job's panic back: {message:?}");
    println!("and the program goes on");
}
// ANCHOR_END: panic
