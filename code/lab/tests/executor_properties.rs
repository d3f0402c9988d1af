//! Properties of the hand-built executor (`lab::executor`, the pool of chapter 7) over random
//! inputs: `map` keeps input order, `as_completed` yields every task exactly once, and a
//! panicking task costs only its own result; and done-callbacks that use their own task.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crossbeam::channel;
use lab::executor::{Ended, Executor, TaskError, TaskHandle, as_completed, wait_first};
use proptest::prelude::*;

/// Long enough for any task here on a loaded machine: a lost task fails the test with
/// `Timeout` instead of hanging it.
const HANG_GUARD: Duration = Duration::from_secs(5);

/// A task that sleeps a few random microseconds, so that tasks end out of order.
fn jittered(value: u32, micros: u8) -> u32 {
    std::thread::sleep(Duration::from_micros(u64::from(micros)));
    value.wrapping_mul(3)
}

proptest! {
    // Each case starts a pool: 64 cases keep the suite quick, and few shrink steps keep a
    // failure that waits out HANG_GUARD from taking minutes.
    #![proptest_config(ProptestConfig {
        cases: 64,
        max_shrink_iters: 8,
        ..ProptestConfig::default()
    })]

    #[test]
    fn map_returns_results_in_input_order(
        workers in 1usize..5,
        items in prop::collection::vec((any::<u32>(), any::<u8>()), 0..40),
    ) {
        let pool = Executor::new(workers);
        let got: Vec<u32> = pool
            .map(|(v, us)| jittered(v, us), items.clone())
            .collect::<Result<_, _>>()
            .unwrap();
        let want: Vec<u32> = items.iter().map(|&(v, _)| v.wrapping_mul(3)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn as_completed_yields_every_task_exactly_once(
        workers in 1usize..5,
        items in prop::collection::vec((any::<u32>(), any::<u8>()), 0..40),
    ) {
        let pool = Executor::new(workers);
        let handles = items
            .iter()
            .enumerate()
            .map(|(i, &(v, us))| pool.submit(move || (i, jittered(v, us))))
            .collect();
        let mut seen: Vec<(usize, u32)> =
            as_completed(handles).map(|h| h.result_timeout(HANG_GUARD).unwrap()).collect();
        seen.sort_unstable();
        let want: Vec<(usize, u32)> = items
            .iter()
            .enumerate()
            .map(|(i, &(v, _))| (i, v.wrapping_mul(3)))
            .collect();
        prop_assert_eq!(seen, want);
    }

    #[test]
    fn the_pool_survives_panics_and_loses_no_other_result(
        workers in 1usize..4,
        panics in prop::collection::vec(any::<bool>(), 1..30),
    ) {
        let pool = Executor::new(workers);
        let handles: Vec<_> = panics
            .iter()
            .enumerate()
            .map(|(i, &panic)| {
                pool.submit(move || {
                    assert!(!panic, "task {i} panics on purpose");
                    i
                })
            })
            .collect();
        for (i, (handle, &panicked)) in handles.into_iter().zip(&panics).enumerate() {
            let outcome = handle.result_timeout(HANG_GUARD);
            if panicked {
                prop_assert_eq!(
                    outcome,
                    Err(TaskError::Panicked(format!("task {i} panics on purpose")))
                );
            } else {
                prop_assert_eq!(outcome, Ok(i));
            }
        }
        // Every worker is still there: as many blocking tasks as workers all start.
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(workers));
        let all_started: Vec<_> = (0..workers)
            .map(|_| {
                let barrier = barrier.clone();
                pool.submit(move || { barrier.wait(); })
            })
            .collect();
        for handle in all_started {
            prop_assert_eq!(handle.result_timeout(HANG_GUARD), Ok(()));
        }
    }
}

#[test]
fn wait_first_splits_ended_from_pending() {
    let pool = Executor::new(2);
    let (gate, opened) = crossbeam::channel::bounded::<()>(0);
    let gated = pool.submit(move || opened.recv().is_err());
    let quick = pool.submit(|| true);
    let (ended, pending) = wait_first(vec![gated, quick]);
    assert_eq!((ended.len(), pending.len()), (1, 1));
    drop(gate);
    for handle in ended.into_iter().chain(pending) {
        assert_eq!(handle.result(), Ok(true));
    }
}

#[test]
fn a_panicking_callback_is_ignored_and_the_worker_lives_on() {
    let pool = Executor::new(1);
    let first = pool.submit(|| std::thread::sleep(Duration::from_millis(20)));
    first.add_done_callback(|_| panic!("a bad callback"));
    assert_eq!(first.result(), Ok(()));
    assert_eq!(pool.submit(|| 5).result_timeout(HANG_GUARD), Ok(5));
}

#[test]
fn a_callback_run_by_the_worker_may_take_its_own_tasks_result() {
    // The callback owns its task's handle, as a Python callback gets its future, and calls
    // `result()`. Run while the worker still held the task's lock, that call would wait for
    // the lock its own thread holds. The pool lives on a thread of its own, so that a
    // deadlock fails the test instead of hanging it (dropping the pool joins its workers).
    let (sent, received) = channel::bounded(1);
    thread::spawn(move || {
        let pool = Executor::new(1);
        let (gate, opened) = channel::bounded::<()>(0);
        let handle = pool.submit(move || {
            let _ = opened.recv(); // ends only after the callback is registered
            7
        });
        let own: Arc<Mutex<Option<TaskHandle<u32>>>> = Arc::default();
        {
            let own = Arc::clone(&own);
            handle.add_done_callback(move |ended| {
                let handle = own
                    .lock()
                    .unwrap()
                    .take()
                    .expect("stored before the task ends");
                let _ = sent.send((ended, handle.result()));
            });
        }
        *own.lock().unwrap() = Some(handle);
        drop(gate);
    });
    assert_eq!(
        received.recv_timeout(HANG_GUARD),
        Ok((Ended::Returned, Ok(7))),
        "the callback never delivered its task's result: a deadlock"
    );
}

#[test]
fn a_callback_added_after_the_end_may_use_its_own_task() {
    // On a task that has already ended, the callback runs at once, on the caller's thread;
    // it must not run inside the lock that `done()` takes. The scenario runs on a thread of
    // its own so that a deadlock fails the test instead of hanging it.
    let (sent, received) = channel::bounded(1);
    thread::spawn(move || {
        let pool = Executor::new(1);
        let handle = Arc::new(pool.submit(|| 5));
        assert!(handle.wait_timeout(HANG_GUARD), "the task ends");
        let own = Arc::clone(&handle);
        handle.add_done_callback(move |ended| {
            let _ = sent.send((ended, own.done()));
        });
    });
    assert_eq!(
        received.recv_timeout(HANG_GUARD),
        Ok((Ended::Returned, true)),
        "the callback never ran to its end: a deadlock"
    );
}

#[test]
fn a_callback_is_told_how_its_task_ended() {
    let pool = Executor::new(1);
    let (sent, received) = channel::unbounded();
    let panicking = pool.submit(|| -> u32 { panic!("boom") });
    let report = |sent: &channel::Sender<Ended>| {
        let sent = sent.clone();
        move |ended| {
            let _ = sent.send(ended);
        }
    };
    panicking.add_done_callback(report(&sent));
    // The worker runs the callback after it wakes the waiters: wait for the report itself.
    assert_eq!(
        received.recv_timeout(HANG_GUARD),
        Ok(Ended::Panicked("boom".to_string()))
    );
    let (gate, opened) = channel::bounded::<()>(0);
    let blocker = pool.submit(move || {
        let _ = opened.recv(); // holds the one worker until the gate is dropped
    });
    let queued = pool.submit(|| 1u32);
    queued.add_done_callback(report(&sent));
    assert!(queued.cancel(), "still queued behind the blocker");
    drop((sent, gate));
    let got: Vec<Ended> = received.iter().collect();
    assert_eq!(got, [Ended::Cancelled]);
    assert_eq!(blocker.result_timeout(HANG_GUARD), Ok(()));
}
