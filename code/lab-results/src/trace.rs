//! Traces: what ran, on which thread, process or task, at which moment, in one representative
//! run of a configuration. The suite writes them beside the results, one file per experiment
//! (`target/lab/traces/ID.json`); the `{{#timeline}}` directive draws them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The version of the trace format. Readers reject any other.
pub const TRACE_SCHEMA: u32 = 1;

// ANCHOR: traces
/// The traces of one experiment, from the run that measured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Traces {
    /// Always [`TRACE_SCHEMA`].
    pub schema: u32,
    /// The experiment's ID.
    pub experiment: String,
    /// The run they belong to: the experiment's `machine.date` and `sampling.seed`, so that a
    /// trace is never shown beside results from another run.
    pub run: String,
    /// One trace per traced configuration.
    pub traces: Vec<Trace>,
}

/// One run of one configuration, recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The configuration's strategy, workers, tasks and settings, as in its point.
    pub strategy: String,
    /// Threads (or tasks) working at once.
    pub workers: usize,
    /// Units of work in the run.
    pub tasks: usize,
    /// Other settings (e.g. `switch_us`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, u64>,
    /// From the first span's start to the last span's end, in nanoseconds.
    pub duration_ns: u64,
    /// The traced run's own value (its elapsed time), to set against the untraced median.
    pub traced_value: f64,
    /// How many runs were recorded: the trace is the one whose value was nearest the
    /// untraced median, so that one unlucky run is not the picture.
    #[serde(default = "one_run")]
    pub recorded_runs: usize,
    /// The configuration's median value over the experiment's rounds, untraced.
    pub untraced_median: f64,
    /// Spans that did not fit a lane's preallocated buffer and were not recorded.
    pub dropped: u64,
    /// One lane per thread, process or task, in the order they started.
    pub lanes: Vec<TraceLane>,
}

/// A thread, process or task, and what it did when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceLane {
    /// How the lane is named on the page (`thread 1`, `task 2`, `I/O thread`).
    pub label: String,
    /// Its spans, in time order, on the run's clock.
    pub spans: Vec<Span>,
}

/// A stretch of time in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Nanoseconds from the start of the recording.
    pub start_ns: u64,
    /// Nanoseconds from the start of the recording; at least `start_ns`.
    pub end_ns: u64,
    /// What the lane was doing.
    pub kind: SpanKind,
}

/// What a lane was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// Running: computing, or running bytecode while holding the GIL.
    Running,
    /// Waiting to take the GIL.
    WaitingForGil,
    /// Blocked in a call that waits (a sleep, a socket), holding no GIL.
    BlockedInIo,
    /// Ready but not running: a task waiting for its turn on the thread, a parked worker.
    Idle,
}
// ANCHOR_END: traces

impl SpanKind {
    /// Every kind, in the order a legend lists them.
    pub const ALL: [SpanKind; 4] = [
        SpanKind::Running,
        SpanKind::WaitingForGil,
        SpanKind::BlockedInIo,
        SpanKind::Idle,
    ];

    /// How the page names it.
    pub fn describe(self) -> &'static str {
        match self {
            SpanKind::Running => "running",
            SpanKind::WaitingForGil => "waiting for the GIL",
            SpanKind::BlockedInIo => "blocked in I/O",
            SpanKind::Idle => "idle / parked",
        }
    }
}

impl Traces {
    /// Where the traces of experiment `id` live, beside the results file `results`.
    pub fn path(results: &Path, id: &str) -> PathBuf {
        results
            .parent()
            .unwrap_or(Path::new("."))
            .join("traces")
            .join(format!("{id}.json"))
    }

    /// Reads and validates a trace file; every failure says what to do.
    pub fn load(path: &Path) -> Result<Traces> {
        crate::read_versioned(path, "trace", TRACE_SCHEMA, "cargo xtask bench")
    }

    /// Writes the file whole or not at all.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::write_whole(path, &serde_json::to_string(self)?)
    }
}

/// Traces written before `recorded_runs` existed came from one recorded run.
fn one_run() -> usize {
    1
}

impl Trace {
    /// The trace's value along an experiment's x axis (`workers`, `tasks` or a setting).
    pub fn x(&self, axis: &str) -> u64 {
        match axis {
            "workers" => self.workers as u64,
            "tasks" => self.tasks as u64,
            param => self.params.get(param).copied().unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn sample() -> Traces {
        Traces {
            schema: TRACE_SCHEMA,
            experiment: "e".into(),
            run: "2026-11-22T00:00:00Z seed 1".into(),
            traces: vec![Trace {
                strategy: "threads".into(),
                workers: 2,
                tasks: 4,
                params: BTreeMap::from([("switch_us".to_string(), 500)]),
                duration_ns: 1_000,
                traced_value: 1e-6,
                recorded_runs: 1,
                untraced_median: 1e-6,
                dropped: 0,
                lanes: vec![TraceLane {
                    label: "thread 1".into(),
                    spans: vec![Span {
                        start_ns: 0,
                        end_ns: 1_000,
                        kind: SpanKind::WaitingForGil,
                    }],
                }],
            }],
        }
    }

    #[test]
    fn traces_round_trip_beside_the_results() {
        let dir = std::env::temp_dir().join(format!("lab-traces-{}", std::process::id()));
        let path = Traces::path(&dir.join("results.json"), "e");
        assert_eq!(path, dir.join("traces/e.json"));
        sample().save(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"waiting-for-gil\""), "{text}");
        assert_eq!(Traces::load(&path).unwrap(), sample());
        assert_eq!(sample().traces[0].x("switch_us"), 500);
        assert_eq!(sample().traces[0].x("workers"), 2);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_or_old_trace_file_says_what_to_do() {
        let dir = std::env::temp_dir().join(format!("lab-traces-old-{}", std::process::id()));
        let path = dir.join("t.json");
        let missing = format!("{:#}", Traces::load(&path).unwrap_err());
        assert!(missing.contains("cargo xtask bench"), "{missing}");
        let mut old = sample();
        old.schema = 0;
        old.save(&path).unwrap();
        let err = format!("{:#}", Traces::load(&path).unwrap_err());
        assert!(err.contains("schema 0"), "{err}");
        fs::remove_dir_all(dir).unwrap();
    }
}
