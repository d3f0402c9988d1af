//! Runs every program under `code/lab/examples/` and checks what it prints.
//!
//! One module per chapter; the harness (running a built example with a time limit, and the
//! line assertions) is in `support`. A test that runs an example names it with
//! `support::run("NAME")`: `support::every_example_has_a_test` reads the chapter modules for
//! those calls, so an example that no test runs fails the suite.

mod support;

mod ch01_introduction;
mod ch02_cpu_vs_io;
mod ch03_gil;
mod ch04_threads;
mod ch05_sharing_state;
mod ch06_message_passing;
mod ch07_thread_pools;
mod ch08_data_parallelism;
mod ch09_processes;
mod ch10_async;
