//! What an experiment hands the runner: its description and the configurations to measure.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One measured run of a self-timing trial.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// The value in the experiment's unit.
    pub value: f64,
    /// Other metrics of this run (e.g. `handoffs`), summarised by their median.
    pub extra: BTreeMap<String, f64>,
    /// What the run computed, if it computed something: checked against the answers of the
    /// other trials with as many tasks, as a timed trial's is.
    pub answer: Option<u64>,
}

impl Sample {
    /// Times `run`, which does `operations` operations and returns its answer; the value is
    /// the time per operation (one increment, one thread started).
    pub fn time_per_operation(operations: usize, run: impl FnOnce() -> u64) -> Sample {
        let (answer, seconds) = timed(run);
        Sample {
            value: seconds_per_operation(seconds, operations),
            extra: BTreeMap::new(),
            answer: Some(answer),
        }
    }

    /// Times `run`, which does `operations` operations and returns its answer; the value is
    /// operations per second (messages delivered), where higher is better.
    pub fn operations_per_second(operations: usize, run: impl FnOnce() -> u64) -> Sample {
        let (answer, seconds) = timed(run);
        Sample {
            value: operations_per_second(seconds, operations),
            extra: BTreeMap::new(),
            answer: Some(answer),
        }
    }
}

fn seconds_per_operation(seconds: f64, operations: usize) -> f64 {
    seconds / operations as f64
}

fn operations_per_second(seconds: f64, operations: usize) -> f64 {
    operations as f64 / seconds
}

/// `run`'s answer, and how many seconds it took.
fn timed(run: impl FnOnce() -> u64) -> (u64, f64) {
    let start = Instant::now();
    let answer = run();
    (answer, start.elapsed().as_secs_f64())
}

/// How a trial is run once.
pub enum Probe {
    /// The runner times the closure, which returns the answer it computed. Answers of all
    /// trials with the same number of tasks must agree, or the run fails.
    Timed(Box<dyn FnMut() -> u64>),
    /// The closure measures itself (latencies, counts, time per operation) and returns one
    /// sample, with its answer where it has one.
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
    /// Whether to record a timeline after the rounds; see [`Trial::traced`].
    pub traced: bool,
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
            traced: false,
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
            traced: false,
            setup: Box::new(move || Probe::SelfTimed(Box::new(setup()))),
        }
    }
}

impl Trial {
    /// Asks for a timeline of this configuration: after the rounds, the runner runs it a few
    /// more times while a [`Recording`](crate::trace::Recording) is on, and keeps what the code
    /// recorded in the run nearest the untraced median (the GIL model records its threads;
    /// other strategies record their own lanes).
    pub fn traced(self) -> Trial {
        self.traced_if(true)
    }

    /// [`Trial::traced`] if `wanted`: for a sweep that records only some of its points.
    pub fn traced_if(mut self, wanted: bool) -> Trial {
        self.traced |= wanted;
        self
    }

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
    /// What the measured values are, in a reader's words (`time` unless told otherwise).
    pub value_name: &'static str,
    /// `workers`, `tasks` or a param name: what the x axis shows.
    pub x: &'static str,
    /// The x axis label on the page.
    pub x_label: &'static str,
    /// How a sentence names one x, with `{}` for the number: `at {} producers`.
    pub x_phrase: &'static str,
    /// The extra metrics the trials report, by key: the name the page shows, and the unit.
    pub metrics: Vec<(&'static str, &'static str, &'static str)>,
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

/// What an experiment's x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Threads or tasks working at once.
    Workers,
    /// Units of work per run.
    Tasks,
    /// A setting every trial carries (see [`Trial::with_param`]), with its axis label.
    Param {
        /// The setting's name, such as `switch_us`.
        name: &'static str,
        /// How the axis is labelled on the page.
        label: &'static str,
        /// How a sentence names one value of it, with `{}` for the number: `with a {} µs
        /// switch interval`.
        phrase: &'static str,
    },
}

impl Axis {
    /// The name `results.json` records, the label the page shows, and a sentence's phrase.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Axis::Workers => ("workers", "workers", "at {} worker{s}"),
            Axis::Tasks => ("tasks", "tasks (N)", "at {} task{s}"),
            Axis::Param {
                name,
                label,
                phrase,
            } => (name, label, phrase),
        }
    }
}

impl Plan {
    /// Starts the plan of experiment `id`: values in seconds, no baseline, not CPU-bound,
    /// and no trials until they are added.
    pub fn builder(id: &'static str, title: impl Into<String>, axis: Axis) -> PlanBuilder {
        let (x, x_label, x_phrase) = axis.names();
        PlanBuilder {
            axis,
            plan: Plan {
                id,
                title: title.into(),
                workload: String::new(),
                unit: "s",
                value_name: "time",
                x,
                x_label,
                x_phrase,
                metrics: Vec::new(),
                baseline: None,
                cpu_bound: false,
                notes: Vec::new(),
                budget: Duration::ZERO,
                trials: Vec::new(),
            },
        }
    }
}

/// A [`Plan`] under construction: see [`Plan::builder`].
pub struct PlanBuilder {
    axis: Axis,
    plan: Plan,
}

impl PlanBuilder {
    /// What each task does, as the page's caption says it.
    pub fn workload(mut self, text: impl Into<String>) -> Self {
        self.plan.workload = text.into();
        self
    }

    /// Labels the x axis otherwise than its axis does (`threads` for a worker count), and
    /// says how a sentence names one x of it (`at {} threads`).
    pub fn x_label(mut self, label: &'static str, phrase: &'static str) -> Self {
        self.plan.x_label = label;
        self.plan.x_phrase = phrase;
        self
    }

    /// The unit of the values, when not seconds, and what they are in a reader's words.
    pub fn unit(mut self, unit: &'static str, value_name: &'static str) -> Self {
        self.plan.unit = unit;
        self.plan.value_name = value_name;
        self
    }

    /// Declares an extra metric the trials report under `key`: the name the page shows for
    /// it, and its unit (as [`lab_results::MetricInfo::unit`] lists them).
    pub fn metric(mut self, key: &'static str, name: &'static str, unit: &'static str) -> Self {
        self.plan.metrics.push((key, name, unit));
        self
    }

    /// The strategy speedups are read against.
    pub fn baseline(mut self, strategy: &'static str) -> Self {
        self.plan.baseline = Some(strategy);
        self
    }

    /// The work needs CPUs: the ceiling is measured in its rounds and bounds its speedups.
    pub fn cpu_bound(mut self) -> Self {
        self.plan.cpu_bound = true;
        self
    }

    /// A fact about how it was measured that a reader must know.
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.plan.notes.push(text.into());
        self
    }

    /// How long the runner may keep adding rounds: use
    /// [`PlanContext::budget`](super::PlanContext::budget).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.plan.budget = budget;
        self
    }

    /// One more configuration.
    pub fn trial(mut self, trial: Trial) -> Self {
        self.plan.trials.push(trial);
        self
    }

    /// One configuration per worker count the machine calls for (see
    /// [`PlanContext::worker_counts`](super::PlanContext::worker_counts)).
    pub fn sweep(mut self, workers: &[usize], trial: impl Fn(usize) -> Trial) -> Self {
        self.plan.trials.extend(workers.iter().map(|&w| trial(w)));
        self
    }

    /// The finished plan.
    ///
    /// # Panics
    ///
    /// On a mistake in the experiment's own code, caught by every test that builds its plan:
    /// no budget, a baseline no trial runs, a trial without the parameter the axis shows, or
    /// a phrase with no place for the number.
    pub fn build(self) -> Plan {
        let plan = self.plan;
        assert!(
            plan.x_phrase.matches("{}").count() == 1,
            "{}: the x phrase `{}` needs one `{{}}` for the number",
            plan.id,
            plan.x_phrase
        );
        assert!(
            plan.budget > Duration::ZERO,
            "{}: give the plan a budget",
            plan.id
        );
        if let (Some(baseline), false) = (plan.baseline, plan.trials.is_empty()) {
            assert!(
                plan.trials.iter().any(|t| t.strategy == baseline),
                "{}: no trial runs the baseline `{baseline}`",
                plan.id
            );
        }
        if let Axis::Param { name, .. } = self.axis {
            for trial in &plan.trials {
                assert!(
                    trial.params.contains_key(name),
                    "{}: trial {} ×{} has no `{name}`, which the x axis shows",
                    plan.id,
                    trial.strategy,
                    trial.workers
                );
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_operation_values_divide_the_right_way_and_keep_the_answer() {
        assert_eq!(seconds_per_operation(2.0, 4), 0.5);
        assert_eq!(operations_per_second(2.0, 4), 2.0);
        let per_op = Sample::time_per_operation(4, || 7);
        let rate = Sample::operations_per_second(4, || 7);
        assert_eq!((per_op.answer, rate.answer), (Some(7), Some(7)));
        assert!(per_op.extra.is_empty() && rate.extra.is_empty());
    }
}
