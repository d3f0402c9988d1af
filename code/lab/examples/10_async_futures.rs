//! Chapter 10: a future is a value that does nothing until something polls it. An `async fn`
//! returns one without running a line of its body, as calling a Python coroutine function
//! returns a coroutine without running it.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_futures
//!     cargo run -p lab --example 10_async_futures -- by-hand
//!
//! The parts: `lazy` (nothing runs until `.await`), `polls` (a hand-written future that counts
//! its polls), `by-hand` (polling without a runtime), `state-machine` (what a future holds).

extern crate tokio;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 4] = [
    ("lazy", lazy),
    ("polls", polls),
    ("by-hand", by_hand),
    ("state-machine", state_machine),
];

/// A runtime on this thread alone: enough for every part, and its output has one order.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime builds")
}

// ANCHOR: lazy
async fn greet(name: &str) -> String {
    println!("  greet({name}) runs");
    format!("hello, {name}")
}

fn lazy() {
    runtime().block_on(async {
        // Calling the async fn builds its future: like `coro = greet("world")` in Python,
        // this runs nothing.
        let future = greet("world");
        println!("made the future; greet has not run");
        let greeting = future.await;
        println!("awaited it: {greeting}");
    });
}
// ANCHOR_END: lazy

// ANCHOR: counting
/// Ready on its `ready_after`-th poll. Until then it answers `Pending`, and first wakes its
/// own waker, which tells the runtime to poll it again. A real future wakes only when its
/// socket or timer is ready; a future that answers `Pending` without arranging a wake-up is
/// never polled again.
struct CountPolls {
    polls: u32,
    ready_after: u32,
}

impl Future for CountPolls {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        println!("  poll {}", self.polls);
        if self.polls == self.ready_after {
            Poll::Ready(self.polls)
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
// ANCHOR_END: counting

fn polls() {
    let future = CountPolls {
        polls: 0,
        ready_after: 3,
    };
    let polls = runtime().block_on(future);
    println!("ready after {polls} polls");
}

// ANCHOR: by_hand
fn by_hand() {
    let mut future = CountPolls {
        polls: 0,
        ready_after: 2,
    };
    // No runtime: a waker that does nothing, and a loop that polls. This is all a runtime
    // is, less the part that sleeps until a waker fires instead of polling again at once.
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        match Pin::new(&mut future).poll(&mut cx) {
            Poll::Pending => println!("  Pending: poll again"),
            Poll::Ready(polls) => {
                println!("  Ready({polls})");
                break;
            }
        }
    }
}
// ANCHOR_END: by_hand

// ANCHOR: state_machine
/// Holds a 1 KiB buffer across the `.await`, so the buffer is part of the future.
async fn keeps_buffer() -> u32 {
    let buffer = [1u8; 1024];
    tokio::task::yield_now().await;
    buffer.iter().map(|&b| u32::from(b)).sum()
}

/// Sums the buffer before the `.await`: only the sum is kept across it.
async fn sums_first() -> u32 {
    let sum = [1u8; 1024].iter().map(|&b| u32::from(b)).sum();
    tokio::task::yield_now().await;
    sum
}

fn state_machine() {
    // The compiler turns each async fn into an enum with one variant per `.await`, holding
    // the variables alive across it: a future's size is what it must remember.
    let (keeps, sums) = (keeps_buffer(), sums_first());
    println!(
        "keeps_buffer's future: {} bytes",
        std::mem::size_of_val(&keeps)
    );
    println!(
        "sums_first's future: {} bytes",
        std::mem::size_of_val(&sums)
    );
    let rt = runtime();
    println!(
        "both answer {} and {}",
        rt.block_on(keeps),
        rt.block_on(sums)
    );
}
// ANCHOR_END: state_machine

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
