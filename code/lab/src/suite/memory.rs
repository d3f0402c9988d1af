//! `memory`: what N workers weigh, as threads in one process and as N processes; seed 003's
//! "memory usage analysis".
//!
//! Every worker runs the same small task and then waits, so that all N are alive when they
//! are weighed. Both strategies run in fresh processes (this suite binary, re-run), so that
//! neither is weighed beside what the suite itself has allocated.
//!
//! - threads: one worker process starts N threads; its RSS once all are alive, less its RSS
//!   before it started them, divided by N.
//! - processes: N worker processes; the sum of their peak RSS, divided by N.
//!
//! RSS counts a shared page in every process that maps it, so the processes' sum counts the
//! executable and libraries N times. PSS divides shared pages among their sharers; it is
//! recorded beside RSS as `pss_bytes`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::{Entry, Mode, Plan, PlanContext, Sample, Trial, worker};
use crate::procfs::{Memory, Process, memory_of};
use crate::workloads::cpu_task_with;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "memory",
    plan,
    sources: &[sources![
        "code/lab/src/suite/memory.rs",
        "code/lab/src/suite/worker.rs",
        "code/lab/src/procfs.rs",
    ]],
};

/// Iterations of `cpu_task` each worker runs before it waits: enough to have run, not
/// enough to matter.
pub(super) const WORK: u64 = 1_000;

/// Workers: one, a few, and many.
fn worker_counts(mode: Mode) -> Vec<usize> {
    match mode {
        Mode::Quick => vec![1, 8, 64],
        Mode::Full => vec![1, 8, 64, 256],
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        ENTRY.id,
        "Memory per worker: threads and processes",
        super::Axis::Workers,
    )
    .x_label("workers (threads or processes)", "for {} worker{s}")
    .unit("B", "resident memory per worker")
    .metric("pss_bytes", "PSS per worker", "B")
    .workload(format!(
        "N workers, each running cpu_task with {WORK} iterations and then waiting until \
             all N have run; weighed while all are alive"
    ))
    .note("value: resident set size (RSS) per worker at its peak, from /proc; lower is better")
    .note(
        "threads: a fresh worker process starts N threads; its RSS with all alive (its peak \
             since they started), less its RSS before it started them, divided by N",
    )
    .note("processes: N fresh worker processes; the sum of their peak RSS (VmHWM), divided by N")
    .note(
        "pss_bytes: the same with proportional set size, which divides each shared page \
             (the executable, libraries) among the processes that map it, where RSS counts it \
             in every one",
    )
    .budget(ctx.budget(Duration::from_secs(3)));
    let Some(exe) = worker::exe() else {
        return builder
            .note(worker::not_measured("threads"))
            .note(worker::not_measured("processes"))
            .build();
    };
    for n in worker_counts(ctx.mode) {
        let (threads_exe, processes_exe) = (exe.clone(), exe.clone());
        builder = builder
            .trial(Trial::self_timed("threads", n, n, move || {
                move || {
                    sample("threads", n, || {
                        weigh_in_one_process(&threads_exe, "memory-threads", n)
                    })
                }
            }))
            .trial(Trial::self_timed("processes", n, n, move || {
                move || sample("processes", n, || weigh_processes(&processes_exe, n))
            }));
    }
    builder.build()
}

/// What one run of N workers weighed, in all, and the sum of their answers.
pub(super) struct Weighed {
    /// RSS at its peak: the threads' share of one process, or the processes' sum.
    peak_rss: u64,
    pss: u64,
    answer: u64,
}

/// One run's sample: `weigh`'s totals divided by the `n` workers.
pub(super) fn sample(strategy: &str, n: usize, weigh: impl FnOnce() -> Result<Weighed>) -> Sample {
    let weighed = weigh().unwrap_or_else(|err| panic!("memory {strategy}: {err:#}"));
    let per_worker = |bytes: u64| bytes as f64 / n as f64;
    Sample {
        value: per_worker(weighed.peak_rss),
        extra: [("pss_bytes".to_string(), per_worker(weighed.pss))].into(),
        answer: Some(weighed.answer),
    }
}

/// Runs `ROLE N` in a fresh worker that weighs its own N workers (`memory-threads`,
/// `memory-tasks`), and reads its report: what they added, and their answer.
pub(super) fn weigh_in_one_process(exe: &Path, role: &str, n: usize) -> Result<Weighed> {
    let [peak_rss, pss, answer] = worker::report_of(exe, role, &[n.to_string()])?;
    Ok(Weighed {
        peak_rss,
        pss,
        answer,
    })
}

/// The `memory-threads N` worker: starts N threads that each run the task and wait; once all
/// have run, prints what they added to this process (RSS and PSS, in bytes) and the sum of
/// their answers.
///
/// RSS now, not the peak: with every thread alive and nothing freed, now is this run's peak,
/// while `VmHWM` also remembers the start-up of the process, before the threads.
pub(super) fn threads_worker(args: &[String]) -> Result<()> {
    let n: usize = match args {
        [n] => n
            .parse()
            .with_context(|| format!("memory-threads: N `{n}` is not a number"))?,
        _ => bail!("memory-threads: usage: memory-threads N"),
    };
    let before = memory_of(Process::This)?;
    // Every thread waits at `ran` once it has run, then at `weighed` until this thread has
    // read /proc: all N are alive at the reading.
    let (ran, weighed) = (Barrier::new(n + 1), Barrier::new(n + 1));
    let (during, answer) = thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (ran, weighed) = (&ran, &weighed);
                s.spawn(move || {
                    let answer = cpu_task_with(i as u64, WORK);
                    ran.wait();
                    weighed.wait();
                    answer
                })
            })
            .collect();
        ran.wait();
        let during = memory_of(Process::This);
        weighed.wait();
        let answer = handles
            .into_iter()
            .map(|h| h.join().expect("a worker thread panicked"))
            .fold(0u64, u64::wrapping_add);
        (during, answer)
    });
    report_added(before, during?, answer)
}

/// What a `memory-threads` or `memory-tasks` worker prints: the RSS and PSS its workers added,
/// in bytes, and the sum of their answers.
pub(super) fn report_added(before: Memory, during: Memory, answer: u64) -> Result<()> {
    writeln!(
        std::io::stdout(),
        "{} {} {answer}",
        during.rss.saturating_sub(before.rss),
        during.pss.saturating_sub(before.pss)
    )?;
    Ok(())
}

/// Starts N `memory-idle` workers, waits until each has run its task, weighs them all, then
/// lets them exit.
fn weigh_processes(exe: &Path, n: usize) -> Result<Weighed> {
    let mut children: Vec<Child> = Vec::with_capacity(n);
    let weighed = start_and_weigh(exe, n, &mut children);
    // Closing a worker's stdin is its signal to exit; every one is reaped, whatever happened.
    for child in &mut children {
        drop(child.stdin.take());
    }
    for mut child in children {
        let status = child.wait()?;
        if weighed.is_ok() && !status.success() {
            bail!("a memory-idle worker exited with {status}");
        }
    }
    weighed
}

fn start_and_weigh(exe: &Path, n: usize, children: &mut Vec<Child>) -> Result<Weighed> {
    for i in 0..n {
        let child = worker::command(exe, "memory-idle")
            .arg(i.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        children.push(child);
    }
    let mut answer = 0u64;
    for child in children.iter_mut() {
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("piped")).read_line(&mut line)?;
        let part: u64 = line
            .trim()
            .parse()
            .with_context(|| format!("a memory-idle worker printed `{}`", line.trim()))?;
        answer = answer.wrapping_add(part);
    }
    let mut weighed = Weighed {
        peak_rss: 0,
        pss: 0,
        answer,
    };
    for child in children.iter() {
        let memory = memory_of(Process::Id(child.id()))?;
        weighed.peak_rss += memory.peak_rss;
        weighed.pss += memory.pss;
    }
    Ok(weighed)
}

/// The `memory-idle I` worker: runs task I, prints its answer, and waits for its stdin to
/// close.
pub(super) fn idle_worker(args: &[String]) -> Result<()> {
    let i: u64 = match args {
        [i] => i
            .parse()
            .with_context(|| format!("memory-idle: I `{i}` is not a number"))?,
        _ => bail!("memory-idle: usage: memory-idle I"),
    };
    writeln!(std::io::stdout(), "{}", cpu_task_with(i, WORK))?;
    std::io::stdout().flush()?;
    // Blocks until the parent closes the pipe; whatever it holds is ignored.
    std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_arguments_are_checked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = |r: Result<()>| r.unwrap_err().to_string();
        assert!(err(threads_worker(&args(&[]))).contains("usage: memory-threads N"));
        assert!(err(threads_worker(&args(&["x"]))).contains("N `x` is not a number"));
        assert!(err(idle_worker(&args(&["1", "2"]))).contains("usage: memory-idle I"));
    }
}
