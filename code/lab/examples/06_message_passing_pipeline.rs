//! A pipeline: stages on their own threads, connected by channels. Each stage receives from
//! the one before and sends to the one after, so all stages work at once on different items.
//! When the first stage finishes, closing propagates down the line by itself.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_pipeline
//!
//! Order is kept: each stage is one thread, and a channel delivers one sender's messages in
//! the order they were sent.

use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};

// ANCHOR: here
/// One stage: applies `step` to everything from `input`, and sends on what it returns.
fn stage<I, O>(
    input: Receiver<I>,
    step: impl Fn(I) -> Option<O> + Send + 'static,
) -> (Receiver<O>, JoinHandle<()>)
where
    I: Send + 'static,
    O: Send + 'static,
{
    let (tx, output) = mpsc::sync_channel(16);
    let handle = thread::spawn(move || {
        for item in input {
            if let Some(out) = step(item)
                && tx.send(out).is_err()
            {
                break; // the next stage has gone: stop early
            }
        }
        // `tx` is dropped here, which closes the next stage's input.
    });
    (output, handle)
}

fn main() {
    let (source, numbers) = mpsc::sync_channel(16);
    let producer = thread::spawn(move || {
        for line in ["3", "4", "oops", "5", "12"] {
            source.send(line).unwrap();
        }
    });

    let (parsed, parse) = stage(numbers, |line: &str| line.parse::<u64>().ok());
    let (squared, square) = stage(parsed, |n| Some(n * n));
    let (small, filter) = stage(squared, |n| (n < 100).then_some(n));

    let kept: Vec<u64> = small.iter().collect();
    for handle in [producer, parse, square, filter] {
        handle.join().expect("a stage panicked");
    }
    println!("parsed, squared, kept under 100: {kept:?}");
}
// ANCHOR_END: here
