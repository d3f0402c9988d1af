//! Two threads making progress at the same time: the seeds' `print_numbers` and
//! `print_letters`, each started on its own thread, then joined.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 01_introduction_two_threads
//!
//! The numbers come out in order, and so do the letters, but how the two runs interleave is
//! up to the operating system's scheduler: run it a few times and compare.

use std::thread;
use std::time::Duration;

// ANCHOR: here
fn print_numbers() {
    for i in 1..=5 {
        println!("Number: {i}");
        // 100 ms, not the seed's 1 s: long enough for the other thread to get a turn.
        thread::sleep(Duration::from_millis(100));
    }
}

fn print_letters() {
    for letter in ['A', 'B', 'C', 'D', 'E'] {
        println!("Letter: {letter}");
        thread::sleep(Duration::from_millis(100));
    }
}

fn main() {
    // thread::spawn, not thread::scope, because neither function borrows anything from
    // `main`: a spawned thread may outlive its caller, so it may only use what it owns.
    // Spawning also starts the thread; there is no separate `start()` as in Python.
    let t1 = thread::spawn(print_numbers);
    let t2 = thread::spawn(print_letters);

    // join() waits for the thread to finish, like Python's t.join(). It returns Err if the
    // thread panicked, so a failure in a thread cannot go unnoticed.
    t1.join().expect("print_numbers panicked");
    t2.join().expect("print_letters panicked");
    println!("Threads completed.");
}
// ANCHOR_END: here
