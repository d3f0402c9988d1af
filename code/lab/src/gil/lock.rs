//! The lock itself: CPython's `take_gil` and `drop_gil` (`Python/ceval_gil.c`), line for line
//! where it matters, in safe Rust.

use std::fmt;
use std::time::Duration;

use super::sync::{Arc, AtomicBool, AtomicU64, Condvar, Mutex, MutexGuard, Ordering};

/// CPython's default switch interval: `sys.getswitchinterval()` is 0.005 s.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// A model of CPython's global interpreter lock (the "new GIL" of Python 3.2–3.13).
///
/// A `Gil` is a handle: clones share one lock, as every thread of one interpreter shares its
/// GIL. Threads run "Python" through a [`GilThread`](super::GilThread), which
/// [`Gil::thread`] returns once it holds the lock.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use lab::gil::Gil;
///
/// let gil = Gil::new();
/// gil.set_switch_interval(Duration::from_millis(1)).unwrap();
/// let mut py = gil.thread(); // takes the GIL, like a new Python thread
/// let mut total = 0;
/// py.run_bytecode(1_000, |i| total += i);
/// assert_eq!(total, 499_500);
/// drop(py); // releases it, like a thread that ends
/// assert_eq!(gil.switch_number(), 1);
/// ```
#[derive(Clone)]
pub struct Gil {
    shared: Arc<Shared>,
}

/// `struct _gil_runtime_state` (`Include/internal/pycore_gil.h`).
///
/// Lock order: a thread that needs both mutexes takes `switch_mutex` first, then `state`
/// (`drop_gil` reads the last holder while it holds `switch_mutex`). `take_gil` releases
/// `state` before it takes `switch_mutex`, so it never holds both. Taking them the other way
/// round anywhere would let two threads deadlock, each holding the one the other wants.
struct Shared {
    /// `gil->mutex`, guarding the fields CPython guards with it.
    state: Mutex<State>,
    /// `gil->cond`: waiters in `take_gil` sleep here; a release wakes **one** of them.
    cond: Condvar,
    /// `gil->switch_mutex` and `gil->switch_cond`: the `FORCE_SWITCHING` handshake, in which a
    /// thread that was asked to drop the GIL waits until another thread has taken it.
    switch_mutex: Mutex<()>,
    switch_cond: Condvar,
    /// `gil->interval`, in microseconds: how long a waiter waits before it asks the holder
    /// to drop the GIL. An atomic, because `sys.setswitchinterval` may change it at any time.
    interval_us: AtomicU64,
    /// `gil_drop_request`: set by a waiter, polled by the holder at every work unit.
    drop_request: AtomicBool,
    /// Hands out thread IDs (CPython compares `PyThreadState` pointers instead).
    next_thread_id: AtomicU64,
}

/// The fields under `gil->mutex`.
struct State {
    /// `gil->locked`: whether some thread holds the GIL.
    locked: bool,
    /// `gil->last_holder`: the thread that took the GIL last (0 before anyone has).
    last_holder: u64,
    /// `gil->switch_number`: how many times the GIL changed owner.
    switch_number: u64,
}

/// `sys.setswitchinterval` was given an interval that is not strictly positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchIntervalError;

impl fmt::Display for SwitchIntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // CPython's ValueError says exactly this.
        f.write_str("switch interval must be strictly positive")
    }
}

impl std::error::Error for SwitchIntervalError {}

impl Default for Gil {
    fn default() -> Self {
        Gil::new()
    }
}

impl Gil {
    /// A free GIL with CPython's default switch interval of 5 ms.
    pub fn new() -> Gil {
        Gil {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    locked: false,
                    last_holder: 0,
                    switch_number: 0,
                }),
                cond: Condvar::new(),
                switch_mutex: Mutex::new(()),
                switch_cond: Condvar::new(),
                interval_us: AtomicU64::new(DEFAULT_SWITCH_INTERVAL.as_micros() as u64),
                drop_request: AtomicBool::new(false),
                next_thread_id: AtomicU64::new(1),
            }),
        }
    }

    /// `sys.setswitchinterval(interval)`: how long a waiting thread lets the holder run before
    /// it asks for the GIL.
    ///
    /// Like CPython, it keeps whole microseconds (`int(s * 1e6)`), and a value that rounds to
    /// 0 µs acts as 1 µs.
    ///
    /// # Errors
    ///
    /// A zero interval, as CPython raises `ValueError` for `s <= 0`.
    pub fn set_switch_interval(&self, interval: Duration) -> Result<(), SwitchIntervalError> {
        if interval.is_zero() {
            return Err(SwitchIntervalError);
        }
        let us = u64::try_from(interval.as_micros()).unwrap_or(u64::MAX);
        self.shared.interval_us.store(us, Ordering::Relaxed);
        Ok(())
    }

    /// `sys.getswitchinterval()`.
    pub fn switch_interval(&self) -> Duration {
        Duration::from_micros(self.shared.interval_us.load(Ordering::Relaxed))
    }

    /// How many times the GIL has changed owner: the first acquisition counts one, and every
    /// hand-off from one thread to another one more.
    pub fn switch_number(&self) -> u64 {
        self.lock_state().switch_number
    }

    /// Registers the calling thread with the interpreter and takes the GIL for it, as a new
    /// Python thread does before it runs any bytecode. Blocks until the GIL is free for it.
    pub fn thread(&self) -> super::GilThread {
        let id = self.shared.next_thread_id.fetch_add(1, Ordering::Relaxed);
        super::GilThread::attach(self.clone(), id)
    }

    /// Whether a waiter has asked the holder to drop the GIL: one relaxed atomic load, which
    /// is all the GIL costs a thread that nobody is waiting for.
    pub(super) fn drop_requested(&self) -> bool {
        self.shared.drop_request.load(Ordering::Relaxed)
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .expect("no code runs, and so none panics, while the GIL's mutex is held")
    }

    // ANCHOR: take_gil
    /// `take_gil`: blocks until thread `me` holds the GIL.
    pub(super) fn take_gil(&self, me: u64) {
        let gil = &*self.shared;
        let mut state = self.lock_state(); // MUTEX_LOCK(gil->mutex)
        // No queue: if the GIL is free, take it at once, whoever else is waiting.
        let mut pass = 0;
        while state.locked {
            let saved_switch_number = state.switch_number;
            // Each pass waits a full interval again: max(interval, 1) µs.
            let interval = gil.interval_us.load(Ordering::Relaxed).max(1);
            let (guard, timed_out) = self.timed_wait(state, Duration::from_micros(interval), pass);
            state = guard;
            pass += 1;
            // A whole interval passed and nobody else took the GIL in the meantime:
            // ask the holder to drop it (SET_GIL_DROP_REQUEST).
            if timed_out && state.locked && state.switch_number == saved_switch_number {
                gil.drop_request.store(true, Ordering::Relaxed);
            }
        }
        // _ready: the GIL is ours.
        state.locked = true;
        if state.last_holder != me {
            state.last_holder = me;
            state.switch_number += 1;
        }
        // Whatever was asked of the previous holder has been done (RESET_GIL_DROP_REQUEST).
        gil.drop_request.store(false, Ordering::Relaxed);
        drop(state); // MUTEX_UNLOCK(gil->mutex)

        // FORCE_SWITCHING: wake the thread that dropped the GIL for us, if it waits.
        let _switch = gil.switch_mutex.lock().expect("never poisoned");
        gil.switch_cond.notify_one(); // COND_SIGNAL(gil->switch_cond)
    }
    // ANCHOR_END: take_gil

    // ANCHOR: drop_gil
    /// `drop_gil`: thread `me` releases the GIL. `final_release` is true when the thread is
    /// ending, and then it does not wait for anyone.
    pub(super) fn drop_gil(&self, me: u64, final_release: bool) {
        let gil = &*self.shared;
        // CPython checks that the GIL is locked and stops with `Py_FatalError("drop_gil: GIL
        // is not locked")`; the model checks the holder too, since it knows every thread's ID.
        // Checked before the mutex is taken, so a failure does not poison it; safe to do apart,
        // because no other thread can unlock a GIL that `me` holds.
        debug_assert!(
            self.is_held_by(me),
            "thread {me} dropped a GIL it does not hold"
        );
        {
            let mut state = self.lock_state(); // MUTEX_LOCK(gil->mutex)
            state.last_holder = me;
            state.locked = false;
            gil.cond.notify_one(); // COND_SIGNAL(gil->cond): wake one waiter, not FIFO
        }
        // FORCE_SWITCHING: a waiter asked for the GIL, so do not race it for the lock just
        // released (this thread is still on a CPU, the waiter is not yet): wait until
        // another thread has taken it.
        if !final_release && gil.drop_request.load(Ordering::Relaxed) {
            let mut switch = gil.switch_mutex.lock().expect("never poisoned");
            if self.last_holder() == me {
                gil.drop_request.store(false, Ordering::Relaxed); // RESET_GIL_DROP_REQUEST
                // CPython waits once; looping absorbs spurious wake-ups.
                while self.last_holder() == me {
                    switch = gil.switch_cond.wait(switch).expect("never poisoned");
                }
            }
        }
    }
    // ANCHOR_END: drop_gil

    fn last_holder(&self) -> u64 {
        self.lock_state().last_holder
    }

    /// Whether thread `me` holds the GIL: it is locked, and `me` took it last.
    pub(super) fn is_held_by(&self, me: u64) -> bool {
        let state = self.lock_state();
        state.locked && state.last_holder == me
    }

    /// `COND_TIMED_WAIT(gil->cond, gil->mutex, interval, timed_out)`: waits on `cond` for at
    /// most `timeout`, and says whether the time ran out. `pass` counts the waits of this
    /// `take_gil` call; only the loom build looks at it.
    #[cfg(not(loom))]
    fn timed_wait<'a>(
        &'a self,
        state: MutexGuard<'a, State>,
        timeout: Duration,
        _pass: u32,
    ) -> (MutexGuard<'a, State>, bool) {
        let (state, result) = self
            .shared
            .cond
            .wait_timeout(state, timeout)
            .expect("never poisoned");
        (state, result.timed_out())
    }

    /// The loom build's `COND_TIMED_WAIT`. loom has no clock (its `wait_timeout` never times
    /// out), so an interval is modelled by order, not time: a waiter's first wait in each
    /// `take_gil` "times out" at once (it releases and re-locks the mutex, so other threads may
    /// run in between, in any order loom chooses); later waits end only when another thread
    /// signals `cond`. loom thus checks the drop-request path and the
    /// notified path in every interleaving, but not how long an interval is.
    #[cfg(loom)]
    fn timed_wait<'a>(
        &'a self,
        state: MutexGuard<'a, State>,
        _timeout: Duration,
        pass: u32,
    ) -> (MutexGuard<'a, State>, bool) {
        if pass == 0 {
            drop(state);
            (self.lock_state(), true)
        } else {
            let state = self.shared.cond.wait(state).expect("never poisoned");
            (state, false)
        }
    }
}
