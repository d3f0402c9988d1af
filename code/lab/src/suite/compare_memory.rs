//! `compare-memory`: the memory each strategy of the comparison takes on the mixed workload,
//! as peak RSS. Each sample runs one strategy once in a fresh worker process (this suite
//! binary, re-run), because a process's peak only ever grows: measured in the suite's own
//! process, every strategy would report the largest peak of any before it.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::compare::{LATENCY, Shape, request_count};
use super::compare_strategies::{
    Requests, Strategy, address_argument, in_processes, parse_address, prepare,
};
use super::loopback::SharedServer;
use super::{Axis, Entry, Plan, PlanContext, Sample, Trial, worker};
use crate::procfs::{Process, memory_of};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "compare-memory",
    plan,
    sources: &[
        sources![
            "code/lab/src/suite/compare_memory.rs",
            "code/lab/src/suite/compare.rs",
            "code/lab/src/suite/compare_strategies.rs",
            "code/lab/src/suite/loopback.rs",
            "code/lab/src/suite/worker.rs",
            "code/lab/src/procfs.rs",
        ],
        super::GIL_MODEL,
    ],
};

fn plan(ctx: &PlanContext) -> Plan {
    let count = request_count(ctx, Shape::Mixed);
    let workers = 2 * ctx.logical_cpus;
    let builder = Plan::builder(
        ENTRY.id,
        "Comparison, memory: peak RSS of each strategy on the mixed workload",
        Axis::Tasks,
    )
    // The number of requests, not of workers, because serial has one worker and the rest
    // have 2× the CPUs, and claims compare strategies at one x.
    .x_label("requests (N)", "for {} request{s}")
    .unit("B", "peak resident memory")
    .workload(format!(
        "the compare-mixed workload ({count} requests that each wait, then compute) with \
         {workers} workers, once per sample"
    ))
    .note(
        "peak RSS (VmHWM) of a fresh worker process that runs the strategy once; for \
         processes, that process's peak plus each of its workers' own",
    )
    .note(
        "serial is the floor: this suite binary, its loopback client and one thread; every \
         other strategy adds its threads' stacks, its pool or runtime, or whole processes",
    )
    .budget(ctx.budget(Duration::from_secs(3)));
    let Some(exe) = worker::exe() else {
        return builder.note(worker::not_measured("every strategy")).build();
    };
    let server = SharedServer::new(ENTRY.id, LATENCY);
    let mut builder = builder;
    for strategy in Strategy::ALL {
        let w = if strategy == Strategy::Serial {
            1
        } else {
            workers
        };
        let (exe, server) = (exe.clone(), server.clone());
        builder = builder.trial(Trial::self_timed(strategy.name(), w, count, move || {
            let requests = Shape::Mixed.requests(count, Some(&server));
            move || {
                let _server = &server;
                let (answer, peak) = weigh(&exe, strategy, w, requests)
                    .unwrap_or_else(|err| panic!("compare-memory {}: {err:#}", strategy.name()));
                Sample {
                    value: peak as f64,
                    extra: Default::default(),
                    answer: Some(answer),
                }
            }
        }));
    }
    builder.build()
}

/// Runs `strategy` once in a fresh `peak` worker; returns its answer and the peak RSS.
fn weigh(
    exe: &std::path::Path,
    strategy: Strategy,
    workers: usize,
    requests: Requests,
) -> Result<(u64, u64)> {
    let [answer, peak] = worker::report_of(
        exe,
        "peak",
        &[
            strategy.name().to_string(),
            workers.to_string(),
            requests.count.to_string(),
            address_argument(requests.server),
            requests.iterations.to_string(),
        ],
    )?;
    Ok((answer, peak))
}

/// The `peak STRATEGY WORKERS COUNT ADDRESS ITERATIONS` worker: runs the strategy once and
/// prints its answer and the peak RSS it took (its own, plus its workers' for processes).
///
/// # Errors
///
/// If an argument is missing or malformed, a worker fails, or `/proc` cannot be read.
pub(super) fn peak_worker(args: &[String]) -> Result<()> {
    let [strategy, workers, count, address, iterations] = args else {
        bail!("peak: usage: peak STRATEGY WORKERS COUNT ADDRESS|- ITERATIONS");
    };
    let strategy = Strategy::named(strategy).with_context(|| {
        let known: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
        format!(
            "peak: unknown strategy `{strategy}`; the strategies are {}",
            known.join(", ")
        )
    })?;
    let number = |name: &str, text: &str| -> Result<u64> {
        text.parse()
            .with_context(|| format!("peak: {name} `{text}` is not a number"))
    };
    let workers = number("WORKERS", workers)? as usize;
    let requests = Requests {
        count: number("COUNT", count)? as usize,
        server: parse_address(address)?,
        iterations: number("ITERATIONS", iterations)?,
    };
    let (answer, workers_peak) = if strategy == Strategy::Processes {
        let exe = worker::exe().context("peak: a worker process runs as the suite binary")?;
        in_processes(&exe, workers, requests)?
    } else {
        let mut run = prepare(strategy, workers, requests, None);
        (run(), 0)
    };
    let own_peak = memory_of(Process::This)?.peak_rss;
    println!("{answer} {}", own_peak + workers_peak);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_worker_checks_its_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(peak_worker(&args(&["serial"])).is_err());
        let err = peak_worker(&args(&["fibers", "1", "1", "-", "1"])).unwrap_err();
        assert!(format!("{err:#}").contains("tokio-rayon"), "{err:#}");
        assert!(peak_worker(&args(&["serial", "x", "1", "-", "1"])).is_err());
    }
}
