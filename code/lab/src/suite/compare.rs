//! `compare-cpu`, `compare-io` and `compare-mixed`: the performance comparison. The same N
//! requests under every strategy (see [`compare_strategies`](super::compare_strategies)), at
//! 1 to 2× the logical CPUs, interleaved in the same rounds so that every cell is read
//! against the same serial baseline and the same ceiling:
//!
//! - CPU-bound: each request computes `cpu_task` and nothing else;
//! - I/O-bound: each request waits on the loopback server and computes nothing;
//! - mixed: each request waits, then computes.

use std::time::Duration;

use super::compare_strategies::{Requests, Strategy, prepare};
use super::loopback::SharedServer;
use super::{Axis, Entry, GIL_MODEL, Mode, Plan, PlanContext, Source, Trial, worker};

/// What the comparison's results depend on.
const SOURCES: &[Source] = sources![
    "code/lab/src/suite/compare.rs",
    "code/lab/src/suite/compare_strategies.rs",
    "code/lab/src/suite/loopback.rs",
    "code/lab/src/suite/strategies.rs",
    "code/lab/src/suite/worker.rs",
    "code/lab/src/workloads.rs",
];

/// CPU-bound requests.
pub(super) const CPU: Entry = Entry {
    id: "compare-cpu",
    plan: |ctx| plan(ctx, Shape::Cpu),
    sources: &[SOURCES, GIL_MODEL],
};

/// I/O-bound requests.
pub(super) const IO: Entry = Entry {
    id: "compare-io",
    plan: |ctx| plan(ctx, Shape::Io),
    sources: &[SOURCES, GIL_MODEL],
};

/// Requests that wait, then compute.
pub(super) const MIXED: Entry = Entry {
    id: "compare-mixed",
    plan: |ctx| plan(ctx, Shape::Mixed),
    sources: &[SOURCES, GIL_MODEL],
};

/// How the server delays each answer: long enough to dwarf a connection's set-up on loopback,
/// short enough that a serial run of every request fits a round.
pub(super) const LATENCY: Duration = Duration::from_millis(5);

/// `cpu_task` iterations per request: about a millisecond here, a fifth of the wait.
pub(super) const ITERATIONS: u64 = 2_500_000;

/// Which of the three workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Cpu,
    Io,
    Mixed,
}

impl Shape {
    fn id(self) -> &'static str {
        match self {
            Shape::Cpu => CPU.id,
            Shape::Io => IO.id,
            Shape::Mixed => MIXED.id,
        }
    }

    fn waits(self) -> bool {
        self != Shape::Cpu
    }

    fn iterations(self) -> u64 {
        match self {
            Shape::Io => 0,
            Shape::Cpu | Shape::Mixed => ITERATIONS,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Shape::Cpu => "Comparison, CPU-bound: N requests that each compute",
            Shape::Io => "Comparison, I/O-bound: N requests that each wait on a socket",
            Shape::Mixed => "Comparison, mixed: N requests that each wait, then compute",
        }
    }

    fn workload(self, count: usize) -> String {
        let wait = format!(
            "a request over loopback TCP to a server that answers after {} ms",
            LATENCY.as_millis()
        );
        let compute = format!("cpu_task(i) with {ITERATIONS} iterations");
        match self {
            Shape::Cpu => format!("{count} requests, each {compute}, no I/O"),
            Shape::Io => format!("{count} requests, each {wait}, no computation"),
            Shape::Mixed => format!("{count} requests, each {wait}, then {compute}"),
        }
    }

    /// The requests of one run, with the server's address where they wait.
    pub(super) fn requests(self, count: usize, server: Option<&SharedServer>) -> Requests {
        Requests {
            count,
            server: server.filter(|_| self.waits()).map(SharedServer::address),
            iterations: self.iterations(),
        }
    }
}

/// Requests per run: divisible by every worker count the comparison uses on machines of 2 or 3
/// CPUs, and several per worker at twice the CPUs, so that no worker idles for long at the
/// end. Few in quick mode where requests wait, because a serial run of the mixed workload
/// takes N × 7 ms; more where they only compute, because a run of a few milliseconds is
/// swamped by the milliseconds a woken thread can wait for the scheduler to move it to an idle
/// CPU (see `cpu-bound`).
pub(super) fn request_count(ctx: &PlanContext, shape: Shape) -> usize {
    let waiting = match ctx.mode {
        Mode::Quick => 12,
        Mode::Full => (8 * ctx.logical_cpus).max(96),
    };
    match shape {
        Shape::Cpu => 4 * waiting,
        Shape::Io | Shape::Mixed => waiting,
    }
}

/// Worker counts: 1, the powers of two, the CPU count and twice it. Fewer than the other
/// experiments' sweep, because here every count runs eight strategies.
pub(super) fn worker_counts(ctx: &PlanContext) -> Vec<usize> {
    let cpus = ctx.logical_cpus;
    ctx.worker_counts()
        .into_iter()
        .filter(|&w| w.is_power_of_two() || w == cpus || w == 2 * cpus)
        .collect()
}

fn plan(ctx: &PlanContext, shape: Shape) -> Plan {
    let count = request_count(ctx, shape);
    let server = shape
        .waits()
        .then(|| SharedServer::new(shape.id(), LATENCY));
    let exe = worker::exe();
    let mut builder = Plan::builder(shape.id(), shape.title(), Axis::Workers)
        .workload(shape.workload(count))
        .baseline("serial")
        .budget(ctx.budget(match shape {
            Shape::Cpu => Duration::from_secs(3),
            Shape::Io => Duration::from_secs(4),
            Shape::Mixed => Duration::from_secs(5),
        }));
    // Only the CPU-bound workload is read against the ceiling: where requests wait, their
    // waits overlap, and a speedup may pass the ceiling without anything running in parallel.
    if shape == Shape::Cpu {
        builder = builder.cpu_bound();
    }
    if server.is_some() {
        builder = builder.note(format!(
            "the server: a current_thread tokio runtime on a thread of its own, one task per \
             connection, answering after {} ms; the same for every strategy",
            LATENCY.as_millis()
        ));
    }
    for strategy in Strategy::ALL {
        if strategy == Strategy::Processes && exe.is_none() {
            builder = builder.note(worker::not_measured(strategy.name()));
            continue;
        }
        builder = builder.note(strategy.note());
        let workers = if strategy == Strategy::Serial {
            vec![1]
        } else {
            worker_counts(ctx)
        };
        for w in workers {
            let (server, exe) = (server.clone(), exe.clone());
            builder = builder.trial(Trial::timed(strategy.name(), w, count, move || {
                let requests = shape.requests(count, server.as_ref());
                let mut run = prepare(strategy, w, requests, exe.as_deref());
                // The server stays up while any trial that may run holds it.
                move || {
                    let _server = &server;
                    run()
                }
            }));
        }
    }
    builder.build()
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn worker_counts_span_one_to_twice_the_cpus() {
        let small = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 2,
        };
        assert_eq!(worker_counts(&small), [1, 2, 4]);
        let big = PlanContext {
            mode: Mode::Full,
            logical_cpus: 12,
        };
        assert_eq!(worker_counts(&big), [1, 2, 4, 8, 12, 16, 24]);
        assert!(request_count(&big, Shape::Mixed) >= 4 * 24);
        assert!(request_count(&big, Shape::Cpu) > request_count(&big, Shape::Io));
    }

    #[test]
    fn only_the_waiting_workloads_use_the_server() {
        let server = SharedServer::new("compare test", Duration::from_millis(1));
        assert_eq!(Shape::Cpu.requests(4, Some(&server)).server, None);
        let io = Shape::Io.requests(4, Some(&server));
        assert!(io.server.is_some());
        assert_eq!(io.iterations, 0);
        let mixed = Shape::Mixed.requests(4, Some(&server));
        assert!(mixed.server.is_some() && mixed.iterations == ITERATIONS);
    }

    #[test]
    fn every_strategy_is_planned_at_every_worker_count() {
        let ctx = PlanContext {
            mode: Mode::Quick,
            logical_cpus: 2,
        };
        let plan = plan(&ctx, Shape::Mixed);
        for strategy in Strategy::ALL {
            let expected = match strategy {
                Strategy::Serial => 1,
                // Not a suite binary in a unit test: the processes are noted, not run.
                Strategy::Processes => 0,
                _ => 3,
            };
            let planned = plan
                .trials
                .iter()
                .filter(|t| t.strategy == strategy.name())
                .count();
            assert_eq!(planned, expected, "{}", strategy.name());
        }
    }
}
