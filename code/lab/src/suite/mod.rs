//! The measurement suite: every experiment the book bakes in, and the runner that measures
//! them honestly (a warm-up, at least five samples, the median with min–max, and every
//! strategy's answer checked against the others before its time counts).
//!
//! An experiment is a module with a stable `ID` and a `plan` function that lists the
//! configurations to measure as [`Trial`]s. The runner knows nothing about workloads.

mod calibration;
mod cpu_bound;
mod cpython;
mod gil_convoy;
pub mod gil_cpu;
mod gil_io;
mod gil_switch;
mod io_bound;
mod plan;
mod runner;

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

pub use plan::{Plan, Probe, Sample, Trial};
pub use runner::measure_plan;

use crate::machine;
use crate::results::{Results, SCHEMA};

/// How long and how carefully to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The default for building the book: small N, the minimum honest sample count.
    Quick,
    /// For publishing: larger N and more samples.
    Full,
}

impl Mode {
    /// The name recorded in `results.json`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }

    /// Untimed runs before the samples.
    pub fn warmups(self) -> usize {
        match self {
            Mode::Quick => 1,
            Mode::Full => 2,
        }
    }

    /// Timed runs per configuration: never fewer than five.
    pub fn samples(self) -> usize {
        match self {
            Mode::Quick => 5,
            Mode::Full => 11,
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
}

type PlanFn = fn(&PlanContext) -> Plan;

/// Every experiment, by stable ID, in the order the suite runs them.
const EXPERIMENTS: &[(&str, PlanFn)] = &[
    (cpu_bound::ID, cpu_bound::plan),
    (io_bound::ID, io_bound::plan),
    (gil_cpu::ID, gil_cpu::plan),
    (gil_io::ID, gil_io::plan),
    (gil_convoy::ID, gil_convoy::plan),
    (gil_switch::ID, gil_switch::plan),
    (cpython::CPU_ID, cpython::cpu_plan),
    (cpython::CONVOY_ID, cpython::convoy_plan),
];

/// IDs of every experiment the suite knows.
pub fn experiment_ids() -> Vec<&'static str> {
    EXPERIMENTS.iter().map(|(id, _)| *id).collect()
}

/// Runs the calibration and the chosen experiments (all when `only` is empty), showing
/// progress on stderr.
pub fn run(mode: Mode, only: &[String]) -> Result<Results> {
    for id in only {
        if !EXPERIMENTS.iter().any(|(known, _)| known == id) {
            bail!(
                "unknown experiment `{id}`; known: {}",
                experiment_ids().join(", ")
            );
        }
    }
    let ctx = PlanContext {
        mode,
        logical_cpus: machine::logical_cpus(),
    };
    let plans: Vec<Plan> = EXPERIMENTS
        .iter()
        .filter(|(id, _)| only.is_empty() || only.iter().any(|o| o == id))
        .map(|(_, plan)| plan(&ctx))
        .collect();

    let calibration = calibration::plan(&ctx);
    let runs_per_trial = mode.warmups() + mode.samples();
    let total: usize = std::iter::once(&calibration)
        .chain(&plans)
        .map(|p| p.trials.len() * runs_per_trial)
        .sum();
    let bar = progress_bar(total as u64);

    let ceiling = calibration::ceiling(&measure_plan(calibration, mode, &bar)?);

    let mut experiments = BTreeMap::new();
    for plan in plans {
        let id = plan.id;
        experiments.insert(id.to_string(), measure_plan(plan, mode, &bar)?);
    }
    bar.finish_with_message("done");

    Ok(Results {
        schema: SCHEMA,
        machine: machine::describe(mode.name(), ceiling),
        experiments,
    })
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} runs  {msg}")
            .expect("static template is valid")
            .progress_chars("=> "),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unknown_experiment_is_an_error_naming_the_known_ones() {
        let err = run(Mode::Quick, &["cpu-bund".into()]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("cpu-bund") && text.contains("cpu-bound"),
            "{text}"
        );
    }
}
