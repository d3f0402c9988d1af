//! The companion crate of *Concurrency vs Parallelism in Rust, measured*.
//!
//! Everything the book measures or shows lives here once: the workloads, the measurement suite
//! that writes `target/lab/results.json`, and (under `examples/`) one complete program per
//! snippet on the pages.
//!
//! # Layout
//!
//! - [`workloads`]: the seeds' `cpu_task` and the simulated I/O wait, shared by benches and tests.
//! - [`executor`]: the hand-built thread pool of chapter 7, with `Future`-like handles.
//! - [`gil`]: a model of CPython's GIL (switch interval, drop request, forced switching,
//!   release around blocking calls), checked with loom and measured by the suite.
//! - [`stats`]: median, min–max and p90 of one run's samples.
//! - [`results`]: the `results.json` contract, read by the book's preprocessor.
//! - [`machine`]: what machine this is, and its measured parallel ceiling.
//! - [`procfs`]: how much memory a process holds (RSS, peak RSS, PSS), from `/proc`.
//! - [`limits`]: what stops a process from starting another thread, from `/proc` and `/sys`.
//! - [`suite`]: the experiments and the runner that measures them.
//! - [`trace`]: recording what ran when, for the book's timelines.

pub mod gil;
pub mod limits;
pub mod machine;
pub mod procfs;
pub mod stats;
pub mod suite;
pub mod trace;
pub mod workloads;

// The hand-built pool's source is the example `examples/07_thread_pools_executor.rs`, compiled
// here as a module, not copied: the playground needs the pool inside the program it runs, and
// a copy here would drift from the one the page shows. The tour around the pool (`main` and
// its parts) is compiled too, and unused here.
#[allow(dead_code)]
#[path = "../examples/07_thread_pools_executor.rs"]
mod executor_tour;
pub use executor_tour::executor;

/// The `results.json` contract, a crate of its own (`code/lab-results`) so that the
/// preprocessor reads it without compiling the suite.
pub use lab_results as results;
