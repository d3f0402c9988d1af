//! `thread::Builder`: a thread with a name and a stack size of our choosing, and what happens
//! when the operating system refuses to create one.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 04_threads_builder
//!
//! `thread::spawn` is `Builder::new().spawn(f).unwrap()`: it panics if the OS says no.
//! `Builder::spawn` returns an `io::Result`, so the caller decides what a refusal means.

use std::io;
use std::thread;

// ANCHOR: here
/// How deep `depth` calls of a function with a 1 KiB frame go: a stand-in for a recursive
/// parser, which needs a bigger stack than the default.
fn recurse(depth: u32) -> u32 {
    let frame = std::hint::black_box([0u8; 1024]);
    if depth == 0 {
        u32::from(frame[0])
    } else {
        recurse(depth - 1) + 1
    }
}

fn main() -> io::Result<()> {
    // A name shows up in panic messages, debuggers and `top -H`; a stack size replaces the
    // default (2 MiB for spawned threads; the main thread's is set by the OS, often 8 MiB).
    let parser = thread::Builder::new()
        .name("parser".to_string())
        .stack_size(32 * 1024 * 1024)
        .spawn(|| {
            let me = thread::current();
            println!("{} is running", me.name().unwrap_or("<unnamed>"));
            // About 10 MiB of frames: more than the default stack holds.
            recurse(10_000)
        })?;
    println!(
        "parser went {} calls deep",
        parser.join().expect("parser panicked")
    );

    // A stack of 256 TiB, more than the 128 TiB an x86-64 process is given to map: no OS
    // setting can grant it, so the spawn fails, and reports the OS's error. (A merely huge
    // stack, 1 TiB say, is refused only by the kernel's overcommit accounting, and granted
    // where that is off.)
    let refused = thread::Builder::new()
        .name("greedy".to_string())
        .stack_size(1 << 48)
        .spawn(|| println!("never printed"));
    match refused {
        Ok(handle) => handle.join().expect("greedy panicked"),
        Err(error) => println!("spawning greedy failed: {error}"),
    }
    Ok(())
}
// ANCHOR_END: here
