//! Chapter 10: real async I/O over loopback TCP. The program starts its own server, which
//! answers each request after 50 ms (a stand-in for a database or another service), and
//! makes the same requests three ways: one after another, one OS thread each, and one tokio
//! task each. Then an echo server serves many connections at once on a single thread.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 10_async_io
//!     cargo run -p lab --example 10_async_io -- echo
//!
//! The parts: `clients`, `echo`. Times here are real, so they differ from run to run.
//!
//! `--serve-echo` runs the echo server alone, for the test that starves it of file
//! descriptors: it prints its address, and serves until its stdin closes.

extern crate tokio;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn());

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 2] = [("clients", clients), ("echo", echo)];

/// The server's latency per request.
const LATENCY: Duration = Duration::from_millis(50);

/// Requests each client strategy makes.
const REQUESTS: u64 = 20;

// ANCHOR: server
/// How long the accept loop waits after a failed accept before it tries again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The next connection. A failed accept ends that attempt, not the server: EMFILE (the process
/// is out of file descriptors) passes once connections close, and ECONNABORTED (a client gave
/// up while queued) concerns that client alone. So the error is logged, and the loop pauses,
/// because a lasting error such as EMFILE fails again at once and would spin it.
async fn next_connection(listener: &TcpListener) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((socket, _)) => return socket,
            Err(e) => {
                eprintln!("accept failed ({e}); trying again shortly");
                tokio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
}

/// Serves `n\n` with `n * n\n` after [`LATENCY`], on one thread, any number of connections
/// at once: each connection is a task, and a waiting task costs no thread.
async fn serve(listener: TcpListener) {
    loop {
        let socket = next_connection(&listener).await;
        tokio::spawn(async move {
            let (reader, mut writer) = socket.into_split();
            let mut lines = tokio::io::BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let n: u64 = line.trim().parse().expect("clients send numbers");
                tokio::time::sleep(LATENCY).await;
                let reply = format!("{}\n", n * n);
                if writer.write_all(reply.as_bytes()).await.is_err() {
                    return; // the client went away
                }
            }
        });
    }
}

/// Starts the server on a thread of its own, on a free loopback port, and returns its address.
fn start_server() -> SocketAddr {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("loopback binds");
    let address = std_listener.local_addr().unwrap();
    std_listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            serve(TcpListener::from_std(std_listener).unwrap()).await;
        });
    });
    address
}
// ANCHOR_END: server

// ANCHOR: clients
/// One request with blocking std I/O: connect, send `n`, read the answer.
fn blocking_request(address: SocketAddr, n: u64) -> u64 {
    let mut socket = std::net::TcpStream::connect(address).expect("the server listens");
    writeln!(socket, "{n}").unwrap();
    let mut answer = String::new();
    BufReader::new(socket).read_line(&mut answer).unwrap();
    answer.trim().parse().expect("the server answers a number")
}

/// The same request with tokio's non-blocking I/O: each `.await` frees the thread.
async fn async_request(address: SocketAddr, n: u64) -> u64 {
    let mut socket = TcpStream::connect(address)
        .await
        .expect("the server listens");
    socket.write_all(format!("{n}\n").as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::io::BufReader::new(socket)
        .read_line(&mut answer)
        .await
        .unwrap();
    answer.trim().parse().expect("the server answers a number")
}

fn report(how: &str, start: Instant, answers: u64) {
    println!(
        "{how}: sum of answers {answers}, in {:.2} s",
        start.elapsed().as_secs_f64()
    );
}

fn clients() {
    let address = start_server();
    println!(
        "{REQUESTS} requests, each answered after {} ms",
        LATENCY.as_millis()
    );

    let start = Instant::now();
    let answers: u64 = (0..REQUESTS).map(|n| blocking_request(address, n)).sum();
    report("one after another", start, answers);

    let start = Instant::now();
    let answers: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..REQUESTS)
            .map(|n| s.spawn(move || blocking_request(address, n)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    report("one thread each ", start, answers);

    // One thread for all the tasks: the waits overlap without any parallelism.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let answers: u64 = runtime.block_on(async {
        let mut tasks = JoinSet::new();
        for n in 0..REQUESTS {
            tasks.spawn(async_request(address, n));
        }
        tasks.join_all().await.into_iter().sum()
    });
    report("one task each   ", start, answers);
}
// ANCHOR_END: clients

// ANCHOR: echo
/// Echoes every line back, for as long as the client keeps the connection open.
async fn echo_connection(socket: TcpStream) {
    let (reader, mut writer) = socket.into_split();
    let mut lines = tokio::io::BufReader::new(reader).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if writer
            .write_all(format!("{line}\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Accepts connections for ever, each echoed by a task of its own.
async fn serve_echo(listener: TcpListener) {
    loop {
        tokio::spawn(echo_connection(next_connection(&listener).await));
    }
}

fn echo() {
    const CONNECTIONS: usize = 200;
    const LINES: usize = 3;
    // The server and all its clients on this one thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let echoed = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve_echo(listener));
        let mut clients = JoinSet::new();
        for client in 0..CONNECTIONS {
            clients.spawn(async move {
                let socket = TcpStream::connect(address).await.unwrap();
                let (reader, mut writer) = socket.into_split();
                let mut lines = tokio::io::BufReader::new(reader).lines();
                let mut echoed = 0;
                for line in 0..LINES {
                    let sent = format!("client {client} line {line}");
                    writer
                        .write_all(format!("{sent}\n").as_bytes())
                        .await
                        .unwrap();
                    let back = lines.next_line().await.unwrap().expect("an echo");
                    echoed += usize::from(back == sent);
                }
                echoed
            });
        }
        clients.join_all().await.into_iter().sum::<usize>()
    });
    println!(
        "{CONNECTIONS} connections open at once, {echoed} of {} lines echoed intact, all on \
         thread `{}`",
        CONNECTIONS * LINES,
        std::thread::current().name().unwrap_or("unnamed")
    );
}
// ANCHOR_END: echo

/// The echo server alone: prints its address, then serves until stdin reaches its end.
fn serve_echo_until_stdin_closes() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on {}", listener.local_addr().unwrap());
        std::io::stdout().flush().unwrap();
        tokio::spawn(serve_echo(listener));
        let mut stdin = tokio::io::stdin();
        let _ = tokio::io::copy(&mut stdin, &mut tokio::io::sink()).await;
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--serve-echo"] {
        return serve_echo_until_stdin_closes();
    }
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
