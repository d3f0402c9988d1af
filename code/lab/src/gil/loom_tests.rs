//! loom checks of the model: every interleaving of two threads, up to loom's preemption bound.
//!
//! Run with:
//!
//!     LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" \
//!         cargo test -p lab --release --lib gil --target-dir target/loom
//!
//! What loom checks here: no two threads hold the GIL at once; no thread waits forever for
//! a GIL that is free (loom reports a deadlock if every thread is blocked); and a holder that
//! honours a drop request lets the requester in before it runs again.
//!
//! What loom cannot check: timing. loom has no clock, so a switch interval is modelled as
//! "the first wait of each `take_gil` times out after others have run" (see `timed_wait` in
//! `lock.rs`). Whether a request comes after 5 ms, and how long a convoy lasts, is for the
//! measurement suite. The threads are kept to two and their work to a few units, so that
//! the whole run takes seconds.

use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use super::Gil;

/// An event log for assertions about order. Only threads holding the GIL write to it, so it
/// is never contended: `try_lock` failing would itself be a broken GIL. A plain std mutex,
/// because the log is the test's instrument, not part of what loom explores.
#[derive(Default)]
struct Log(StdMutex<Vec<&'static str>>);

impl Log {
    fn push(&self, event: &'static str) {
        self.0
            .try_lock()
            .expect("only the GIL holder writes the log")
            .push(event);
    }

    fn events(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

#[test]
fn at_most_one_thread_holds_the_gil() {
    loom::model(|| {
        let gil = Gil::new();
        let inside = Arc::new(AtomicUsize::new(0));
        let other = {
            let (gil, inside) = (gil.clone(), inside.clone());
            thread::spawn(move || {
                let mut py = gil.thread();
                py.run_bytecode(1, |_| {
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    inside.fetch_sub(1, Ordering::SeqCst);
                });
            })
        };
        let mut py = gil.thread();
        py.run_bytecode(2, |_| {
            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
            inside.fetch_sub(1, Ordering::SeqCst);
        });
        drop(py);
        other.join().unwrap();
    });
}

#[test]
fn a_waiter_eventually_holds_the_gil() {
    // No lost wake-up: whichever way the release and the wait interleave, the waiter gets
    // the GIL (if it could not, loom would find every thread blocked and fail).
    loom::model(|| {
        let gil = Gil::new();
        let log = Arc::new(Log::default());
        let mut py = gil.thread();
        let waiter = {
            let (gil, log) = (gil.clone(), log.clone());
            thread::spawn(move || {
                let _py = gil.thread();
                log.push("waiter holds");
            })
        };
        py.allow_threads(|| ());
        log.push("main holds again");
        drop(py);
        waiter.join().unwrap();
        // The check is loom's: a lost wake-up leaves the waiter blocked forever, and loom
        // reports the deadlock. What is counted here is that the release really lets the
        // waiter in while main blocks, in some interleaving, and not only once main ends.
        if log.events() == ["waiter holds", "main holds again"] {
            WAITER_IN_DURING_BLOCKING_CALL.fetch_add(1, StdOrdering::SeqCst);
        }
    });
    assert!(
        WAITER_IN_DURING_BLOCKING_CALL.load(StdOrdering::SeqCst) >= 1,
        "in no interleaving did the waiter get the GIL during allow_threads"
    );
}

/// Interleavings, over a whole `loom::model`, in which the waiter held the GIL while main was
/// inside `allow_threads`. A std atomic, outside what loom explores.
static WAITER_IN_DURING_BLOCKING_CALL: StdAtomicUsize = StdAtomicUsize::new(0);

/// Interleavings in which the holder dropped the GIL because the waiter asked.
static FORCED_SWITCHES: StdAtomicUsize = StdAtomicUsize::new(0);

#[test]
fn a_forced_switch_hands_the_gil_over() {
    // FORCE_SWITCHING: when the holder drops the GIL because the waiter asked, the waiter
    // must hold it before the old holder runs another unit.
    loom::model(|| {
        let gil = Gil::new();
        let log = Arc::new(Log::default());
        let mut py = gil.thread();
        let waiter = {
            let (gil, log) = (gil.clone(), log.clone());
            thread::spawn(move || {
                let _py = gil.thread();
                log.push("waiter");
            })
        };
        for _ in 0..2 {
            if py.eval_breaker() {
                log.push("holder, after a forced switch");
            } else {
                log.push("holder");
            }
        }
        drop(py);
        waiter.join().unwrap();
        let events = log.events();
        if let Some(forced) = events
            .iter()
            .position(|e| *e == "holder, after a forced switch")
        {
            FORCED_SWITCHES.fetch_add(1, StdOrdering::SeqCst);
            let waiter_at = events.iter().position(|e| *e == "waiter").unwrap();
            assert!(waiter_at < forced, "no hand-off on request: {events:?}");
        }
    });
    // Without this, a model in which no interleaving forces a switch would pass unchecked.
    assert!(
        FORCED_SWITCHES.load(StdOrdering::SeqCst) >= 1,
        "no interleaving forced a switch, so FORCE_SWITCHING was never checked"
    );
}

#[test]
fn three_threads_all_get_the_gil_one_at_a_time() {
    // One holder running bytecode, one thread releasing the GIL around a blocking call, one
    // newcomer: with `notify_one` waking an arbitrary waiter and no queue, nobody is stuck
    // and nobody overlaps.
    loom::model(|| {
        let gil = Gil::new();
        let inside = Arc::new(AtomicUsize::new(0));
        let exclusive = move |inside: &AtomicUsize| {
            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
            inside.fetch_sub(1, Ordering::SeqCst);
        };
        let spawn = |blocking: bool| {
            let (gil, inside) = (gil.clone(), inside.clone());
            thread::spawn(move || {
                let mut py = gil.thread();
                if blocking {
                    py.allow_threads(|| ());
                }
                py.run_bytecode(1, |_| exclusive(&inside));
            })
        };
        let io = spawn(true);
        let newcomer = spawn(false);
        let mut py = gil.thread();
        py.run_bytecode(2, |_| exclusive(&inside));
        drop(py);
        io.join().unwrap();
        newcomer.join().unwrap();
    });
}
