//! Rayon's parallel iterators: `par_iter` with `map`, `filter`, `sum` and `reduce`; `collect`
//! against `reduce`; `par_sort`; and `par_chunks`. Each result is checked against the serial
//! iterator's, which is the whole promise: same answer, more cores.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 08_data_parallelism_par_iter

extern crate rayon;

use rayon::prelude::*;

// ANCHOR: here
fn main() {
    let numbers: Vec<u64> = (1..=100_000).collect();

    // map + filter + sum: the serial chain with `iter` swapped for `par_iter`.
    let even_squares: u64 = numbers
        .par_iter()
        .map(|n| n * n)
        .filter(|sq| sq % 2 == 0)
        .sum();
    let serial: u64 = numbers.iter().map(|n| n * n).filter(|sq| sq % 2 == 0).sum();
    println!(
        "sum of even squares: {even_squares} (serial agrees: {})",
        even_squares == serial
    );

    // reduce takes an identity, because each thread starts its own partial result.
    let largest = numbers.par_iter().map(|n| n % 977).reduce(|| 0, u64::max);
    println!("largest n % 977: {largest}");

    // collect keeps the input order: element i of the output comes from element i of the input.
    let labels: Vec<String> = numbers[..5].par_iter().map(|n| format!("#{n}")).collect();
    println!("collect keeps order: {labels:?}");

    // par_sort_unstable: a parallel quicksort; par_sort is stable, as sort is.
    let mut shuffled: Vec<u64> = numbers.iter().map(|n| n * 7919 % 100_003).collect();
    shuffled.par_sort_unstable();
    println!("sorted: {}", shuffled.windows(2).all(|w| w[0] <= w[1]));

    // par_chunks: one job per chunk, for work that wants a slice rather than an element.
    let chunk_sums: Vec<u64> = numbers.par_chunks(25_000).map(|c| c.iter().sum()).collect();
    println!(
        "chunk sums: {chunk_sums:?}, total {}",
        chunk_sums.iter().sum::<u64>()
    );
}
// ANCHOR_END: here
