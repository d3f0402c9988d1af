//! `imbalance`: tasks of very uneven cost, dealt round-robin to scoped threads (a fixed split)
//! and run by rayon (work stealing). A fixed split finishes when its busiest thread does;
//! stealing lets an idle thread take work from a busy one.
//!
//! The costs are drawn once, from a heavy-tailed distribution with a fixed seed, so every run
//! and every machine measures the same job: most tasks are short and a few are up to
//! [`HEAVIEST`] times longer, like a batch of files where a few are huge.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::strategies::{rayon_pool, round_robin};
use super::{Axis, Entry, Plan, PlanContext, Trial};
use crate::trace::{self, SpanKind};
use crate::workloads::cpu_task_with;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "imbalance",
    plan,
    sources: &[sources![
        "code/lab/src/suite/imbalance.rs",
        "code/lab/src/suite/strategies.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// Tasks per job.
const TASKS: usize = 96;

/// Iterations of the shortest task: the whole job takes about 25 ms on one thread, long enough
/// that waking the pool's threads is a small part of it (see `amdahl.rs`).
const UNIT: u64 = 200_000;

/// The longest task, in units.
const HEAVIEST: u64 = 64;

/// The seed of the costs: fixed, so that the job is the same everywhere.
const COST_SEED: u64 = 2026;

/// Each task's cost in units: Pareto-distributed with shape 1.2 (most near one unit, a few
/// far above), capped at [`HEAVIEST`].
fn costs() -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(COST_SEED);
    (0..TASKS)
        .map(|_| {
            let u: f64 = rng.gen_range(f64::EPSILON..1.0);
            (u.powf(-1.0 / 1.2).floor() as u64).clamp(1, HEAVIEST)
        })
        .collect()
}

/// The share of all the work that round-robin deals to its busiest thread.
fn busiest_share(costs: &[u64], workers: usize) -> f64 {
    let busiest = (0..workers)
        .map(|w| costs.iter().skip(w).step_by(workers).sum::<u64>())
        .max()
        .unwrap_or(0);
    busiest as f64 / costs.iter().sum::<u64>() as f64
}

fn plan(ctx: &PlanContext) -> Plan {
    let costs = costs();
    let workers = ctx.worker_counts();
    let total: u64 = costs.iter().sum();
    let heavy = costs.iter().filter(|&&c| c >= 8).count();
    let dealt: Vec<String> = workers
        .iter()
        .filter(|&&w| w > 1)
        .map(|&w| format!("{:.0}% at {w}", 100.0 * busiest_share(&costs, w)))
        .collect();
    Plan::builder(
        ENTRY.id,
        "Uneven tasks: fixed split vs work stealing",
        Axis::Workers,
    )
    .workload(format!(
        "{TASKS} tasks of cpu_task_with(i, cost × {UNIT}), costs drawn once with seed \
             {COST_SEED}: {total} units in all, {heavy} tasks of 8 units or more, the largest \
             {} units",
        costs.iter().max().copied().unwrap_or(0)
    ))
    .baseline("serial")
    .cpu_bound()
    .note(format!(
        "round-robin: W scoped threads, thread w taking tasks w, w + W, …; its busiest \
             thread gets {} of the work (computed from the costs)",
        dealt.join(", ")
    ))
    .note("rayon: par_iter over the tasks on a W-thread pool; idle threads steal")
    .note(
        "rayon-max-len-1: the same with with_max_len(1), so that every task is a job of its \
         own that an idle thread can steal",
    )
    // Timelines at one thread per logical CPU: each thread has a core of its own, so a gap
    // in a lane is a wait for work, not for a core.
    .note(format!(
        "timelines: one run of each strategy at {} workers (one per logical CPU), each task a \
         running span on the thread that ran it",
        ctx.logical_cpus
    ))
    .budget(ctx.budget(Duration::from_secs(6)))
    .trial({
        let costs = costs.clone();
        Trial::timed("serial", 1, TASKS, move || move || serial(&costs))
    })
    .sweep(&workers, |w| {
        let costs = costs.clone();
        Trial::timed("round-robin", w, TASKS, move || {
            move || dealt_round_robin(&costs, w)
        })
        .traced_if(w == ctx.logical_cpus)
    })
    .sweep(&workers, |w| {
        let costs = costs.clone();
        Trial::timed("rayon", w, TASKS, move || {
            let pool = rayon_pool(w);
            move || pool.install(|| stolen(&costs, usize::MAX))
        })
        .traced_if(w == ctx.logical_cpus)
    })
    .sweep(&workers, |w| {
        let costs = costs.clone();
        Trial::timed("rayon-max-len-1", w, TASKS, move || {
            let pool = rayon_pool(w);
            move || pool.install(|| stolen(&costs, 1))
        })
        .traced_if(w == ctx.logical_cpus)
    })
    .build()
}

fn task(i: usize, cost: u64) -> u64 {
    cpu_task_with(i as u64, cost * UNIT)
}

fn serial(costs: &[u64]) -> u64 {
    costs
        .iter()
        .enumerate()
        .map(|(i, &c)| task(i, c))
        .fold(0, u64::wrapping_add)
}

fn dealt_round_robin(costs: &[u64], workers: usize) -> u64 {
    round_robin(
        costs.len(),
        workers,
        || trace::numbered_lane("scoped thread"),
        |lane, i| {
            let i = i as usize;
            trace::span(lane, SpanKind::Running, || task(i, costs[i]))
        },
    )
}

/// The tasks through `par_iter` on the installed pool, in jobs of at most `max_len` tasks
/// (`usize::MAX`: rayon's own split). When a recording is on, each task is a span on the lane
/// of the pool thread that ran it, so the timeline shows which thread took which task.
fn stolen(costs: &[u64], max_len: usize) -> u64 {
    let lanes = trace::pool_lanes("pool thread", rayon::current_num_threads());
    costs
        .par_iter()
        .with_max_len(max_len)
        .enumerate()
        .map(|(i, &c)| match (&lanes, rayon::current_thread_index()) {
            (Some(lanes), Some(thread)) => lanes.span(thread, SpanKind::Running, || task(i, c)),
            _ => task(i, c),
        })
        .reduce(|| 0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_computes_the_same_sum() {
        // Not while another test records: these threads would add lanes to its recording.
        let _one = crate::trace::one_recording_at_a_time();
        let costs = [1, 5, 1, 1, 3];
        let expected = serial(&costs);
        assert_eq!(dealt_round_robin(&costs, 2), expected);
        for max_len in [1, 2, usize::MAX] {
            assert_eq!(rayon_pool(2).install(|| stolen(&costs, max_len)), expected);
        }
    }

    #[test]
    fn the_costs_are_uneven_and_the_same_every_time() {
        let costs = costs();
        assert_eq!(costs, super::costs());
        assert_eq!(costs.len(), TASKS);
        assert!(costs.iter().all(|&c| (1..=HEAVIEST).contains(&c)));
        let ones = costs.iter().filter(|&&c| c == 1).count();
        assert!(
            ones > TASKS / 2 && costs.iter().any(|&c| c >= 8),
            "{costs:?}"
        );
    }

    #[test]
    fn a_recording_shows_every_task_on_the_thread_that_ran_it() {
        use crate::trace::{Recording, TraceLane};

        let _one = crate::trace::one_recording_at_a_time();
        let costs = [1, 1, 2, 1, 1];
        let spans_by_lane = |lanes: &[TraceLane], prefix: &str| -> Vec<usize> {
            lanes
                .iter()
                .filter(|l| l.label.starts_with(prefix))
                .map(|l| l.spans.len())
                .collect()
        };

        let recording = Recording::start();
        dealt_round_robin(&costs, 2);
        let (lanes, _) = recording.finish();
        let mut dealt = spans_by_lane(&lanes, "scoped thread ");
        dealt.sort_unstable();
        assert_eq!(
            dealt,
            [2, 3],
            "round-robin deals 3 tasks to one thread, 2 to the other"
        );

        let pool = rayon_pool(2);
        let recording = Recording::start();
        pool.install(|| stolen(&costs, usize::MAX));
        let (lanes, _) = recording.finish();
        let stolen = spans_by_lane(&lanes, "pool thread ");
        assert_eq!(stolen.len(), 2, "one lane per pool thread: {stolen:?}");
        assert_eq!(
            stolen.iter().sum::<usize>(),
            costs.len(),
            "one span per task"
        );
    }

    #[test]
    fn busiest_share_is_the_largest_dealt_load() {
        assert_eq!(busiest_share(&[3, 1, 1, 1], 2), 4.0 / 6.0);
        assert_eq!(busiest_share(&[1, 1], 1), 1.0);
    }
}
