//! Chapter 5, `book/05-sharing-state.md`: Arc and Mutex, poisoning, guard lifetimes, RwLock,
//! atomics, Condvar, Barrier, an Event, a Semaphore, OnceLock and LazyLock, deadlock, and
//! thread-safe data structures.

use crate::support::{assert_in_order, assert_lines, assert_same_lines, run};

#[test]
fn a_mutex_counts_every_increment_and_the_arc_ends_with_one_owner() {
    assert_lines(
        &run("05_sharing_state_arc_mutex"),
        &[
            "owners once every thread has its clone: 5",
            "owners after the joins: 1",
            "counter: 40000 (expected 40000)",
        ],
    );
}

#[test]
fn a_panic_under_the_lock_poisons_it_and_the_half_done_data_is_still_readable() {
    assert_lines(
        &run("05_sharing_state_poison"),
        &[
            "lock: poisoned; alice 70 + bob 50 = 120 (was 150)",
            "is_poisoned: true",
            "into_inner after the panic: alice 70, bob 50",
        ],
    );
}

#[test]
fn a_match_scrutinee_keeps_its_guard_to_the_end_of_the_match() {
    assert_lines(
        &run("05_sharing_state_guard_scope"),
        &[
            "inside the match arm, still locked: true",
            "after a let, still locked: false",
            "read 42; still locked after drop: false",
        ],
    );
}

#[test]
fn readers_share_the_rwlock_and_the_writer_comes_after() {
    let out = run("05_sharing_state_rwlock");
    assert_same_lines(
        &out,
        &[
            r#"reader 0: v1 says "hello""#,
            r#"reader 1: v1 says "hello""#,
            r#"reader 2: v1 says "hello""#,
            r#"after the write: v2 says "hello again""#,
        ],
    );
    assert_eq!(out[3], r#"after the write: v2 says "hello again""#);
}

#[test]
fn each_ordering_gives_its_guarantee() {
    let out = run("05_sharing_state_atomics");
    assert_lines(
        &out[..3],
        &[
            "relaxed counter: 4000",
            "published value: 42",
            // The guarantee: never, on any machine, in any run.
            "SeqCst:          both threads missed each other in 0 of 20000 rounds",
        ],
    );
    // Release/Acquire allows the outcome; how often the hardware shows it is no guarantee, so
    // only the line's shape is checked: a count, of the same rounds.
    let count = out[3]
        .strip_prefix("Release/Acquire: both threads missed each other in ")
        .and_then(|rest| rest.strip_suffix(" of 20000 rounds"));
    assert!(
        count.is_some_and(|n| n.parse::<usize>().is_ok()),
        "not a Release/Acquire count: {:?}",
        out[3]
    );
    assert_eq!(out.len(), 4, "{out:?}");
}

#[test]
fn condvar_consumers_process_every_item_once() {
    assert_lines(
        &run("05_sharing_state_condvar"),
        &["processed, between 2 consumers: [1, 2, 3, 4, 5, 6]"],
    );
}

#[test]
fn nobody_passes_the_barrier_before_everyone_arrives() {
    let out = run("05_sharing_state_barrier");
    let loaded = [
        "worker 0: loaded its part",
        "worker 1: loaded its part",
        "worker 2: loaded its part",
    ];
    let computed = [
        "worker 0: computed",
        "worker 1: computed",
        "worker 2: computed",
    ];
    let leader = "all 3 loaded; starting phase 2";
    let mut all = loaded.to_vec();
    all.push(leader);
    all.extend(computed);
    assert_same_lines(&out, &all);
    // Phase by phase: every load, then the leader's line, then every computation.
    assert_same_lines(&out[..3], &loaded);
    assert_eq!(out[3], leader);
    assert_same_lines(&out[4..], &computed);
}

#[test]
fn the_event_times_out_unset_then_releases_every_waiter() {
    let out = run("05_sharing_state_event");
    assert_eq!(
        out[..2],
        ["nobody set it, wait_timeout: false", "main: set"]
    );
    assert_same_lines(
        &out[2..5],
        &[
            "runner 0: started",
            "runner 1: started",
            "runner 2: started",
        ],
    );
    assert_eq!(out[5..], ["is_set: true", "after clear, is_set: false"]);
}

#[test]
fn the_semaphore_admits_at_most_two_and_gets_its_permits_back() {
    assert_lines(
        &run("05_sharing_state_semaphore"),
        &[
            "6 downloads done; never more than 2 at once: true",
            "a download panicked while holding a permit: true",
            "permits free at the end: 2",
        ],
    );
}

#[test]
fn once_lock_and_lazy_lock_initialise_exactly_once() {
    assert_lines(
        &run("05_sharing_state_once"),
        &[
            r#"settings: Some("verbose=true")"#,
            "load_settings ran 1 time(s) for 8 threads",
            "SQUARES has 10 entries; 9 squared is 81",
        ],
    );
}

#[test]
fn the_forced_deadlock_is_detected_and_lock_ordering_lets_everyone_eat() {
    assert_lines(
        &run("05_sharing_state_deadlock"),
        &[
            "left fork first: 5 of 5 hold one fork and wait for another",
            "deadlock detected: every philosopher let go of the fork they held",
            "lower-numbered fork first: 5 of 5 philosophers ate",
        ],
    );
}

#[test]
fn shared_and_sharded_maps_agree_and_the_queues_behave() {
    let out = run("05_sharing_state_shared_map");
    assert_lines(
        &out,
        &[
            r#"one lock: [("and", 6), ("bird", 3), ("cat", 3), ("dog", 3), ("the", 9)]"#,
            "sharded gives the same counts: true",
            "SegQueue collected: [0, 1, 2, 3]",
            "ArrayQueue: queued a",
            "ArrayQueue: queued b",
            "ArrayQueue: full, c handed back",
        ],
    );
    assert_in_order(
        &out,
        &["ArrayQueue: queued b", "ArrayQueue: full, c handed back"],
    );
}
