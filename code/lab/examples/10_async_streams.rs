//! Chapter 10: streams, the async iterators. A `Stream` is to `Iterator` what a future is to a
//! plain value: `poll_next` answers `Ready(Some(item))`, `Ready(None)` at the end, or
//! `Pending` with a wake-up arranged. `async for x in it` becomes
//! `while let Some(x) = it.next().await`.
//!
//! The trait and its combinators (`StreamExt`) come from the `futures` crate, which the
//! playground has; tokio-stream, which it lacks, would add only adapters for tokio's types,
//! and the one this needs (a channel as a stream) is a dozen lines below.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_streams
//!     cargo run -p lab --example 10_async_streams -- generator
//!
//! The parts: `hand-written`, `from-channel`, `generator`, `combinators`.
//!
//! It runs on tokio's paused clock, so its output, times included, is the same on every run.

extern crate futures;
extern crate tokio;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep, sleep};

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 4] = [
    ("hand-written", || paused(hand_written())),
    ("from-channel", || paused(from_channel())),
    ("generator", || paused(generator())),
    ("combinators", || paused(combinators())),
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

// ANCHOR: hand_written
/// Counts down from `left`, one number every 100 ms: a stream built by hand, holding a
/// timer future that it polls, as a socket stream would hold its socket.
struct Countdown {
    left: u32,
    timer: Pin<Box<Sleep>>,
}

impl Countdown {
    fn new(from: u32) -> Countdown {
        Countdown {
            left: from,
            timer: Box::pin(sleep(Duration::from_millis(100))),
        }
    }
}

impl Stream for Countdown {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        // Not ready: the timer has registered our waker, so returning Pending is allowed.
        if self.timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let item = self.left;
        self.left -= 1;
        let next = Instant::now() + Duration::from_millis(100);
        self.timer.as_mut().reset(next);
        Poll::Ready(Some(item))
    }
}

async fn hand_written() {
    let start = Instant::now();
    let mut countdown = Countdown::new(3);
    while let Some(n) = countdown.next().await {
        println!("{n} at {} ms", start.elapsed().as_millis());
    }
    println!("the stream ended");
}
// ANCHOR_END: hand_written

// ANCHOR: from_channel
/// A tokio channel's receiving end as a stream: `poll_recv` is `poll_next` in all but name.
struct ChannelStream<T>(mpsc::Receiver<T>);

impl<T> Stream for ChannelStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.0.poll_recv(cx)
    }
}

async fn from_channel() {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        for word in ["alpha", "beta", "gamma"] {
            tx.send(word).await.expect("the stream is alive");
        }
        // The sender is dropped here, which ends the stream.
    });
    let lengths: Vec<usize> = ChannelStream(rx).map(str::len).collect().await;
    println!("lengths from the channel: {lengths:?}");
}
// ANCHOR_END: from_channel

// ANCHOR: generator
/// What Python writes as `async def squares(n): … yield i * i`. Stable Rust has no async
/// generators yet; `stream::unfold` keeps the generator's state between items explicitly.
fn squares(n: u64) -> impl Stream<Item = u64> {
    stream::unfold(0, move |i| async move {
        if i == n {
            return None;
        }
        // Any .await may sit here, as between a Python generator's yields.
        sleep(Duration::from_millis(10)).await;
        Some((i * i, i + 1))
    })
}

/// The other common way: a task that sends into a channel is a generator that runs ahead
/// of its reader by up to the channel's capacity.
fn squares_task(n: u64) -> ChannelStream<u64> {
    let (tx, rx) = mpsc::channel(2);
    tokio::spawn(async move {
        for i in 0..n {
            if tx.send(i * i).await.is_err() {
                return; // the reader dropped the stream: stop generating
            }
        }
    });
    ChannelStream(rx)
}

async fn generator() {
    let from_unfold: Vec<u64> = squares(5).collect().await;
    let from_task: Vec<u64> = squares_task(5).collect().await;
    println!("unfold: {from_unfold:?}");
    println!("task:   {from_task:?}");
}
// ANCHOR_END: generator

// ANCHOR: combinators
/// How long the request for each id (1 to 4) takes: the early ones are the slow ones.
const TAKES_MS: [u64; 4] = [400, 300, 250, 50];

/// A request for `id`, answering `id * 10`.
async fn fetch(id: u64) -> u64 {
    sleep(Duration::from_millis(TAKES_MS[id as usize - 1])).await;
    id * 10
}

async fn combinators() {
    let start = Instant::now();
    // Up to 2 requests in flight at once, results in the order they finish.
    let done: Vec<u64> = stream::iter(1..=4)
        .map(fetch)
        .buffer_unordered(2)
        .collect()
        .await;
    println!(
        "buffer_unordered(2): {done:?} in {} ms",
        start.elapsed().as_millis()
    );
    let start = Instant::now();
    // The same, in input order: a finished result waits for those before it.
    let ordered: Vec<u64> = stream::iter(1..=4).map(fetch).buffered(2).collect().await;
    println!(
        "buffered(2):         {ordered:?} in {} ms",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: combinators

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
