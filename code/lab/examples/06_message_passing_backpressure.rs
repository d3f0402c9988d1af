//! Backpressure: a bounded channel makes a fast producer wait for a slow consumer, so the
//! queue between them never grows past its bound. An unbounded channel lets it grow without
//! limit instead.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_backpressure
//!
//! The consumer does not start until the producer has hit the bound, so the first block is
//! the same on every run; after that the program checks the bound rather than printing
//! timings.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, TrySendError};
use std::thread;
use std::time::Duration;

// ANCHOR: here
const BOUND: usize = 2;
const ITEMS: usize = 6;

fn main() {
    let (tx, rx) = mpsc::sync_channel::<usize>(BOUND);
    let (start_tx, start_rx) = mpsc::channel::<()>();
    let sent = AtomicUsize::new(0);
    let received = AtomicUsize::new(0);
    let most_ahead = AtomicUsize::new(0);

    thread::scope(|s| {
        let received = &received;
        s.spawn(move || {
            start_rx.recv().expect("the producer says when"); // wait until the queue is full
            for _item in rx {
                received.fetch_add(1, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(5)); // a slow consumer
            }
        });

        for item in 1..=ITEMS {
            if item <= BOUND + 1 {
                // The consumer has not started: the first BOUND items fit, the next does not.
                match tx.try_send(item) {
                    Ok(()) => println!("producer: sent {item} without waiting"),
                    Err(TrySendError::Full(item)) => {
                        println!("producer: the channel holds {BOUND}; item {item} must wait");
                        start_tx.send(()).expect("the consumer is alive");
                        tx.send(item).expect("the consumer is alive"); // blocks until there is room
                    }
                    Err(TrySendError::Disconnected(_)) => unreachable!("the consumer is alive"),
                }
            } else {
                tx.send(item).expect("the consumer is alive"); // waits whenever the channel is full
            }
            let ahead = sent.fetch_add(1, Ordering::SeqCst) + 1 - received.load(Ordering::SeqCst);
            most_ahead.fetch_max(ahead, Ordering::SeqCst);
        }
        drop(tx);
    });

    // At most BOUND items wait in the channel, plus the one the consumer is working on.
    let most = most_ahead.load(Ordering::SeqCst);
    println!(
        "bounded: the producer was never more than {} items ahead: {}",
        BOUND + 1,
        most <= BOUND + 1
    );

    // The same producer on an unbounded channel never waits: the queue just grows.
    let (tx, rx) = mpsc::channel::<usize>();
    for item in 1..=ITEMS {
        tx.send(item).expect("the receiver is alive");
    }
    drop(tx);
    println!(
        "unbounded: all {ITEMS} queued before anyone received; {} delivered",
        rx.iter().count()
    );
}
// ANCHOR_END: here
