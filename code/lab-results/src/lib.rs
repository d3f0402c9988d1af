//! The `results.json` contract between the measurement suite (`lab`, the writer) and the
//! book's preprocessor (`mdbook-lab`, the reader). The book's appendix documents it; bump
//! [`SCHEMA`] on any change that an old reader would misread.
//!
//! A crate of its own, with serde and statrs alone, so that the preprocessor does not compile
//! (or relink on every chapter edit) the suite's runtimes and thread pools.
//!
//! Every experiment carries everything needed to read it on its own: the machine and run
//! that measured it, how many rounds it took, its own parallel ceiling, the fingerprint of
//! the code it measured, and every configuration's value in every round. A partial run
//! (`cargo xtask bench cpu-bound`) replaces one experiment and keeps the others.

mod display;
mod estimate;
mod fingerprint;
mod trace;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

pub use display::grouped;
pub use estimate::{CONFIDENCE, Estimate, MIN_FOR_INTERVAL};
pub use fingerprint::{Source, fingerprint, fingerprints, stale_because};
pub use trace::{Span, SpanKind, TRACE_SCHEMA, Trace, TraceLane, Traces};

/// The version of this format. Readers reject any other.
pub const SCHEMA: u32 = 3;

/// Where `cargo xtask bench` writes the results, relative to the repository root.
pub const DEFAULT_PATH: &str = "target/lab/results.json";

// ANCHOR: schema
/// Every experiment measured so far, each with the run that measured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`SCHEMA`].
    pub schema: u32,
    /// Experiments by stable ID (`cpu-bound`, `io-bound`, …).
    pub experiments: BTreeMap<String, Experiment>,
}

/// One experiment: a workload measured under several strategies, in interleaved rounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// A short human title.
    pub title: String,
    /// What each task does.
    pub workload: String,
    /// The unit of every point's value: `s` for elapsed seconds (see [`MetricInfo::unit`]).
    pub unit: String,
    /// What every point's value is, in a reader's words: `time`, `rate`, `resident memory`.
    pub value_name: String,
    /// What varies along the x axis: `workers`, `tasks`, or the name of a key in
    /// [`Point::params`] (such as `switch_us`).
    pub x: String,
    /// How the x axis is labelled on the page, e.g. `workers` or `switch interval (µs)`.
    pub x_label: String,
    /// How a sentence names one x, with `{}` where the number goes: `at {} producers`,
    /// `with a {} µs switch interval`.
    pub x_phrase: String,
    /// The display name and unit of each extra metric of [`Point::extra`], by key: the key is
    /// for claims to name, never for the page to show.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, MetricInfo>,
    /// The strategy speedups are read against, if any (`serial`).
    pub baseline: Option<String>,
    /// Whether the work needs CPUs, so that the parallel ceiling bounds its speedup.
    pub cpu_bound: bool,
    /// Facts about how it was measured that a reader must know (what was left out and why).
    pub notes: Vec<String>,
    /// The machine and the suite run that measured this experiment.
    pub machine: Machine,
    /// How the rounds went: how many, and how tight the intervals got.
    pub sampling: Sampling,
    /// The code this experiment measures, by path from the repository root, each with a
    /// hash of its text (comments and tests left out). A changed hash means stale results.
    pub sources: BTreeMap<String, String>,
    /// CPU-bound experiments only: the parallel ceiling measured in this experiment's own
    /// rounds, so that its speedups are read against the machine as it was at the time.
    /// Each round's figure takes the median of that round's all-CPU spins.
    pub ceiling: Option<PerRound>,
    /// One point per measured configuration.
    pub series: Vec<Point>,
}

/// How the page names an extra metric, and the unit of its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricInfo {
    /// A table header and a claim's words: `spawning`, `90th percentile`, `hand-offs per
    /// second`.
    pub name: String,
    /// `s` (seconds, scaled to ms, µs or ns on the page), `B` (bytes), `B/s`, `msg/s`, `×` (a
    /// multiple), or empty for a plain count.
    pub unit: String,
}

/// The machine, and the suite run that measured an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// Logical CPUs the process may use.
    pub logical_cpus: usize,
    /// Operating system and architecture.
    pub os: String,
    /// `rustc -V` of the toolchain that built the suite.
    pub rustc: String,
    /// When this experiment's measurement started (RFC 3339, UTC).
    pub date: String,
    /// `quick` or `full`.
    pub mode: String,
    /// Whether the run was deliberately disturbed (`--disturb`).
    pub disturbed: bool,
    /// The suite run's calibration: throughput of `logical_cpus` busy threads over one.
    pub parallel_ceiling: Estimate,
    /// Share of all CPU time the host took away ("steal") while the experiment ran, where
    /// the kernel reports it.
    pub steal: Option<f64>,
}

/// How an experiment's rounds went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    /// Seed of the shuffles that ordered each round's trials.
    pub seed: u64,
    /// Untimed rounds before the measured ones.
    pub warmup_rounds: usize,
    /// Measured rounds: every configuration ran once in each.
    pub rounds: usize,
    /// The precision aimed at: each interval within ± this share of its median.
    pub target: f64,
    /// The precision reached: the widest interval's half-width as a share of its median;
    /// absent when some median was zero, which no share can be taken of.
    pub reached: Option<f64>,
    /// The seconds the experiment may take before it stops adding rounds.
    pub budget_s: f64,
    /// The seconds it took, warm-up included.
    pub elapsed_s: f64,
}

/// A quantity measured once per round, with its median and 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerRound {
    /// The median over the rounds, and its interval.
    #[serde(flatten)]
    pub estimate: Estimate,
    /// The value in each round, in round order.
    pub rounds: Vec<f64>,
}

/// One measured configuration of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// How the work was run: `serial`, `threads`, `rayon`, `tokio`, …
    pub strategy: String,
    /// Threads (or tasks) doing the work at once.
    pub workers: usize,
    /// Units of work in one run.
    pub tasks: usize,
    /// Other settings of this configuration (e.g. `switch_us`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, u64>,
    /// The measured value (elapsed time, or what a self-timed trial reports), per round.
    pub value: PerRound,
    /// CPU-bound experiments, more than one worker: the ceiling measured right before this
    /// configuration in each round, which its share of the ceiling is read against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<PerRound>,
    /// The per-round ratio of the baseline's value to this one's, in the same round.
    pub speedup: Option<Estimate>,
    /// The per-round speedup over `min(workers, that round's ceiling)`.
    pub ceiling_share: Option<Estimate>,
    /// Other per-run metrics (e.g. `handoffs`), per round.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, PerRound>,
}
// ANCHOR_END: schema

/// What a claim or a table reads from a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// The point's own value (its median time).
    Value,
    /// Its speedup over the baseline, round by round.
    Speedup,
    /// Its speedup as a share of what the machine could give in the same round.
    CeilingShare,
    /// An extra metric, by name.
    Extra(String),
}

impl PerRound {
    /// The values of each round, summarised.
    pub fn of(rounds: Vec<f64>) -> PerRound {
        PerRound {
            estimate: Estimate::of(&rounds),
            rounds,
        }
    }
}

/// The best speedup `workers` busy threads can reach on a machine whose measured ceiling
/// is `ceiling`: one thread's worth per worker, but never more than the ceiling, and never
/// less than one.
pub fn attainable_speedup(workers: usize, ceiling: f64) -> f64 {
    (workers as f64).min(ceiling).max(1.0)
}

/// Amdahl's law: the speedup of a job whose `serial_share` (0 to 1) cannot be split, on a
/// machine that can give `attainable` threads' worth (see [`attainable_speedup`]).
///
/// # Examples
///
/// ```
/// // Half the job serial: two CPUs give 1 / (0.5 + 0.5 / 2) = 1.33×.
/// assert_eq!(lab_results::amdahl_speedup(0.5, 2.0), 1.0 / 0.75);
/// ```
pub fn amdahl_speedup(serial_share: f64, attainable: f64) -> f64 {
    1.0 / (serial_share + (1.0 - serial_share) / attainable)
}

/// Amdahl's law solved for the serial share: the share that would explain `speedup` on a
/// machine that can give `attainable` threads' worth. Undefined (NaN) when `attainable` is 1.
///
/// # Examples
///
/// ```
/// use lab_results::{amdahl_speedup, implied_serial_share};
/// let s = amdahl_speedup(0.1, 2.0);
/// assert!((implied_serial_share(s, 2.0) - 0.1).abs() < 1e-12);
/// ```
pub fn implied_serial_share(speedup: f64, attainable: f64) -> f64 {
    (attainable / speedup - 1.0) / (attainable - 1.0)
}

impl Experiment {
    /// The point of `strategy` at x-value `x` (per [`Experiment::x`]).
    pub fn point(&self, strategy: &str, x: u64) -> Option<&Point> {
        self.series
            .iter()
            .find(|p| p.strategy == strategy && self.x_of(p) == x)
    }

    /// The x-value of `point` along this experiment's x axis.
    pub fn x_of(&self, point: &Point) -> u64 {
        match self.x.as_str() {
            "workers" => point.workers as u64,
            "tasks" => point.tasks as u64,
            param => point.params.get(param).copied().unwrap_or(0),
        }
    }

    /// Strategies in the order they first appear.
    pub fn strategies(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for p in &self.series {
            if !seen.contains(&p.strategy.as_str()) {
                seen.push(&p.strategy);
            }
        }
        seen
    }

    /// The baseline at the same number of tasks and settings as `point`, if measured.
    pub fn baseline_for(&self, point: &Point) -> Option<&Point> {
        let baseline = self.baseline.as_deref()?;
        self.series
            .iter()
            .find(|p| p.strategy == baseline && p.tasks == point.tasks && p.params == point.params)
    }

    /// The measured rounds (every point has one value per round).
    pub fn rounds(&self) -> usize {
        self.series.first().map_or(0, |p| p.value.rounds.len())
    }

    /// `metric` of `point`, round by round; `None` where it does not exist (no baseline at
    /// these tasks, no ceiling, no such extra metric).
    ///
    /// Ratios are taken within a round, never across: a slow spell of the host then slows
    /// both sides of the ratio alike.
    pub fn per_round(&self, point: &Point, metric: &Metric) -> Option<Vec<f64>> {
        match metric {
            Metric::Value => Some(point.value.rounds.clone()),
            Metric::Extra(name) => point.extra.get(name).map(|e| e.rounds.clone()),
            Metric::Speedup => {
                let baseline = self.baseline_for(point)?;
                Some(
                    baseline
                        .value
                        .rounds
                        .iter()
                        .zip(&point.value.rounds)
                        .map(|(b, v)| b / v)
                        .collect(),
                )
            }
            Metric::CeilingShare => {
                let ceiling = point.ceiling.as_ref().or(self.ceiling.as_ref())?;
                let speedups = self.per_round(point, &Metric::Speedup)?;
                Some(
                    speedups
                        .iter()
                        .zip(&ceiling.rounds)
                        .map(|(s, c)| s / attainable_speedup(point.workers, *c))
                        .collect(),
                )
            }
        }
    }

    /// The stored estimate of `metric` for `point`.
    pub fn estimate(&self, point: &Point, metric: &Metric) -> Option<Estimate> {
        match metric {
            Metric::Value => Some(point.value.estimate),
            Metric::Speedup => point.speedup,
            Metric::CeilingShare => point.ceiling_share,
            Metric::Extra(name) => point.extra.get(name).map(|e| e.estimate),
        }
    }

    /// Fills in every point's speedup and ceiling share from the rounds: the suite calls this
    /// once the rounds are measured.
    pub fn derive_ratios(&mut self) {
        let derived: Vec<(Option<Estimate>, Option<Estimate>)> = self
            .series
            .iter()
            .map(|p| {
                let of = |m| self.per_round(p, &m).map(|r| Estimate::of(&r));
                (of(Metric::Speedup), of(Metric::CeilingShare))
            })
            .collect();
        for (point, (speedup, share)) in self.series.iter_mut().zip(derived) {
            point.speedup = speedup;
            point.ceiling_share = share;
        }
    }

    /// Names the run that measured this experiment (its date and seed), so that its traces
    /// are never shown beside results from another run.
    pub fn run_id(&self) -> String {
        format!("{} seed {}", self.machine.date, self.sampling.seed)
    }

    /// The ceiling a chart's "attainable" line is drawn at: this experiment's own where it
    /// measured one, else the suite run's calibration.
    pub fn ceiling_median(&self) -> f64 {
        self.ceiling
            .as_ref()
            .map_or(self.machine.parallel_ceiling.median, |c| c.estimate.median)
    }
}

impl Results {
    /// No experiments yet.
    pub fn empty() -> Results {
        Results {
            schema: SCHEMA,
            experiments: BTreeMap::new(),
        }
    }

    /// Reads and validates a results file. Every failure says which file and what to do.
    pub fn load(path: &Path) -> Result<Results> {
        read_versioned(path, "results", SCHEMA, "cargo xtask bench --quick")
    }

    /// Writes the file whole or not at all.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_whole(path, &serde_json::to_string_pretty(self)?)
    }

    /// Replaces (or adds) each experiment of `newer`, keeping every other one.
    pub fn merge(&mut self, newer: Results) {
        self.experiments.extend(newer.experiments);
    }
}

/// Reads the JSON file of `kind` (`results`, `trace`) at `path`, which must carry `schema`.
/// The schema is read first, so that an old file is called old, not corrupt. Every error
/// names the file and ends with `command`, which makes it again.
fn read_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    kind: &str,
    schema: u32,
    command: &str,
) -> Result<T> {
    let text = fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {kind} file {}; run `{command}` to make it",
            path.display()
        )
    })?;
    let corrupt = || {
        format!(
            "{kind} file {} is corrupt; run `{command}` to make it again",
            path.display()
        )
    };
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    let version: Version = serde_json::from_str(&text).with_context(corrupt)?;
    if version.schema != schema {
        bail!(
            "{kind} file {} has schema {}, this book reads schema {schema}; run `{command}` to \
             make it again",
            path.display(),
            version.schema
        );
    }
    serde_json::from_str(&text).with_context(corrupt)
}

/// Writes `text` to `path` whole or not at all: a temporary file renamed over the old one, so
/// an interrupted run never leaves a half-written file behind.
fn write_whole(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Values for tests and fixture books, where the numbers are made up to exercise a renderer
/// or a check. One constructor each, so that a schema change touches one place.
pub mod fixture {
    use super::*;

    /// A machine with two logical CPUs and a ceiling of `ceiling`, known exactly.
    pub fn machine(ceiling: f64) -> Machine {
        Machine {
            cpu: "Test CPU".into(),
            logical_cpus: 2,
            os: "TestOS".into(),
            rustc: "rustc test".into(),
            date: "2026-11-22T00:00:00Z".into(),
            mode: "quick".into(),
            disturbed: false,
            parallel_ceiling: Estimate::exact(ceiling),
            steal: Some(0.001),
        }
    }

    /// A CPU-bound experiment over `workers` with baseline `serial`, a ceiling of 1.2 in
    /// every round, and the ratios derived from the points' rounds.
    pub fn experiment(series: Vec<Point>) -> Experiment {
        let rounds = series.first().map_or(6, |p| p.value.rounds.len());
        let mut e = Experiment {
            title: "t".into(),
            workload: "w".into(),
            unit: "s".into(),
            value_name: "time".into(),
            x: "workers".into(),
            x_label: "workers".into(),
            x_phrase: "at {} worker{s}".into(),
            metrics: BTreeMap::new(),
            baseline: Some("serial".into()),
            cpu_bound: true,
            notes: vec![],
            machine: machine(1.2),
            sampling: Sampling {
                seed: 1,
                warmup_rounds: 1,
                rounds,
                target: 0.05,
                reached: Some(0.01),
                budget_s: 1.0,
                elapsed_s: 0.5,
            },
            sources: BTreeMap::new(),
            ceiling: Some(PerRound::of(vec![1.2; rounds])),
            series,
        };
        e.derive_ratios();
        e
    }

    /// `p` with the extra metric `key` at `value` in every one of its rounds.
    pub fn with_extra(mut p: Point, key: &str, value: f64) -> Point {
        let rounds = p.value.rounds.len();
        p.extra
            .insert(key.into(), PerRound::of(vec![value; rounds]));
        p
    }

    /// A point whose value in each round is `rounds[i]`.
    pub fn point(strategy: &str, workers: usize, tasks: usize, rounds: Vec<f64>) -> Point {
        Point {
            strategy: strategy.to_string(),
            workers,
            tasks,
            params: BTreeMap::new(),
            value: PerRound::of(rounds),
            ceiling: None,
            speedup: None,
            ceiling_share: None,
            extra: BTreeMap::new(),
        }
    }

    /// A point that took `value` in each of six rounds.
    pub fn uniform(strategy: &str, workers: usize, tasks: usize, value: f64) -> Point {
        point(strategy, workers, tasks, vec![value; 6])
    }

    /// `e` with one more extra metric declared: `key`, shown as `name`, in `unit`.
    pub fn declare(e: &mut Experiment, key: &str, name: &str, unit: &str) {
        let info = MetricInfo {
            name: name.into(),
            unit: unit.into(),
        };
        e.metrics.insert(key.into(), info);
    }

    /// Results holding `experiments`.
    pub fn results(experiments: Vec<(&str, Experiment)>) -> Results {
        Results {
            schema: SCHEMA,
            experiments: experiments
                .into_iter()
                .map(|(id, e)| (id.to_string(), e))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
