//! A floating-point sum reduced in parallel gives a different answer from the serial one:
//! addition of floats is not associative, and rayon groups the additions by how it split the
//! work. The grouping can even change from run to run, as threads steal different pieces.
//! Two fixes: sum integers (exact, so any grouping agrees), or fix the grouping yourself with
//! chunks of a set size, so the answer depends on the data alone.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 08_data_parallelism_float_sum

extern crate rayon;

use rayon::prelude::*;

// ANCHOR: here
fn main() {
    // 1/1 + 1/2 + … + 1/1000000: terms of very different sizes, so each rounding depends on
    // what has been added before.
    let values: Vec<f64> = (1..=1_000_000u32).map(|i| 1.0 / f64::from(i)).collect();

    let serial: f64 = values.iter().sum();
    let parallel: f64 = values.par_iter().sum();
    println!("serial:   {serial}");
    println!("parallel: {parallel}");
    // Usually not: it takes only one addition grouped differently.
    println!("identical: {}", serial.to_bits() == parallel.to_bits());

    // Fixed chunks, summed in order: the grouping no longer depends on the threads.
    let chunked = || -> f64 {
        let partials: Vec<f64> = values.par_chunks(1 << 12).map(|c| c.iter().sum()).collect();
        partials.iter().sum()
    };
    let (first, second) = (chunked(), rayon::join(chunked, chunked));
    println!(
        "fixed chunks give the same bits on every call: {}",
        first.to_bits() == second.0.to_bits() && first.to_bits() == second.1.to_bits()
    );
}
// ANCHOR_END: here
