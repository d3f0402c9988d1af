//! The measurement suite: every experiment the book bakes in, and the runner that measures
//! them honestly (interleaved rounds, paired ratios with 95% intervals, rounds added until
//! the intervals are tight or the budget is spent, and every strategy's answer checked
//! against the others before its time counts).
//!
//! An experiment is a module with a stable `ID` and a `plan` function that lists the
//! configurations to measure as [`Trial`]s, plus a line in [`EXPERIMENTS`] naming the source
//! files its results depend on. The runner knows nothing about workloads.

// Before the modules: each experiment lists its sources with it.
macro_rules! sources {
    ($($path:literal),* $(,)?) => {
        &[$(crate::results::Source {
            path: $path,
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../", $path)),
        }),*]
    };
}

mod amdahl;
mod blocking_in_async;
mod calibration;
mod channels;
mod context_switch;
// The comparison waits on the loopback server's sockets, which loom builds lack (see below).
#[cfg(not(loom))]
mod compare;
#[cfg(not(loom))]
mod compare_memory;
#[cfg(not(loom))]
mod compare_strategies;
mod cpu_bound;
mod cpython_gil_convoy;
mod cpython_gil_cpu;
mod cpython_seeds;
mod disturb;
mod gil_convoy;
pub mod gil_cpu;
mod gil_io;
mod gil_switch;
mod granularity;
mod imbalance;
mod interleave;
mod io_bound;
// tokio leaves out its sockets under `--cfg loom`, which builds this crate to check the GIL
// model: the one experiment that needs them is left out of that build.
#[cfg(not(loom))]
mod io_sockets;
mod ipc;
mod ipc_link;
mod ipc_peer;
mod lock_contention;
#[cfg(not(loom))]
mod loopback;
mod many_waits;
mod memory;
mod memory_per_task;
mod plan;
mod pool_overhead;
mod python;
mod runner;
mod seeds;
mod shm_ring;
mod spawn_cost;
mod strategies;
pub mod worker;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

pub use plan::{Axis, Plan, PlanBuilder, Probe, Sample, Trial};

use crate::machine;
use crate::results::{Results, Source, TRACE_SCHEMA, Traces, fingerprints};
use runner::{Job, Progress};

/// How long and how carefully to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The default for building the book: small N, about three minutes in all.
    Quick,
    /// For publishing: larger N, and eight times the budget.
    Full,
}

/// How much longer the full suite may measure each experiment than the quick one.
const FULL_BUDGET_FACTOR: u32 = 8;

impl Mode {
    /// The name recorded in `results.json`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }

    /// Untimed rounds before the measured ones.
    pub fn warmup_rounds(self) -> usize {
        match self {
            Mode::Quick => 1,
            Mode::Full => 2,
        }
    }
}

/// What an experiment's `plan` function gets to decide its configurations.
#[derive(Debug, Clone, Copy)]
pub struct PlanContext {
    /// Quick or full.
    pub mode: Mode,
    /// Logical CPUs of this machine.
    pub logical_cpus: usize,
}

impl PlanContext {
    /// Worker counts from 1 to twice the logical CPUs: every count up to 4, then the
    /// powers of two and the multiples of half the CPU count, so a 64-CPU machine is not
    /// measured at 128 points.
    pub fn worker_counts(&self) -> Vec<usize> {
        let top = 2 * self.logical_cpus;
        let half = (self.logical_cpus / 2).max(1);
        let mut counts: Vec<usize> = (1..=top)
            .filter(|&k| k <= 4 || k.is_power_of_two() || k % half == 0)
            .collect();
        counts.dedup();
        counts
    }

    /// An experiment's time budget: `quick` in quick mode, eight times that in full mode.
    /// The quick budgets add up to about two minutes on a 2-vCPU machine; with the fewest
    /// rounds every experiment runs, the quick suite takes about three.
    pub fn budget(&self, quick: Duration) -> Duration {
        match self.mode {
            Mode::Quick => quick,
            Mode::Full => quick * FULL_BUDGET_FACTOR,
        }
    }
}

type PlanFn = fn(&PlanContext) -> Plan;

/// How every experiment is measured, and the strategies the calibration and most experiments
/// share: a change here changes every result.
const METHOD: &[Source] = sources![
    "code/lab/src/suite/strategies.rs",
    "code/lab/src/suite/runner.rs",
    "code/lab/src/suite/plan.rs",
    "code/lab/src/suite/calibration.rs",
    "code/lab/src/stats.rs",
    "code/lab-results/src/estimate.rs",
];

/// The GIL model, which every `gil-*` experiment runs.
pub(crate) const GIL_MODEL: &[Source] = sources![
    "code/lab/src/gil/mod.rs",
    "code/lab/src/gil/lock.rs",
    "code/lab/src/gil/sync.rs",
    "code/lab/src/gil/thread.rs",
    "code/lab/src/gil/bytecode.rs",
];

/// One experiment of the suite: each experiment's module defines its own as `ENTRY`.
pub(crate) struct Entry {
    /// Stable ID, the key in `results.json`.
    id: &'static str,
    /// Its configurations.
    plan: PlanFn,
    /// The code its results depend on, besides [`METHOD`].
    sources: &'static [&'static [Source]],
}

/// Every experiment, in the order the suite runs them. A new experiment is a module with an
/// `ENTRY`, declared above, and one line here.
const EXPERIMENTS: &[Entry] = &[
    interleave::ENTRY,
    cpu_bound::ENTRY,
    io_bound::ENTRY,
    gil_cpu::ENTRY,
    gil_io::ENTRY,
    gil_convoy::ENTRY,
    gil_switch::ENTRY,
    cpython_gil_cpu::ENTRY,
    cpython_gil_convoy::ENTRY,
    spawn_cost::ENTRY,
    ipc::THROUGHPUT,
    ipc::LATENCY,
    memory::ENTRY,
    lock_contention::ENTRY,
    channels::ENTRY,
    pool_overhead::ENTRY,
    granularity::ENTRY,
    amdahl::ENTRY,
    imbalance::ENTRY,
    #[cfg(not(loom))]
    io_sockets::ENTRY,
    many_waits::ENTRY,
    memory_per_task::ENTRY,
    blocking_in_async::ENTRY,
    context_switch::ENTRY,
    #[cfg(not(loom))]
    compare::CPU,
    #[cfg(not(loom))]
    compare::IO,
    #[cfg(not(loom))]
    compare::MIXED,
    #[cfg(not(loom))]
    compare_memory::ENTRY,
    seeds::CPU,
    cpython_seeds::CPU,
    seeds::WAITS,
    cpython_seeds::WAITS,
];

impl Entry {
    /// Fingerprints of everything the experiment's results depend on.
    fn fingerprint(&self) -> BTreeMap<String, String> {
        let all: Vec<Source> = self
            .sources
            .iter()
            .flat_map(|s| s.iter())
            .chain(METHOD)
            .copied()
            .collect();
        fingerprints(&all)
    }

    /// Why `existing` cannot stand for this experiment, if it cannot.
    fn stale_because(&self, existing: &Results) -> Option<String> {
        let Some(measured) = existing.experiments.get(self.id) else {
            return Some("not measured yet".into());
        };
        let now = self.fingerprint();
        if measured.sources == now {
            return None;
        }
        let changed: Vec<&str> = now
            .keys()
            .chain(measured.sources.keys())
            .filter(|path| now.get(*path) != measured.sources.get(*path))
            .map(String::as_str)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Some(format!(
            "{} changed since it was measured",
            changed.join(", ")
        ))
    }
}

/// IDs of every experiment the suite knows.
pub fn experiment_ids() -> Vec<&'static str> {
    EXPERIMENTS.iter().map(|e| e.id).collect()
}

/// What one run of the suite measures, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Quick or full.
    pub mode: Mode,
    /// Only these experiments (all when empty).
    pub only: Vec<String>,
    /// Only those whose results are missing from, or stale in, the existing results.
    pub stale_only: bool,
    /// Run a background thread that spins in random bursts (see `disturb.rs`).
    pub disturb: bool,
    /// Seeds every shuffle; each experiment's own seed is derived from it and its ID.
    pub seed: u64,
}

/// The experiments `options` selects, each with why it is measured.
fn select(options: &Options, existing: &Results) -> Result<Vec<(&'static Entry, String)>> {
    for id in &options.only {
        if !EXPERIMENTS.iter().any(|e| e.id == id) {
            bail!(
                "unknown experiment `{id}`; known: {}",
                experiment_ids().join(", ")
            );
        }
    }
    Ok(EXPERIMENTS
        .iter()
        .filter(|e| options.only.is_empty() || options.only.iter().any(|o| o == e.id))
        .filter_map(|e| match (options.stale_only, e.stale_because(existing)) {
            (true, None) => None,
            (_, Some(why)) => Some((e, why)),
            (false, None) => Some((e, "asked for".into())),
        })
        .collect())
}

/// Measures what `options` selects, showing progress on stderr, and returns only the new
/// experiments (merge them into `existing` to keep the rest) and their traces.
pub fn run(options: &Options, existing: &Results) -> Result<Measurement> {
    let chosen = select(options, existing)?;
    if chosen.is_empty() {
        eprintln!("every experiment's results are up to date");
        return Ok(Measurement {
            results: Results::empty(),
            traces: Vec::new(),
        });
    }
    let ctx = PlanContext {
        mode: options.mode,
        logical_cpus: machine::logical_cpus(),
    };
    for (entry, why) in &chosen {
        eprintln!("measuring {}: {why}", entry.id);
    }
    let plans: Vec<(&Entry, Plan)> = chosen.iter().map(|(e, _)| (*e, (e.plan)(&ctx))).collect();
    let calibration = calibration::plan(&ctx);
    let total_ms: u64 = std::iter::once(&calibration)
        .chain(plans.iter().map(|(_, p)| p))
        .map(|p| p.budget.as_millis() as u64)
        .sum();
    let bar = progress_bar(total_ms);
    let started = Instant::now();
    let _disturbance = options
        .disturb
        .then(|| disturb::Disturbance::start(options.seed));

    let job = |plan: Plan, id: &str, machine, sources| {
        let ceiling_trials = plan.cpu_bound.then(|| calibration::trials(&ctx));
        Job {
            plan,
            ceiling_trials,
            seed: seed_for(options.seed, id),
            warmup_rounds: options.mode.warmup_rounds(),
            machine,
            sources,
        }
    };
    // The calibration's own record needs no ceiling: NaN until it has measured one.
    let unknown_ceiling = crate::stats::Estimate::exact(f64::NAN);
    let template = machine::describe(options.mode.name(), options.disturb, unknown_ceiling);
    let mut offset_ms = 0;
    let mut next_progress = |budget: Duration| {
        let progress = Progress {
            bar: &bar,
            offset_ms,
        };
        offset_ms += budget.as_millis() as u64;
        progress
    };

    let budget = calibration.budget;
    let calibrated = runner::measure(
        job(
            calibration,
            "calibration",
            template.clone(),
            BTreeMap::new(),
        ),
        &next_progress(budget),
    )?;
    let ceiling = calibrated
        .experiment
        .ceiling
        .expect("the calibration plan measures a ceiling")
        .estimate;
    let machine = crate::results::Machine {
        parallel_ceiling: ceiling,
        ..template
    };

    let mut measurement = Measurement {
        results: Results::empty(),
        traces: Vec::new(),
    };
    for (entry, plan) in plans {
        let budget = plan.budget;
        let measured = runner::measure(
            job(plan, entry.id, machine.clone(), entry.fingerprint()),
            &next_progress(budget),
        )?;
        if !measured.traces.is_empty() {
            measurement.traces.push(Traces {
                schema: TRACE_SCHEMA,
                experiment: entry.id.to_string(),
                run: measured.experiment.run_id(),
                traces: measured.traces,
            });
        }
        measurement
            .results
            .experiments
            .insert(entry.id.to_string(), measured.experiment);
    }
    bar.finish_and_clear();
    summarise(&measurement.results, started.elapsed());
    Ok(measurement)
}

/// What one run of the suite measured: the experiments, and the timelines they asked for.
#[derive(Debug)]
pub struct Measurement {
    /// The experiments measured (merge them into the results file to keep the others).
    pub results: Results,
    /// One file's worth of traces per experiment that recorded any.
    pub traces: Vec<Traces>,
}

/// Each experiment's own seed: the run's seed mixed with its ID, so that measuring a subset
/// shuffles each experiment as the whole suite would.
fn seed_for(seed: u64, id: &str) -> u64 {
    id.bytes().fold(seed, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn progress_bar(total_ms: u64) -> ProgressBar {
    let bar = ProgressBar::new(total_ms);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {msg}")
            .expect("static template is valid")
            .progress_chars("=> "),
    );
    bar
}

/// One line per experiment on stderr: rounds, precision reached, time taken.
fn summarise(results: &Results, wall: Duration) {
    for (id, e) in &results.experiments {
        let s = &e.sampling;
        let reached = s
            .reached
            .map_or("undefined".into(), |r| format!("±{:.1}%", r * 100.0));
        let ceiling = e.ceiling.as_ref().map_or(String::new(), |c| {
            format!(", ceiling {:.2}", c.estimate.median)
        });
        eprintln!(
            "{id}: {} rounds, widest interval {reached}, {:.1} s of {:.0} s{ceiling}",
            s.rounds, s.elapsed_s, s.budget_s
        );
    }
    eprintln!("suite wall time: {:.1} s", wall.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixture;

    #[test]
    fn worker_counts_reach_twice_the_cpus() {
        let two = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 2,
        };
        assert_eq!(two.worker_counts(), [1, 2, 3, 4]);
        let sixteen = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 16,
        };
        assert_eq!(sixteen.worker_counts(), [1, 2, 3, 4, 8, 16, 24, 32]);
    }

    /// The budgets keep the quick suite, which a fresh clone's first `cargo xtask book` runs,
    /// to about three minutes. An experiment whose trials take long can run past its budget,
    /// because every experiment gets its warm-up and the fewest rounds that give an interval
    /// whatever its budget says; the budgets are what is left for tightening the intervals.
    /// Each chapter's experiments add to it, so a new one must fit or take budget from another.
    /// (Raised from 100 s when the processes chapter added its process series, a process
    /// costing milliseconds where a thread costs microseconds; and from 115 s when the async
    /// chapters added four experiments of 100 ms waits and 200 ms jobs; and from 136 s when the
    /// comparison added every strategy on three workloads, and the seeds' own Python programs
    /// beside their Rust twins.)
    #[test]
    fn quick_budgets_fit_in_about_three_minutes() {
        let ctx = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 2,
        };
        let total: Duration = EXPERIMENTS
            .iter()
            .map(|e| (e.plan)(&ctx).budget)
            .chain([calibration::plan(&ctx).budget])
            .sum();
        assert!(total <= Duration::from_secs(160), "{total:?}");
    }

    fn options(only: &[&str], stale_only: bool) -> Options {
        Options {
            mode: Mode::Quick,
            only: only.iter().map(|s| s.to_string()).collect(),
            stale_only,
            disturb: false,
            seed: 1,
        }
    }

    fn ids(chosen: &[(&Entry, String)]) -> Vec<&'static str> {
        chosen.iter().map(|(e, _)| e.id).collect()
    }

    #[test]
    fn unknown_experiment_is_an_error_naming_the_known_ones() {
        let Err(err) = select(&options(&["cpu-bund"], false), &Results::empty()) else {
            panic!("a misspelt ID must be refused");
        };
        let text = err.to_string();
        assert!(
            text.contains("cpu-bund") && text.contains("cpu-bound"),
            "{text}"
        );
    }

    #[test]
    fn stale_only_measures_what_is_missing_or_changed() {
        let measured = |entry: &Entry| {
            let mut e = fixture::experiment(vec![]);
            e.sources = entry.fingerprint();
            e
        };
        let mut existing = Results::empty();
        for entry in EXPERIMENTS {
            existing
                .experiments
                .insert(entry.id.to_string(), measured(entry));
        }
        // Everything fresh: nothing to measure, unless asked by name.
        assert!(select(&options(&[], true), &existing).unwrap().is_empty());
        let asked = select(&options(&["io-bound"], false), &existing).unwrap();
        assert_eq!(ids(&asked), ["io-bound"]);

        // gil-cpu's code changed, and io-bound was never measured.
        let gil_cpu = existing.experiments.get_mut("gil-cpu").unwrap();
        gil_cpu
            .sources
            .insert("code/lab/src/gil/lock.rs".into(), "0".into());
        existing.experiments.remove("io-bound");
        let chosen = select(&options(&[], true), &existing).unwrap();
        assert_eq!(ids(&chosen), ["io-bound", "gil-cpu"]);
        assert_eq!(chosen[0].1, "not measured yet");
        assert_eq!(
            chosen[1].1,
            "code/lab/src/gil/lock.rs changed since it was measured"
        );
    }

    #[test]
    fn every_source_is_where_the_book_looks_for_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for entry in EXPERIMENTS {
            for path in entry.fingerprint().keys() {
                assert!(root.join(path).is_file(), "{}: {path}", entry.id);
            }
        }
    }

    #[test]
    fn seeds_differ_by_experiment_and_repeat_by_run() {
        assert_eq!(seed_for(7, "cpu-bound"), seed_for(7, "cpu-bound"));
        assert_ne!(seed_for(7, "cpu-bound"), seed_for(7, "io-bound"));
        assert_ne!(seed_for(7, "cpu-bound"), seed_for(8, "cpu-bound"));
    }
}
