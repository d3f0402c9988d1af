//! The workloads the book measures, written once and used by the suite, the tests and (as
//! checked copies) the examples.

use std::hint::black_box;
use std::time::Duration;

/// Iterations of the seeds' `cpu_task` loop: `for i in range(10**6)`.
pub const CPU_TASK_ITERATIONS: u64 = 1_000_000;

/// How long one simulated I/O call blocks: the seeds' `time.sleep`, shortened to 100 ms.
pub const IO_WAIT: Duration = Duration::from_millis(100);

/// The seeds' `cpu_task(n)`: `total += i * n` for `i` in `0..10**6`, returning `total`.
///
/// Pure CPU work: no allocation, no I/O, no shared state.
///
/// # Examples
///
/// ```
/// assert_eq!(lab::workloads::cpu_task(2), 999_999_000_000);
/// ```
pub fn cpu_task(n: u64) -> u64 {
    cpu_task_with(n, CPU_TASK_ITERATIONS)
}

/// [`cpu_task`] with a chosen number of iterations, for calibration and quick tests.
///
/// Never inlined, so that every strategy runs the very same machine code: inlined copies are
/// laid out differently, and a tight loop's alignment alone can move its speed by 10%.
#[inline(never)]
pub fn cpu_task_with(n: u64, iterations: u64) -> u64 {
    let mut total: u64 = 0;
    for i in 0..iterations {
        // black_box, not a plain `i`, because LLVM would otherwise replace the whole loop with
        // its closed form and the "CPU-bound" task would take no time at all.
        total = total.wrapping_add(black_box(i).wrapping_mul(n));
    }
    total
}

/// Iterations `range` of [`cpu_task_with`]'s loop for `n`: the chunks of a split range add up
/// (wrapping) to the whole task. The GIL model runs a long task as chunks, checking its eval
/// breaker between them, as CPython checks between bytecodes.
///
/// Never inlined, for the reason [`cpu_task_with`] gives.
#[inline(never)]
pub fn cpu_task_range(n: u64, range: std::ops::Range<u64>) -> u64 {
    let mut total: u64 = 0;
    for i in range {
        total = total.wrapping_add(black_box(i).wrapping_mul(n));
    }
    total
}

/// A task with almost no work, one multiply and a shift: what running it costs is nearly all
/// overhead, which is what the `pool-overhead` and `granularity` experiments measure.
///
/// Never inlined, for the reason [`cpu_task_with`] gives.
#[inline(never)]
pub fn tiny_task(i: u64) -> u64 {
    // A multiplicative hash, so the sum of many tasks is not a closed form LLVM could fold.
    black_box(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7
}

/// The answer [`cpu_task_with`] must give, in closed form: `n · iterations · (iterations − 1) / 2`.
pub fn cpu_task_expected(n: u64, iterations: u64) -> u64 {
    let triangle = u128::from(iterations) * u128::from(iterations.saturating_sub(1)) / 2;
    (u128::from(n) * triangle) as u64
}

/// The sum of `cpu_task(i)` for `i` in `0..tasks`: the answer every strategy in the
/// `cpu-bound` experiment must reproduce.
pub fn cpu_tasks_expected(tasks: u64, iterations: u64) -> u64 {
    (0..tasks).fold(0u64, |acc, i| {
        acc.wrapping_add(cpu_task_expected(i, iterations))
    })
}

/// One blocking I/O call, simulated: the thread sleeps and uses no CPU, like `time.sleep`.
pub fn blocking_wait(duration: Duration) {
    std::thread::sleep(duration);
}

/// One non-blocking I/O call, simulated: the task yields to the runtime until the timer fires.
pub async fn async_wait(duration: Duration) {
    tokio::time::sleep(duration).await;
}

/// CPU work that takes `duration` of wall time without yielding: a stand-in for parsing,
/// hashing or compressing inside async code (the `blocking-in-async` experiment). Returns
/// how many rounds of [`cpu_task_with`] it ran, which depends on the machine's speed.
///
/// Rounds of 10,000 iterations, not a clock read per iteration, because reading the clock
/// costs more than an iteration; a round takes a few microseconds, so the overrun is as small.
pub fn compute_for(duration: Duration) -> u64 {
    let start = std::time::Instant::now();
    let mut rounds = 0;
    while start.elapsed() < duration {
        black_box(cpu_task_with(rounds, 10_000));
        rounds += 1;
    }
    rounds
}

/// The seeds' `square(n)` without its `time.sleep(1)`: what each pool worker computes.
pub fn square(n: u64) -> u64 {
    n * n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_task_matches_its_closed_form() {
        for n in [0, 1, 7, 1_000] {
            assert_eq!(cpu_task_with(n, 10_000), cpu_task_expected(n, 10_000));
        }
        assert_eq!(cpu_task(3), cpu_task_expected(3, CPU_TASK_ITERATIONS));
    }

    #[test]
    fn chunks_of_a_task_add_up_to_the_task() {
        let whole = cpu_task_with(7, 10_000);
        let chunks = (0..10_000u64)
            .step_by(3_000)
            .map(|from| cpu_task_range(7, from..(from + 3_000).min(10_000)))
            .fold(0, u64::wrapping_add);
        assert_eq!(chunks, whole);
        assert_eq!(cpu_task_range(7, 5..5), 0);
    }

    #[test]
    fn compute_for_computes_for_its_duration() {
        let start = std::time::Instant::now();
        let rounds = compute_for(Duration::from_millis(20));
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert!(rounds > 0, "at least one round runs");
        assert_eq!(compute_for(Duration::ZERO), 0);
    }

    #[test]
    fn cpu_tasks_expected_sums_each_task() {
        let by_hand: u64 = (0..5).map(|n| cpu_task_with(n, 1_000)).sum();
        assert_eq!(cpu_tasks_expected(5, 1_000), by_hand);
    }
}
