//! A model of CPython's global interpreter lock, faithful enough to measure.
//!
//! CPython (3.2–3.13, default build) lets one thread at a time run Python bytecode. The rest
//! of the book measures what that costs; this module is the lock, rebuilt in Rust after
//! Antoine Pitrou's "new GIL" in `Python/ceval_gil.c`, so that the costs can be produced and
//! measured here, and the mechanism read:
//!
//! - [`Gil`] holds CPython's state: `locked`, `last_holder` and `switch_number` under one
//!   mutex, a condition variable for waiters, the `FORCE_SWITCHING` handshake, the switch
//!   interval and the drop request. `take_gil` and `drop_gil` are its two halves.
//! - [`GilThread`] is one thread's `PyThreadState`: its interpreter loop
//!   ([`run_bytecode`](GilThread::run_bytecode)) checks the eval breaker before every work
//!   unit, and [`allow_threads`](GilThread::allow_threads) releases the GIL around a blocking
//!   call.
//! - [`bytecode`] is "Python" for it to run: the seeds' `cpu_task`, in units that each cost
//!   about one iteration of CPython's interpreter loop.
//!
//! # How a hand-off works
//!
//! A thread that wants the GIL while another holds it waits on a condition variable for one
//! switch interval (5 ms by default). If the interval passes and the GIL has not changed
//! hands, it sets the drop request. The holder sees the request at its next eval-breaker check,
//! releases the GIL and, because a thread asked for it, waits until another thread has taken
//! it (`FORCE_SWITCHING`), and only then queues up again.
//!
//! # What is modelled, and what is not
//!
//! Kept, because results depend on them: no queue and no fairness (a free GIL goes to
//! whoever asks first; `notify_one` wakes an arbitrary waiter); the interval restarting on
//! each pass of the wait; the `switch_number` guard; clearing the request on acquire;
//! `FORCE_SWITCHING`. Left out, because one flag stands for all of them: signals, pending
//! calls, asynchronous exceptions, the garbage collector, sub-interpreters, finalisation and
//! `fork`.
//!
//! The locks are `std::sync`'s, not `parking_lot`'s and not a fair lock, because CPython's
//! are neither queued nor fair, and fairness would change what is measured.
//!
//! # Checked with loom
//!
//! Built with `RUSTFLAGS="--cfg loom"`, the module's tests run under [loom], which tries every
//! interleaving of a few threads: mutual exclusion, no lost wake-up, and a forced switch that
//! really hands the GIL over. loom has no clock, so it checks order, not timing: see
//! `timed_wait` in `lock.rs` for how an interval is modelled there.
//!
//! [loom]: https://docs.rs/loom

pub mod bytecode;
mod lock;
mod sync;
mod thread;

pub use lock::{DEFAULT_SWITCH_INTERVAL, Gil, SwitchIntervalError};
pub use thread::GilThread;

#[cfg(all(test, loom))]
mod loom_tests;
#[cfg(all(test, not(loom)))]
mod tests;
