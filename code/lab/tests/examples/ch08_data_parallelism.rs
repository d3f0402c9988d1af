//! Chapter 8, `book/08-data-parallelism.md`: parallel iterators, join and scope, and a float
//! sum that depends on how the work was split.

use crate::support::{assert_lines, run};

#[test]
fn parallel_iterators_agree_with_the_serial_ones() {
    let numbers: Vec<u64> = (1..=100_000).collect();
    let even_squares: u64 = numbers.iter().map(|n| n * n).filter(|sq| sq % 2 == 0).sum();
    let chunk_sums: Vec<u64> = numbers.chunks(25_000).map(|c| c.iter().sum()).collect();
    assert_lines(
        &run("08_data_parallelism_par_iter"),
        &[
            &format!("sum of even squares: {even_squares} (serial agrees: true)"),
            "largest n % 977: 976",
            "collect keeps order: [\"#1\", \"#2\", \"#3\", \"#4\", \"#5\"]",
            "sorted: true",
            &format!("chunk sums: {chunk_sums:?}, total 5000050000"),
        ],
    );
}

#[test]
fn join_and_scope_compute_the_serial_answers() {
    assert_lines(
        &run("08_data_parallelism_join_scope"),
        &[
            "join: sum of 1..=1000000 = 500000500000 (serial agrees: true)",
            "scope: [(\"join\", 4), (\"scope\", 5), (\"stealing\", 8)]",
        ],
    );
}

#[test]
fn a_parallel_float_sum_may_differ_and_fixed_chunks_do_not() {
    let out = run("08_data_parallelism_float_sum");
    assert_eq!(out.len(), 4, "{out:#?}");
    // The serial sum is the one Rust's iterator gives, to the last bit.
    let serial: f64 = (1..=1_000_000u32).map(|i| 1.0 / f64::from(i)).sum();
    assert_eq!(out[0], format!("serial:   {serial}"));
    // Whether the parallel sum differs depends on the split; the line must say truly which.
    let parallel: f64 = out[1]
        .strip_prefix("parallel: ")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{:?}", out[1]));
    assert!((parallel - serial).abs() < 1e-9, "close, if not identical");
    assert_eq!(
        out[2],
        format!("identical: {}", parallel.to_bits() == serial.to_bits())
    );
    assert_eq!(
        out[3],
        "fixed chunks give the same bits on every call: true"
    );
}
