//! "Python" work for the model to run: the seeds' `cpu_task`, one work unit per iteration of
//! its loop, each unit made to cost what that iteration costs in CPython.
//!
//! Rust runs `total += i * n` in about a nanosecond; CPython's interpreter loop takes tens of
//! nanoseconds for the same line. The gap matters for the model: the eval breaker is checked
//! once per unit, and a unit as cheap as Rust's would make the GIL's check the main cost. So
//! each unit also spins (on [`black_box`], which the optimiser cannot remove) long enough to
//! cost [`UNIT_NS`], calibrated once per process.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

use super::GilThread;

/// What one work unit costs, in nanoseconds: one iteration of CPython's
/// `for i in range(n): total += i * n`, measured at 31–49 ns on 3.11–3.13.
pub const UNIT_NS: f64 = 40.0;

/// Spins per unit, once calibrated (or set by [`use_unit_spins`]).
static UNIT_SPINS: OnceLock<u32> = OnceLock::new();

/// The seeds' `cpu_task(n)` as "Python" run by `py`: `iterations` work units, checking the
/// eval breaker before each. Returns the same total as [`crate::workloads::cpu_task_with`].
pub fn cpu_task(py: &mut GilThread, n: u64, iterations: u64) -> u64 {
    let spins = unit_spins();
    let mut total = 0u64;
    py.run_bytecode(iterations, |i| total = loop_iteration(total, i, n, spins));
    total
}

/// The same work with no GIL at all, as a free-threaded (PEP 703) build runs it: the same
/// units, no eval-breaker check.
pub fn cpu_task_free_threaded(n: u64, iterations: u64) -> u64 {
    let spins = unit_spins();
    (0..iterations).fold(0, |total, i| loop_iteration(total, i, n, spins))
}

/// One iteration of `total += i * n`, padded to cost [`UNIT_NS`].
#[inline]
fn loop_iteration(total: u64, i: u64, n: u64, spins: u32) -> u64 {
    for s in 0..spins {
        black_box(s);
    }
    total.wrapping_add(black_box(i).wrapping_mul(n))
}

/// Spins per work unit on this machine: measured the first time it is needed.
pub fn unit_spins() -> u32 {
    *UNIT_SPINS.get_or_init(calibrate)
}

/// Sets the spins per unit instead of calibrating, so that worker processes use the same
/// unit as their parent. Ignored if this process already has a value.
pub fn use_unit_spins(spins: u32) {
    let _ = UNIT_SPINS.set(spins);
}

/// Times a run of units with no padding and one with a lot, and solves for the padding that
/// makes a unit cost [`UNIT_NS`]. The best of three runs, as a busy VM only ever adds time.
fn calibrate() -> u32 {
    const UNITS: u64 = 100_000;
    const PROBE_SPINS: u32 = 100;
    let ns_per_unit = |spins: u32| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let total = (0..UNITS).fold(0, |t, i| loop_iteration(t, i, 3, spins));
                black_box(total);
                start.elapsed().as_nanos() as f64 / UNITS as f64
            })
            .fold(f64::INFINITY, f64::min)
    };
    let base = ns_per_unit(0);
    let per_spin = ((ns_per_unit(PROBE_SPINS) - base) / f64::from(PROBE_SPINS)).max(0.01);
    ((UNIT_NS - base) / per_spin).round().clamp(0.0, 10_000.0) as u32
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::gil::Gil;
    use crate::workloads::cpu_task_with;

    #[test]
    fn padded_units_compute_the_workloads_answer() {
        let gil = Gil::new();
        let mut py = gil.thread();
        assert_eq!(cpu_task(&mut py, 7, 10_000), cpu_task_with(7, 10_000));
        assert_eq!(cpu_task_free_threaded(7, 10_000), cpu_task_with(7, 10_000));
    }
}
