//! `io-bound-sockets`: `io-bound` with real sockets. N requests to a loopback server that
//! answers each after 50 ms, made serially, on one std thread each, on one GIL thread each
//! (the model, which releases the GIL around the blocking call as CPython does), and as tokio
//! tasks on one thread.
//!
//! The server (see [`loopback`](super::loopback)) starts when the first trial is set up and
//! stops when the plan is done with it, so rounds time requests, not start-up.

use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use tokio::task::JoinSet;

use super::loopback::{LATENCY, SharedServer, async_request, blocking_request};
use super::strategies::round_robin;
// The same N as `io-bound`, whose real-socket variant this is.
use super::io_bound::{concurrent_counts, serial_counts};
use super::{Axis, Entry, GIL_MODEL, Plan, PlanContext, Trial};
use crate::gil::Gil;
use crate::limits::open_files_limit;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "io-bound-sockets",
    plan,
    sources: &[
        sources![
            "code/lab/src/suite/io_sockets.rs",
            "code/lab/src/suite/io_bound.rs",
            "code/lab/src/suite/loopback.rs",
            "code/lab/src/limits.rs",
        ],
        GIL_MODEL,
    ],
};

/// File descriptors a run of N concurrent requests holds: the client's socket and the
/// server's for each, and a margin for everything else the suite has open.
fn descriptors_needed(n: usize) -> u64 {
    2 * n as u64 + 64
}

fn plan(ctx: &PlanContext) -> Plan {
    let largest_serial = serial_counts(ctx.mode).last().copied().unwrap_or(1);
    let mut builder = Plan::builder(
        ENTRY.id,
        "I/O-bound, real sockets: N requests to a server with 50 ms of latency",
        Axis::Tasks,
    )
    .workload(format!(
        "N requests over loopback TCP, one connection each, to a server on its own thread \
         that answers each after {} ms",
        LATENCY.as_millis()
    ))
    .baseline("serial")
    .note(format!(
        "serial takes N × {} ms, so it was measured only up to N = {largest_serial}",
        LATENCY.as_millis()
    ))
    .note("threads: one std thread per request, blocking std sockets; spawned inside the timing")
    .note(
        "gil-threads: the same on GIL threads (the model): each takes the GIL to start and \
         releases it around its request, as CPython does around a socket call",
    )
    .note(
        "tokio-1-thread: one task per request on a current_thread runtime built before \
         timing: every wait overlaps, on one thread",
    )
    .note(
        "the server: a current_thread tokio runtime on a thread of its own, one task per \
         connection; it answers, then closes",
    )
    .budget(ctx.budget(Duration::from_secs(6)));
    let server = SharedServer::new(ENTRY.id, LATENCY);
    for &n in serial_counts(ctx.mode) {
        let server = server.clone();
        builder = builder.trial(Trial::timed("serial", 1, n, move || {
            server.address();
            move || serial(server.address(), n)
        }));
    }
    let descriptors = open_files_limit();
    for &n in concurrent_counts(ctx.mode) {
        if let Some(limit) = descriptors.filter(|&limit| limit < descriptors_needed(n)) {
            builder = builder.note(format!(
                "N = {n} not measured: it needs {} open files, and ulimit -n is {limit}",
                descriptors_needed(n)
            ));
            continue;
        }
        let (for_threads, for_gil, for_tokio) = (server.clone(), server.clone(), server.clone());
        builder = builder
            .trial(Trial::timed("threads", n, n, move || {
                for_threads.address();
                move || std_threads(for_threads.address(), n)
            }))
            .trial(Trial::timed("gil-threads", n, n, move || {
                for_gil.address();
                move || gil_threads(for_gil.address(), n)
            }))
            .trial(Trial::timed("tokio-1-thread", n, n, move || {
                for_tokio.address();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime builds");
                move || runtime.block_on(tokio_tasks(for_tokio.address(), n))
            }));
    }
    builder.build()
}

/// What a failed request does to the run: stop it, saying why.
fn answered(request: anyhow::Result<u64>) -> u64 {
    request.unwrap_or_else(|err| panic!("io-bound-sockets: {err:#}"))
}

/// One request after another; the answer is the wrapping sum of the squares.
fn serial(address: SocketAddr, n: usize) -> u64 {
    (0..n as u64)
        .map(|i| answered(blocking_request(address, i)))
        .fold(0, u64::wrapping_add)
}

/// One std thread per request.
fn std_threads(address: SocketAddr, n: usize) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..n as u64)
            .map(|i| s.spawn(move || answered(blocking_request(address, i))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a failed request panics with its reason"))
            .fold(0, u64::wrapping_add)
    })
}

/// One GIL thread per request, the GIL released around it.
fn gil_threads(address: SocketAddr, n: usize) -> u64 {
    let gil = Gil::new();
    round_robin(
        n,
        n,
        || gil.thread(),
        |py, i| py.allow_threads(|| answered(blocking_request(address, i))),
    )
}

/// One tokio task per request.
async fn tokio_tasks(address: SocketAddr, n: usize) -> u64 {
    let mut requests = JoinSet::new();
    for i in 0..n as u64 {
        requests.spawn(async move { answered(async_request(address, i).await) });
    }
    let mut sum = 0u64;
    while let Some(joined) = requests.join_next().await {
        sum = sum.wrapping_add(joined.expect("a failed request panics with its reason"));
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_gets_every_answer() {
        let server = SharedServer::new(ENTRY.id, LATENCY);
        let address = server.address();
        let expected: u64 = (0..12u64).map(|i| i * i).sum();
        assert_eq!(serial(address, 12), expected);
        assert_eq!(std_threads(address, 12), expected);
        assert_eq!(gil_threads(address, 12), expected);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(tokio_tasks(address, 12)), expected);
    }
}
