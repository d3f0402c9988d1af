//! Chapter 4, `book/04-threads.md`: spawn and join, Builder, scopes, thread-locals, detached
//! threads, panics, parking and stopping.

use crate::support::{assert_in_order, assert_lines, assert_same_lines, run};

#[test]
fn join_returns_each_threads_sum_and_they_add_up() {
    let out = run("04_threads_join_values");
    let expected_total: u64 = (1..=1_000u64).map(|n| n * n).sum();
    let mut lines = vec![];
    for i in 0..4u64 {
        let part: u64 = (i * 250 + 1..=i * 250 + 250).map(|n| n * n).sum();
        lines.push(format!("thread {i}: 250 numbers, sum of squares {part}"));
    }
    lines.push(format!("total: {expected_total}"));
    lines.push(format!("check: {expected_total}"));
    // The threads print in any order; the totals come after every join.
    let expected: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_same_lines(&out, &expected);
    assert_eq!(out[4..], expected[4..]);
}

#[test]
fn builder_names_threads_sets_stacks_and_reports_a_refused_spawn() {
    let out = run("04_threads_builder");
    assert_eq!(
        out[..2],
        ["parser is running", "parser went 10000 calls deep"]
    );
    assert_eq!(out.len(), 3, "output: {out:#?}");
    // The OS's reason varies by platform; that the spawn failed, and said so, does not.
    assert!(
        out[2].starts_with("spawning greedy failed: "),
        "output: {out:#?}"
    );
}

#[test]
fn scoped_threads_write_disjoint_parts_of_one_vector() {
    assert_lines(
        &run("04_threads_scope"),
        &[
            "totals: [3, 6, 15, 20, 35, 42, 77, 88]",
            "prices are still ours: [3, 5, 7, 11]",
        ],
    );
}

#[test]
fn each_thread_has_its_own_thread_local_and_its_destructor_runs_at_exit() {
    let out = run("04_threads_thread_local");
    assert_same_lines(
        &out,
        &[
            "worker-a: handled 3 requests",
            "worker-a: flushing 3 log lines",
            "worker-b: handled 5 requests",
            "worker-b: flushing 5 log lines",
            "main: handled 0 requests",
        ],
    );
    assert_in_order(
        &out,
        &[
            "worker-a: handled 3 requests",
            "worker-a: flushing 3 log lines",
        ],
    );
    assert_in_order(
        &out,
        &[
            "worker-b: handled 5 requests",
            "worker-b: flushing 5 log lines",
        ],
    );
    assert_eq!(
        out.last().map(String::as_str),
        Some("main: handled 0 requests")
    );
}

#[test]
fn a_detached_thread_is_cut_off_when_main_returns_without_cleaning_up() {
    assert_lines(
        &run("04_threads_daemon"),
        &[
            "main: heard tick 1",
            "main: heard tick 2",
            "main: heard tick 3",
            "main: returning without joining the daemon",
        ],
    );
}

#[test]
fn a_panicking_thread_is_reported_by_the_hook_and_by_join() {
    let out = run("04_threads_panic");
    assert_same_lines(
        &out,
        &[
            r#""42": Ok(42)"#,
            r#"hook: thread 'parser-1' panicked: bad quantity "x7""#,
            r#""x7": Err("bad quantity \"x7\"")"#,
        ],
    );
    // The hook runs before the thread ends, so before its join returns.
    assert_in_order(
        &out,
        &[
            r#"hook: thread 'parser-1' panicked: bad quantity "x7""#,
            r#""x7": Err("bad quantity \"x7\"")"#,
        ],
    );
}

#[test]
fn park_waits_for_the_flag_and_an_early_unpark_leaves_a_token() {
    let out = run("04_threads_park");
    assert_same_lines(
        &out,
        &[
            "worker: waiting for the go signal",
            "main: sending the go signal",
            "worker: got the signal",
            "main: park returned: the unpark before it had left the token",
        ],
    );
    assert_in_order(
        &out,
        &["main: sending the go signal", "worker: got the signal"],
    );
    assert_eq!(
        out.last().map(String::as_str),
        Some("main: park returned: the unpark before it had left the token")
    );
}

#[test]
fn a_stop_flag_stops_the_worker_between_steps() {
    let out = run("04_threads_stop_flag");
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0], "main: asking the worker to stop");
    // The worker finishes the step it is on (usually the fourth) and reports it whole.
    let steps: u64 = out[1]
        .strip_prefix("main: the worker has returned, after ")
        .and_then(|rest| rest.strip_suffix(" whole steps"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a step count: {:?}", out[1]));
    assert!(steps >= 3, "main asked only after the third step: {steps}");
}
