//! Two CPU-bound "Python" threads under a model of CPython's GIL: they take turns, about one
//! switch interval each, and never run bytecode at the same time.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 03_gil_take_turns
//!
//! The GIL below is a minimal copy of `lab::gil` (the book's model of `Python/ceval_gil.c`),
//! inlined so that the program runs on its own; a test checks that both give the same
//! results. The lock is held by whichever thread runs bytecode; a waiter that has waited a
//! whole interval sets a drop request, and the holder honours it before its next unit.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: here
const SWITCH_INTERVAL: Duration = Duration::from_millis(1);
const ITERATIONS: u64 = 5_000_000;

fn main() {
    let gil = Arc::new(Gil::new(SWITCH_INTERVAL));
    let running = Arc::new(AtomicUsize::new(0)); // threads inside a unit right now
    let most = Arc::new(AtomicUsize::new(0)); // the most there ever were
    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (1..=2)
        .map(|me: u64| {
            let (gil, running, most, start) =
                (gil.clone(), running.clone(), most.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                gil.take_gil(me); // a new Python thread first takes the GIL
                let mut total = 0u64;
                for i in 0..ITERATIONS {
                    gil.eval_breaker(me); // give the GIL up here if a waiter asked
                    most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    total = total.wrapping_add(black_box(i).wrapping_mul(me)); // total += i * n
                    running.fetch_sub(1, Ordering::SeqCst);
                }
                gil.drop_gil(me, true); // the thread ends
                (me, total)
            })
        })
        .collect();

    println!("2 threads, {ITERATIONS} loop iterations each, switch interval {SWITCH_INTERVAL:?}");
    for handle in handles {
        let (me, total) = handle.join().unwrap();
        println!("thread {me}: cpu_task({me}) = {total}");
    }
    println!(
        "most threads running bytecode at once: {}",
        most.load(Ordering::SeqCst)
    );
    let handoffs = gil.switch_number() - 1; // the first acquisition is not a hand-off
    println!(
        "the GIL changed hands more than 10 times: {}",
        handoffs > 10
    );
}
// ANCHOR_END: here

/// A minimal copy of `lab::gil::Gil`: the same state, `take_gil`, `drop_gil` and eval breaker.
struct Gil {
    state: Mutex<State>,
    cond: Condvar,
    switch_mutex: Mutex<()>,
    switch_cond: Condvar,
    interval: Duration,
    drop_request: AtomicBool,
}

struct State {
    locked: bool,
    last_holder: u64,
    switch_number: u64,
}

impl Gil {
    fn new(interval: Duration) -> Gil {
        Gil {
            state: Mutex::new(State {
                locked: false,
                last_holder: 0,
                switch_number: 0,
            }),
            cond: Condvar::new(),
            switch_mutex: Mutex::new(()),
            switch_cond: Condvar::new(),
            interval,
            drop_request: AtomicBool::new(false),
        }
    }

    fn take_gil(&self, me: u64) {
        let mut state = self.state.lock().unwrap();
        while state.locked {
            let saved = state.switch_number;
            let (guard, result) = self.cond.wait_timeout(state, self.interval).unwrap();
            state = guard;
            if result.timed_out() && state.locked && state.switch_number == saved {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        state.locked = true;
        if state.last_holder != me {
            state.last_holder = me;
            state.switch_number += 1;
        }
        self.drop_request.store(false, Ordering::Relaxed);
        drop(state);
        let _switch = self.switch_mutex.lock().unwrap();
        self.switch_cond.notify_one();
    }

    fn drop_gil(&self, me: u64, final_release: bool) {
        {
            let mut state = self.state.lock().unwrap();
            state.last_holder = me;
            state.locked = false;
            self.cond.notify_one();
        }
        if !final_release && self.drop_request.load(Ordering::Relaxed) {
            let mut switch = self.switch_mutex.lock().unwrap();
            if self.last_holder() == me {
                self.drop_request.store(false, Ordering::Relaxed);
                while self.last_holder() == me {
                    switch = self.switch_cond.wait(switch).unwrap();
                }
            }
        }
    }

    fn eval_breaker(&self, me: u64) {
        if self.drop_request.load(Ordering::Relaxed) {
            self.drop_gil(me, false);
            self.take_gil(me);
        }
    }

    fn last_holder(&self) -> u64 {
        self.state.lock().unwrap().last_holder
    }

    fn switch_number(&self) -> u64 {
        self.state.lock().unwrap().switch_number
    }
}

// The inline GIL's own tests: `cargo test -p lab` compiles this file into the examples' test
// binary too (tests/examples/ch03_gil.rs) and runs them. The page shows only `main`.
#[cfg(test)]
mod tests {
    use super::*;

    /// FORCE_SWITCHING: a holder that drops the GIL because a waiter asked does not run again
    /// until the waiter has held it. Without it, the old holder, still on its CPU, would
    /// usually take the GIL straight back. Repeated, because that race goes either way.
    #[test]
    fn a_requested_drop_hands_the_gil_to_the_waiter_first() {
        for _ in 0..50 {
            // An interval of an hour: no timeout plays a part, the request is set by hand.
            let gil = Arc::new(Gil::new(Duration::from_secs(3600)));
            let order = Arc::new(Mutex::new(Vec::new()));
            gil.take_gil(1);
            let waiter = {
                let (gil, order) = (gil.clone(), order.clone());
                thread::spawn(move || {
                    gil.take_gil(2);
                    order.lock().unwrap().push(2);
                    gil.drop_gil(2, true);
                })
            };
            gil.drop_request.store(true, Ordering::Relaxed); // as if thread 2 had waited
            gil.eval_breaker(1);
            order.lock().unwrap().push(1);
            gil.drop_gil(1, true);
            waiter.join().unwrap();
            assert_eq!(*order.lock().unwrap(), [2, 1], "the holder ran again first");
        }
    }

    #[test]
    fn retaking_ones_own_gil_is_not_a_switch() {
        let gil = Gil::new(Duration::from_millis(1));
        gil.take_gil(1);
        gil.drop_gil(1, true);
        gil.take_gil(1);
        assert_eq!(gil.switch_number(), 1);
        gil.drop_gil(1, true);
        gil.take_gil(2);
        assert_eq!(gil.switch_number(), 2);
    }
}
