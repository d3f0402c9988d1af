//! Chapter 10: synchronisation between tasks. tokio's primitives wait by yielding to the
//! runtime, where std's block the thread, and with it every task that thread would run.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_sync
//!     cargo run -p lab --example 10_async_sync -- semaphore
//!
//! The parts: `mutex`, `semaphore`, `notify`, `rwlock`, `watch`, `broadcast`, `oneshot`.
//!
//! It runs on tokio's paused clock, so its output, times included, is the same on every run.

extern crate tokio;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, RwLock, Semaphore, broadcast, mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 7] = [
    ("mutex", || paused(mutexes())),
    ("semaphore", || paused(semaphore())),
    ("notify", || paused(notify())),
    ("rwlock", || paused(rwlock())),
    ("watch", || paused(watch_latest())),
    ("broadcast", || paused(broadcast_all())),
    ("oneshot", || paused(oneshot_reply())),
];

/// Runs `part` on a current-thread runtime whose clock starts paused.
fn paused(part: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds")
        .block_on(part);
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: mutex
async fn mutexes() {
    // std's Mutex is right when the guard never lives across an `.await`: it is faster, and
    // locking cannot wait long because no holder ever waits while holding it.
    let hits = Arc::new(std::sync::Mutex::new(0u32));
    let mut tasks = JoinSet::new();
    for _ in 0..100 {
        let hits = Arc::clone(&hits);
        tasks.spawn(async move {
            sleep(ms(1)).await;
            *hits.lock().unwrap() += 1; // locked and released in one statement
        });
    }
    tasks.join_all().await;
    println!(
        "std Mutex, never held across .await: {} hits",
        hits.lock().unwrap()
    );

    // tokio's Mutex is for a guard that must live across an `.await`, such as exclusive
    // use of one connection for a request and its reply. Waiting for it yields the thread.
    let connection = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for id in 0..3 {
        let connection = Arc::clone(&connection);
        tasks.spawn(async move {
            let mut log = connection.lock().await;
            sleep(ms(10)).await; // the request's round trip, with the guard held
            log.push(format!("task {id} at {} ms", start.elapsed().as_millis()));
        });
    }
    tasks.join_all().await;
    println!(
        "tokio Mutex, held across .await: {:?}",
        connection.lock().await
    );
}
// ANCHOR_END: mutex

// ANCHOR: semaphore
async fn semaphore() {
    // At most 3 requests in flight, whatever the number of tasks: the usual way to keep a
    // crowd of tasks from overwhelming a server or running out of sockets.
    let permits = Arc::new(Semaphore::new(3));
    let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..10 {
        let (permits, running, most) = (permits.clone(), running.clone(), most.clone());
        tasks.spawn(async move {
            let _permit = permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            sleep(ms(100)).await;
            running.fetch_sub(1, Ordering::SeqCst);
        });
    }
    tasks.join_all().await;
    println!(
        "10 requests of 100 ms, at most {} at once, took {} ms",
        most.load(Ordering::SeqCst),
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: semaphore

// ANCHOR: notify
async fn notify() {
    // Notify wakes a waiting task without sending it anything: an async Condvar without the
    // lock, or an asyncio.Event that resets itself.
    let ready = Arc::new(Notify::new());
    let start = Instant::now();
    let waiter = {
        let ready = ready.clone();
        tokio::spawn(async move {
            ready.notified().await;
            println!("waiter woken at {} ms", start.elapsed().as_millis());
        })
    };
    sleep(ms(50)).await;
    ready.notify_one();
    waiter.await.unwrap();
    // With nobody waiting, notify_one stores one permit: the next wait returns at once.
    ready.notify_one();
    ready.notified().await;
    println!("a notification sent before the wait was not lost");
}
// ANCHOR_END: notify

// ANCHOR: rwlock
async fn rwlock() {
    let config = Arc::new(RwLock::new(String::from("v1")));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for id in 0..3 {
        let config = config.clone();
        tasks.spawn(async move {
            let value = config.read().await; // readers share the lock
            sleep(ms(100)).await;
            println!(
                "reader {id} read {value} until {} ms",
                start.elapsed().as_millis()
            );
        });
    }
    tokio::task::yield_now().await; // let the readers take the lock first
    let mut value = config.write().await; // waits until every reader is done
    *value = String::from("v2");
    println!(
        "the writer got the lock at {} ms",
        start.elapsed().as_millis()
    );
    drop(value);
    tasks.join_all().await;
}
// ANCHOR_END: rwlock

// ANCHOR: watch
async fn watch_latest() {
    // watch keeps only the latest value: a reader that falls behind skips to it. Right for
    // state (a configuration, a shutdown flag), wrong for events that must all be seen.
    let (tx, mut rx) = watch::channel(0);
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while rx.changed().await.is_ok() {
            seen.push(*rx.borrow_and_update());
            sleep(ms(45)).await; // a slow reader
        }
        seen
    });
    for value in 1..=6 {
        tx.send(value).expect("the reader is alive");
        sleep(ms(20)).await;
    }
    sleep(ms(100)).await; // time for the reader to see the last value
    drop(tx); // closing the channel ends the reader's loop
    println!(
        "sent 1 to 6, 20 ms apart; a reader taking 45 ms per value saw {:?}",
        reader.await.unwrap()
    );
}
// ANCHOR_END: watch

// ANCHOR: broadcast
async fn broadcast_all() {
    // Every subscriber gets every message, up to the channel's capacity; one that falls
    // further behind is told how many it missed, and goes on from the oldest kept.
    let (tx, mut prompt) = broadcast::channel(2);
    let mut late = tx.subscribe();
    for n in 1..=4 {
        tx.send(n).expect("subscribers exist");
        // The prompt subscriber reads each message as it comes.
        println!("prompt subscriber got {}", prompt.recv().await.unwrap());
    }
    // The late one reads only now: the channel kept the last 2 of 4.
    loop {
        match late.try_recv() {
            Ok(n) => println!("late subscriber got {n}"),
            Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                println!("late subscriber missed {missed}")
            }
            Err(_) => break,
        }
    }
}
// ANCHOR_END: broadcast

// ANCHOR: oneshot
/// A request to the counter task, with the channel for its one reply.
struct Add {
    amount: u64,
    reply: oneshot::Sender<u64>,
}

async fn oneshot_reply() {
    let (requests, mut inbox) = mpsc::channel::<Add>(8);
    // An actor: the only task that touches `total`, so no lock is needed.
    tokio::spawn(async move {
        let mut total = 0;
        while let Some(Add { amount, reply }) = inbox.recv().await {
            total += amount;
            let _ = reply.send(total); // the asker may have given up; that is fine
        }
    });
    for amount in [5, 10, 20] {
        let (reply, answer) = oneshot::channel();
        requests
            .send(Add { amount, reply })
            .await
            .expect("the actor is alive");
        println!(
            "added {amount}: total is now {}",
            answer.await.expect("the actor replies")
        );
    }
}
// ANCHOR_END: oneshot

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for name in &args {
        if !PARTS.iter().any(|(part, _)| part == name) {
            let known: Vec<&str> = PARTS.iter().map(|(part, _)| *part).collect();
            eprintln!("unknown part `{name}`; the parts are: {}", known.join(", "));
            std::process::exit(2);
        }
    }
    for (name, part) in PARTS {
        if args.is_empty() || args.iter().any(|a| a == name) {
            if args.is_empty() {
                println!("--- {name}");
            }
            part();
        }
    }
}
