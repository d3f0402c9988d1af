//! A panic in a thread: it unwinds that thread only, the panic hook reports it, and `join`
//! hands the panic's payload to whoever joins.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_panic
//!
//! The default hook prints `thread '<name>' panicked at …` to stderr. This program installs
//! its own hook, which prints one line to stdout, so that the book's captured output shows it.

use std::any::Any;
use std::panic;
use std::thread;

// ANCHOR: here
/// Parses a quantity; panics on bad input, as a bug deep in a library might.
fn parse_quantity(text: &str) -> u32 {
    text.parse()
        .unwrap_or_else(|_| panic!("bad quantity {text:?}"))
}

/// A panic's payload is `Box<dyn Any>`: a `&str` or a `String` for `panic!` with a message.
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<not a string>")
}

fn main() {
    // The hook runs on the panicking thread, before it unwinds: the place to log a panic.
    panic::set_hook(Box::new(|info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        println!(
            "hook: thread '{name}' panicked: {}",
            message(info.payload())
        );
    }));

    let inputs: [&'static str; 2] = ["42", "x7"];
    let handles: Vec<_> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            thread::Builder::new()
                .name(format!("parser-{i}"))
                .spawn(move || parse_quantity(text))
                .expect("the OS creates the thread")
        })
        .collect();

    // One thread's panic does not stop the other: both are joined, and each join says how
    // its thread ended.
    for (text, handle) in inputs.iter().zip(handles) {
        match handle.join() {
            Ok(quantity) => println!("{text:?}: Ok({quantity})"),
            Err(payload) => println!("{text:?}: Err({:?})", message(payload.as_ref())),
        }
    }
}
// ANCHOR_END: here
