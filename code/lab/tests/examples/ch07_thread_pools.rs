//! Chapter 7, `book/07-thread-pools.md`: the hand-built executor's tour, part by part, and
//! rayon's pool.

use crate::support::{assert_lines, assert_same_lines, run, run_with};

#[test]
fn submit_returns_a_handle_whose_result_is_the_value() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["submit"]),
        &[
            "square(1) = Ok(1)",
            "square(2) = Ok(4)",
            "square(3) = Ok(9)",
        ],
    );
}

#[test]
fn map_yields_in_input_order_though_the_first_finishes_last() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["map"]),
        &["map: Ok([1, 4, 9])"],
    );
}

#[test]
fn as_completed_yields_every_task_once() {
    // The order is the scheduler's; every task is there exactly once.
    assert_same_lines(
        &run_with("07_thread_pools_executor", &["as_completed"]),
        &[
            "finished: square(1) = 1",
            "finished: square(2) = 4",
            "finished: square(3) = 9",
        ],
    );
}

#[test]
fn a_timeout_is_an_error_and_wait_timeout_keeps_the_handle() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["timeout"]),
        &[
            "waiting 20 ms: Err(Timeout)",
            "done after 20 ms? false; the handle is still ours, so wait longer",
            "waiting 5 s: Ok(49)",
        ],
    );
}

#[test]
fn every_callback_runs_once_and_the_values_stay_with_the_handles() {
    let out = run_with("07_thread_pools_executor", &["callback"]);
    let (callbacks, values) = out.split_at(3);
    // The callbacks run on whichever worker ends each task, in any order.
    assert_same_lines(
        callbacks,
        &[
            "callback: task 1 ended: Returned",
            "callback: task 2 ended: Returned",
            "callback: task 3 ended: Returned",
        ],
    );
    assert_lines(
        values,
        &["the handles still hold the values: Ok([10, 20, 30])"],
    );
}

#[test]
fn a_panic_is_an_err_on_its_handle_and_the_worker_lives_on() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["exceptions"]),
        &[
            "\"21\": Ok(42)",
            "\"x\":  Err(Panicked(\"callers pass digits: ParseIntError { kind: InvalidDigit }\"))",
            "after the panic, the one worker still runs: Ok(8)",
            "the task returned an error: invalid digit found in string",
        ],
    );
}

#[test]
fn only_a_queued_task_can_be_cancelled() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["cancel"]),
        &[
            "cancel the running task: false",
            "cancel the queued task:  true",
            "first:  Ok(\"first ran\")",
            "second: Err(Cancelled)",
        ],
    );
}

#[test]
fn a_running_task_stops_when_it_reads_the_flag() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["cooperative"]),
        &[
            "cancel() once it runs: false",
            "Ok(\"stopped at a step boundary, state consistent\")",
        ],
    );
}

#[test]
fn wait_first_returns_the_one_ungated_task() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["wait_first"]),
        &[
            "ended first: [\"b\"]; still pending: 2",
            "then: [\"a\", \"c\"]",
        ],
    );
}

#[test]
fn shutdown_with_wait_runs_every_queued_task() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["shutdown"]),
        &[
            "after shutdown(wait): 4 of 4 tasks finished",
            "the scoped pool's workers are joined",
        ],
    );
}

#[test]
fn the_patterns_compute_the_right_answers() {
    assert_lines(
        &run_with("07_thread_pools_executor", &["window"]),
        &["sum of squares 1..=10 = 385, never more than 3 in flight"],
    );
    assert_lines(
        &run_with("07_thread_pools_executor", &["retry"]),
        &["Ok((\"payload\", 3, [\"attempt 1: server busy\", \"attempt 2: server busy\"]))"],
    );
    let sums: Vec<u64> = (1..=4u64).map(|n| (0..=n * 1000).sum()).collect();
    assert_lines(
        &run_with("07_thread_pools_executor", &["pools"]),
        &[&format!(
            "I/O pool: {{1: 1, 2: 4, 3: 9, 4: 16}}; CPU pool: {sums:?}"
        )],
    );
}

#[test]
fn the_whole_tour_runs_every_part_under_its_heading() {
    let out = run("07_thread_pools_executor");
    let headings: Vec<&str> = out
        .iter()
        .filter_map(|line| line.strip_prefix("--- "))
        .collect();
    assert_eq!(
        headings,
        [
            "submit",
            "map",
            "as_completed",
            "timeout",
            "callback",
            "exceptions",
            "cancel",
            "cooperative",
            "wait_first",
            "shutdown",
            "window",
            "retry",
            "pools"
        ]
    );
}

#[test]
fn rayon_pool_install_spawn_scope_and_join() {
    assert_lines(
        &run("07_thread_pools_rayon"),
        &[
            "install: 2 threads summed 1..=1000 to 500500",
            "spawn: [1, 4, 9]",
            "scope: [[10, 20, 30], [40, 50, 60]]",
            "join: 10! = 3628800, 1 + … + 10 = 55",
        ],
    );
}
