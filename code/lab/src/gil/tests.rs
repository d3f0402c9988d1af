//! The model's behaviour on real threads. No test asserts a timing: each checks an order of
//! events that the GIL guarantees, with a generous deadline only so a bug fails rather than
//! hangs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use super::*;

const DEADLINE: Duration = Duration::from_secs(20);

#[test]
fn switch_interval_is_set_like_sys_setswitchinterval() {
    let gil = Gil::new();
    assert_eq!(gil.switch_interval(), DEFAULT_SWITCH_INTERVAL);
    gil.set_switch_interval(Duration::from_micros(500)).unwrap();
    assert_eq!(gil.switch_interval(), Duration::from_micros(500));
    assert_eq!(
        gil.set_switch_interval(Duration::ZERO),
        Err(SwitchIntervalError)
    );
    assert_eq!(
        SwitchIntervalError.to_string(),
        "switch interval must be strictly positive"
    );
    // int(s * 1e6): a sub-microsecond interval is stored as 0 and waited as 1 µs.
    gil.set_switch_interval(Duration::from_nanos(300)).unwrap();
    assert_eq!(gil.switch_interval(), Duration::ZERO);
}

#[test]
fn a_thread_retaking_its_own_gil_is_not_a_switch() {
    let gil = Gil::new();
    let mut py = gil.thread();
    assert_eq!(py.id(), 1);
    py.allow_threads(|| ());
    py.allow_threads(|| ());
    assert_eq!(gil.switch_number(), 1);
    drop(py);
    let py2 = gil.thread();
    assert_eq!((py2.id(), gil.switch_number()), (2, 2));
}

#[test]
fn cpu_bound_threads_never_run_bytecode_at_once_and_take_turns() {
    let gil = Gil::new();
    gil.set_switch_interval(Duration::from_micros(200)).unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    // Who ran each stretch of units, in order: a new entry each time the runner changes.
    let stretches = Arc::new(Mutex::new(Vec::<u64>::new()));
    let start = Arc::new(Barrier::new(3));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (gil, running, stretches, start) = (
                gil.clone(),
                running.clone(),
                stretches.clone(),
                start.clone(),
            );
            thread::spawn(move || {
                start.wait();
                let mut py = gil.thread();
                let me = py.id();
                py.run_bytecode(2_000_000, |_| {
                    assert_eq!(running.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                    let mut log = stretches.lock().unwrap();
                    if log.last() != Some(&me) {
                        log.push(me);
                    }
                    drop(log);
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // Taking turns means some thread was stopped mid-work and resumed later: it ran more
    // than one stretch. Three first acquisitions alone would give three stretches, one each.
    let stretches = stretches.lock().unwrap();
    let resumed = (1..=3).any(|id| stretches.iter().filter(|&&s| s == id).count() > 1);
    assert!(
        resumed,
        "no thread was ever stopped and resumed: {stretches:?}"
    );
}

#[test]
fn a_drop_request_hands_the_gil_to_the_waiter() {
    // The holder spins until the waiter has run: this ends only if the waiter's request
    // makes the holder drop the GIL at its eval breaker.
    let gil = Gil::new();
    gil.set_switch_interval(Duration::from_micros(100)).unwrap();
    let waiter_ran = Arc::new(AtomicBool::new(false));
    let (holding_tx, holding_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    // The spinner takes the GIL on its own thread (a `GilThread` cannot move between
    // threads), and says so before the waiter starts.
    let spinner = {
        let (gil, waiter_ran) = (gil.clone(), waiter_ran.clone());
        thread::spawn(move || {
            let mut py = gil.thread();
            holding_tx.send(()).unwrap();
            let mut requests = 0;
            while !waiter_ran.load(Ordering::SeqCst) {
                if py.eval_breaker() {
                    requests += 1;
                }
            }
            done_tx.send(requests).unwrap();
        })
    };
    holding_rx
        .recv_timeout(DEADLINE)
        .expect("the spinner never took the GIL");
    let waiter = thread::spawn(move || {
        let _py = gil.thread();
        waiter_ran.store(true, Ordering::SeqCst);
    });
    let requests = done_rx
        .recv_timeout(DEADLINE)
        .expect("the holder never gave the GIL to the waiter");
    assert!(requests >= 1);
    waiter.join().unwrap();
    spinner.join().unwrap();
}

#[test]
fn allow_threads_lets_others_run_during_a_blocking_call() {
    let gil = Gil::new();
    let mut py = gil.thread();
    let (ran_tx, ran_rx) = mpsc::channel();
    let other = {
        let gil = gil.clone();
        thread::spawn(move || {
            let _py = gil.thread();
            ran_tx.send(()).unwrap();
        })
    };
    // The "blocking call" waits for the other thread, which needs the GIL to get there.
    let ran = py.allow_threads(|| ran_rx.recv_timeout(DEADLINE));
    assert!(ran.is_ok(), "the other thread never got the GIL");
    other.join().unwrap();
    assert!(gil.switch_number() >= 2);
}

#[test]
fn a_panic_inside_allow_threads_leaves_the_gil_free() {
    let gil = Gil::new();
    let g = gil.clone();
    let result = thread::spawn(move || {
        let mut py = g.thread();
        py.allow_threads(|| panic!("the blocking call failed"));
    })
    .join();
    assert!(result.is_err());
    // Not deadlocked: the panicking thread did not hold the GIL when it unwound.
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _py = gil.thread();
        tx.send(()).unwrap();
    });
    rx.recv_timeout(DEADLINE).expect("the GIL was left locked");
}

#[test]
fn a_caught_panic_inside_allow_threads_still_takes_the_gil_back() {
    let gil = Gil::new();
    let mut py = gil.thread();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        py.allow_threads(|| panic!("the blocking call failed"))
    }));
    assert!(caught.is_err());
    // The caller carries on running bytecode, so it must hold the GIL again.
    assert!(py.holds_gil());
    py.run_bytecode(3, |_| ());
    drop(py);
    let other = gil.thread();
    assert!(other.holds_gil());
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "thread 7 dropped a GIL it does not hold")]
fn dropping_a_gil_one_does_not_hold_is_caught() {
    let gil = Gil::new();
    let _holder = gil.thread();
    gil.drop_gil(7, true);
}

#[test]
fn a_recorded_timeline_shows_turns_waits_and_blocking() {
    use crate::trace::{Recording, SpanKind};

    let _one = crate::trace::one_recording_at_a_time();
    let recording = Recording::start();
    let gil = Gil::new();
    gil.set_switch_interval(Duration::from_micros(200)).unwrap();
    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|k| {
            let (gil, start) = (gil.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                let mut py = gil.thread();
                py.name_in_timeline(&format!("gil-test {k}"));
                py.run_bytecode(2_000_000, |_| {});
                py.allow_threads(|| thread::sleep(Duration::from_millis(1)));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let (lanes, dropped) = recording.finish();
    let mine: Vec<_> = lanes
        .iter()
        .filter(|l| l.label.starts_with("gil-test"))
        .collect();
    assert_eq!((mine.len(), dropped), (2, 0));
    for lane in &mine {
        for kind in [
            SpanKind::Running,
            SpanKind::WaitingForGil,
            SpanKind::BlockedInIo,
        ] {
            assert!(
                lane.spans.iter().any(|s| s.kind == kind),
                "{} has no {kind:?} span: {:?}",
                lane.label,
                lane.spans
            );
        }
    }
    // The picture shows the GIL: the two threads' running spans never overlap.
    let running = |lane: &crate::trace::TraceLane| -> Vec<(u64, u64)> {
        lane.spans
            .iter()
            .filter(|s| s.kind == SpanKind::Running)
            .map(|s| (s.start_ns, s.end_ns))
            .collect()
    };
    for a in running(mine[0]) {
        for b in running(mine[1]) {
            assert!(a.1 <= b.0 || b.1 <= a.0, "{a:?} overlaps {b:?}");
        }
    }
}
