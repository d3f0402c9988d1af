//! `context-switch`: what it costs to hand control from one thread to another and back, as a
//! two-thread ping-pong; and the same between two tokio tasks on one thread.
//!
//! Each side waits for the other's message before it sends its own, so exactly one of them
//! runs at a time: every message is one handoff, a sleeping thread woken and run (or, for
//! tasks, a task polled). The value is the time per handoff.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::{Axis, Entry, Plan, PlanContext, Sample, Trial};

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "context-switch",
    plan,
    sources: &[sources!["code/lab/src/suite/context_switch.rs"]],
};

/// Round trips per run, each two handoffs: the same in both modes, so that a page can quote
/// the one point; full mode gets more rounds instead.
const ROUND_TRIPS: usize = 2_000;

fn plan(ctx: &PlanContext) -> Plan {
    let trips = ROUND_TRIPS;
    Plan::builder(
        ENTRY.id,
        "A context switch: two threads, or two tasks, in ping-pong",
        Axis::Tasks,
    )
    .x_label("round trips per run", "over {} round trip{s}")
    .workload(format!(
        "{trips} round trips of a number between two sides, each side waiting for the other's \
         message before sending its own; the time per handoff"
    ))
    .note(
        "threads: the suite's thread and one scoped std thread, a std mpsc channel each way; a \
         waiting thread sleeps in the kernel, so each handoff wakes it, on whichever CPU the \
         scheduler picks; from round to round that is the same CPU (a plain context switch) or \
         another (which also wakes an idle CPU), hence a wide interval",
    )
    .note(
        "tokio-tasks: two tasks on a current_thread runtime, a tokio mpsc channel each way; a \
         handoff is the runtime polling the other task, with no kernel involved",
    )
    .budget(ctx.budget(Duration::from_secs(1)))
    .trial(Trial::self_timed("threads", 2, trips, move || {
        move || Sample::time_per_operation(2 * trips, || threads_ping_pong(trips))
    }))
    .trial(Trial::self_timed("tokio-tasks", 2, trips, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime builds");
        move || Sample::time_per_operation(2 * trips, || runtime.block_on(tasks_ping_pong(trips)))
    }))
    .build()
}

/// `trips` round trips between this thread and a partner, which answers each number with the
/// next; returns the sum of the answers.
fn threads_ping_pong(trips: usize) -> u64 {
    let (to_partner, partner_gets) = mpsc::channel::<u64>();
    let (to_me, i_get) = mpsc::channel::<u64>();
    thread::scope(|s| {
        s.spawn(move || {
            for n in partner_gets {
                if to_me.send(n + 1).is_err() {
                    break;
                }
            }
        });
        let mut sum = 0;
        for n in 0..trips as u64 {
            to_partner.send(n).expect("the partner is alive");
            sum += i_get.recv().expect("the partner answers");
        }
        drop(to_partner); // ends the partner's loop
        sum
    })
}

/// The same between two tasks on the runtime that runs it.
async fn tasks_ping_pong(trips: usize) -> u64 {
    let (to_partner, mut partner_gets) = tokio::sync::mpsc::channel::<u64>(1);
    let (to_me, mut i_get) = tokio::sync::mpsc::channel::<u64>(1);
    let partner = tokio::spawn(async move {
        while let Some(n) = partner_gets.recv().await {
            if to_me.send(n + 1).await.is_err() {
                break;
            }
        }
    });
    let mut sum = 0;
    for n in 0..trips as u64 {
        to_partner.send(n).await.expect("the partner is alive");
        sum += i_get.recv().await.expect("the partner answers");
    }
    drop(to_partner);
    partner.await.expect("the partner does not panic");
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_answer_every_message() {
        let expected: u64 = (1..=100).sum();
        assert_eq!(threads_ping_pong(100), expected);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(tasks_ping_pong(100)), expected);
    }
}
