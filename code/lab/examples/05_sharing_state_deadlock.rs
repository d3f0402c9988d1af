//! Deadlock, caught and then fixed: five philosophers, five forks, each needs two. When every
//! philosopher takes the left fork first, they can all hold one and wait for ever for the
//! other. This program forces that moment, detects it with `try_lock`, and backs off; then it
//! fixes the cause by taking the forks in a global order.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_deadlock
//!
//! The compiler does not refuse deadlocks: each lock is correct on its own, and the cycle is
//! in the order they are taken.

use std::sync::{Barrier, Mutex};
use std::thread;

// ANCHOR: here
const PHILOSOPHERS: usize = 5;

/// Every philosopher takes the left fork, then tries the right one. A barrier makes them all
/// hold their left fork before anyone tries a right one: the deadlock, every time. `try_lock`
/// instead of `lock` is what lets them notice rather than wait for ever.
fn left_then_right(forks: &[Mutex<()>]) -> usize {
    let all_hold_left = Barrier::new(PHILOSOPHERS);
    let all_tried = Barrier::new(PHILOSOPHERS);
    thread::scope(|s| {
        let stuck: Vec<_> = (0..PHILOSOPHERS)
            .map(|p| {
                let (all_hold_left, all_tried) = (&all_hold_left, &all_tried);
                s.spawn(move || {
                    let _left = forks[p].lock().unwrap();
                    all_hold_left.wait();
                    let got_right = forks[(p + 1) % PHILOSOPHERS].try_lock().is_ok();
                    all_tried.wait(); // nobody lets go before everyone has tried
                    !got_right
                })
            })
            .collect();
        stuck
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|&stuck| stuck)
            .count()
    })
}

/// The fix: number the forks, and always take the lower-numbered one first. Philosopher 4
/// now reaches for fork 0 before fork 4, so no cycle of waiting can form: whoever holds the
/// highest fork already holds everything it needs below it.
fn lower_fork_first(forks: &[Mutex<()>]) -> usize {
    thread::scope(|s| {
        let ate: Vec<_> = (0..PHILOSOPHERS)
            .map(|p| {
                s.spawn(move || {
                    let (a, b) = (p, (p + 1) % PHILOSOPHERS);
                    let _first = forks[a.min(b)].lock().unwrap();
                    let _second = forks[a.max(b)].lock().unwrap();
                    true // eating, with both forks
                })
            })
            .collect();
        ate.into_iter()
            .map(|h| h.join().unwrap())
            .filter(|&ate| ate)
            .count()
    })
}

fn main() {
    let forks: Vec<Mutex<()>> = (0..PHILOSOPHERS).map(|_| Mutex::new(())).collect();

    let stuck = left_then_right(&forks);
    println!("left fork first: {stuck} of {PHILOSOPHERS} hold one fork and wait for another");
    if stuck == PHILOSOPHERS {
        // A cycle: each waits for the next, so nobody can go on. With lock() instead of
        // try_lock() the program would hang here; having noticed, they all let go.
        println!("deadlock detected: every philosopher let go of the fork they held");
    }
    let ate = lower_fork_first(&forks);
    println!("lower-numbered fork first: {ate} of {PHILOSOPHERS} philosophers ate");
}
// ANCHOR_END: here
