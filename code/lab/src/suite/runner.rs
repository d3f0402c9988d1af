//! Measures a [`Plan`] in interleaved rounds.
//!
//! After a warm-up, a *round* runs every trial of the experiment once, in an order shuffled
//! anew each round from a recorded seed. A slow spell of the host (these are shared VMs)
//! then lands on every strategy alike instead of on one, and a speedup is read as the
//! median of per-round ratios against the baseline of the same round. CPU-bound experiments
//! run the calibration in the same rounds: the one-thread spin once per round, and the
//! all-CPU spin right before each parallel trial, so that each trial is read against the
//! ceiling it ran under.
//!
//! Rounds are added until every interval is within ±[`TARGET`] of its median, or the plan's
//! time budget would be overrun by one more round. Before anything is timed, every strategy's
//! answer is checked against the others: a fast wrong answer is not a speedup.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use indicatif::ProgressBar;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::calibration;
use super::plan::{Plan, Probe, Sample, Trial};
use crate::machine::CpuTimes;
use crate::results::{Experiment, Machine, MetricInfo, PerRound, Point, Sampling, Trace};
use crate::stats::{Estimate, MIN_FOR_INTERVAL, Summary};
use crate::trace::Recording;

/// The precision aimed at: every interval within ±5% of its median.
pub(super) const TARGET: f64 = 0.05;

/// A hard stop, whatever the budget: enough rounds for an interval of about ±4% of the
/// spread, and a bound on the size of `results.json`.
const MAX_ROUNDS: usize = 250;

/// One experiment, ready to measure.
pub(super) struct Job {
    /// What to measure.
    pub(super) plan: Plan,
    /// The calibration's trials (one thread, all CPUs) to run in the same rounds, for a
    /// CPU-bound experiment.
    pub(super) ceiling_trials: Option<[Trial; 2]>,
    /// Seeds the shuffles.
    pub(super) seed: u64,
    /// Untimed rounds first.
    pub(super) warmup_rounds: usize,
    /// The machine and run, to be stamped with this experiment's date and steal time.
    pub(super) machine: Machine,
    /// Fingerprints of the code it measures.
    pub(super) sources: BTreeMap<String, String>,
}

/// Where a job's progress goes: the suite's bar, whose length is the sum of the budgets in
/// milliseconds, and where this job's budget starts on it.
pub(super) struct Progress<'a> {
    pub(super) bar: &'a ProgressBar,
    pub(super) offset_ms: u64,
}

/// A trial and everything measured of it so far.
struct Slot {
    strategy: &'static str,
    workers: usize,
    tasks: usize,
    params: BTreeMap<String, u64>,
    traced: bool,
    probe: Probe,
    values: Vec<f64>,
    extra: BTreeMap<String, Vec<f64>>,
    /// For a parallel trial of a CPU-bound experiment: the all-CPU spin's time right before
    /// it, in each round.
    paired_spins: Option<Vec<f64>>,
}

/// The calibration's two trials, run inside a CPU-bound experiment's rounds.
struct Calibration {
    /// Threads of the all-CPU spin: the logical CPUs.
    threads: usize,
    one: Probe,
    all: Probe,
    /// The one-thread spin's time in each round.
    one_values: Vec<f64>,
    /// The all-CPU spin's time in each round, where it runs on its own: when no trial is
    /// paired with it (the machine-wide calibration has no trials).
    all_values: Vec<f64>,
}

/// What a round runs, one unit at a time, in a shuffled order.
#[derive(Debug, Clone, Copy)]
enum Unit {
    /// A trial, right after the all-CPU spin if it is paired with one.
    Trial(usize),
    /// The calibration's one-thread spin.
    OneThread,
    /// The calibration's all-CPU spin, on its own.
    AllThreads,
}

/// An experiment as `results.json` stores it, and the timelines it asked for.
pub(super) struct Measured {
    pub(super) experiment: Experiment,
    pub(super) traces: Vec<Trace>,
}

/// Measures `job`: the experiment as `results.json` stores it, and its traced configurations
/// recorded once more after the rounds.
///
/// Fails if two trials with the same number of tasks compute different answers, or if a
/// self-timed trial reports different extra metrics in different rounds.
pub(super) fn measure(job: Job, progress: &Progress<'_>) -> Result<Measured> {
    let Job {
        plan,
        ceiling_trials,
        seed,
        warmup_rounds,
        machine,
        sources,
    } = job;
    let mut calibration = ceiling_trials.map(|[one, all]| Calibration {
        threads: all.workers,
        one: (one.setup)(),
        all: (all.setup)(),
        one_values: Vec::new(),
        all_values: Vec::new(),
    });
    let mut slots: Vec<Slot> = plan
        .trials
        .into_iter()
        .map(|trial| Slot {
            strategy: trial.strategy,
            workers: trial.workers,
            tasks: trial.tasks,
            params: trial.params,
            traced: trial.traced,
            probe: (trial.setup)(),
            values: Vec::new(),
            extra: BTreeMap::new(),
            // One worker can attain one thread's worth whatever the ceiling: no pairing.
            paired_spins: (calibration.is_some() && trial.workers > 1).then(Vec::new),
        })
        .collect();
    let shell = Experiment {
        title: plan.title,
        workload: plan.workload,
        unit: plan.unit.to_string(),
        value_name: plan.value_name.to_string(),
        x: plan.x.to_string(),
        x_label: plan.x_label.to_string(),
        x_phrase: plan.x_phrase.to_string(),
        metrics: plan
            .metrics
            .iter()
            .map(|&(key, name, unit)| {
                let info = MetricInfo {
                    name: name.to_string(),
                    unit: unit.to_string(),
                };
                (key.to_string(), info)
            })
            .collect(),
        baseline: plan.baseline.map(str::to_string),
        cpu_bound: plan.cpu_bound,
        notes: plan.notes,
        machine: Machine {
            date: crate::machine::now(),
            ..machine
        },
        sampling: Sampling {
            seed,
            warmup_rounds,
            rounds: 0,
            target: TARGET,
            reached: None,
            budget_s: plan.budget.as_secs_f64(),
            elapsed_s: 0.0,
        },
        sources,
        ceiling: None,
        series: Vec::new(),
    };

    let mut units: Vec<Unit> = (0..slots.len()).map(Unit::Trial).collect();
    if calibration.is_some() {
        units.push(Unit::OneThread);
        if !slots.iter().any(|s| s.paired_spins.is_some()) {
            units.push(Unit::AllThreads);
        }
    }
    if slots.is_empty() && calibration.is_none() {
        // Nothing could run here (no python3): the experiment is its notes alone.
        return Ok(Measured {
            experiment: shell,
            traces: Vec::new(),
        });
    }
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut answers: Answers = BTreeMap::new();

    for _ in 0..warmup_rounds {
        units.shuffle(&mut rng);
        for &unit in &units {
            let calibration = calibration.as_mut();
            run_unit(unit, &mut slots, calibration, &mut answers, plan.id, false)?;
        }
    }
    let measuring_since = Instant::now();
    let mut rounds = 0;
    loop {
        units.shuffle(&mut rng);
        for &unit in &units {
            let calibration = calibration.as_mut();
            run_unit(unit, &mut slots, calibration, &mut answers, plan.id, true)?;
        }
        rounds += 1;
        undeclared_metrics(plan.id, &shell, &slots)?;
        let experiment = assemble(&shell, &slots, calibration.as_ref());
        let reached = widest_interval(&experiment);
        let per_round = measuring_since.elapsed() / rounds as u32;
        let spent = started.elapsed();
        report(progress, plan.id, rounds, reached, spent, plan.budget);
        let enough = reached <= TARGET || spent + per_round > plan.budget || rounds >= MAX_ROUNDS;
        if rounds >= MIN_FOR_INTERVAL && enough {
            break;
        }
    }
    let mut experiment = assemble(&shell, &slots, calibration.as_ref());
    let reached = widest_interval(&experiment);
    // JSON has no infinity: an interval around a zero median has no relative width.
    experiment.sampling.reached = reached.is_finite().then_some(reached);
    experiment.sampling.elapsed_s = started.elapsed().as_secs_f64();
    experiment.machine.steal = cpu_before
        .zip(CpuTimes::now())
        .and_then(|(before, after)| after.steal_since(&before));
    // After the rounds, so that recording never runs inside a measured round.
    let traces = slots.iter_mut().filter(|s| s.traced).map(record).collect();
    Ok(Measured { experiment, traces })
}

/// An error for a metric a trial reported and its plan did not declare: the page must name
/// every metric it shows, and the plan is where its name and unit are written.
fn undeclared_metrics(id: &str, shell: &Experiment, slots: &[Slot]) -> Result<()> {
    for slot in slots {
        if let Some(key) = slot
            .extra
            .keys()
            .find(|key| !shell.metrics.contains_key(*key))
        {
            bail!(
                "experiment {id}: {} ×{} reported the metric `{key}`, which its plan does not \
                 declare; add `.metric(\"{key}\", NAME, UNIT)` to the plan",
                slot.strategy,
                slot.workers
            );
        }
    }
    Ok(())
}

/// Runs recorded per traced configuration. One is at the mercy of a noisy neighbour (a
/// recorded run took twice its median while a neighbour ran); the nearest of three to the
/// median is a run like the measured ones.
const RECORDED_RUNS: usize = 3;

/// [`RECORDED_RUNS`] more runs of `slot`, recorded; the trace of the one nearest the median.
fn record(slot: &mut Slot) -> Trace {
    let median = Summary::of(&slot.values).median;
    let distance = |t: &Trace| (t.traced_value - median).abs();
    let mut best = record_once(slot, median);
    for _ in 1..RECORDED_RUNS {
        let next = record_once(slot, median);
        if distance(&next) < distance(&best) {
            best = next;
        }
    }
    best
}

/// One more run of `slot`, recorded.
fn record_once(slot: &mut Slot, untraced_median: f64) -> Trace {
    let recording = Recording::start();
    let (sample, _) = run_once(&mut slot.probe);
    let (lanes, dropped) = recording.finish();
    let duration_ns = lanes
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.end_ns))
        .max()
        .unwrap_or(0);
    Trace {
        strategy: slot.strategy.to_string(),
        workers: slot.workers,
        tasks: slot.tasks,
        params: slot.params.clone(),
        duration_ns,
        traced_value: sample.value,
        recorded_runs: RECORDED_RUNS,
        untraced_median,
        dropped,
        lanes,
    }
}

/// The first answer computed for each number of tasks: by whom, with how many workers.
type Answers = BTreeMap<usize, (&'static str, usize, u64)>;

/// Runs one unit of a round, recording what it measured if `record`.
fn run_unit(
    unit: Unit,
    slots: &mut [Slot],
    calibration: Option<&mut Calibration>,
    answers: &mut Answers,
    id: &str,
    record: bool,
) -> Result<()> {
    match unit {
        Unit::Trial(i) => {
            let slot = &mut slots[i];
            if let (Some(spins), Some(calibration)) = (&mut slot.paired_spins, calibration) {
                // The spin right before the trial, not at some other moment of the round,
                // because a noisy host's slow spells are shorter than a round: the ceiling
                // a trial is read against must be the one it ran under.
                let (spin, _) = run_once(&mut calibration.all);
                if record {
                    spins.push(spin.value);
                }
            }
            run_slot(slot, answers, id, record)
        }
        Unit::OneThread | Unit::AllThreads => {
            let calibration = calibration.expect("calibration units exist only with one");
            let (probe, values) = match unit {
                Unit::OneThread => (&mut calibration.one, &mut calibration.one_values),
                _ => (&mut calibration.all, &mut calibration.all_values),
            };
            let (spin, _) = run_once(probe);
            if record {
                values.push(spin.value);
            }
            Ok(())
        }
    }
}

/// Runs a slot's probe once, checks its answer, and records the sample if `record`.
fn run_slot(slot: &mut Slot, answers: &mut Answers, id: &str, record: bool) -> Result<()> {
    let (sample, answer) = run_once(&mut slot.probe);
    if let Some(answer) = answer {
        let (first, first_workers, expected) =
            *answers
                .entry(slot.tasks)
                .or_insert((slot.strategy, slot.workers, answer));
        if answer != expected {
            bail!(
                "experiment {id}: {} ×{} computed {answer} for {} tasks, but {first} ×{first_workers} computed {expected}",
                slot.strategy,
                slot.workers,
                slot.tasks
            );
        }
    }
    if !record {
        return Ok(());
    }
    let rounds_before = slot.values.len();
    if rounds_before > 0 && !sample.extra.keys().eq(slot.extra.keys()) {
        bail!(
            "experiment {id}: {} ×{} reported metrics {:?} in one round and {:?} in another",
            slot.strategy,
            slot.workers,
            slot.extra.keys().collect::<Vec<_>>(),
            sample.extra.keys().collect::<Vec<_>>()
        );
    }
    slot.values.push(sample.value);
    for (key, value) in sample.extra {
        slot.extra.entry(key).or_default().push(value);
    }
    Ok(())
}

/// Runs the probe once, and returns its answer where it has one.
fn run_once(probe: &mut Probe) -> (Sample, Option<u64>) {
    match probe {
        Probe::Timed(f) => {
            let start = Instant::now();
            let answer = f();
            let value = start.elapsed().as_secs_f64();
            (
                Sample {
                    value,
                    extra: BTreeMap::new(),
                    answer: None,
                },
                Some(answer),
            )
        }
        Probe::SelfTimed(f) => {
            let sample = f();
            let answer = sample.answer;
            (sample, answer)
        }
    }
}

/// The experiment as measured so far: points, the ceilings, and the ratios.
fn assemble(shell: &Experiment, slots: &[Slot], calibration: Option<&Calibration>) -> Experiment {
    let ceilings = |spins: &[f64]| -> Option<Vec<f64>> {
        let c = calibration?;
        Some(
            c.one_values
                .iter()
                .zip(spins)
                .map(|(one, all)| calibration::ceiling(*one, *all, c.threads))
                .collect(),
        )
    };
    let mut experiment = shell.clone();
    experiment.series = slots
        .iter()
        .map(|s| Point {
            strategy: s.strategy.to_string(),
            workers: s.workers,
            tasks: s.tasks,
            params: s.params.clone(),
            value: PerRound::of(s.values.clone()),
            ceiling: s
                .paired_spins
                .as_deref()
                .and_then(ceilings)
                .map(PerRound::of),
            speedup: None,
            ceiling_share: None,
            extra: s
                .extra
                .iter()
                .map(|(k, v)| (k.clone(), PerRound::of(v.clone())))
                .collect(),
        })
        .collect();
    // The experiment's own ceiling, round by round: from the median of that round's all-CPU
    // spins, paired or on their own.
    experiment.ceiling = calibration.and_then(|c| {
        let rounds = c.one_values.len();
        let spins: Vec<f64> = (0..rounds)
            .map(|r| {
                let readings: Vec<f64> = slots
                    .iter()
                    .filter_map(|s| s.paired_spins.as_ref().map(|p| p[r]))
                    .chain(c.all_values.get(r).copied())
                    .collect();
                Summary::of(&readings).median
            })
            .collect();
        ceilings(&spins).map(PerRound::of)
    });
    experiment.sampling.rounds = calibration.map_or_else(
        || slots.first().map_or(0, |s| s.values.len()),
        |c| c.one_values.len(),
    );
    experiment.derive_ratios();
    experiment
}

/// The widest interval, as a share of its median, among what the experiment is read by:
/// each point's speedup (its value where it has no baseline), its share of the ceiling,
/// and the ceiling itself.
pub(super) fn widest_interval(experiment: &Experiment) -> f64 {
    let ceiling = experiment.ceiling.as_ref().map(|c| c.estimate);
    experiment
        .series
        .iter()
        .flat_map(|p| [Some(p.speedup.unwrap_or(p.value.estimate)), p.ceiling_share])
        .chain([ceiling])
        .flatten()
        .map(|e: Estimate| e.relative_half_width())
        .fold(0.0, f64::max)
}

fn report(
    progress: &Progress<'_>,
    id: &str,
    rounds: usize,
    reached: f64,
    spent: Duration,
    budget: Duration,
) {
    let within = if reached.is_finite() {
        format!("±{:.1}%", reached * 100.0)
    } else {
        "not yet defined".into()
    };
    progress.bar.set_message(format!(
        "{id}: round {rounds}, widest interval {within} (target ±{:.0}%)",
        TARGET * 100.0
    ));
    let used = spent.min(budget).as_millis() as u64;
    progress.bar.set_position(progress.offset_ms + used);
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::super::Mode;
    use super::*;
    use crate::results::fixture;

    fn job(trials: Vec<Trial>, budget: Duration) -> Job {
        Job {
            plan: Plan {
                id: "test",
                title: "t".into(),
                workload: "w".into(),
                unit: "s",
                value_name: "time",
                x: "workers",
                x_label: "workers",
                x_phrase: "at {} worker{s}",
                metrics: vec![("calls", "calls", "")],
                baseline: Some("serial"),
                cpu_bound: true,
                notes: vec![],
                budget,
                trials,
            },
            ceiling_trials: None,
            seed: 42,
            warmup_rounds: Mode::Quick.warmup_rounds(),
            machine: fixture::machine(2.0),
            sources: BTreeMap::new(),
        }
    }

    fn measured(j: Job) -> Result<Experiment> {
        measured_with_traces(j).map(|m| m.experiment)
    }

    fn measured_with_traces(j: Job) -> Result<Measured> {
        let bar = ProgressBar::hidden();
        measure(
            j,
            &Progress {
                bar: &bar,
                offset_ms: 0,
            },
        )
    }

    #[test]
    fn a_traced_trial_is_recorded_after_the_rounds_and_the_run_nearest_the_median_kept() {
        use crate::trace::{self, SpanKind};
        use std::time::Instant;

        let _one = crate::trace::one_recording_at_a_time();
        // A trial that records a lane whenever a recording is on, and counts its runs.
        let runs = Rc::new(Cell::new(0u32));
        let recorded = Rc::new(Cell::new(0u32));
        let (r1, r2) = (runs.clone(), recorded.clone());
        let traced = Trial::self_timed("threads", 2, 1, move || {
            move || {
                r1.set(r1.get() + 1);
                // Untraced runs take 2; recorded ones 9, 3 and 5: the second is nearest.
                let mut value = 2.0;
                if let Some(mut lane) = trace::lane("runner-test lane") {
                    r2.set(r2.get() + 1);
                    value = [9.0, 3.0, 5.0][r2.get() as usize - 1];
                    let now = Instant::now();
                    let length = Duration::from_micros(value as u64);
                    lane.record(SpanKind::Running, now, now + length);
                }
                Sample {
                    value,
                    extra: BTreeMap::new(),
                    answer: None,
                }
            }
        })
        .traced();
        let m = measured_with_traces(job(
            vec![counting("serial", 1, |_| 4.0), traced],
            Duration::from_secs(60),
        ))
        .unwrap();
        // Recorded in extra runs only, never inside the rounds.
        assert_eq!(recorded.get() as usize, RECORDED_RUNS);
        assert_eq!(
            runs.get() as usize,
            1 + m.experiment.sampling.rounds + RECORDED_RUNS
        );
        assert_eq!(m.traces.len(), 1, "only the traced trial");
        let trace = &m.traces[0];
        assert_eq!((trace.strategy.as_str(), trace.workers), ("threads", 2));
        assert_eq!((trace.traced_value, trace.untraced_median), (3.0, 2.0));
        assert_eq!(trace.recorded_runs, RECORDED_RUNS);
        let lane = trace
            .lanes
            .iter()
            .find(|l| l.label == "runner-test lane")
            .expect("the trial's lane");
        assert_eq!(
            lane.spans[0].end_ns - lane.spans[0].start_ns,
            3_000,
            "the lanes of the run kept"
        );
    }

    /// A self-timed trial that reports `value(call)` on its `call`-th run (1-based).
    fn counting(
        strategy: &'static str,
        workers: usize,
        value: impl Fn(u64) -> f64 + 'static,
    ) -> Trial {
        let mut calls = 0u64;
        Trial::self_timed(strategy, workers, 1, move || {
            move || {
                calls += 1;
                Sample {
                    value: value(calls),
                    extra: BTreeMap::from([("calls".to_string(), calls as f64)]),
                    answer: None,
                }
            }
        })
    }

    #[test]
    fn the_warm_up_is_not_recorded_and_precise_values_stop_at_the_minimum() {
        let e = measured(job(
            vec![
                counting("serial", 1, |call| if call == 1 { 99.0 } else { 2.0 }),
                counting("threads", 2, |_| 1.0),
            ],
            Duration::from_secs(60),
        ))
        .unwrap();
        // Exact values converge at once, so the runner stops at the fewest rounds that give
        // an interval; the warm-up's 99 is nowhere.
        assert_eq!(e.sampling.rounds, MIN_FOR_INTERVAL);
        assert_eq!(e.series[0].value.rounds, vec![2.0; MIN_FOR_INTERVAL]);
        assert_eq!(e.series[1].speedup, Some(Estimate::exact(2.0)));
        assert_eq!(e.sampling.reached, Some(0.0));
        // Each trial ran once per round: the extra metric counted 2..=7.
        assert_eq!(
            e.series[0].extra["calls"].rounds,
            (2..=7).map(f64::from).collect::<Vec<_>>()
        );
    }

    #[test]
    fn noisy_values_add_rounds_until_the_budget_or_the_hard_stop() {
        // Alternating 1 and 3: the median's interval never gets within ±5%.
        let noisy = |call: u64| if call.is_multiple_of(2) { 1.0 } else { 3.0 };
        let e = measured(job(
            vec![
                counting("serial", 1, |_| 2.0),
                counting("threads", 2, noisy),
            ],
            Duration::ZERO,
        ))
        .unwrap();
        // A zero budget still measures the minimum, then stops.
        assert_eq!(e.sampling.rounds, MIN_FOR_INTERVAL);
        assert!(e.sampling.reached.unwrap() > TARGET);

        // A minute is far more than 250 rounds of these take: the hard stop ends it.
        let e = measured(job(
            vec![
                counting("serial", 1, |_| 2.0),
                counting("threads", 2, noisy),
            ],
            Duration::from_secs(60),
        ))
        .unwrap();
        assert_eq!(e.sampling.rounds, MAX_ROUNDS);
        assert!(e.sampling.reached.unwrap() > TARGET);
    }

    #[test]
    fn rounds_are_interleaved_in_a_seeded_shuffle() {
        let log: Rc<std::cell::RefCell<Vec<&str>>> = Rc::default();
        let trial = |name: &'static str| {
            let log = log.clone();
            Trial::self_timed(name, 1, 1, move || {
                move || {
                    log.borrow_mut().push(name);
                    Sample {
                        value: 1.0,
                        extra: BTreeMap::new(),
                        answer: None,
                    }
                }
            })
        };
        let e = measured(job(
            vec![trial("a"), trial("b"), trial("c")],
            Duration::from_secs(60),
        ))
        .unwrap();
        let runs = log.borrow().clone();
        // Every round (the warm-up too) runs each trial exactly once …
        for round in runs.chunks(3) {
            let mut names = round.to_vec();
            names.sort_unstable();
            assert_eq!(names, ["a", "b", "c"]);
        }
        assert_eq!(runs.len(), 3 * (1 + e.sampling.rounds));
        // … and not always in the same order.
        assert!(runs.chunks(3).any(|r| r != &runs[..3]));
    }

    #[test]
    fn the_ceiling_is_measured_in_the_same_rounds() {
        let mut j = job(
            vec![
                counting("serial", 1, |_| 1.0),
                counting("threads", 2, |_| 0.5),
            ],
            Duration::from_secs(60),
        );
        // One thread takes 1.0, two threads take 1.25 for twice the work: ceiling 1.6.
        j.ceiling_trials = Some([
            counting("spinning", 1, |_| 1.0),
            counting("spinning", 2, |_| 1.25),
        ]);
        let e = measured(j).unwrap();
        assert_eq!(e.ceiling.as_ref().unwrap().estimate, Estimate::exact(1.6));
        assert_eq!(e.series.len(), 2, "calibration trials are not points");
        // Speedup 2.0 against an attainable 1.6, from the spin paired with the trial.
        assert_eq!(e.series[1].ceiling_share, Some(Estimate::exact(1.25)));
        assert_eq!(
            e.series[1].ceiling.as_ref().unwrap().estimate,
            Estimate::exact(1.6)
        );
        assert!(e.series[0].ceiling.is_none(), "one worker needs no ceiling");
    }

    #[test]
    fn each_parallel_trial_runs_right_after_an_all_cpu_spin() {
        let log: Rc<std::cell::RefCell<Vec<String>>> = Rc::default();
        let logged = |name: &'static str, workers: usize| {
            let log = log.clone();
            Trial::self_timed(name, workers, 1, move || {
                move || {
                    log.borrow_mut().push(format!("{name}×{workers}"));
                    Sample {
                        value: 1.0,
                        extra: BTreeMap::new(),
                        answer: None,
                    }
                }
            })
        };
        let mut j = job(
            vec![
                logged("serial", 1),
                logged("threads", 2),
                logged("rayon", 3),
            ],
            Duration::from_secs(60),
        );
        j.ceiling_trials = Some([logged("spinning", 1), logged("spinning", 2)]);
        let e = measured(j).unwrap();
        let runs = log.borrow().clone();
        let count = |name: &str| runs.iter().filter(|r| *r == name).count();
        let rounds = 1 + e.sampling.rounds;
        // Per round: each trial once, the one-thread spin once, an all-CPU spin per
        // parallel trial, and no other all-CPU spin.
        assert_eq!(count("serial×1"), rounds);
        assert_eq!(count("spinning×1"), rounds);
        assert_eq!(count("spinning×2"), 2 * rounds);
        for (i, run) in runs.iter().enumerate() {
            if run == "threads×2" || run == "rayon×3" {
                assert_eq!(runs[i - 1], "spinning×2", "{runs:?}");
            }
            if run == "spinning×2" {
                assert!(runs[i + 1] == "threads×2" || runs[i + 1] == "rayon×3");
            }
        }
    }

    #[test]
    fn disagreeing_answers_fail_the_run() {
        let e = measured(job(
            vec![
                Trial::timed("serial", 1, 4, || || 10),
                Trial::timed("threads", 2, 4, || || 11),
            ],
            Duration::from_secs(60),
        ))
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("threads ×2 computed 11") || text.contains("serial ×1 computed 10"),
            "{text}"
        );
    }

    #[test]
    fn a_self_timed_trial_s_answer_is_checked_too() {
        let answering = |answer| {
            move || {
                move || Sample {
                    value: 1.0,
                    extra: BTreeMap::new(),
                    answer: Some(answer),
                }
            }
        };
        let e = measured(job(
            vec![
                Trial::timed("serial", 1, 4, || || 10),
                Trial::self_timed("per-op", 2, 4, answering(12)),
            ],
            Duration::from_secs(60),
        ))
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("per-op ×2 computed 12") || text.contains("serial ×1 computed 10"),
            "{text}"
        );
        // Agreeing answers measure as usual.
        let agreed = measured(job(
            vec![
                Trial::timed("serial", 1, 4, || || 10),
                Trial::self_timed("per-op", 2, 4, answering(10)),
            ],
            Duration::from_secs(60),
        ));
        assert!(agreed.is_ok(), "{agreed:?}");
    }

    #[test]
    fn metrics_that_come_and_go_fail_the_run() {
        let calls = Cell::new(0u64);
        let calls = Rc::new(calls);
        let flaky = Trial::self_timed("serial", 1, 1, move || {
            move || {
                calls.set(calls.get() + 1);
                let extra = if calls.get() > 3 {
                    BTreeMap::new()
                } else {
                    BTreeMap::from([("calls".to_string(), 1.0)])
                };
                Sample {
                    value: 1.0,
                    extra,
                    answer: None,
                }
            }
        });
        let err = measured(job(vec![flaky], Duration::from_secs(60))).unwrap_err();
        assert!(err.to_string().contains("reported metrics"), "{err}");
    }

    /// A serial trial that reports the extra metric `key` in every round.
    fn reporting(key: &'static str) -> Trial {
        Trial::self_timed("serial", 1, 1, move || {
            move || Sample {
                value: 1.0,
                extra: BTreeMap::from([(key.to_string(), 2.0)]),
                answer: None,
            }
        })
    }

    #[test]
    fn a_metric_the_plan_does_not_name_fails_the_run() {
        let err = measured(job(vec![reporting("handoffs")], Duration::from_secs(60))).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("reported the metric `handoffs`, which its plan does not declare"),
            "{text}"
        );
    }

    #[test]
    fn the_plan_names_its_metrics_and_its_axis_in_the_results() {
        let e = measured(job(vec![reporting("calls")], Duration::from_secs(60))).unwrap();
        assert_eq!(e.metrics["calls"].name, "calls");
        assert_eq!(e.metrics["calls"].unit, "");
        assert_eq!(
            (e.value_name.as_str(), e.x_phrase.as_str()),
            ("time", "at {} worker{s}")
        );
    }
}
