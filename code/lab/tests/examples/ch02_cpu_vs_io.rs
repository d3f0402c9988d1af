//! Chapter 2, `book/02-cpu-vs-io.md`: pools, CPU time vs wall time, the strategies.

use lab::workloads::cpu_task;

use crate::support::{assert_lines, run};

#[test]
fn square_pools_return_results_in_input_order() {
    assert_lines(
        &run("02_cpu_vs_io_square_pools"),
        &[
            "ThreadPool results: [1, 4, 9, 16, 25]",
            "ProcessPool results: [1, 4, 9, 16, 25]",
        ],
    );
}

#[test]
fn cpu_vs_wall_inlines_the_same_cpu_task_and_measures_both_tasks() {
    let out = run("02_cpu_vs_io_cpu_vs_wall");
    assert_eq!(out.len(), 4, "output: {out:#?}");
    // The example's inline copy of cpu_task must compute what the library's does.
    assert_eq!(out[2], format!("cpu_task(3) = {}", cpu_task(3)));
    let sum: u64 = (0..20).map(cpu_task).sum();
    assert_eq!(out[3], format!("sum of cpu_task(0..20) = {sum}"));
    // The two measurements: their numbers vary, their shape does not. No timing is checked.
    for (line, label) in out[..2]
        .iter()
        .zip(["cpu_task(0..20): wall ", "3 waits of 100 ms: wall "])
    {
        assert!(
            line.starts_with(label),
            "{line:?} should start with {label:?}"
        );
        assert!(
            line.contains("CPU/wall") || line.ends_with("CPU time is not available on this OS"),
            "{line:?} should give CPU/wall or say CPU time is unavailable"
        );
    }
}

#[test]
fn rayon_threads_and_serial_agree_with_the_library() {
    let expected: u64 = (0..16).map(cpu_task).sum();
    assert_lines(
        &run("02_cpu_vs_io_rayon"),
        &[
            &format!("serial:  sum of cpu_task(0..16) = {expected}"),
            &format!("threads: sum of cpu_task(0..16) = {expected}"),
            &format!("rayon:   sum of cpu_task(0..16) = {expected}"),
            "All three strategies agree.",
        ],
    );
}

#[test]
fn tokio_runs_a_thousand_waits_on_one_thread() {
    let out = run("02_cpu_vs_io_tokio_waits");
    assert_eq!(out.len(), 3, "output: {out:#?}");
    assert_eq!(out[0], "1000 tasks finished");
    assert_eq!(out[1], "OS threads that ran them: 1");
    assert!(out[2].starts_with("wall time: "), "{:?}", out[2]);
}
