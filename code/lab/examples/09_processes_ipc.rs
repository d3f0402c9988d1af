//! Chapter 9: talking to worker processes over pipes, as `multiprocessing`'s Pipe, Queue and
//! Manager do. Every message is a frame: its length, then that many bytes of JSON.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 09_processes_ipc
//!     cargo run -p lab --example 09_processes_ipc -- queue
//!
//! The parts: `pipe` (one worker, requests and replies), `queue` (workers pulling tasks from
//! one queue), `manager` (one process owns a dictionary; the workers query and update it).

extern crate crossbeam;
extern crate serde;
extern crate serde_json;

use std::collections::BTreeMap;
use std::env;
use std::io::{self, BufReader, BufWriter};
use std::process::{self, Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};

// ANCHOR: frame
/// Length-prefixed frames: a 4-byte big-endian length, then that many bytes of JSON.
///
/// A length prefix, not one message per line, because the reader then knows how much to
/// read before it starts, and a message may hold any bytes, newlines included.
pub mod frame {
    use std::io::{self, ErrorKind, Read, Write};

    use serde::Serialize;
    use serde::de::DeserializeOwned;

    /// The largest frame accepted: a corrupt length must not make the reader allocate 4 GiB.
    pub const MAX_LEN: usize = 16 << 20;

    /// Writes `message` as one frame and flushes it, so the other side sees it now.
    pub fn write<T: Serialize>(to: &mut impl Write, message: &T) -> io::Result<()> {
        let body = serde_json::to_vec(message)?;
        if body.len() > MAX_LEN {
            return Err(io::Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "a {}-byte message is over the {MAX_LEN}-byte limit",
                    body.len()
                ),
            ));
        }
        to.write_all(&(body.len() as u32).to_be_bytes())?;
        to.write_all(&body)?;
        to.flush()
    }

    /// Reads one frame: `Ok(None)` if the writer closed the pipe between frames, an error if
    /// it closed it inside one, or sent a length over [`MAX_LEN`] or bytes that are not a `T`.
    pub fn read<T: DeserializeOwned>(from: &mut impl Read) -> io::Result<Option<T>> {
        let mut length = [0u8; 4];
        // One byte first, because only there is the end of the stream a clean end. Once a
        // frame has begun, an end (even inside the length) means the writer died mid-frame.
        loop {
            match from.read(&mut length[..1]) {
                Ok(0) => return Ok(None),
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        from.read_exact(&mut length[1..])?; // UnexpectedEof here: cut off inside the length
        let length = u32::from_be_bytes(length) as usize;
        if length > MAX_LEN {
            return Err(io::Error::new(
                ErrorKind::InvalidData,
                format!("a frame of {length} bytes is over the {MAX_LEN}-byte limit"),
            ));
        }
        let mut body = vec![0u8; length];
        from.read_exact(&mut body)?; // UnexpectedEof here: the writer died mid-frame
        Ok(Some(serde_json::from_slice(&body)?))
    }
}
// ANCHOR_END: frame

// ANCHOR: messages
/// What the parent sends a worker.
#[derive(Debug, Serialize, Deserialize)]
enum Request {
    /// Square this number (the `pipe` part).
    Square(u64),
    /// A task from the queue (the `queue` part).
    Task(u64),
    /// The queue is empty: finish (the `queue` part).
    NoMoreTasks,
    /// The value under a key, after an update (the `manager` part).
    Value(i64),
}

/// What a worker sends the parent.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    /// The square asked for.
    Squared(u64),
    /// Ready for the next task; carries the result of the last one, if any.
    Ready(Option<(u64, u64)>),
    /// Add `by` to the manager's value under `key`, and send back the new value.
    Add { key: String, by: i64 },
}
// ANCHOR_END: messages

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn() -> io::Result<()>);

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 4] = [
    ("endings", endings),
    ("pipe", pipe),
    ("queue", queue),
    ("manager", manager),
];

/// The argument that turns a run of this program into a worker: `--child ROLE [N]`.
const CHILD_FLAG: &str = "--child";

/// A worker process and the two ends of its pipes.
struct Worker {
    process: Child,
    to: BufWriter<ChildStdin>,
    from: BufReader<ChildStdout>,
}

/// Starts this program again as a worker in `role`, its stdin and stdout piped to us.
fn start(role: &str, n: usize) -> io::Result<Worker> {
    let mut process = Command::new(env::current_exe()?)
        .args([CHILD_FLAG, role, &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let to = BufWriter::new(process.stdin.take().expect("piped"));
    let from = BufReader::new(process.stdout.take().expect("piped"));
    Ok(Worker { process, to, from })
}

impl Worker {
    /// Closes the worker's stdin, which tells it to finish, and waits for it.
    fn finish(self) -> io::Result<()> {
        let Worker {
            mut process, to, ..
        } = self;
        drop(to);
        let status = process.wait()?;
        assert!(status.success(), "a worker failed: {status}");
        Ok(())
    }
}

// ANCHOR: endings
/// What `frame::read` makes of each way a stream can end, fed from bytes in memory.
fn endings() -> io::Result<()> {
    let mut one_frame = Vec::new();
    frame::write(&mut one_frame, &Reply::Squared(9))?;
    let streams: [(&str, Vec<u8>); 4] = [
        ("a whole frame, then the end", one_frame.clone()),
        ("the end inside the length", one_frame[..2].to_vec()),
        (
            "the end inside the message",
            one_frame[..one_frame.len() - 1].to_vec(),
        ),
        ("a length over the limit", u32::MAX.to_be_bytes().to_vec()),
    ];
    for (what, bytes) in streams {
        let mut stream = &bytes[..];
        let mut outcomes = Vec::new();
        loop {
            match frame::read::<Reply>(&mut stream) {
                Ok(Some(reply)) => outcomes.push(format!("{reply:?}")),
                Ok(None) => {
                    outcomes.push("a clean end".to_string());
                    break;
                }
                Err(e) => {
                    outcomes.push(format!("error {:?}", e.kind()));
                    break;
                }
            }
        }
        println!("{what}: {}", outcomes.join(", then "));
    }
    Ok(())
}
// ANCHOR_END: endings

// ANCHOR: pipe
/// Python's `Pipe()`: a two-way connection to one worker, here its stdin and stdout.
fn pipe() -> io::Result<()> {
    let mut worker = start("squarer", 1)?;
    for n in [3, 4, 12] {
        frame::write(&mut worker.to, &Request::Square(n))?;
        let reply: Option<Reply> = frame::read(&mut worker.from)?;
        println!("sent {:?}, got back {reply:?}", Request::Square(n));
    }
    worker.finish()
}

/// The squarer: answers each request until its stdin closes.
fn squarer() -> io::Result<()> {
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    while let Some(request) = frame::read::<Request>(&mut input)? {
        let Request::Square(n) = request else {
            panic!("the squarer only squares, not {request:?}");
        };
        frame::write(&mut output, &Reply::Squared(n * n))?;
    }
    Ok(())
}
// ANCHOR_END: pipe

// ANCHOR: queue
/// Python's `Queue` shared by worker processes: the parent holds the queue, and a thread per
/// worker hands it the next task each time it says it is ready. Workers pull, so a fast one
/// takes more tasks than a slow one.
fn queue() -> io::Result<()> {
    let (tasks, queue) = crossbeam::channel::unbounded();
    for task in 1..=9 {
        tasks.send(task).expect("the queue is open");
    }
    drop(tasks); // no more tasks: once it is empty, recv() fails
    let results = Mutex::new(BTreeMap::new());
    thread::scope(|s| -> io::Result<()> {
        let mut servers = Vec::new();
        for n in 1..=3 {
            let mut worker = start("queue-worker", n)?;
            let (queue, results) = (queue.clone(), &results);
            servers.push(s.spawn(move || -> io::Result<()> {
                while let Some(Reply::Ready(done)) = frame::read(&mut worker.from)? {
                    if let Some((task, square)) = done {
                        results.lock().unwrap().insert(task, (square, n));
                    }
                    let next = queue.recv().map_or(Request::NoMoreTasks, Request::Task);
                    frame::write(&mut worker.to, &next)?;
                }
                worker.finish()
            }));
        }
        for server in servers {
            server.join().expect("a server thread does not panic")?;
        }
        Ok(())
    })?;
    let results = results.into_inner().unwrap();
    for (task, (square, n)) in &results {
        println!("task {task}: {square}, by worker {n}");
    }
    println!("{} tasks, each done once", results.len());
    Ok(())
}

/// A queue worker: asks for a task, does it, and asks again with the result.
fn queue_worker() -> io::Result<()> {
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    let mut done = None;
    loop {
        frame::write(&mut output, &Reply::Ready(done))?;
        match frame::read(&mut input)? {
            Some(Request::Task(task)) => {
                // A stand-in for real work: without it, the first worker to start would
                // empty the queue before the others asked.
                thread::sleep(Duration::from_millis(20));
                done = Some((task, task * task));
            }
            Some(Request::NoMoreTasks) | None => return Ok(()),
            Some(other) => panic!("a queue worker got {other:?}"),
        }
    }
}
// ANCHOR_END: queue

// ANCHOR: manager
/// Python's `Manager().dict()`: one process owns the dictionary, and the others send it
/// updates and queries over pipes. Here the parent is that process, with a thread serving
/// each worker; the lock is its own, in its own memory, never shared between processes.
fn manager() -> io::Result<()> {
    let state: Mutex<BTreeMap<String, i64>> = Mutex::new(BTreeMap::new());
    thread::scope(|s| -> io::Result<()> {
        let mut servers = Vec::new();
        for n in 1..=3 {
            let mut worker = start("counter", n)?;
            let state = &state;
            servers.push(s.spawn(move || -> io::Result<()> {
                while let Some(Reply::Add { key, by }) = frame::read(&mut worker.from)? {
                    let value = {
                        let mut state = state.lock().unwrap();
                        let value = state.entry(key).or_insert(0);
                        *value += by;
                        *value
                    };
                    frame::write(&mut worker.to, &Request::Value(value))?;
                }
                worker.finish()
            }));
        }
        for server in servers {
            server.join().expect("a server thread does not panic")?;
        }
        Ok(())
    })?;
    for (key, value) in state.into_inner().unwrap() {
        println!("{key} = {value}");
    }
    Ok(())
}

/// A counter worker: adds 1 to `hits` a hundred times, then records its own last view.
fn counter(n: usize) -> io::Result<()> {
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    let mut add = |key: String, by: i64| -> io::Result<i64> {
        frame::write(&mut output, &Reply::Add { key, by })?;
        match frame::read(&mut input)? {
            Some(Request::Value(value)) => Ok(value),
            other => panic!("the manager sent {other:?}"),
        }
    };
    for _ in 0..100 {
        add("hits".to_string(), 1)?;
    }
    add(format!("worker {n} updates"), 100)?;
    Ok(())
}
// ANCHOR_END: manager

fn run_child(role: &str, n: usize) -> io::Result<()> {
    match role {
        "squarer" => squarer(),
        "queue-worker" => queue_worker(),
        "counter" => counter(n),
        _ => panic!("unknown role `{role}`"),
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    if let [flag, role, n] = args.as_slice()
        && flag == CHILD_FLAG
    {
        return run_child(role, n.parse().expect("the worker number is an integer"));
    }
    for name in &args {
        if !PARTS.iter().any(|(part, _)| part == name) {
            let known: Vec<&str> = PARTS.iter().map(|(part, _)| *part).collect();
            eprintln!("unknown part `{name}`; the parts are: {}", known.join(", "));
            process::exit(2);
        }
    }
    for (name, part) in PARTS {
        if args.is_empty() || args.iter().any(|a| a == name) {
            if args.is_empty() {
                println!("--- {name}");
            }
            part()?;
        }
    }
    Ok(())
}
