//! Chapter 10, `book/10-async.md` and `book/11-async-practice.md`: futures, runtimes, tasks,
//! cancellation, streams, synchronisation, real sockets, CPU work and a producer–consumer.
//!
//! The examples whose output depends on time run on tokio's paused clock, so their lines,
//! times included, are exact and asserted whole. The two that use real time (sockets, the
//! ticker) are checked for their answers and the shape of their lines, never their timings.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::support::{
    assert_in_order, assert_lines, assert_same_lines, example_binary, run, run_with,
};

#[test]
fn a_future_runs_only_when_polled_and_counts_its_polls() {
    assert_lines(
        &run_with("10_async_futures", &["lazy", "polls", "by-hand"]),
        &[
            "made the future; greet has not run",
            "  greet(world) runs",
            "awaited it: hello, world",
            "  poll 1",
            "  poll 2",
            "  poll 3",
            "ready after 3 polls",
            "  poll 1",
            "  Pending: poll again",
            "  poll 2",
            "  Ready(2)",
        ],
    );
}

#[test]
fn a_future_holds_what_lives_across_its_awaits() {
    let out = run_with("10_async_futures", &["state-machine"]);
    let size = |prefix: &str| -> usize {
        let line = out
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in {out:?}"));
        line.trim_end_matches(" bytes").parse().unwrap()
    };
    assert!(size("keeps_buffer's future: ") >= 1024, "{out:?}");
    assert!(size("sums_first's future: ") < 1024, "{out:?}");
    assert_eq!(out.last().unwrap(), "both answer 1024 and 1024");
}

#[test]
fn current_thread_tasks_take_turns_on_one_thread() {
    let out = run_with("10_async_runtimes", &["current-thread"]);
    let expected: Vec<String> = ["a", "b", "c"]
        .iter()
        .flat_map(|t| (1..=3).map(move |s| format!("  {t} step {s} on thread `main`")))
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_same_lines(&out, &expected);
    for task in expected.chunks(3) {
        assert_in_order(&out, task);
    }
    // Taking turns: every task has made its first step before any has made its last.
    let first_last = out.iter().position(|l| l.contains("step 3")).unwrap();
    let last_first = out.iter().rposition(|l| l.contains("step 1")).unwrap();
    assert!(last_first < first_last, "{out:?}");
}

#[test]
fn the_multi_thread_runtime_runs_spawned_tasks_on_its_workers() {
    assert_lines(
        &run_with("10_async_runtimes", &["multi-thread"]),
        &[
            "block_on's future runs on `main`",
            "a spawned task runs on `tokio-worker`; on block_on's thread? false",
            "spawn_blocking runs on `tokio-worker` too; on the task's thread? false",
        ],
    );
}

#[test]
fn tasks_join_and_select_on_the_paused_clock() {
    assert_lines(
        &run_with("10_async_tasks", &["spawn", "join", "join-set", "select"]),
        &[
            "spawned; it runs once this task awaits",
            "joined: a result",
            "the task panicked; is_panic() = true",
            "joined a, b, c after 300 ms",
            "fast finished at 100 ms",
            "medium finished at 200 ms",
            "slow finished at 300 ms",
            "  fast branch finished its wait",
            "  fast branch dropped",
            "  slow branch dropped",
            "fast branch won at 100 ms",
        ],
    );
}

#[test]
fn cancelled_futures_release_what_they_hold() {
    assert_lines(
        &run_with("10_async_cancellation", &["timeout", "abort"]),
        &[
            "  quick request: opened",
            "  quick request: answered",
            "  quick request: released",
            "in time: an answer",
            "  slow request: opened",
            "  slow request: released",
            "timed out: deadline has elapsed",
            "  background request: opened",
            "  background request: released",
            "joined: is_cancelled() = true",
            "  dropped request: opened",
            "dropping the future by hand",
            "  dropped request: released",
        ],
    );
}

#[test]
fn a_token_stops_every_worker_and_each_releases_its_connection() {
    let out = run_with("10_async_cancellation", &["token"]);
    let workers = ["  worker 0", "  worker 1", "  worker 2"];
    let opened = workers.map(|w| format!("{w}: opened"));
    let released = workers.map(|w| format!("{w}: released"));
    let mut expected: Vec<&str> = opened.iter().map(String::as_str).collect();
    expected.push("cancelling at 100 ms");
    expected.extend(released.iter().map(String::as_str));
    expected.push("3 workers stopped, each after [3, 3, 3] rounds");
    // The workers wake in an order the scheduler picks, so their releases are a set.
    assert_same_lines(&out, &expected);
    assert_in_order(&out, &[expected[3], expected[4], expected[7]]);
    assert_in_order(&out, &[expected[3], expected[5], expected[7]]);
    assert_in_order(&out, &[expected[3], expected[6], expected[7]]);
}

#[test]
fn a_future_dropped_by_select_loses_data_and_the_cancel_safe_fix_does_not() {
    assert_lines(
        &run_with("10_async_cancellation", &["cancel-safety"]),
        &[
            "taken in pairs by a future select! may drop: [1, 2, 4, 5, 6, 7]",
            "taken one cancel-safe recv at a time:        [1, 2, 3, 4, 5, 6, 7]",
        ],
    );
}

#[test]
fn streams_by_hand_from_channels_generators_and_combinators() {
    assert_lines(
        &run("10_async_streams"),
        &[
            "--- hand-written",
            "3 at 100 ms",
            "2 at 200 ms",
            "1 at 300 ms",
            "the stream ended",
            "--- from-channel",
            "lengths from the channel: [5, 4, 5]",
            "--- generator",
            "unfold: [0, 1, 4, 9, 16]",
            "task:   [0, 1, 4, 9, 16]",
            "--- combinators",
            "buffer_unordered(2): [20, 10, 40, 30] in 550 ms",
            "buffered(2):         [10, 20, 30, 40] in 650 ms",
        ],
    );
}

#[test]
fn tokio_sync_primitives_on_the_paused_clock() {
    let out = run_with(
        "10_async_sync",
        &[
            "mutex",
            "semaphore",
            "notify",
            "watch",
            "broadcast",
            "oneshot",
        ],
    );
    assert_lines(
        &out,
        &[
            "std Mutex, never held across .await: 100 hits",
            "tokio Mutex, held across .await: [\"task 0 at 10 ms\", \"task 1 at 20 ms\", \"task 2 at 30 ms\"]",
            "10 requests of 100 ms, at most 3 at once, took 400 ms",
            "waiter woken at 50 ms",
            "a notification sent before the wait was not lost",
            "sent 1 to 6, 20 ms apart; a reader taking 45 ms per value saw [1, 3, 5, 6]",
            "prompt subscriber got 1",
            "prompt subscriber got 2",
            "prompt subscriber got 3",
            "prompt subscriber got 4",
            "late subscriber missed 2",
            "late subscriber got 3",
            "late subscriber got 4",
            "added 5: total is now 5",
            "added 10: total is now 15",
            "added 20: total is now 35",
        ],
    );
}

#[test]
fn readers_share_an_rwlock_and_the_writer_waits_for_them() {
    let out = run_with("10_async_sync", &["rwlock"]);
    let readers: Vec<String> = (0..3)
        .map(|id| format!("reader {id} read v1 until 100 ms"))
        .collect();
    let mut expected: Vec<&str> = readers.iter().map(String::as_str).collect();
    expected.push("the writer got the lock at 100 ms");
    assert_same_lines(&out, &expected);
}

#[test]
fn requests_over_loopback_get_every_answer_three_ways() {
    let out = run_with("10_async_io", &["clients"]);
    assert_eq!(out[0], "20 requests, each answered after 50 ms");
    // The sum of n² for n in 0..20, whichever way the requests were made.
    for how in ["one after another", "one thread each ", "one task each   "] {
        let prefix = format!("{how}: sum of answers 2470, in ");
        assert!(
            out.iter()
                .any(|l| l.starts_with(&prefix) && l.ends_with(" s")),
            "no `{prefix}… s` line in {out:?}"
        );
    }
}

#[test]
fn one_thread_echoes_every_line_of_two_hundred_connections() {
    assert_lines(
        &run_with("10_async_io", &["echo"]),
        &["200 connections open at once, 600 of 600 lines echoed intact, all on thread `main`"],
    );
}

#[test]
fn the_echo_server_keeps_serving_after_it_runs_out_of_file_descriptors() {
    // The server may open 32 descriptors. A flood of 64 connections uses them up, so an
    // accept fails with EMFILE; once the flood closes, a new client must still be served.
    let mut server = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 32 && exec "$0" --serve-echo"#)
        .arg(example_binary("10_async_io"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts the server");
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the server did not say where it listens: {first:?}"))
        .to_string();
    let (failures, failed) = mpsc::channel();
    let stderr = server.stderr.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("accept failed") {
                let _ = failures.send(line);
            }
        }
    });

    let flood: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(&address).expect("the listen backlog takes the connection"))
        .collect();
    let failure = failed
        .recv_timeout(Duration::from_secs(30))
        .expect("the server should run out of descriptors and log the failed accept");
    assert!(failure.contains("Too many open files"), "{failure}");
    drop(flood);

    let mut client = TcpStream::connect(&address).expect("the server still listens");
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client.write_all(b"still here\n").unwrap();
    let mut echoed = String::new();
    BufReader::new(&client)
        .read_line(&mut echoed)
        .expect("the server echoes once the flood has closed");
    assert_eq!(echoed, "still here\n");
    drop(server.stdin.take()); // the end of stdin stops the server
    assert!(server.wait().unwrap().success());
}

#[test]
fn the_ticker_is_measured_beside_each_way_of_running_cpu_work() {
    let out = run("10_async_blocking");
    assert_eq!(out[0], "a job computing for 200 ms, beside a ticker");
    for how in [
        "on the runtime's thread",
        "spawn_blocking         ",
        "rayon + oneshot        ",
    ] {
        let prefix = format!("{how}: the 10 ms ticker was up to ");
        assert!(
            out.iter()
                .any(|l| l.starts_with(&prefix) && l.ends_with(" ms late")),
            "no `{prefix}… ms late` line in {out:?}"
        );
    }
}

#[test]
fn a_panicking_rayon_job_comes_back_to_its_task_instead_of_aborting() {
    // Uncaught, a panic in a spawned rayon job aborts the process, and `run_with` fails.
    assert_lines(
        &run_with("10_async_blocking", &["panic"]),
        &[
            "the task got the rayon job's panic back: Some(\"the job failed\")",
            "and the program goes on",
        ],
    );
}

#[test]
fn shutdown_finishes_every_item_already_produced() {
    assert_lines(
        &run("10_async_producer_consumer"),
        &[
            "shutdown signal at 200 ms",
            "consumer 1: queue closed and empty; finished 7 items",
            "consumer 0: queue closed and empty; finished 8 items",
            "produced 15 items; the producer waited for room 3 times",
            "finished 15 items by 290 ms; every produced item finished exactly once: true",
        ],
    );
}
