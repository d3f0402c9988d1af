//! `many-waits`: N waits of 100 ms, all in flight at once, as tokio tasks (on the
//! multi-thread runtime and on one thread) and as OS threads, for as many threads as the
//! machine allows.
//!
//! "All in flight at once" is enforced, not hoped for: every waiter first waits at a gate
//! that opens once all N are spawned, and only then starts its 100 ms wait. Without the gate,
//! threads that take longer to start than a wait lasts would finish before the last one
//! started, and N threads would never be alive together; with it, a thread count the machine
//! cannot hold fails to start, as it would in a server with N clients connected.
//!
//! Threads run in a fresh worker process (`lab-suite --worker many-threads N`), so that the
//! limits they run into are met there and not in the suite. Before the rounds, each thread
//! count is tried once, from the smallest up; the first that fails is reported with the
//! error and the limits the machine was at (see [`crate::limits`]), and it and larger counts
//! are left out of the rounds.

use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::sync::watch;

use super::{Axis, Entry, Plan, PlanContext, Sample, Trial, worker};
use crate::limits::thread_limits;
use crate::results::grouped;
use crate::workloads::{IO_WAIT, async_wait, blocking_wait};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "many-waits",
    plan,
    sources: &[sources![
        "code/lab/src/suite/many_waits.rs",
        "code/lab/src/suite/worker.rs",
        "code/lab/src/limits.rs",
        "code/lab/src/workloads.rs",
    ]],
};

/// N: a thousand, ten thousand and a hundred thousand, in both modes, as the chapter asks.
const COUNTS: [usize; 3] = [1_000, 10_000, 100_000];

/// An extra metric: the run's time as a multiple of one wait.
const VS_ONE_WAIT: &str = "vs_one_wait";

/// An extra metric: seconds from the first spawn to the gate opening, when all N are spawned.
const SPAWNED: &str = "spawned_s";

fn plan(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        ENTRY.id,
        "Many waits at once: tokio tasks and threads",
        Axis::Tasks,
    )
    .x_label("waits in flight at once (N)", "for {} wait{s} at once")
    .metric(VS_ONE_WAIT, "time as a multiple of one wait", "×")
    .metric(SPAWNED, "spawning", "s")
    .workload(format!(
        "N waits of {} ms (a sleep), all in flight at once: each waiter is spawned, waits at \
         a gate that opens once all N are spawned, then sleeps",
        IO_WAIT.as_millis()
    ))
    .note("value: from the first spawn to the last waiter joined")
    .note(format!(
        "{VS_ONE_WAIT}: the same time as a multiple of one wait ({} ms): 1 would be no \
         overhead at all",
        IO_WAIT.as_millis()
    ))
    .note(format!(
        "{SPAWNED}: of that time, how long spawning all N took, until the gate opened"
    ))
    .note("tokio: one task per wait on a multi-thread runtime built before timing")
    .note("tokio-1-thread: the same tasks on a current_thread runtime, asyncio's model")
    // Waits barely vary: the fewest rounds that give an interval are usually enough.
    .budget(ctx.budget(Duration::from_secs(8)));
    for n in COUNTS {
        builder = builder
            .trial(Trial::self_timed("tokio", n, n, move || {
                let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime builds");
                move || timed_waits(|| runtime.block_on(tokio_waits(n)))
            }))
            .trial(Trial::self_timed("tokio-1-thread", n, n, move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .expect("a tokio runtime builds");
                move || timed_waits(|| runtime.block_on(tokio_waits(n)))
            }));
    }
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("threads")).build();
    };
    builder = builder.note(
        "threads: one OS thread per wait, in a fresh worker process; the gate is an RwLock \
         held for writing until all N are spawned",
    );
    for n in COUNTS {
        // Tried once before the rounds: a count the machine cannot hold is reported, not
        // measured, and larger counts are not tried.
        if let Err(err) = threads_in_worker(&exe, n) {
            return builder
                .note(format!(
                    "threads: {} waits could not run, so neither they nor more were \
                     measured: {err:#}",
                    grouped(n as u64)
                ))
                .build();
        }
        let exe = exe.clone();
        builder = builder.trial(Trial::self_timed("threads", n, n, move || {
            move || {
                let (seconds, spawning, done) = threads_in_worker(&exe, n)
                    .unwrap_or_else(|err| panic!("many-waits threads ×{n}: {err:#}"));
                sample(seconds, spawning, done)
            }
        }));
    }
    builder.build()
}

/// Times `run`, which returns when the gate opened and how many waits completed.
fn timed_waits(run: impl FnOnce() -> (Instant, u64)) -> Sample {
    let start = Instant::now();
    let (opened, done) = run();
    let seconds = start.elapsed().as_secs_f64();
    sample(seconds, (opened - start).as_secs_f64(), done)
}

/// A run's sample: its time, that time as a multiple of one wait, and how long spawning took.
fn sample(seconds: f64, spawning: f64, done: u64) -> Sample {
    Sample {
        value: seconds,
        extra: [
            (VS_ONE_WAIT.to_string(), seconds / IO_WAIT.as_secs_f64()),
            (SPAWNED.to_string(), spawning),
        ]
        .into(),
        answer: Some(done),
    }
}

/// N tasks, each waiting at the gate and then for [`IO_WAIT`]. Returns when the gate opened,
/// and how many waits completed.
///
/// The handles are awaited in order, not through a `JoinSet`, because every one must finish
/// anyway, and a `JoinSet`'s bookkeeping costs as much as a wait at 100,000 tasks.
async fn tokio_waits(n: usize) -> (Instant, u64) {
    let (open, gate) = watch::channel(false);
    let waiters: Vec<_> = (0..n)
        .map(|_| {
            let mut gate = gate.clone();
            tokio::spawn(async move {
                // An error means the sender is gone, which happens only after it opened the
                // gate.
                let _ = gate.wait_for(|&opened| opened).await;
                async_wait(IO_WAIT).await;
            })
        })
        .collect();
    let opened = Instant::now();
    open.send_replace(true);
    let mut done = 0;
    for waiter in waiters {
        done += u64::from(waiter.await.is_ok());
    }
    (opened, done)
}

/// Runs `many-threads N` in a fresh worker; returns its time and its spawning time in
/// seconds, and how many waits completed.
fn threads_in_worker(exe: &std::path::Path, n: usize) -> Result<(f64, f64, u64)> {
    let out = worker::command(exe, "many-threads")
        .arg(n.to_string())
        .stdin(std::process::Stdio::null())
        .output()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    if !out.status.success() {
        // The worker's first line says why; what follows is the runtime's own epilogue
        // ("fatal runtime error: failed to initiate panic").
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        bail!("the worker exited with {}: {why}", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let seconds = |nanos: &str| -> Result<f64> {
        Ok(nanos
            .parse::<f64>()
            .with_context(|| format!("many-threads printed `{}`", text.trim()))?
            * 1e-9)
    };
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        [total, spawning, done] => Ok((
            seconds(total)?,
            seconds(spawning)?,
            done.parse()
                .with_context(|| format!("many-threads printed `{}`", text.trim()))?,
        )),
        _ => bail!("many-threads printed `{}`, not three numbers", text.trim()),
    }
}

/// The `many-threads N` worker: N threads, each waiting at the gate and then for
/// [`IO_WAIT`]. Prints the nanoseconds from the first spawn to the last join, and to the
/// gate opening, and how many waits completed.
///
/// # Errors
///
/// If a thread cannot start: the error says which one, why, and the limits the machine was
/// at, read while every thread started so far was still alive.
pub(super) fn threads_worker(args: &[String]) -> Result<()> {
    let n: usize = match args {
        [n] => n
            .parse()
            .with_context(|| format!("many-threads: N `{n}` is not a number"))?,
        _ => bail!("many-threads: usage: many-threads N"),
    };
    report_failed_starts(n);
    let start = Instant::now();
    let (opened, done) = gated_threads(n)?;
    let total = start.elapsed().as_nanos();
    println!("{total} {} {done}", (opened - start).as_nanos());
    Ok(())
}

/// Threads spawned so far by [`gated_threads`], for the panic hook.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// A thread can also fail after `spawn` returned: std sets up each new thread's signal stack
/// before running it, and where that mapping is refused the thread panics and the process
/// aborts. This hook turns that panic into one line that says what failed and the limits the
/// machine was at, read then, while every other thread is still alive.
fn report_failed_starts(n: usize) {
    std::panic::set_hook(Box::new(move |info| {
        let started = STARTED.load(Ordering::Relaxed);
        let limits = thread_limits();
        eprintln!(
            "a thread failed as it started, with {} of {} started: {}; {limits}",
            grouped(started as u64),
            grouped(n as u64),
            message(info.payload()),
        );
    }));
}

/// A panic's message: std panics with a `&str` or a `String`.
fn message(payload: &(dyn std::any::Any + Send)) -> &str {
    match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(text), _) => text,
        (_, Some(text)) => text,
        (None, None) => "(no message)",
    }
}

/// Spawns N gated waiters on scoped threads, opens the gate, and joins them. Returns when the
/// gate opened, and how many waits completed.
fn gated_threads(n: usize) -> Result<(Instant, u64)> {
    // Held for writing until every thread is spawned: each waiter's read blocks until then,
    // and all are woken at once when it is dropped.
    let gate = RwLock::new(());
    let closed = gate.write().expect("a new lock is not poisoned");
    thread::scope(|s| {
        let mut waiters = Vec::with_capacity(n);
        let mut failure = None;
        for i in 0..n {
            let spawned = thread::Builder::new().spawn_scoped(s, || {
                drop(gate.read());
                blocking_wait(IO_WAIT);
            });
            match spawned {
                Ok(waiter) => {
                    waiters.push(waiter);
                    STARTED.store(i + 1, Ordering::Relaxed);
                }
                Err(err) => {
                    // Read now, while every thread started so far is alive.
                    let limits = thread_limits();
                    failure = Some(format!(
                        "thread {} of {} could not start: {err}; {limits}",
                        grouped(i as u64 + 1),
                        grouped(n as u64)
                    ));
                    break;
                }
            }
        }
        let opened = Instant::now();
        drop(closed);
        let done = waiters
            .into_iter()
            .map(|w| u64::from(w.join().is_ok()))
            .sum();
        match failure {
            Some(why) => bail!(why),
            None => Ok((opened, done)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wait_completes_on_every_strategy() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(tokio_waits(500)).1, 500);
        assert_eq!(gated_threads(20).unwrap().1, 20);
    }

    #[tokio::test(start_paused = true)]
    async fn the_waits_start_together_and_overlap() {
        // On the paused clock, 1,000 waits of 100 ms take exactly one wait's time: they run
        // at once, not one after another.
        let start = tokio::time::Instant::now();
        assert_eq!(tokio_waits(1_000).await.1, 1_000);
        assert_eq!(start.elapsed(), IO_WAIT);
    }

    #[test]
    fn worker_arguments_are_checked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = |r: Result<()>| r.unwrap_err().to_string();
        assert!(err(threads_worker(&args(&[]))).contains("usage: many-threads N"));
        assert!(err(threads_worker(&args(&["x"]))).contains("N `x` is not a number"));
    }
}
