//! Chapter 9, `book/09-processes.md`: worker processes, their pipes, shared memory, and a pool
//! that survives workers that really abort or hang.

use crate::support::{assert_lines, assert_same_lines, run_with};

#[test]
fn each_way_a_worker_ends_has_its_status() {
    assert_lines(
        &run_with("09_processes_lifecycle", &["exit-codes"]),
        &[
            "worker `succeed`: exit code 0",
            "worker `exit-3`: exit code 3",
            "worker `panic`: exit code 101",
            "  its panic message: the task failed",
            "worker `abort`: killed by signal 6 (SIGABRT)",
        ],
    );
}

#[test]
fn a_worker_past_its_deadline_is_killed_and_reaped() {
    assert_lines(
        &run_with("09_processes_lifecycle", &["wait-kill"]),
        &[
            "after 200 ms the worker is still running: kill it",
            "the worker: killed by signal 9 (SIGKILL)",
        ],
    );
}

#[test]
fn an_unguarded_child_outlives_its_crashed_parent_and_a_guarded_one_does_not() {
    assert_lines(
        &run_with("09_processes_lifecycle", &["orphan"]),
        &[
            "unguarded: the parent: killed by signal 6 (SIGABRT)",
            "unguarded: its child is still running, an orphan",
            "guarded: the parent: killed by signal 6 (SIGABRT)",
            "guarded: its child is gone: it saw the pipe close",
        ],
    );
}

#[test]
fn a_pipe_carries_framed_requests_and_replies() {
    assert_lines(
        &run_with("09_processes_ipc", &["pipe"]),
        &[
            "sent Square(3), got back Some(Squared(9))",
            "sent Square(4), got back Some(Squared(16))",
            "sent Square(12), got back Some(Squared(144))",
        ],
    );
}

#[test]
fn the_frame_reader_tells_a_clean_end_from_a_cut_frame() {
    assert_lines(
        &run_with("09_processes_ipc", &["endings"]),
        &[
            "a whole frame, then the end: Squared(9), then a clean end",
            // The writer died after two bytes of the length: not a clean end.
            "the end inside the length: error UnexpectedEof",
            "the end inside the message: error UnexpectedEof",
            "a length over the limit: error InvalidData",
        ],
    );
}

#[test]
fn workers_sharing_a_queue_do_every_task_once() {
    let lines = run_with("09_processes_ipc", &["queue"]);
    let (last, tasks) = lines.split_last().expect("the queue part prints");
    assert_eq!(last, "9 tasks, each done once");
    // Which worker took which task is the scheduler's choice; the tasks and squares are not.
    let without_worker: Vec<String> = tasks
        .iter()
        .map(|line| {
            let (task, worker) = line.split_once(", by worker ").expect("`…, by worker N`");
            assert!(["1", "2", "3"].contains(&worker), "{line}");
            task.to_string()
        })
        .collect();
    let expected: Vec<String> = (1..=9u64).map(|t| format!("task {t}: {}", t * t)).collect();
    assert_eq!(without_worker, expected);
}

#[test]
fn the_manager_loses_no_update() {
    assert_lines(
        &run_with("09_processes_ipc", &["manager"]),
        &[
            "hits = 300",
            "worker 1 updates = 100",
            "worker 2 updates = 100",
            "worker 3 updates = 100",
        ],
    );
}

#[test]
fn atomics_in_shared_memory_count_and_store_for_every_process() {
    assert_lines(
        &run_with("09_processes_shared_memory", &["value", "array"]),
        &[
            "4 workers × 100000 increments: 400000",
            "the array after the workers: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121]",
        ],
    );
}

#[test]
fn a_lock_file_keeps_every_update_and_the_semaphore_admits_two() {
    assert_lines(
        &run_with("09_processes_shared_memory", &["lock", "semaphore"]),
        &[
            "4 workers × 200 locked updates of a file: 800",
            // Had the crashed worker's permit been lost, the rest could hold only one.
            "a worker died holding a permit: true",
            "4 workers, 2 permits: at most 2 held at once",
        ],
    );
}

#[test]
fn closing_a_pipe_wakes_every_waiting_process() {
    let lines = run_with("09_processes_shared_memory", &["event"]);
    assert_eq!(lines[0], "setting the event after 100 ms");
    assert_same_lines(
        &lines[1..],
        &[
            "worker 0 saw the event",
            "worker 1 saw the event",
            "worker 2 saw the event",
            "worker 3 saw the event",
        ],
    );
}

#[test]
fn the_pool_returns_results_in_input_order() {
    assert_lines(
        &run_with("09_processes_pool", &["map"]),
        &["1 → 1", "2 → 4", "3 → 9", "4 → 16", "6 → 36", "8 → 64"],
    );
}

/// The pool's events with the worker slot taken out: which slot met a task is the
/// scheduler's choice.
fn events(lines: &[String]) -> Vec<String> {
    let mut events: Vec<String> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("event: worker "))
        .map(|rest| rest.split_once(", ").expect("`N, task …`").1.to_string())
        .collect();
    events.sort();
    events
}

#[test]
fn workers_that_abort_cost_only_their_own_task() {
    let lines = run_with("09_processes_pool", &["crash"]);
    let died = "the worker died (killed by signal 6 (SIGABRT))";
    let results: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with("event: "))
        .map(String::as_str)
        .collect();
    let failed = format!("13 → failed: {died}; then {died}");
    assert_eq!(
        results,
        [
            "1 → 1",
            "2 → 4",
            "3 → 9",
            "4 → 16",
            "5 → 25",
            "6 → 36",
            "8 → 64",
            "9 → 81",
            "10 → 100",
            "11 → 121",
            "12 → 144",
            &failed,
            "14 → 196",
        ],
        "every other task's result arrives, in input order; 5 succeeds on its retry"
    );
    assert_eq!(
        events(&lines),
        [
            format!("task 13, attempt 1: {died}; restarting"),
            format!("task 13, attempt 2: {died}; restarting"),
            format!("task 5, attempt 1: {died}; restarting"),
        ]
    );
}

#[test]
fn a_hung_worker_is_killed_at_the_deadline_and_the_rest_finish() {
    let lines = run_with("09_processes_pool", &["hang"]);
    let timed_out = "no answer within 300ms";
    let results: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with("event: "))
        .map(String::as_str)
        .collect();
    let failed = format!("7 → failed: {timed_out}; then {timed_out}");
    assert_eq!(results, ["1 → 1", "2 → 4", &failed, "3 → 9", "4 → 16"]);
    assert_eq!(
        events(&lines),
        [
            format!("task 7, attempt 1: {timed_out}; restarting"),
            format!("task 7, attempt 2: {timed_out}; restarting"),
        ]
    );
}
