//! The synchronisation types the model is built from: `std::sync` in every normal build, and
//! loom's checked copies when the crate is built with `RUSTFLAGS="--cfg loom"`.
//!
//! The model names these, never `std::sync` directly, so that loom can see every lock,
//! condition variable and atomic it uses.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};
