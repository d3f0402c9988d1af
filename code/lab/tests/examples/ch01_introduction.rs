//! Chapter 1, `book/01-introduction.md`: threads, a worker struct, processes.

use crate::support::{assert_in_order, assert_last_line, assert_lines, assert_same_lines, run};

#[test]
fn two_threads_print_all_their_lines_each_in_order() {
    let out = run("01_introduction_two_threads");
    let numbers = [
        "Number: 1",
        "Number: 2",
        "Number: 3",
        "Number: 4",
        "Number: 5",
    ];
    let letters = [
        "Letter: A",
        "Letter: B",
        "Letter: C",
        "Letter: D",
        "Letter: E",
    ];
    let all: Vec<&str> = numbers
        .iter()
        .chain(&letters)
        .copied()
        .chain(["Threads completed."])
        .collect();
    assert_same_lines(&out, &all);
    assert_in_order(&out, &numbers);
    assert_in_order(&out, &letters);
    assert_last_line(&out, "Threads completed.");
}

#[test]
fn worker_struct_runs_each_worker_on_a_thread_named_after_it() {
    let out = run("01_introduction_worker_struct");
    assert_same_lines(
        &out,
        &[
            "Worker-1 starting (on thread Worker-1)",
            "Worker-2 starting (on thread Worker-2)",
            "Worker-1 finished",
            "Worker-2 finished",
            "Both workers joined.",
        ],
    );
    assert_in_order(
        &out,
        &[
            "Worker-1 starting (on thread Worker-1)",
            "Worker-1 finished",
        ],
    );
    assert_in_order(
        &out,
        &[
            "Worker-2 starting (on thread Worker-2)",
            "Worker-2 finished",
        ],
    );
    assert_last_line(&out, "Both workers joined.");
}

#[test]
fn processes_each_work_then_finish_before_the_parent() {
    let out = run("01_introduction_processes");
    let mut expected = Vec::new();
    for n in 0..3 {
        let (working, done) = (
            format!("Process-{} working on {n}", n + 1),
            format!("Process-{} done.", n + 1),
        );
        assert_in_order(&out, &[&working, &done]);
        expected.extend([working, done]);
    }
    expected.push("All processes finished.".into());
    assert_same_lines(
        &out,
        &expected.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_last_line(&out, "All processes finished.");
}

#[test]
fn lost_update_loses_one_increment_and_fetch_add_does_not() {
    let out = run("01_introduction_lost_update");
    assert_lines(
        &out,
        &[
            "read, then write: 1 after two increments",
            "fetch_add: 2 after two increments",
        ],
    );
}
