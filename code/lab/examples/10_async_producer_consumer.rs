//! Chapter 10: producer–consumer with tokio, as asyncio.Queue does it, with the two things a
//! real service needs: backpressure (a bounded channel makes a fast producer wait) and a
//! graceful shutdown (on Ctrl-C or a shutdown signal, stop taking new work, finish what is
//! in flight, and account for every item).
//!
//!     cargo run -p lab --example 10_async_producer_consumer
//!
//! It runs on tokio's paused clock, so its output, times included, is the same on every run.
//! Press Ctrl-C while it runs and it shuts down the same way, earlier.

extern crate tokio;

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// Items the queue holds before the producer must wait.
const CAPACITY: usize = 3;

/// A new item every 10 ms; each consumer takes 35 ms per item, so two cannot keep up.
const PRODUCE_EVERY: Duration = Duration::from_millis(10);
const CONSUME_TAKES: Duration = Duration::from_millis(35);
const CONSUMERS: usize = 2;

/// When the demo sends its own shutdown signal.
const SHUTDOWN_AT: Duration = Duration::from_millis(200);

// ANCHOR: producer
/// Produces numbered items until shutdown; returns how many it produced, and how many times
/// it found the queue full and had to wait.
async fn producer(queue: mpsc::Sender<u32>, mut shutdown: watch::Receiver<bool>) -> (u32, u32) {
    let (mut produced, mut waited) = (0, 0);
    loop {
        tokio::select! {
            // `biased`: check shutdown first, so no new item starts once it is signalled.
            biased;
            _ = shutdown.wait_for(|&stop| stop) => break,
            _ = sleep(PRODUCE_EVERY) => {}
        }
        let item = produced + 1;
        // try_send first only to count the waits; `send().await` is the backpressure.
        if let Err(mpsc::error::TrySendError::Full(item)) = queue.try_send(item) {
            waited += 1;
            tokio::select! {
                biased;
                _ = shutdown.wait_for(|&stop| stop) => {
                    println!("producer: shutdown while item {item} waited for room; not queued");
                    break;
                }
                sent = queue.send(item) => sent.expect("consumers outlive the producer"),
            }
        }
        produced = item;
    }
    // Dropping the sender closes the queue: consumers finish what is in it, then stop.
    (produced, waited)
}
// ANCHOR_END: producer

// ANCHOR: consumer
/// Takes items until the queue is closed and empty; returns the items it finished.
async fn consumer(
    id: usize,
    queue: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<u32>>>,
) -> Vec<u32> {
    let mut finished = Vec::new();
    loop {
        // The lock is held only to take one item, never during the work.
        let item = queue.lock().await.recv().await;
        let Some(item) = item else { break };
        sleep(CONSUME_TAKES).await;
        finished.push(item);
    }
    println!(
        "consumer {id}: queue closed and empty; finished {} items",
        finished.len()
    );
    finished
}
// ANCHOR_END: consumer

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let start = Instant::now();
    let (queue, receiver) = mpsc::channel(CAPACITY);
    let receiver = std::sync::Arc::new(tokio::sync::Mutex::new(receiver));
    let (stop, shutdown) = watch::channel(false);

    let producer = tokio::spawn(producer(queue, shutdown));
    let mut consumers = JoinSet::new();
    for id in 0..CONSUMERS {
        consumers.spawn(consumer(id, receiver.clone()));
    }

    // Whichever comes first: Ctrl-C, or the demo's own signal.
    tokio::select! {
        _ = tokio::signal::ctrl_c() => println!("Ctrl-C: shutting down"),
        _ = sleep(SHUTDOWN_AT) => println!("shutdown signal at {} ms", start.elapsed().as_millis()),
    }
    stop.send(true).expect("the producer listens");

    let (produced, waited) = producer.await.expect("the producer does not panic");
    let mut finished: Vec<u32> = consumers.join_all().await.into_iter().flatten().collect();
    finished.sort_unstable();
    let every_item_finished = finished == (1..=produced).collect::<Vec<_>>();
    println!("produced {produced} items; the producer waited for room {waited} times");
    println!(
        "finished {} items by {} ms; every produced item finished exactly once: {every_item_finished}",
        finished.len(),
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: main
