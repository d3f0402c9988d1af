//! `channels`: messages per second from P producer threads to one consumer, through std's
//! `mpsc` (unbounded `channel` and bounded `sync_channel`) and crossbeam's channels
//! (unbounded and bounded).
//!
//! Each message is a `u64`; the consumer sums them, and the sum is the run's answer, so a lost
//! or doubled message fails the run instead of speeding it up.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam::channel;

use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "channels",
    plan,
    sources: &[sources!["code/lab/src/suite/channels.rs"]],
};

/// The bounded channels' capacity: small enough that a fast producer fills it and waits.
pub(crate) const CAPACITY: usize = 256;

/// Messages per run, from all producers together.
fn messages(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 200_000,
        Mode::Full => 1_000_000,
    }
}

/// Producers: one, and one per logical CPU (at least two), so that the consumer has to keep
/// up with several at once.
fn producer_counts(ctx: &PlanContext) -> Vec<usize> {
    vec![1, ctx.logical_cpus.max(2)]
}

/// A channel under test: sends `messages` values from `producers` threads to this one, and
/// returns their sum.
type Strategy = fn(usize, usize) -> u64;

const STRATEGIES: [(&str, Strategy); 4] = [
    ("std-channel", std_unbounded),
    ("std-sync", std_bounded),
    ("crossbeam-unbounded", crossbeam_unbounded),
    ("crossbeam-bounded", crossbeam_bounded),
];

fn plan(ctx: &PlanContext) -> Plan {
    let total = messages(ctx.mode);
    let mut builder = Plan::builder(ENTRY.id, "Channels: messages per second", Axis::Workers)
        .x_label("producers", "with {} producer{s}")
        .unit("msg/s", "rate")
        .workload(format!(
            "{total} u64 messages in all, from P producer threads to one consumer, which sums \
             them"
        ))
        .note(
            "value: messages delivered per second, from before the producers are spawned to \
             the consumer's last receive; higher is better",
        )
        .note(format!("bounded channels hold {CAPACITY} messages"))
        .note("std-channel: mpsc::channel (unbounded); std-sync: mpsc::sync_channel (bounded)")
        .note("crossbeam-unbounded: channel::unbounded; crossbeam-bounded: channel::bounded")
        .budget(ctx.budget(Duration::from_secs(6)));
    for (name, strategy) in STRATEGIES {
        builder = builder.sweep(&producer_counts(ctx), |producers| {
            Trial::self_timed(name, producers, total, move || {
                move || Sample::operations_per_second(total, || strategy(total, producers))
            })
        });
    }
    builder.build()
}

/// The values producer `p` of `producers` sends: every `producers`-th of `0..messages`.
fn values_of(p: usize, producers: usize, messages: usize) -> impl Iterator<Item = u64> {
    (p..messages).step_by(producers).map(|v| v as u64)
}

/// A channel's sending end, as the benchmark uses it: the three sender types differ only in
/// name, so one `deliver` serves every channel.
trait Outbox: Clone + Send {
    fn put(&self, value: u64);
}

impl Outbox for mpsc::Sender<u64> {
    fn put(&self, value: u64) {
        self.send(value).expect("the consumer is alive");
    }
}

impl Outbox for mpsc::SyncSender<u64> {
    fn put(&self, value: u64) {
        self.send(value).expect("the consumer is alive");
    }
}

impl Outbox for channel::Sender<u64> {
    fn put(&self, value: u64) {
        self.send(value).expect("the consumer is alive");
    }
}

/// Sends `messages` values from `producers` threads through the channel `(tx, rx)` and sums
/// them on this thread. Each producer gets a clone of `tx` and the original is dropped, so
/// the receiver's iteration ends when the last producer finishes.
fn deliver<S: Outbox>(
    (tx, rx): (S, impl IntoIterator<Item = u64>),
    messages: usize,
    producers: usize,
) -> u64 {
    thread::scope(|s| {
        for p in 0..producers {
            let tx = tx.clone();
            s.spawn(move || {
                for value in values_of(p, producers, messages) {
                    tx.put(value);
                }
            });
        }
        drop(tx);
        rx.into_iter().sum()
    })
}

fn std_unbounded(messages: usize, producers: usize) -> u64 {
    deliver(mpsc::channel(), messages, producers)
}

fn std_bounded(messages: usize, producers: usize) -> u64 {
    deliver(mpsc::sync_channel(CAPACITY), messages, producers)
}

fn crossbeam_unbounded(messages: usize, producers: usize) -> u64 {
    deliver(channel::unbounded(), messages, producers)
}

fn crossbeam_bounded(messages: usize, producers: usize) -> u64 {
    deliver(channel::bounded(CAPACITY), messages, producers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_delivers_every_message_once() {
        let expected: u64 = (0..5_000).sum();
        for (name, strategy) in STRATEGIES {
            for producers in [1, 3] {
                assert_eq!(strategy(5_000, producers), expected, "{name} ×{producers}");
            }
        }
    }
}
