//! One thread's view of the interpreter: CPython's `PyThreadState`, with the two ways a
//! thread gives up the GIL: when asked, at the eval breaker, and by itself, around a blocking
//! call.

use std::marker::PhantomData;
use std::time::Instant;

use super::Gil;
use crate::trace::{self, Lane, SpanKind};

/// A thread registered with a [`Gil`]: CPython's `PyThreadState`. While a `GilThread` exists
/// outside [`allow_threads`](GilThread::allow_threads), its thread holds the GIL.
///
/// Make it with [`Gil::thread`] on the thread that will use it; dropping it releases the
/// GIL, as a Python thread does when it ends.
///
/// A `GilThread` is not `Send`: like CPython's thread state, it belongs to the OS thread that
/// created it, and the GIL it holds is held *by that thread*. Handing it to another thread
/// would let two threads believe they hold the GIL, so the compiler refuses:
///
/// ```compile_fail,E0277
/// let gil = lab::gil::Gil::new();
/// let py = gil.thread();
/// std::thread::spawn(move || drop(py));
/// ```
pub struct GilThread {
    gil: Gil,
    id: u64,
    /// Where the thread's states go when the book records a timeline.
    timeline: Timeline,
    /// `*const ()` is neither `Send` nor `Sync`, and so, through this marker, neither is a
    /// `GilThread`. A marker, not a negative impl, because those are unstable.
    _bound_to_its_thread: PhantomData<*const ()>,
}

/// A thread's lane in a timeline being recorded, if one is, and since when the thread has
/// been in its current state. Without a recording it costs nothing but this check.
struct Timeline {
    lane: Option<Lane>,
    since: Instant,
}

impl Timeline {
    /// The thread has been in state `kind` until now, and something else starts.
    fn ended(&mut self, kind: SpanKind) {
        if let Some(lane) = &mut self.lane {
            let now = Instant::now();
            lane.record(kind, self.since, now);
            self.since = now;
        }
    }
}

impl GilThread {
    /// Takes the GIL for thread `id` (`PyEval_AcquireThread` in a new thread's bootstrap).
    pub(super) fn attach(gil: Gil, id: u64) -> GilThread {
        let mut timeline = Timeline {
            lane: trace::lane(format!("thread {id}")),
            since: Instant::now(),
        };
        gil.take_gil(id);
        timeline.ended(SpanKind::WaitingForGil);
        GilThread {
            gil,
            id,
            timeline,
            _bound_to_its_thread: PhantomData,
        }
    }

    /// `PyGILState_Check()`: whether this thread holds the GIL right now. Always true outside
    /// [`allow_threads`](GilThread::allow_threads), which is the point of the model; the
    /// tests use it to prove that even a panic does not break that.
    pub fn holds_gil(&self) -> bool {
        self.gil.is_held_by(self.id)
    }

    /// Names this thread's lane in a timeline by its role (`I/O thread`), not its number.
    pub fn name_in_timeline(&mut self, name: &str) {
        if let Some(lane) = &mut self.timeline.lane {
            lane.relabel(name);
        }
    }

    /// This thread's ID within its interpreter (1 for the first thread, then 2, …).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The GIL this thread belongs to.
    pub fn gil(&self) -> &Gil {
        &self.gil
    }

    // ANCHOR: eval_breaker
    /// Runs `units` work units as the interpreter loop runs bytecode: before each unit it
    /// checks the eval breaker, so another thread can get the GIL between any two units.
    /// `unit` gets the unit's index.
    pub fn run_bytecode(&mut self, units: u64, mut unit: impl FnMut(u64)) {
        for i in 0..units {
            self.eval_breaker();
            unit(i);
        }
    }

    /// CPython's `CHECK_EVAL_BREAKER` and `_Py_HandlePending`: if a waiter asked for the GIL,
    /// drop it and queue up again like any other thread. Returns whether it did.
    ///
    /// The holder never looks at a clock: the only timer is the waiter's timed wait.
    pub fn eval_breaker(&mut self) -> bool {
        if !self.gil.drop_requested() {
            return false; // the common case: one relaxed load
        }
        self.timeline.ended(SpanKind::Running);
        self.gil.drop_gil(self.id, false);
        // Another thread runs now; this one waits its turn.
        self.gil.take_gil(self.id);
        self.timeline.ended(SpanKind::WaitingForGil);
        true
    }
    // ANCHOR_END: eval_breaker

    // ANCHOR: allow_threads
    /// `Py_BEGIN_ALLOW_THREADS … Py_END_ALLOW_THREADS`: releases the GIL around `blocking`
    /// (a sleep, a socket read, a big hash), then takes it back before any more bytecode runs.
    ///
    /// Other threads run Python while `blocking` waits. Taking the GIL back is the expensive
    /// part: if a CPU-bound thread holds it, this thread waits a whole switch interval before
    /// it may even ask for it (the convoy effect).
    ///
    /// The GIL is taken back by a guard's `Drop`, not by a line after the call, so that it is
    /// taken back even if `blocking` panics: a caller that catches the panic goes on running
    /// "bytecode", and must hold the GIL to do so.
    pub fn allow_threads<R>(&mut self, blocking: impl FnOnce() -> R) -> R {
        /// `Py_END_ALLOW_THREADS`, run on the way out, by return or by unwinding.
        struct Restore<'a>(&'a mut GilThread);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.restore();
            }
        }

        self.timeline.ended(SpanKind::Running);
        self.gil.drop_gil(self.id, false); // PyEval_SaveThread
        let _restore = Restore(self);
        blocking()
    }

    /// `PyEval_RestoreThread`: the blocking call is over (or has panicked), so take the GIL
    /// back before any more bytecode runs.
    fn restore(&mut self) {
        self.timeline.ended(SpanKind::BlockedInIo);
        self.gil.take_gil(self.id);
        self.timeline.ended(SpanKind::WaitingForGil);
    }
    // ANCHOR_END: allow_threads
}

impl Drop for GilThread {
    /// The thread ends: its final release, which waits for no one. A `GilThread` always holds
    /// the GIL here, even after a panic inside `allow_threads`, because that call took it back
    /// while unwinding.
    fn drop(&mut self) {
        self.timeline.ended(SpanKind::Running);
        self.gil.drop_gil(self.id, true);
    }
}
