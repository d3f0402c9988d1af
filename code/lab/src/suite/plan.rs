//! What an experiment hands the runner: its description and the configurations to measure.

use std::collections::BTreeMap;
use std::time::Duration;

/// One measured run of a self-timing trial.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// The value in the experiment's unit.
    pub value: f64,
    /// Other metrics of this run (e.g. `handoffs`), summarised by their median.
    pub extra: BTreeMap<String, f64>,
}

/// How a trial is run once.
pub enum Probe {
    /// The runner times the closure, which returns the answer it computed. Answers of all
    /// trials with the same number of tasks must agree, or the run fails.
    Timed(Box<dyn FnMut() -> u64>),
    /// The closure measures itself (latencies, counts) and returns one sample.
    SelfTimed(Box<dyn FnMut() -> Sample>),
}

/// One configuration: a strategy at a number of workers and tasks.
pub struct Trial {
    /// Strategy name as shown in the book (`serial`, `threads`, `rayon`, …).
    pub strategy: &'static str,
    /// Threads or tasks working at once.
    pub workers: usize,
    /// Units of work per run.
    pub tasks: usize,
    /// Other settings of this configuration (e.g. `switch_us`); see [`Trial::with_param`].
    pub params: BTreeMap<String, u64>,
    /// Builds the probe before the rounds start (thread pools, runtimes stay built across
    /// rounds; between its turns a pool's threads sleep and use no CPU).
    pub setup: Box<dyn FnOnce() -> Probe>,
}

impl Trial {
    /// A trial the runner times; `setup` returns the closure to run once per sample.
    pub fn timed<F, R>(strategy: &'static str, workers: usize, tasks: usize, setup: F) -> Trial
    where
        F: FnOnce() -> R + 'static,
        R: FnMut() -> u64 + 'static,
    {
        Trial {
            strategy,
            workers,
            tasks,
            params: BTreeMap::new(),
            setup: Box::new(move || Probe::Timed(Box::new(setup()))),
        }
    }

    /// A trial that measures itself; `setup` returns the closure to run once per sample.
    pub fn self_timed<F, R>(strategy: &'static str, workers: usize, tasks: usize, setup: F) -> Trial
    where
        F: FnOnce() -> R + 'static,
        R: FnMut() -> Sample + 'static,
    {
        Trial {
            strategy,
            workers,
            tasks,
            params: BTreeMap::new(),
            setup: Box::new(move || Probe::SelfTimed(Box::new(setup()))),
        }
    }
}

impl Trial {
    /// Records another setting of this configuration, such as `("switch_us", 5000)`. An
    /// experiment whose x axis is that setting names it in [`Plan::x`].
    pub fn with_param(mut self, name: &str, value: u64) -> Trial {
        self.params.insert(name.to_string(), value);
        self
    }
}

/// An experiment, ready to measure.
pub struct Plan {
    /// Stable ID, the key in `results.json`.
    pub id: &'static str,
    /// Short human title.
    pub title: String,
    /// What each task does.
    pub workload: String,
    /// Unit of the measured values (`s`).
    pub unit: &'static str,
    /// `workers`, `tasks` or a param name: what the x axis shows.
    pub x: &'static str,
    /// The x axis label on the page.
    pub x_label: &'static str,
    /// Strategy speedups are read against.
    pub baseline: Option<&'static str>,
    /// Whether the parallel ceiling bounds this experiment's speedups.
    pub cpu_bound: bool,
    /// What a reader must know about how it was measured.
    pub notes: Vec<String>,
    /// How long the runner may keep adding rounds to tighten the intervals (see
    /// [`PlanContext::budget`](super::PlanContext::budget)).
    pub budget: Duration,
    /// The configurations. Each round runs every one of them once, in a shuffled order.
    pub trials: Vec<Trial>,
}
