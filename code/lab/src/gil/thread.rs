//! One thread's view of the interpreter: CPython's `PyThreadState`, with the two ways a
//! thread gives up the GIL: when asked, at the eval breaker, and by itself, around a blocking
//! call.

use std::time::Instant;

use super::Gil;
use crate::trace::{self, Lane, SpanKind};

/// A thread registered with a [`Gil`]: CPython's `PyThreadState`. While a `GilThread` exists
/// outside [`allow_threads`](GilThread::allow_threads), its thread holds the GIL.
///
/// Make it with [`Gil::thread`] on the thread that will use it; dropping it releases the
/// GIL, as a Python thread does when it ends.
pub struct GilThread {
    gil: Gil,
    id: u64,
    /// False only while [`GilThread::allow_threads`] runs its closure.
    holds_gil: bool,
    /// Where the thread's states go when the book records a timeline.
    timeline: Timeline,
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
            holds_gil: true,
            timeline,
        }
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
    pub fn allow_threads<R>(&mut self, blocking: impl FnOnce() -> R) -> R {
        self.timeline.ended(SpanKind::Running);
        self.gil.drop_gil(self.id, false); // PyEval_SaveThread
        self.holds_gil = false;
        let result = blocking();
        self.timeline.ended(SpanKind::BlockedInIo);
        self.gil.take_gil(self.id); // PyEval_RestoreThread
        self.holds_gil = true;
        self.timeline.ended(SpanKind::WaitingForGil);
        result
    }
    // ANCHOR_END: allow_threads
}

impl Drop for GilThread {
    /// The thread ends: its final release, which waits for no one. (If the closure given to
    /// `allow_threads` panicked, this thread does not hold the GIL, and there is nothing to
    /// release.)
    fn drop(&mut self) {
        if self.holds_gil {
            self.timeline.ended(SpanKind::Running);
            self.gil.drop_gil(self.id, true);
        }
    }
}
