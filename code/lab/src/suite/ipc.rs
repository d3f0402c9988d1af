//! `ipc-throughput` and `ipc-latency`: how fast messages travel between two sides through an
//! in-process channel, a pipe to another process, and shared memory with another process, at
//! three message sizes. Two experiments, because each has one unit: bytes per second one way,
//! and seconds per round trip.
//!
//! The other side is started once per configuration and kept across rounds (see `ipc_peer`),
//! and every run's answer is a checksum of the bytes that arrived, so a link that loses or
//! changes a byte fails the run instead of looking fast.

use std::time::Duration;

use anyhow::Result;

use super::ipc_link::message;
use super::ipc_peer::{self, CHANNEL_MESSAGES, Peer, RING_BYTES, ThreadPeer};
use super::{Axis, Entry, Mode, Plan, PlanBuilder, PlanContext, Sample, Trial, worker};

const SOURCES: &[crate::results::Source] = sources![
    "code/lab/src/suite/ipc.rs",
    "code/lab/src/suite/ipc_link.rs",
    "code/lab/src/suite/ipc_peer.rs",
    "code/lab/src/suite/shm_ring.rs",
    "code/lab/src/suite/worker.rs",
];

/// Bytes per second, one way.
pub(super) const THROUGHPUT: Entry = Entry {
    id: "ipc-throughput",
    plan: throughput_plan,
    sources: &[SOURCES],
};

/// Seconds per round trip.
pub(super) const LATENCY: Entry = Entry {
    id: "ipc-latency",
    plan: latency_plan,
    sources: &[SOURCES],
};

/// The x axis: bytes per message.
const SIZE: Axis = Axis::Param {
    name: "bytes",
    label: "message size (bytes)",
    phrase: "for {}-byte messages",
};

/// One message size, and the messages per run of each experiment at it in quick mode: about
/// 20 ms through a pipe here. Counts differ from size to size, because the runner checks the
/// answers of trials with equal task counts against each other.
struct Size {
    bytes: usize,
    streamed: usize,
    round_trips: usize,
}

/// A small message, a page, and a pipe's whole default buffer.
const SIZES: [Size; 3] = [
    Size {
        bytes: 64,
        streamed: 20_000,
        round_trips: 2_000,
    },
    Size {
        bytes: 4096,
        streamed: 10_000,
        round_trips: 1_500,
    },
    Size {
        bytes: 65536,
        streamed: 1_000,
        round_trips: 400,
    },
];

fn scaled(quick: usize, mode: Mode) -> usize {
    match mode {
        Mode::Quick => quick,
        Mode::Full => 4 * quick,
    }
}

/// How a run uses its peer: it returns the run's sample.
type Measure = fn(&mut dyn Peer, &[u8], usize) -> Sample;

fn throughput_plan(ctx: &PlanContext) -> Plan {
    let builder = Plan::builder(
        THROUGHPUT.id,
        "Messages between two sides: throughput",
        SIZE,
    )
    .unit("B/s", "throughput")
    .workload(
        "messages of one size sent one way, one after another; the other side checksums \
             every byte and answers with the sum",
    )
    .note(
        "value: bytes delivered per second, from the first send to the answer's arrival; \
             higher is better",
    );
    with_strategies(
        builder,
        ctx,
        |size| size.streamed,
        |peer, msg, count| {
            Sample::operations_per_second(msg.len() * count, || {
                peer.stream(msg, count as u64)
                    .unwrap_or_else(|err| panic!("ipc-throughput: {err:#}"))
            })
        },
    )
}

fn latency_plan(ctx: &PlanContext) -> Plan {
    let builder = Plan::builder(LATENCY.id, "Messages between two sides: round trips", SIZE)
        .workload(
            "one message at a time, sent and echoed back before the next is sent; this side \
             checksums every echo",
        )
        .note("value: the run's time divided by its round trips; lower is better");
    with_strategies(
        builder,
        ctx,
        |size| size.round_trips,
        |peer, msg, count| {
            Sample::time_per_operation(count, || {
                peer.round_trips(msg, count as u64)
                    .unwrap_or_else(|err| panic!("ipc-latency: {err:#}"))
            })
        },
    )
}

/// The notes and trials both experiments share: each link at each size, `count` messages
/// per run, measured by `measure`.
fn with_strategies(
    builder: PlanBuilder,
    ctx: &PlanContext,
    count: fn(&Size) -> usize,
    measure: Measure,
) -> Plan {
    let mut builder = builder
        .note(format!(
            "channel: a thread in this process, at the end of two crossbeam channels of \
             {CHANNEL_MESSAGES} messages; a send copies the message into a new Vec, a receive \
             takes it as it is"
        ))
        .note(
            "pipe: a worker process (this suite binary, started once), one pipe each way; each \
             message is one write, unbuffered, into the kernel's default pipe buffer (64 KiB \
             on Linux)",
        )
        .note(format!(
            "shared-memory: the same worker, one ring of {} KiB each way in a file under \
             /dev/shm that both processes map; a message is copied in and out, and a side \
             that waits spins, then yields its CPU, but never sleeps",
            RING_BYTES / 1024
        ))
        .budget(ctx.budget(Duration::from_secs(4)));
    let exe = worker::exe();
    if exe.is_none() {
        builder = builder
            .note(worker::not_measured("pipe"))
            .note(worker::not_measured("shared-memory"));
    }
    for size in &SIZES {
        let count = scaled(count(size), ctx.mode);
        let size = size.bytes;
        builder = builder.trial(trial("channel", size, count, measure, move || {
            Ok(Box::new(ThreadPeer::start(size)?))
        }));
        let Some(exe) = exe.clone() else { continue };
        let shm_exe = exe.clone();
        builder = builder
            .trial(trial("pipe", size, count, measure, move || {
                Ok(Box::new(ipc_peer::pipe_peer(&exe, size)?))
            }))
            .trial(trial("shared-memory", size, count, measure, move || {
                Ok(Box::new(ipc_peer::shm_peer(&shm_exe, size)?))
            }));
    }
    builder.build()
}

/// One link at one size: `start` makes the peer before the rounds, and each run sends
/// `count` messages of `size` bytes to it.
fn trial(
    strategy: &'static str,
    size: usize,
    count: usize,
    measure: Measure,
    start: impl FnOnce() -> Result<Box<dyn Peer>> + 'static,
) -> Trial {
    Trial::self_timed(strategy, 1, count, move || {
        let mut peer = start().unwrap_or_else(|err| panic!("ipc {strategy}: {err:#}"));
        let msg = message(size);
        move || measure(peer.as_mut(), &msg, count)
    })
    .with_param("bytes", size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_differ_by_size_so_answers_are_checked_only_within_one() {
        for count in [|s: &Size| s.streamed, |s: &Size| s.round_trips] {
            let counts: std::collections::BTreeSet<usize> = SIZES.iter().map(count).collect();
            assert_eq!(counts.len(), SIZES.len());
        }
    }
}
