//! The seeds' producer–consumer with `queue.Queue`, in Rust: a producer thread puts work on a
//! channel, a consumer thread takes it off, and closing the channel replaces Python's
//! `None` sentinel.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_producer_consumer
//!
//! Python's consumer loops until it reads the sentinel and calls `task_done()`; here the
//! consumer's `for` loop ends when the producer drops its `Sender`, and `join` plays the part
//! of `queue.join()`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: here
fn main() {
    let (queue, work) = mpsc::sync_channel::<u32>(5); // Queue(maxsize=5)

    let producer = thread::spawn(move || {
        for item in 1..=5 {
            println!("Produced {item}");
            queue.send(item).expect("the consumer is alive");
            thread::sleep(Duration::from_millis(10));
        }
        // `queue` is dropped here: the channel closes once the consumer has emptied it.
    });

    let consumer = thread::spawn(move || {
        let mut total = 0;
        for item in work {
            println!("Consumed {item}");
            total += item;
        }
        total
    });

    producer.join().expect("the producer panicked");
    let total = consumer.join().expect("the consumer panicked");
    println!("Queue closed; consumer saw a total of {total}");
}
// ANCHOR_END: here
