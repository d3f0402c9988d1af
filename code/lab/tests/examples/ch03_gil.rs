//! Chapter 3, `book/03-gil.md`: the GIL, modelled.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use lab::gil::Gil;
use lab::workloads::cpu_task_with;

use crate::support::{assert_same_lines, run};

/// The example's source, compiled here too, so that the unit tests it holds for its inline
/// GIL run: cargo builds examples as programs, not as tests.
#[allow(dead_code)] // its `main` runs when the example runs, not here
#[path = "../../examples/03_gil_take_turns.rs"]
mod take_turns_source;

/// The example's settings, which its first line prints.
const ITERATIONS: u64 = 5_000_000;
const SWITCH_INTERVAL: Duration = Duration::from_millis(1);

/// What the example must print, worked out independently of it.
fn expected_lines() -> Vec<String> {
    vec![
        format!(
            "2 threads, {ITERATIONS} loop iterations each, switch interval {SWITCH_INTERVAL:?}"
        ),
        format!("thread 1: cpu_task(1) = {}", cpu_task_with(1, ITERATIONS)),
        format!("thread 2: cpu_task(2) = {}", cpu_task_with(2, ITERATIONS)),
        "most threads running bytecode at once: 1".into(),
        "the GIL changed hands more than 10 times: true".into(),
    ]
}

#[test]
fn take_turns_computes_both_tasks_one_thread_at_a_time() {
    let out = run("03_gil_take_turns");
    let expected = expected_lines();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_same_lines(&out, &expected);
}

/// The example inlines its own copy of the GIL (the playground cannot use this crate); the
/// copy's own unit tests (in the example file) check its forced switching. This checks the
/// other way round: the book's model, `lab::gil`, run through the example's scenario, prints
/// the lines the example prints, so the copy and the model cannot drift apart unseen.
#[test]
fn lab_gil_prints_what_the_examples_copy_prints() {
    let gil = Gil::new();
    gil.set_switch_interval(SWITCH_INTERVAL).unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (1..=2u64)
        .map(|n| {
            let (gil, running, most, start) =
                (gil.clone(), running.clone(), most.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                let mut py = gil.thread();
                let mut total = 0u64;
                py.run_bytecode(ITERATIONS, |i| {
                    most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    total = total.wrapping_add(std::hint::black_box(i).wrapping_mul(n));
                    running.fetch_sub(1, Ordering::SeqCst);
                });
                total
            })
        })
        .collect();
    let mut lines = vec![format!(
        "2 threads, {ITERATIONS} loop iterations each, switch interval {:?}",
        gil.switch_interval()
    )];
    for (n, handle) in (1..=2).zip(handles) {
        lines.push(format!(
            "thread {n}: cpu_task({n}) = {}",
            handle.join().unwrap()
        ));
    }
    lines.push(format!(
        "most threads running bytecode at once: {}",
        most.load(Ordering::SeqCst)
    ));
    lines.push(format!(
        "the GIL changed hands more than 10 times: {}",
        gil.switch_number() - 1 > 10
    ));
    assert_eq!(lines, expected_lines());
}
