//! Python's `concurrent.futures.ThreadPoolExecutor`, built in Rust from worker threads and one
//! crossbeam channel, and a tour of its API: `submit`, `map`, `as_completed`, timeouts,
//! callbacks, exceptions, cancellation, `wait(FIRST_COMPLETED)` and shutdown, then three
//! real-world patterns on top of it.
//!
//! Run the whole tour, or one part of it:
//!
//! ```text
//! cargo run -p lab --example 07_thread_pools_executor
//! cargo run -p lab --example 07_thread_pools_executor -- cancel
//! ```
//!
//! (A `text` block, not an indented one, because this file's docs are also the docs of a
//! module of `lab`, where rustdoc would run an indented block as a doctest.)
//!
//! The `lab` crate compiles this file's `executor` module as `lab::executor`, so the pool on
//! the page is the very pool the suite measures and the property tests check.

extern crate crossbeam;

// ANCHOR: executor
/// A thread pool whose tasks hand back [`TaskHandle`]s, Python's `Future`s.
pub mod executor {
    use std::fmt;
    use std::mem;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
    use std::thread;
    use std::time::Duration;

    use crossbeam::channel::{self, Sender};

    /// Why a task has no value.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum TaskError {
        /// The task panicked, with this message: Python's exception in `result()`.
        Panicked(String),
        /// It was cancelled before it started.
        Cancelled,
        /// `result_timeout` ran out of time first. The task itself goes on.
        Timeout,
    }

    impl fmt::Display for TaskError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TaskError::Panicked(message) => write!(f, "the task panicked: {message}"),
                TaskError::Cancelled => write!(f, "the task was cancelled before it started"),
                TaskError::Timeout => write!(f, "timed out waiting for the task"),
            }
        }
    }

    impl std::error::Error for TaskError {}

    /// How a task ended, as a done-callback is told it. The value itself stays with the
    /// handle, its one owner, so that a callback borrows nothing from the slot and can run
    /// with no lock held.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Ended {
        /// The task returned; [`TaskHandle::result`] has its value.
        Returned,
        /// The task panicked, with this message.
        Panicked(String),
        /// It was cancelled before it started.
        Cancelled,
    }

    impl<T> From<&Result<T, TaskError>> for Ended {
        fn from(outcome: &Result<T, TaskError>) -> Ended {
            match outcome {
                Ok(_) => Ended::Returned,
                Err(TaskError::Panicked(message)) => Ended::Panicked(message.clone()),
                Err(TaskError::Cancelled) => Ended::Cancelled,
                Err(TaskError::Timeout) => unreachable!("a timeout is a waiter's, not an ending"),
            }
        }
    }

    type Job = Box<dyn FnOnce() + Send>;
    type Callback = Box<dyn FnOnce(Ended) + Send>;

    enum Stage<T> {
        Queued,
        Running,
        Done(Result<T, TaskError>),
        /// `result` has moved the outcome out; only the handle that did so saw it.
        Taken,
    }

    struct Slot<T> {
        stage: Stage<T>,
        callbacks: Vec<Callback>,
    }

    /// What a task and its handle share: the stage, and a Condvar to wait for it to end.
    struct Shared<T> {
        slot: Mutex<Slot<T>>,
        ended: Condvar,
    }

    impl<T> Shared<T> {
        /// The slot, even after a panic elsewhere: every change to it is one assignment, so a
        /// panic cannot leave it half-written.
        fn lock(&self) -> MutexGuard<'_, Slot<T>> {
            self.slot.lock().unwrap_or_else(PoisonError::into_inner)
        }

        /// Queued → Running; `false` if the task was cancelled while it waited.
        fn start(&self) -> bool {
            let mut slot = self.lock();
            let queued = matches!(slot.stage, Stage::Queued);
            if queued {
                slot.stage = Stage::Running;
            }
            queued
        }

        /// Records the outcome and wakes every waiter, then runs the callbacks with the lock
        /// released, as CPython's `Future.set_result` does: a callback may then call any
        /// method of its own task (`done`, `result`) without waiting for a lock its own
        /// thread holds.
        fn end(&self, mut slot: MutexGuard<'_, Slot<T>>, outcome: Result<T, TaskError>) {
            let ended = Ended::from(&outcome);
            slot.stage = Stage::Done(outcome);
            let callbacks = mem::take(&mut slot.callbacks);
            self.ended.notify_all();
            drop(slot);
            for callback in callbacks {
                run_callback(callback, ended.clone());
            }
        }
    }

    /// Runs a done-callback and, as Python does, reports and ignores its panic, so that a bad
    /// callback cannot kill the worker thread it runs on.
    fn run_callback(callback: Callback, ended: Ended) {
        if panic::catch_unwind(AssertUnwindSafe(|| callback(ended))).is_err() {
            eprintln!("a done-callback panicked; ignored");
        }
    }

    /// A submitted task: Python's `Future`.
    pub struct TaskHandle<T> {
        shared: Arc<Shared<T>>,
    }

    impl<T> TaskHandle<T> {
        /// Whether the task has ended: finished, panicked or cancelled.
        pub fn done(&self) -> bool {
            matches!(self.shared.lock().stage, Stage::Done(_))
        }

        /// Cancels the task if it has not started, and says whether it did. A running task
        /// cannot be stopped from outside; it has to check a flag of its own.
        pub fn cancel(&self) -> bool {
            let slot = self.shared.lock();
            let queued = matches!(slot.stage, Stage::Queued);
            if queued {
                self.shared.end(slot, Err(TaskError::Cancelled));
            }
            queued
        }

        /// Calls `callback` with how the task ended, once it has: on the worker thread that
        /// ended it, or at once, here, if it already has. Either way no lock is held while it
        /// runs. Keep it short all the same, because it delays that worker's next task: send
        /// the news somewhere, do not compute with it.
        pub fn add_done_callback(&self, callback: impl FnOnce(Ended) + Send + 'static) {
            let mut slot = self.shared.lock();
            let ended = match &slot.stage {
                Stage::Done(outcome) => Ended::from(outcome),
                Stage::Queued | Stage::Running => {
                    slot.callbacks.push(Box::new(callback));
                    return;
                }
                Stage::Taken => unreachable!("result() consumed the handle"),
            };
            drop(slot); // run it unlocked, as a callback on a worker thread runs
            run_callback(Box::new(callback), ended);
        }

        /// Waits at most `limit` for the task to end, and says whether it has.
        pub fn wait_timeout(&self, limit: Duration) -> bool {
            let slot = self.shared.lock();
            let (slot, _) = self
                .shared
                .ended
                .wait_timeout_while(slot, limit, |s| !matches!(s.stage, Stage::Done(_)))
                .unwrap_or_else(PoisonError::into_inner);
            matches!(slot.stage, Stage::Done(_))
        }

        /// Waits for the task to end and returns its value, or why there is none.
        pub fn result(self) -> Result<T, TaskError> {
            let slot = self.shared.lock();
            let mut slot = self
                .shared
                .ended
                .wait_while(slot, |s| !matches!(s.stage, Stage::Done(_)))
                .unwrap_or_else(PoisonError::into_inner);
            match mem::replace(&mut slot.stage, Stage::Taken) {
                Stage::Done(outcome) => outcome,
                _ => unreachable!("waited until done"),
            }
        }

        /// [`result`](Self::result), waiting at most `limit`: `Err(TaskError::Timeout)` if
        /// the task has not ended by then. Use [`wait_timeout`](Self::wait_timeout) to keep
        /// the handle and wait again.
        pub fn result_timeout(self, limit: Duration) -> Result<T, TaskError> {
            if self.wait_timeout(limit) {
                self.result()
            } else {
                Err(TaskError::Timeout)
            }
        }
    }

    /// A fixed number of worker threads taking jobs from one queue.
    pub struct Executor {
        /// `None` once the pool is shutting down: closing the queue is what stops the workers.
        queue: Option<Sender<Job>>,
        workers: Vec<thread::JoinHandle<()>>,
    }

    impl Executor {
        /// Starts `workers` threads, named `pool-0`, `pool-1`, …
        ///
        /// # Panics
        ///
        /// If the OS refuses a thread.
        pub fn new(workers: usize) -> Executor {
            // crossbeam, not std's mpsc, because every worker receives from the one queue
            // (MPMC) with no Mutex around the receiver. Unbounded, as Python's is: submit
            // never blocks. The bounded-window pattern below caps what is in flight.
            let (queue, jobs) = channel::unbounded::<Job>();
            let workers = (0..workers)
                .map(|i| {
                    let jobs = jobs.clone();
                    thread::Builder::new()
                        .name(format!("pool-{i}"))
                        .spawn(move || {
                            // Ends when the queue is closed and empty.
                            for job in jobs {
                                job();
                            }
                        })
                        .expect("the OS starts a pool thread")
                })
                .collect();
            Executor {
                queue: Some(queue),
                workers,
            }
        }

        /// Queues `task` and returns its handle at once.
        pub fn submit<T, F>(&self, task: F) -> TaskHandle<T>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let shared = Arc::new(Shared {
                slot: Mutex::new(Slot {
                    stage: Stage::Queued,
                    callbacks: Vec::new(),
                }),
                ended: Condvar::new(),
            });
            let task_side = Arc::clone(&shared);
            let job: Job = Box::new(move || {
                if !task_side.start() {
                    return; // cancelled while it waited in the queue
                }
                // catch_unwind, so that a panic becomes an Err on the handle and the worker
                // thread lives on to take the next job.
                let outcome = panic::catch_unwind(AssertUnwindSafe(task))
                    .map_err(|payload| TaskError::Panicked(panic_message(&*payload)));
                task_side.end(task_side.lock(), outcome);
            });
            self.queue
                .as_ref()
                .expect("the queue is open until the pool is dropped")
                .send(job)
                .expect("the workers hold the queue's receivers");
            TaskHandle { shared }
        }

        /// Runs `f` on every item and yields the results in input order, whatever order they
        /// finish in: Python's `executor.map`.
        pub fn map<I, T, F>(&self, f: F, items: I) -> impl Iterator<Item = Result<T, TaskError>>
        where
            I: IntoIterator,
            I::Item: Send + 'static,
            F: Fn(I::Item) -> T + Send + Sync + 'static,
            T: Send + 'static,
        {
            let f = Arc::new(f);
            let handles: Vec<TaskHandle<T>> = items
                .into_iter()
                .map(|item| {
                    let f = Arc::clone(&f);
                    self.submit(move || f(item))
                })
                .collect();
            handles.into_iter().map(TaskHandle::result)
        }

        /// Stops taking tasks. With `wait`, returns once every queued task has run; without,
        /// returns at once and the workers finish the queue on their own.
        pub fn shutdown(mut self, wait: bool) {
            if !wait {
                self.workers.clear(); // dropping a JoinHandle detaches its thread
            }
            // Drop closes the queue and joins whatever workers are left.
        }
    }

    impl Drop for Executor {
        /// Python's `with ThreadPoolExecutor() as pool:` block end: every queued task runs,
        /// then the workers are joined.
        fn drop(&mut self) {
            drop(self.queue.take());
            for worker in self.workers.drain(..) {
                // A task's panic is caught inside its job, so a worker never panics.
                let _ = worker.join();
            }
        }
    }

    /// The handles in the order their tasks end: Python's `as_completed`.
    pub fn as_completed<T: Send + 'static>(
        handles: Vec<TaskHandle<T>>,
    ) -> impl Iterator<Item = TaskHandle<T>> {
        let (ended, ended_in_order) = channel::unbounded();
        for (index, handle) in handles.iter().enumerate() {
            let ended = ended.clone();
            handle.add_done_callback(move |_| {
                let _ = ended.send(index);
            });
        }
        drop(ended); // the iteration ends when every callback has run and dropped its Sender
        let mut waiting: Vec<Option<TaskHandle<T>>> = handles.into_iter().map(Some).collect();
        ended_in_order
            .into_iter()
            .map(move |index| waiting[index].take().expect("each task ends once"))
    }

    /// Waits until at least one task has ended, and splits the handles into ended and not:
    /// Python's `wait(fs, return_when=FIRST_COMPLETED)`.
    pub fn wait_first<T: Send + 'static>(
        handles: Vec<TaskHandle<T>>,
    ) -> (Vec<TaskHandle<T>>, Vec<TaskHandle<T>>) {
        let (ended, first) = channel::unbounded();
        for handle in &handles {
            let ended = ended.clone();
            handle.add_done_callback(move |_| {
                let _ = ended.send(()); // later ones find nobody listening, which is fine
            });
        }
        drop(ended);
        let _ = first.recv(); // an error here only means there were no handles
        handles.into_iter().partition(TaskHandle::done)
    }

    /// A panic's message: `panic!` payloads are a `&str` or a `String`.
    fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".to_string())
    }
}
// ANCHOR_END: executor

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;
use std::time::Duration;

use crossbeam::channel;
use executor::{Executor, TaskError, TaskHandle, as_completed, wait_first};

/// A task that takes a while: sleeps `ms` milliseconds, then squares `n`.
fn slow_square(n: u64, ms: u64) -> u64 {
    thread::sleep(Duration::from_millis(ms));
    n * n
}

fn submit_and_result() {
    // ANCHOR: submit
    let pool = Executor::new(3);
    let handles: Vec<TaskHandle<u64>> = (1..=3).map(|n| pool.submit(move || n * n)).collect();
    for (n, handle) in (1..=3).zip(handles) {
        println!("square({n}) = {:?}", handle.result());
    }
    // ANCHOR_END: submit
}

fn map_in_order() {
    // ANCHOR: map
    let pool = Executor::new(3);
    // The first item sleeps longest, so it finishes last; map still yields it first.
    let squares: Result<Vec<u64>, TaskError> = pool
        .map(|n| slow_square(n, 40 - 10 * n), [1, 2, 3])
        .collect();
    println!("map: {squares:?}");
    // ANCHOR_END: map
}

fn completion_order() {
    // ANCHOR: as_completed
    let pool = Executor::new(3);
    let handles = [(1, 90), (2, 10), (3, 50)]
        .map(|(n, ms)| pool.submit(move || (n, slow_square(n, ms))))
        .into();
    for handle in as_completed(handles) {
        let (n, square) = handle.result().expect("no task here panics");
        println!("finished: square({n}) = {square}");
    }
    // ANCHOR_END: as_completed
}

fn timeouts() {
    // ANCHOR: timeout
    let pool = Executor::new(2);
    let slow = pool.submit(|| slow_square(7, 300));
    println!(
        "waiting 20 ms: {:?}",
        slow.result_timeout(Duration::from_millis(20))
    );

    let slow = pool.submit(|| slow_square(7, 300));
    let ready = slow.wait_timeout(Duration::from_millis(20));
    println!("done after 20 ms? {ready}; the handle is still ours, so wait longer");
    println!(
        "waiting 5 s: {:?}",
        slow.result_timeout(Duration::from_secs(5))
    );
    // ANCHOR_END: timeout
}

fn callbacks() {
    // ANCHOR: callback
    let pool = Executor::new(2);
    let (reports, received) = channel::unbounded();
    let handles: Vec<TaskHandle<u64>> = (1..=3)
        .map(|n| {
            let handle = pool.submit(move || n * 10);
            let reports = reports.clone();
            // Runs on the worker thread that ends the task: send, do not print or compute.
            handle.add_done_callback(move |ended| {
                let _ = reports.send(format!("callback: task {n} ended: {ended:?}"));
            });
            handle
        })
        .collect();
    drop(reports); // the loop below ends when the last callback has run
    for report in received {
        println!("{report}");
    }
    // The callbacks were told how each task ended; the values stay with the handles.
    let values: Result<Vec<u64>, TaskError> = handles.into_iter().map(TaskHandle::result).collect();
    println!("the handles still hold the values: {values:?}");
    // ANCHOR_END: callback
}

fn panics_and_errors() {
    // ANCHOR: exceptions
    let pool = Executor::new(1);
    let parse = |text: &'static str| {
        pool.submit(move || {
            let n: u64 = text.parse().expect("callers pass digits");
            n * 2
        })
    };
    // The panic message also goes to stderr, from the default panic hook.
    println!("\"21\": {:?}", parse("21").result());
    println!("\"x\":  {:?}", parse("x").result());
    println!(
        "after the panic, the one worker still runs: {:?}",
        parse("4").result()
    );

    // A task that can fail returns a Result: two layers, the pool's and the task's.
    let checked = pool.submit(|| "x".parse::<u64>());
    match checked.result() {
        Ok(Ok(n)) => println!("parsed {n}"),
        Ok(Err(e)) => println!("the task returned an error: {e}"),
        Err(e) => println!("the pool lost the task: {e}"),
    }
    // ANCHOR_END: exceptions
}

fn cancel_queued() {
    // ANCHOR: cancel
    let pool = Executor::new(1);
    let (started, has_started) = channel::bounded(0);
    let (release, released) = channel::bounded::<()>(0);
    let first = pool.submit(move || {
        started.send(()).unwrap();
        released.recv().unwrap(); // holds the only worker until main says go
        "first ran"
    });
    let second = pool.submit(|| "second ran");
    has_started.recv().unwrap();

    println!("cancel the running task: {}", first.cancel());
    println!("cancel the queued task:  {}", second.cancel());
    release.send(()).unwrap();
    println!("first:  {:?}", first.result());
    println!("second: {:?}", second.result());
    // ANCHOR_END: cancel
}

fn cooperative_cancel() {
    // ANCHOR: cooperative
    let pool = Executor::new(1);
    let stop = Arc::new(AtomicBool::new(false));
    let steps = Arc::new(AtomicU32::new(0));
    let worker = {
        let (stop, steps) = (Arc::clone(&stop), Arc::clone(&steps));
        pool.submit(move || {
            while !stop.load(Ordering::Relaxed) {
                steps.fetch_add(1, Ordering::Relaxed); // one step of a long job
                thread::sleep(Duration::from_millis(1));
            }
            "stopped at a step boundary, state consistent"
        })
    };
    while steps.load(Ordering::Relaxed) < 3 {
        thread::sleep(Duration::from_millis(1));
    }
    println!("cancel() once it runs: {}", worker.cancel());
    stop.store(true, Ordering::Relaxed); // ask; the task decides when to stop
    println!("{:?}", worker.result());
    // ANCHOR_END: cooperative
}

fn first_completed() {
    // ANCHOR: wait_first
    let pool = Executor::new(3);
    let (gate, opened) = channel::bounded::<()>(0);
    let gated = |name: &'static str| {
        let opened = opened.clone();
        pool.submit(move || {
            let _ = opened.recv(); // returns once main drops the gate
            name
        })
    };
    let handles = vec![gated("a"), pool.submit(|| "b"), gated("c")];
    let (ended, pending) = wait_first(handles);
    let names: Vec<_> = ended.into_iter().map(|h| h.result().unwrap()).collect();
    println!("ended first: {names:?}; still pending: {}", pending.len());
    drop(gate);
    let rest: Vec<_> = pending.into_iter().map(|h| h.result().unwrap()).collect();
    println!("then: {rest:?}");
    // ANCHOR_END: wait_first
}

fn shutdown() {
    // ANCHOR: shutdown
    let finished = Arc::new(AtomicU32::new(0));
    let pool = Executor::new(2);
    for _ in 0..4 {
        let finished = Arc::clone(&finished);
        // The handles are dropped at once: the tasks still run.
        let _ = pool.submit(move || {
            thread::sleep(Duration::from_millis(10));
            finished.fetch_add(1, Ordering::Relaxed);
        });
    }
    pool.shutdown(true); // wait = True
    println!(
        "after shutdown(wait): {} of 4 tasks finished",
        finished.load(Ordering::Relaxed)
    );

    {
        let _pool = Executor::new(2);
        // Leaving the block drops the pool, which joins its workers: Python's `with`.
    }
    println!("the scoped pool's workers are joined");
    // ANCHOR_END: shutdown
}

fn bounded_window() {
    // ANCHOR: window
    // Submit at most WINDOW tasks at a time: memory stays bounded however long the input.
    const WINDOW: usize = 3;
    let pool = Executor::new(2);
    let mut in_flight: Vec<TaskHandle<u64>> = Vec::new();
    let (mut most, mut total) = (0, 0);
    for n in 1..=10u64 {
        if in_flight.len() == WINDOW {
            let (ended, pending) = wait_first(in_flight);
            total += ended.into_iter().map(|h| h.result().unwrap()).sum::<u64>();
            in_flight = pending;
        }
        in_flight.push(pool.submit(move || slow_square(n, 5)));
        most = most.max(in_flight.len());
    }
    total += in_flight
        .into_iter()
        .map(|h| h.result().unwrap())
        .sum::<u64>();
    println!("sum of squares 1..=10 = {total}, never more than {most} in flight");
    // ANCHOR_END: window
}

fn retries() {
    // ANCHOR: retry
    // A flaky call: fails its first two attempts, as a busy server might.
    let attempts = Arc::new(AtomicU32::new(0));
    let flaky = move || -> Result<&'static str, String> {
        match attempts.fetch_add(1, Ordering::Relaxed) + 1 {
            n @ 1..=2 => Err(format!("attempt {n}: server busy")),
            _ => Ok("payload"),
        }
    };
    let pool = Executor::new(1);
    let with_retries = pool.submit(move || {
        const LIMIT: u32 = 4;
        let mut errors = Vec::new();
        for attempt in 1..=LIMIT {
            match flaky() {
                Ok(value) => return Ok((value, attempt, errors)),
                Err(e) => errors.push(e),
            }
            if attempt < LIMIT {
                thread::sleep(Duration::from_millis(2 << attempt)); // back off: 4, 8, 16 ms
            }
        }
        Err(errors)
    });
    println!("{:?}", with_retries.result().unwrap());
    // ANCHOR_END: retry
}

fn pool_per_kind() {
    // ANCHOR: pools
    // One pool per kind of work: a burst of slow I/O cannot starve the CPU work.
    let io_pool = Executor::new(8); // many threads: they mostly wait
    let cpu_pool = Executor::new(thread::available_parallelism().map_or(2, |n| n.get()));
    let downloads: Vec<_> = (1..=4)
        .map(|n| io_pool.submit(move || slow_square(n, 30)))
        .collect();
    let sums: Vec<_> = (1..=4u64)
        .map(|n| cpu_pool.submit(move || (0..=n * 1000).sum::<u64>()))
        .collect();
    let mut sizes = BTreeMap::new();
    for (n, handle) in (1..=4).zip(downloads) {
        sizes.insert(n, handle.result().unwrap());
    }
    let sums: Vec<u64> = sums.into_iter().map(|h| h.result().unwrap()).collect();
    println!("I/O pool: {sizes:?}; CPU pool: {sums:?}");
    // ANCHOR_END: pools
}

/// Each part of the tour, by the name that runs it alone.
const PARTS: &[(&str, fn())] = &[
    ("submit", submit_and_result),
    ("map", map_in_order),
    ("as_completed", completion_order),
    ("timeout", timeouts),
    ("callback", callbacks),
    ("exceptions", panics_and_errors),
    ("cancel", cancel_queued),
    ("cooperative", cooperative_cancel),
    ("wait_first", first_completed),
    ("shutdown", shutdown),
    ("window", bounded_window),
    ("retry", retries),
    ("pools", pool_per_kind),
];

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    for name in &wanted {
        if !PARTS.iter().any(|(part, _)| part == name) {
            let known: Vec<&str> = PARTS.iter().map(|(part, _)| *part).collect();
            eprintln!("unknown part `{name}`; the parts are: {}", known.join(", "));
            std::process::exit(2);
        }
    }
    for (name, part) in PARTS {
        if wanted.is_empty() || wanted.iter().any(|w| w == name) {
            if wanted.is_empty() {
                println!("--- {name}");
            }
            part();
        }
    }
}
