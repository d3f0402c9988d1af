//! Worker processes for the experiments that measure processes: the suite binary re-runs
//! itself as `lab-suite --worker ROLE ARG…`, as `multiprocessing` starts a fresh interpreter,
//! and prints its answer on stdout.
//!
//! Roles:
//! - `exit`: returns at once (what starting a process costs);
//! - `cpu-tasks TASK…`: the wrapping sum of `cpu_task(TASK)`;
//! - `gil-cpu SPINS ITERATIONS TASK…`: the same under a GIL of its own (see `gil_cpu`);
//! - `ipc-pipe SIZE`, `ipc-shm SIZE TO_WORKER FROM_WORKER`: the far side of a pipe or of
//!   shared-memory rings (see `ipc_peer`);
//! - `memory-threads N`, `memory-idle I`, `memory-tasks N`: workers to weigh (see `memory`
//!   and `memory_per_task`);
//! - `many-threads N`: N threads waiting at once (see `many_waits`);
//! - `requests ADDRESS ITERATIONS I…`: the comparison's requests, one after another, printing
//!   their sum and this process's peak RSS; `peak STRATEGY WORKERS COUNT ADDRESS ITERATIONS`:
//!   one run of a comparison strategy, printing its answer and the peak RSS it took (see
//!   `compare_strategies` and `compare_memory`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

#[cfg(not(loom))]
use super::{compare_memory, compare_strategies};
use super::{gil_cpu, ipc_peer, many_waits, memory, memory_per_task};
use crate::workloads::cpu_task;

/// The hidden first argument that turns `lab-suite` into a worker process.
pub const FLAG: &str = "--worker";

/// Every role, for the error that names them.
const ROLES: &str = "exit, cpu-tasks, gil-cpu, ipc-pipe, ipc-shm, memory-threads, memory-idle, \
                     memory-tasks, many-threads, requests, peak";

/// The worker process's `main`: `args` are what followed [`FLAG`].
///
/// # Errors
///
/// If the role is unknown, or its arguments are missing or not numbers.
pub fn main(args: &[String]) -> Result<()> {
    let Some((role, rest)) = args.split_first() else {
        bail!("{FLAG}: missing ROLE; the roles are {ROLES}");
    };
    match role.as_str() {
        "exit" => Ok(()),
        "cpu-tasks" => {
            let mut sum = 0u64;
            for task in rest {
                let n: u64 = task
                    .parse()
                    .with_context(|| format!("cpu-tasks: task `{task}` is not a number"))?;
                sum = sum.wrapping_add(cpu_task(n));
            }
            writeln!(std::io::stdout(), "{sum}")?;
            Ok(())
        }
        "gil-cpu" => gil_cpu::worker_main(rest),
        "ipc-pipe" => ipc_peer::pipe_worker(rest),
        "ipc-shm" => ipc_peer::shm_worker(rest),
        "memory-threads" => memory::threads_worker(rest),
        "memory-idle" => memory::idle_worker(rest),
        "memory-tasks" => memory_per_task::tasks_worker(rest),
        "many-threads" => many_waits::threads_worker(rest),
        #[cfg(not(loom))]
        "requests" => compare_strategies::requests_worker(rest),
        #[cfg(not(loom))]
        "peak" => compare_memory::peak_worker(rest),
        other => bail!("{FLAG}: unknown role `{other}`; the roles are {ROLES}"),
    }
}

/// The suite binary, if this process is it: only `lab-suite` knows [`FLAG`], so experiments
/// run inside another program (a test) leave their process strategies out.
pub(super) fn exe() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let stem = exe.file_stem()?.to_str()?;
    (stem == "lab-suite").then_some(exe)
}

/// `exe` run as a worker in `role`: add the role's arguments and the stdio it needs.
pub(super) fn command(exe: &Path, role: &str) -> Command {
    let mut command = Command::new(exe);
    command.arg(FLAG).arg(role);
    command
}

/// The note of a process `strategy` that [`exe`] could not run.
pub(super) fn not_measured(strategy: &str) -> String {
    format!(
        "{strategy}: not measured, because the suite ran inside a program other than \
         lab-suite, which cannot be re-run as a worker"
    )
}

/// Tasks `0..tasks` dealt round-robin to `workers`, as each worker's arguments.
pub(super) fn dealt(tasks: usize, workers: usize) -> Vec<Vec<String>> {
    (0..workers)
        .map(|w| (w..tasks).step_by(workers).map(|i| i.to_string()).collect())
        .collect()
}

/// Starts one worker in `role` per entry of `args`, all at once, reaps every one, and returns
/// the wrapping sum of the numbers they printed.
///
/// # Errors
///
/// If a worker cannot start (those already started are killed and reaped), fails, or prints
/// something other than a number.
pub(super) fn sum_of(exe: &Path, role: &str, args: Vec<Vec<String>>) -> Result<u64> {
    let mut sum = 0u64;
    for text in outputs_of(exe, role, args)? {
        let part: u64 = text
            .trim()
            .parse()
            .with_context(|| format!("a {role} worker printed `{}`, not a number", text.trim()))?;
        sum = sum.wrapping_add(part);
    }
    Ok(sum)
}

/// Starts one worker in `role` per entry of `args`, all at once, reaps every one, and returns
/// what each printed, in order.
///
/// # Errors
///
/// If a worker cannot start (those already started are killed and reaped) or fails.
pub(super) fn outputs_of(exe: &Path, role: &str, args: Vec<Vec<String>>) -> Result<Vec<String>> {
    let mut children = Vec::with_capacity(args.len());
    for worker_args in args {
        let spawned = command(exe, role)
            .args(worker_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(err) => {
                // Kill and reap the workers already started, not leave them to run orphaned.
                for mut child in children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(err).with_context(|| format!("cannot start {}", exe.display()));
            }
        }
    }
    // Reap every worker before judging any, so that one failure leaves no other running.
    let outputs: Vec<std::io::Result<std::process::Output>> = children
        .into_iter()
        .map(|child| child.wait_with_output())
        .collect();
    let mut printed = Vec::with_capacity(outputs.len());
    for out in outputs {
        let out = out?;
        if !out.status.success() {
            bail!("a {role} worker exited with {}", out.status);
        }
        printed.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Ok(printed)
}

/// Runs one worker in `role` with `args` to its end, and returns the `N` numbers it printed:
/// the report of a worker that weighs or times itself.
///
/// # Errors
///
/// If it cannot start, fails (the error carries what it wrote to stderr), or prints anything
/// but `N` numbers.
pub(super) fn report_of<const N: usize>(
    exe: &Path,
    role: &str,
    args: &[String],
) -> Result<[u64; N]> {
    let out = command(exe, role)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "the {role} worker exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    numbers(role, &String::from_utf8_lossy(&out.stdout))
}

/// Exactly `N` numbers, separated by white space, as a `role` worker prints them.
///
/// # Errors
///
/// If `text` holds anything else.
pub(super) fn numbers<const N: usize>(role: &str, text: &str) -> Result<[u64; N]> {
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("{role} printed `{}`", text.trim()))?;
    numbers
        .try_into()
        .map_err(|_| anyhow::anyhow!("{role} printed `{}`, not {N} numbers", text.trim()))
}

/// Starts `count` workers that exit at once, `alive` at a time, each batch reaped before the
/// next starts; returns the sum of the indexes of those that ran, as the thread series of
/// `spawn-cost` returns the sum of its threads' indexes (the runner checks they agree).
///
/// # Errors
///
/// If a worker cannot start or fails.
pub(super) fn start_and_reap(exe: &Path, count: usize, alive: usize) -> Result<u64> {
    let mut ran = 0;
    for first in (0..count).step_by(alive.max(1)) {
        let batch = alive.min(count - first);
        let children: Vec<_> = (0..batch)
            .map(|_| {
                command(exe, "exit")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .spawn()
            })
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        for (index, mut child) in (first..).zip(children) {
            let status = child.wait()?;
            if !status.success() {
                bail!("an exit worker exited with {status}");
            }
            ran += index as u64;
        }
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_are_dealt_round_robin() {
        assert_eq!(
            dealt(5, 2),
            [vec!["0", "2", "4"], vec!["1", "3"]]
                .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
        );
    }

    #[test]
    fn roles_and_their_arguments_are_checked() {
        let err = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            main(&args).unwrap_err().to_string()
        };
        assert!(err(&[]).contains("missing ROLE"));
        assert!(err(&["dance"]).contains("unknown role `dance`"));
        assert!(err(&["cpu-tasks", "x"]).contains("task `x` is not a number"));
        assert!(main(&["exit".to_string()]).is_ok());
    }

    #[test]
    fn only_the_suite_binary_is_a_worker() {
        assert!(
            exe().is_none(),
            "a test binary cannot be re-run as a worker"
        );
    }

    #[test]
    fn outside_the_suite_binary_process_series_are_noted_not_run() {
        use crate::suite::{Mode, PlanContext, cpu_bound, gil_cpu, ipc, memory, spawn_cost};

        let ctx = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 2,
        };
        for (entry, strategy) in [
            (cpu_bound::ENTRY, "processes"),
            (gil_cpu::ENTRY, "processes"),
            (spawn_cost::ENTRY, "process"),
            (ipc::THROUGHPUT, "pipe"),
            (ipc::LATENCY, "shared-memory"),
            (memory::ENTRY, "threads"),
            (memory::ENTRY, "processes"),
        ] {
            let plan = (entry.plan)(&ctx);
            assert!(
                plan.trials.iter().all(|t| t.strategy != strategy),
                "{}",
                plan.id
            );
            assert!(plan.notes.contains(&not_measured(strategy)), "{}", plan.id);
        }
    }
}
