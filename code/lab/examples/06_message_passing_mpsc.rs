//! `std::sync::mpsc`: many producers, one consumer. Each producer owns a clone of the
//! `Sender`; the `Receiver`'s iterator ends when the last sender is dropped.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_mpsc
//!
//! No shared state at all: each message moves from one thread to another, and the type system
//! makes the sender give it up (`send` takes the value by move).

use std::sync::mpsc;
use std::thread;

// ANCHOR: here
fn main() {
    let (tx, rx) = mpsc::channel::<String>();

    let producers: Vec<_> = (0..3)
        .map(|id| {
            let tx = tx.clone(); // one Sender per producer
            thread::spawn(move || {
                for n in 0..2 {
                    let report = format!("producer {id}: reading {n}");
                    tx.send(report).expect("the receiver is alive");
                    // `report` has moved into the channel; using it here would not compile.
                }
                // tx is dropped here, when the thread ends.
            })
        })
        .collect();
    // Drop main's own Sender, or the loop below would wait for it for ever.
    drop(tx);

    // Iterating a Receiver blocks for each message and ends when every Sender is gone.
    let mut received = 0;
    for report in rx {
        println!("{report}");
        received += 1;
    }
    println!("all senders gone after {received} messages: the loop ended by itself");
    // The loop ended because every Sender was dropped, not because every thread has ended:
    // join them, so that none is cut off and a producer's panic is not lost.
    let joined = producers
        .into_iter()
        .map(|p| p.join().expect("a producer panicked"))
        .count();
    println!("{joined} producers joined");
}
// ANCHOR_END: here
