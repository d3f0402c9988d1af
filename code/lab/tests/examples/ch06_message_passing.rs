//! Chapter 6, `book/06-message-passing.md`: mpsc, producer–consumer, backpressure, a crossbeam
//! worker pool, select!, a pipeline and an actor.

use crate::support::{assert_in_order, assert_lines, assert_same_lines, run};

#[test]
fn every_message_arrives_and_the_loop_ends_when_the_senders_are_gone() {
    let out = run("06_message_passing_mpsc");
    let mut expected: Vec<String> = (0..3)
        .flat_map(|id| (0..2).map(move |n| format!("producer {id}: reading {n}")))
        .collect();
    expected.push("all senders gone after 6 messages: the loop ended by itself".into());
    expected.push("3 producers joined".into());
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_same_lines(&out, &expected);
    // One producer's messages arrive in the order it sent them; the end comes last.
    for id in 0..3 {
        let first = format!("producer {id}: reading 0");
        let second = format!("producer {id}: reading 1");
        assert_in_order(&out, &[&first, &second]);
    }
    assert_eq!(&out[6..], &expected[6..]);
}

#[test]
fn the_consumer_takes_each_item_after_it_is_produced_and_in_order() {
    let out = run("06_message_passing_producer_consumer");
    let mut expected = Vec::new();
    for item in 1..=5 {
        expected.push(format!("Produced {item}"));
        expected.push(format!("Consumed {item}"));
    }
    expected.push("Queue closed; consumer saw a total of 15".into());
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_same_lines(&out, &expected);
    for item in 1..=5 {
        let (p, c) = (format!("Produced {item}"), format!("Consumed {item}"));
        assert_in_order(&out, &[&p, &c]);
    }
    let consumed: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|l| l.starts_with("Consumed"))
        .collect();
    assert_in_order(&out, &consumed);
    assert_eq!(out.last().map(String::as_str), Some(expected[10]));
}

#[test]
fn a_bounded_channel_makes_the_producer_wait_and_an_unbounded_one_does_not() {
    assert_lines(
        &run("06_message_passing_backpressure"),
        &[
            "producer: sent 1 without waiting",
            "producer: sent 2 without waiting",
            "producer: the channel holds 2; item 3 must wait",
            "bounded: the producer was never more than 3 items ahead: true",
            "unbounded: all 6 queued before anyone received; 6 delivered",
        ],
    );
}

#[test]
fn cloned_receivers_share_the_jobs_and_stop_when_the_sender_is_dropped() {
    assert_lines(
        &run("06_message_passing_workers"),
        &["3 workers handled 10 jobs; sum of squares 1..=10 is 385"],
    );
}

#[test]
fn select_takes_each_channel_in_turn_and_ends_when_both_have_closed() {
    let out = run("06_message_passing_select");
    assert_same_lines(
        &out,
        &[
            "price: 101",
            "price: 99",
            "prices: closed",
            "news: earnings at noon",
            "news: closed",
            "every channel closed: done",
        ],
    );
    assert_in_order(&out, &["price: 101", "price: 99", "prices: closed"]);
    assert_in_order(&out, &["news: earnings at noon", "news: closed"]);
    assert_eq!(
        out.last().map(String::as_str),
        Some("every channel closed: done")
    );
}

#[test]
fn the_pipeline_keeps_order_drops_what_a_stage_rejects_and_stops_from_the_end() {
    // Running totals of 1, 2, 4, 5, 6, 7, … ("3" does not parse): 1, 3, 7, 12, 18, 25, 33.
    // The producer never ends by itself, so the run ends only if the stop reaches it.
    assert_lines(
        &run("06_message_passing_pipeline"),
        &["running totals of the numbers, the odd ones, first five: [1, 3, 7, 25, 33]"],
    );
}

#[test]
fn the_actor_applies_every_message_and_returns_its_state_at_shutdown() {
    assert_lines(
        &run("06_message_passing_actor"),
        &[
            "alice's balance: 100",
            "the actor shut down holding 1 account(s)",
        ],
    );
}
