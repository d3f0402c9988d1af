//! `cpython-gil-cpu` and `cpython-gil-convoy`: the GIL experiments run in real CPython
//! (`python/gil_bench.py`), so that the model's numbers sit beside the real thing's.
//!
//! One interpreter runs the script for the whole suite run and answers each sample's command;
//! the script times itself. Without `python3` on the `PATH`, both experiments have no points
//! and a note that says so.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::{Plan, PlanContext, Sample, Trial, gil_convoy, gil_cpu};
use crate::workloads::cpu_tasks_expected;

/// Stable IDs in `results.json`.
pub(super) const CPU_ID: &str = "cpython-gil-cpu";
pub(super) const CONVOY_ID: &str = "cpython-gil-convoy";

/// The note an experiment carries when `python3` was not found; the book shows notes.
pub(super) const SKIPPED_NOTE: &str = "skipped: python3 was not found on this machine";

const SCRIPT: &str = include_str!("../../python/gil_bench.py");

pub(super) fn cpu_plan(ctx: &PlanContext) -> Plan {
    let (tasks, iterations) = gil_cpu::shape(ctx.mode);
    let version = python_version();
    let mut trials = Vec::new();
    if version.is_some() {
        trials.push(cpu_trial("serial", 1, tasks, iterations));
        for workers in ctx.worker_counts() {
            trials.push(cpu_trial("threads", workers, tasks, iterations));
        }
        for workers in ctx.worker_counts() {
            trials.push(cpu_trial("processes", workers, tasks, iterations));
        }
    }
    Plan {
        id: CPU_ID,
        title: "CPython: cpu_task × N on threads and processes".into(),
        workload: format!(
            "{tasks} calls of cpu_task(i), {iterations} loop iterations each, in CPython"
        ),
        unit: "s",
        x: "workers",
        x_label: "workers",
        baseline: Some("serial"),
        cpu_bound: true,
        notes: notes(
            version,
            &[
                "threads: W threading.Thread objects, one share of the tasks each, as the \
                 model's gil-threads",
                "processes: a ProcessPoolExecutor of W processes, started inside the timing",
            ],
        ),
        budget: ctx.budget(Duration::from_secs(6)),
        trials,
    }
}

pub(super) fn convoy_plan(ctx: &PlanContext) -> Plan {
    let version = python_version();
    let mut trials = Vec::new();
    if version.is_some() {
        for &interval in gil_convoy::intervals_us(ctx.mode) {
            let sleeps = gil_convoy::sleeps_per_run(interval);
            for (strategy, spinner) in [("idle", false), ("with-spinner", true)] {
                trials.push(
                    Trial::self_timed(strategy, 1, sleeps, move || {
                        move || convoy_sample(interval, spinner, sleeps)
                    })
                    .with_param("switch_us", interval),
                );
            }
        }
    }
    Plan {
        id: CONVOY_ID,
        title: "CPython: waking up beside a CPU-bound thread".into(),
        workload: "time.sleep(0.001) in a loop, alone or beside a thread spinning in \
                   `while not stop: n += 1`, at sys.setswitchinterval(switch_us / 1e6)"
            .into(),
        unit: "s",
        x: "switch_us",
        x_label: "switch interval (µs)",
        baseline: None,
        cpu_bound: false,
        notes: notes(
            version,
            &[
                "value: the median extra latency of one run's sleeps beyond 1 ms; \
               p90_latency_s: that run's 90th percentile",
            ],
        ),
        budget: ctx.budget(Duration::from_secs(4)),
        trials,
    }
}

fn notes(version: Option<String>, rest: &[&str]) -> Vec<String> {
    match version {
        Some(v) => std::iter::once(format!("measured with {v}"))
            .chain(rest.iter().map(|s| s.to_string()))
            .collect(),
        None => vec![SKIPPED_NOTE.to_string()],
    }
}

fn cpu_trial(strategy: &'static str, workers: usize, tasks: usize, iterations: u64) -> Trial {
    Trial::self_timed(strategy, workers, tasks, move || {
        move || {
            let out = run_script(&[
                "cpu",
                strategy,
                &workers.to_string(),
                &tasks.to_string(),
                &iterations.to_string(),
            ]);
            let (elapsed, sum) = two_numbers::<f64, u64>(&out);
            // Checked like a timed trial's answer: a fast wrong answer is not a speedup.
            assert_eq!(
                sum,
                cpu_tasks_expected(tasks as u64, iterations),
                "CPython {strategy} ×{workers} computed a wrong sum"
            );
            Sample {
                value: elapsed,
                extra: Default::default(),
            }
        }
    })
}

fn convoy_sample(interval: u64, spinner: bool, sleeps: usize) -> Sample {
    let out = run_script(&[
        "convoy",
        &interval.to_string(),
        if spinner { "1" } else { "0" },
        &sleeps.to_string(),
    ]);
    let (median, p90) = two_numbers::<f64, f64>(&out);
    Sample {
        value: median,
        extra: [("p90_latency_s".to_string(), p90)].into(),
    }
}

/// `Python 3.x.y`, if there is a `python3` that runs.
fn python_version() -> Option<String> {
    python().map(|(version, _)| version.clone())
}

/// The interpreter's version and its real path. `python3` on the `PATH` is often a shim
/// (pyenv's is a shell script) that costs more to start than the work measured here, so the
/// samples run `sys.executable` directly.
fn python() -> Option<&'static (String, PathBuf)> {
    static PYTHON: OnceLock<Option<(String, PathBuf)>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let out = Command::new("python3")
                .args([
                    "-c",
                    "import platform, sys; print(sys.executable); print(platform.python_version())",
                ])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let mut lines = text.lines();
            let exe = PathBuf::from(lines.next()?.trim());
            let version = lines.next()?.trim();
            (out.status.success() && exe.is_file()).then(|| (format!("Python {version}"), exe))
        })
        .as_ref()
}

/// One interpreter running `gil_bench.py serve`, started on first use and kept for the whole
/// suite run: a fresh interpreter per sample would cost more to start than some samples take
/// to run, and would put that start-up inside every round. It exits when the suite does (its
/// stdin closes).
struct Interpreter {
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    /// Kept so the process is not reaped early; it ends on its own when `input` closes.
    _child: Child,
}

impl Interpreter {
    fn start() -> Interpreter {
        let (_, exe) = python().expect("python3 was found when the plan was made");
        // -S: no site-packages, which the script does not need and which slows start-up.
        let mut child = Command::new(exe)
            .arg("-S")
            .arg(script_path())
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        Interpreter {
            input: child.stdin.take().expect("stdin is piped"),
            output: BufReader::new(child.stdout.take().expect("stdout is piped")),
            _child: child,
        }
    }

    /// Sends one command and returns its answer; panics with the script's error, or when the
    /// interpreter has stopped answering.
    fn ask(&mut self, args: &[&str]) -> String {
        let command = args.join(" ");
        writeln!(self.input, "{command}")
            .and_then(|()| self.input.flush())
            .unwrap_or_else(|e| panic!("gil_bench.py no longer reads commands ({e})"));
        let mut answer = String::new();
        let read = self
            .output
            .read_line(&mut answer)
            .unwrap_or_else(|e| panic!("cannot read gil_bench.py's answer to `{command}`: {e}"));
        assert!(
            read > 0,
            "gil_bench.py exited without answering `{command}`"
        );
        assert!(
            !answer.starts_with("error:"),
            "gil_bench.py {command}: {}",
            answer.trim()
        );
        answer
    }
}

/// Runs one command in the suite's interpreter and returns its answer.
fn run_script(args: &[&str]) -> String {
    static INTERPRETER: OnceLock<Mutex<Interpreter>> = OnceLock::new();
    let interpreter = INTERPRETER.get_or_init(|| Mutex::new(Interpreter::start()));
    // A panic while asking leaves the lock poisoned; the suite stops on that panic anyway.
    let mut interpreter = interpreter.lock().unwrap_or_else(|e| e.into_inner());
    interpreter.ask(args)
}

/// The script, written once per process to a temporary file: a real file, not `python3 -c`,
/// so that `multiprocessing` can start its workers with any start method.
fn script_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("lab-gil-bench-{}.py", std::process::id()));
        std::fs::write(&path, SCRIPT).expect("the temporary directory is writable");
        path
    })
}

fn two_numbers<A: std::str::FromStr, B: std::str::FromStr>(text: &str) -> (A, B) {
    let mut words = text.split_whitespace();
    let parsed = words
        .next()
        .and_then(|a| a.parse().ok())
        .zip(words.next().and_then(|b| b.parse().ok()));
    parsed.unwrap_or_else(|| panic!("gil_bench.py printed `{}`, not two numbers", text.trim()))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn without_python_the_plans_say_skipped() {
        let n = notes(None, &["x"]);
        assert_eq!(n, [SKIPPED_NOTE]);
    }

    #[test]
    fn the_script_computes_the_workloads_sum() {
        if python_version().is_none() {
            return; // nothing to compare against
        }
        let out = run_script(&["cpu", "threads", "2", "5", "1000"]);
        let (_, sum) = two_numbers::<f64, u64>(&out);
        assert_eq!(sum, cpu_tasks_expected(5, 1000));
    }
}
