//! A pipeline: stages on their own threads, connected by channels. Each stage receives from
//! the one before and sends to the one after, so all stages work at once on different items.
//! When the first stage finishes, closing propagates down the line by itself; when the last
//! one stops early, the failed sends carry the stop back up.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_pipeline
//!
//! Order is kept: each stage is one thread, and a channel delivers one sender's messages in
//! the order they were sent. (A stage run on several threads would lose it.)

use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};

// ANCHOR: here
/// One stage: applies `step` to everything from `input`, and sends on what it returns.
/// `FnMut`, so that a stage may keep state of its own from item to item.
fn stage<I, O>(
    input: Receiver<I>,
    mut step: impl FnMut(I) -> Option<O> + Send + 'static,
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
    // A producer with no end of its own: it stops when nobody takes its lines any more.
    let (source, lines) = mpsc::sync_channel(16);
    let producer = thread::spawn(move || {
        for n in 1u64.. {
            let line = if n == 3 {
                "oops".to_string()
            } else {
                n.to_string()
            };
            if source.send(line).is_err() {
                break; // the rest of the line has gone: stop, do not panic
            }
        }
    });

    let (parsed, parse) = stage(lines, |line: String| line.parse::<u64>().ok());
    let mut total = 0; // the running-total stage's own state
    let (totals, sum) = stage(parsed, move |n| {
        total += n;
        Some(total)
    });
    let (odd, filter) = stage(totals, |total| (total % 2 == 1).then_some(total));

    // Take five and hang up: each stage's next send fails, and the stop runs back upstream.
    let kept: Vec<u64> = odd.iter().take(5).collect();
    drop(odd);
    for handle in [producer, parse, sum, filter] {
        handle.join().expect("no stage panics");
    }
    println!("running totals of the numbers, the odd ones, first five: {kept:?}");
}
// ANCHOR_END: here
