//! The `results.json` contract between the measurement suite (writer) and the book's
//! preprocessor (reader). The book's appendix documents it; bump [`SCHEMA`] on any change
//! that an old reader would misread.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The version of this format. Readers reject any other.
pub const SCHEMA: u32 = 1;

/// Where `cargo xtask bench` writes the results, relative to the repository root.
pub const DEFAULT_PATH: &str = "target/lab/results.json";

// ANCHOR: schema
/// Everything one run of the suite measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`SCHEMA`].
    pub schema: u32,
    /// The machine the numbers belong to.
    pub machine: Machine,
    /// Experiments by stable ID (`cpu-bound`, `io-bound`, …).
    pub experiments: BTreeMap<String, Experiment>,
}

/// The machine and the run that produced a results file.
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
    /// When the run started (RFC 3339, UTC).
    pub date: String,
    /// `quick` or `full`.
    pub mode: String,
    /// Measured throughput of `logical_cpus` busy threads over one busy thread.
    pub parallel_ceiling: f64,
}

/// One experiment: a workload measured under several strategies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// A short human title.
    pub title: String,
    /// What each task does.
    pub workload: String,
    /// The unit of `median`, `min` and `max`: `s` for elapsed seconds.
    pub unit: String,
    /// What varies along the x axis: `workers`, `tasks`, or the name of a key in
    /// [`Point::params`] (such as `switch_us`).
    pub x: String,
    /// How the x axis is labelled on the page, e.g. `workers` or `switch interval (µs)`.
    pub x_label: String,
    /// The strategy speedups are read against, if any (`serial`).
    #[serde(default)]
    pub baseline: Option<String>,
    /// Whether the work needs CPUs, so that the parallel ceiling bounds its speedup.
    pub cpu_bound: bool,
    /// Facts about how it was measured that a reader must know (what was left out and why).
    #[serde(default)]
    pub notes: Vec<String>,
    /// One point per measured configuration.
    pub series: Vec<Point>,
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
    /// Median over the samples.
    pub median: f64,
    /// Fastest sample.
    pub min: f64,
    /// Slowest sample.
    pub max: f64,
    /// 90th percentile over the samples.
    #[serde(default)]
    pub p90: Option<f64>,
    /// Number of samples (warm-up runs excluded).
    pub samples: usize,
    /// Other per-run metrics, each the median over the samples (e.g. `handoffs`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, f64>,
}
// ANCHOR_END: schema

impl Point {
    /// A point whose every sample took `median`, with no p90 and no extra metrics: for
    /// tests and fixture books, where the numbers are made up to exercise the renderer.
    pub fn uniform(strategy: &str, workers: usize, tasks: usize, median: f64) -> Point {
        Point {
            strategy: strategy.to_string(),
            workers,
            tasks,
            params: BTreeMap::new(),
            median,
            min: median,
            max: median,
            p90: None,
            samples: 5,
            extra: BTreeMap::new(),
        }
    }
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

    /// Median time of the baseline at the same number of tasks as `point`, if measured.
    pub fn baseline_for(&self, point: &Point) -> Option<&Point> {
        let baseline = self.baseline.as_deref()?;
        self.series
            .iter()
            .find(|p| p.strategy == baseline && p.tasks == point.tasks && p.params == point.params)
    }

    /// `baseline median / point median`, when the baseline was measured at those tasks.
    pub fn speedup(&self, point: &Point) -> Option<f64> {
        self.baseline_for(point).map(|b| b.median / point.median)
    }
}

impl Machine {
    /// The best speedup `workers` busy threads can reach here: one thread's worth per worker,
    /// but never more than the measured ceiling of all logical CPUs together.
    pub fn attainable_speedup(&self, workers: usize) -> f64 {
        (workers as f64).min(self.parallel_ceiling).max(1.0)
    }
}

impl Results {
    /// Reads and validates a results file. Every failure says which file and what to do.
    pub fn load(path: &Path) -> Result<Results> {
        let text = fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read results file {}; run `cargo xtask bench` to measure",
                path.display()
            )
        })?;
        let results: Results = serde_json::from_str(&text).with_context(|| {
            format!(
                "results file {} is corrupt; delete it and run `cargo xtask bench`",
                path.display()
            )
        })?;
        if results.schema != SCHEMA {
            bail!(
                "results file {} has schema {}, this book reads schema {SCHEMA}; run `cargo xtask bench`",
                path.display(),
                results.schema
            );
        }
        Ok(results)
    }

    /// Writes the file whole or not at all: a temporary file renamed over the old one, so an
    /// interrupted run never leaves a half-written results file behind.
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_string_pretty(self)?;
        fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
