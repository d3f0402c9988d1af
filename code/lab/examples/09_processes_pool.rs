//! Chapter 9: a pool of worker processes, fed over pipes, that survives its workers. A worker
//! that crashes or hangs takes down only itself and the task it held: the pool restarts it,
//! retries that task, and reports it if it fails again. Every other result arrives.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 09_processes_pool
//!     cargo run -p lab --example 09_processes_pool -- crash
//!
//! The parts: `map` (results in input order), `crash` (workers that abort mid-task), `hang`
//! (a worker that never answers, killed at a deadline).

extern crate crossbeam;

use std::env;
use std::process;
use std::thread;
use std::time::Duration;

use pool::{ProcessPool, TaskError};

// ANCHOR: pool
/// A process pool: `workers` copies of a program, each answering one line per task.
///
/// The protocol is plain text lines: the pool writes `ATTEMPT INPUT`, the worker answers with
/// the result. Lines, not framed JSON, because a task here is one number: the framed protocol
/// of the `pipe` example is for messages with structure.
pub mod pool {
    use std::fmt;
    use std::io::{self, BufRead, BufReader, Write};
    use std::path::PathBuf;
    use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
    use std::sync::Mutex;
    use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
    use std::thread;
    use std::time::Duration;

    /// How one attempt at a task failed.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Failure {
        /// The worker process ended mid-task: how it ended.
        Died(String),
        /// No answer before the deadline; the worker was killed.
        TimedOut(Duration),
        /// The worker could not be started, or answered something that is not a number.
        Broken(String),
    }

    impl fmt::Display for Failure {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Failure::Died(how) => write!(f, "the worker died ({how})"),
                Failure::TimedOut(after) => write!(f, "no answer within {after:?}"),
                Failure::Broken(why) => write!(f, "{why}"),
            }
        }
    }

    /// A task that failed on every attempt, with each attempt's failure.
    #[derive(Debug, Clone, PartialEq)]
    pub struct TaskError {
        /// Each attempt's failure, first to last.
        pub failures: Vec<Failure>,
    }

    /// The pool's settings. Worker processes start when `map` needs them and stop when it
    /// returns.
    pub struct ProcessPool {
        program: PathBuf,
        args: Vec<String>,
        workers: usize,
        deadline: Duration,
        attempts: u32,
        /// What happened, in the order it happened: restarts and their reasons.
        events: Mutex<Vec<String>>,
    }

    /// A running worker: its process, its stdin, and the lines its stdout sends.
    struct Worker {
        process: Child,
        to: ChildStdin,
        lines: Receiver<io::Result<String>>,
    }

    impl ProcessPool {
        /// A pool of `workers` processes running `program args…`, giving each task 10 s and
        /// two attempts.
        pub fn new(program: PathBuf, args: &[&str], workers: usize) -> ProcessPool {
            ProcessPool {
                program,
                args: args.iter().map(|a| a.to_string()).collect(),
                workers: workers.max(1),
                deadline: Duration::from_secs(10),
                attempts: 2,
                events: Mutex::new(Vec::new()),
            }
        }

        /// How long a worker may take over one task before it is killed.
        pub fn deadline(mut self, deadline: Duration) -> ProcessPool {
            self.deadline = deadline;
            self
        }

        /// How many times a task is tried, each time on a fresh worker after a failure.
        pub fn attempts(mut self, attempts: u32) -> ProcessPool {
            self.attempts = attempts.max(1);
            self
        }

        /// Runs every input through a worker; the results come back in input order, a
        /// failed task as its `Err` and every other as its `Ok`.
        pub fn map(&self, inputs: &[u64]) -> Vec<Result<u64, TaskError>> {
            let (send, queue) = crossbeam::channel::unbounded();
            for task in inputs.iter().copied().enumerate() {
                send.send(task).expect("the queue is open");
            }
            drop(send); // all queued: a worker thread stops when the queue is empty
            let results = Mutex::new(vec![None; inputs.len()]);
            thread::scope(|s| {
                for slot in 1..=self.workers.min(inputs.len()) {
                    let (queue, results) = (queue.clone(), &results);
                    s.spawn(move || {
                        let mut worker = None;
                        for (index, input) in queue {
                            let result = self.run(slot, &mut worker, input);
                            results.lock().unwrap()[index] = Some(result);
                        }
                        if let Some(worker) = worker {
                            worker.finish();
                        }
                    });
                }
            });
            let results = results.into_inner().unwrap();
            results
                .into_iter()
                .map(|r| r.expect("every task ran"))
                .collect()
        }

        /// What happened so far, in order: which worker was restarted, and why.
        pub fn events(&self) -> Vec<String> {
            self.events.lock().unwrap().clone()
        }

        /// One task on slot `slot`'s worker, started if there is none, restarted after a
        /// failure, until it succeeds or runs out of attempts.
        fn run(
            &self,
            slot: usize,
            worker: &mut Option<Worker>,
            input: u64,
        ) -> Result<u64, TaskError> {
            let mut failures = Vec::new();
            for attempt in 1..=self.attempts {
                let running = match worker {
                    Some(running) => running,
                    None => match self.start() {
                        Ok(started) => worker.insert(started),
                        Err(err) => {
                            failures.push(Failure::Broken(format!("cannot start: {err}")));
                            continue;
                        }
                    },
                };
                match running.ask(attempt, input, self.deadline) {
                    Ok(answer) => return Ok(answer),
                    Err(failure) => {
                        // The worker is dead, hung or confused: never give it another task.
                        let broken = worker.take().expect("it was running");
                        let failure = broken.stop(failure);
                        self.events.lock().unwrap().push(format!(
                            "worker {slot}, task {input}, attempt {attempt}: {failure}; restarting"
                        ));
                        failures.push(failure);
                    }
                }
            }
            Err(TaskError { failures })
        }

        fn start(&self) -> io::Result<Worker> {
            let mut process = Command::new(&self.program)
                .args(&self.args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let to = process.stdin.take().expect("piped");
            let from = BufReader::new(process.stdout.take().expect("piped"));
            // A thread reads the worker's answers, so the pool can wait for one with a
            // deadline: std's pipes have no read timeout.
            let (send, lines) = mpsc::channel();
            thread::spawn(move || {
                for line in from.lines() {
                    if send.send(line).is_err() {
                        return;
                    }
                }
            });
            Ok(Worker { process, to, lines })
        }
    }

    impl Worker {
        /// Sends one task and waits up to `deadline` for its answer.
        fn ask(&mut self, attempt: u32, input: u64, deadline: Duration) -> Result<u64, Failure> {
            // A write to a dead worker fails (a broken pipe); its status says why it died.
            let sent = writeln!(self.to, "{attempt} {input}").and_then(|()| self.to.flush());
            if sent.is_err() {
                return Err(Failure::Died(String::new()));
            }
            match self.lines.recv_timeout(deadline) {
                Ok(Ok(line)) => line
                    .trim()
                    .parse()
                    .map_err(|_| Failure::Broken(format!("the worker answered `{line}`"))),
                // End of its stdout: the worker has gone.
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    Err(Failure::Died(String::new()))
                }
                Err(RecvTimeoutError::Timeout) => Err(Failure::TimedOut(deadline)),
            }
        }

        /// Kills and reaps the worker, and completes `failure` with how it ended.
        fn stop(mut self, failure: Failure) -> Failure {
            let _ = self.process.kill(); // harmless if it already died
            let status = self.process.wait();
            match (failure, status) {
                (Failure::Died(_), Ok(status)) => Failure::Died(describe(status)),
                (failure, _) => failure,
            }
        }

        /// Closes the worker's stdin, which tells it to exit, and reaps it.
        fn finish(self) {
            let Worker {
                mut process, to, ..
            } = self;
            drop(to);
            let _ = process.wait();
        }
    }

    /// How a process ended: its exit code, or the signal that killed it.
    fn describe(status: ExitStatus) -> String {
        #[cfg(unix)]
        if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
            let name = match signal {
                6 => " (SIGABRT)",
                9 => " (SIGKILL)",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
        status.to_string()
    }
}
// ANCHOR_END: pool

// ANCHOR: worker
/// The worker: squares each number it is sent. To show the pool at work it misbehaves on
/// purpose: 13 always aborts it, 5 aborts it on the first attempt only (a crash that a retry
/// gets past), and 7 makes it hang.
fn worker() {
    for line in std::io::stdin().lines() {
        let line = line.expect("the pool writes text");
        let (attempt, input) = line
            .split_once(' ')
            .map(|(a, n)| (a.parse::<u32>(), n.parse::<u64>()))
            .expect("the pool writes `ATTEMPT INPUT`");
        let (attempt, input) = (attempt.expect("a number"), input.expect("a number"));
        match (input, attempt) {
            (13, _) | (5, 1) => process::abort(), // a real crash: no unwinding, no cleanup
            (7, _) => loop {
                thread::sleep(Duration::from_secs(1));
            },
            _ => {
                thread::sleep(Duration::from_millis(10)); // stands for real work
                println!("{}", input * input);
            }
        }
    }
}
// ANCHOR_END: worker

/// The argument that turns a run of this program into a pool worker.
const WORKER_FLAG: &str = "--worker";

/// A pool of this program's own workers.
fn pool(workers: usize) -> ProcessPool {
    let exe = env::current_exe().expect("a running program knows its own path");
    ProcessPool::new(exe, &[WORKER_FLAG], workers)
}

/// Prints each input's result in input order, then the pool's events in order.
fn report(inputs: &[u64], results: &[Result<u64, TaskError>], pool: &ProcessPool) {
    for (input, result) in inputs.iter().zip(results) {
        match result {
            Ok(square) => println!("{input} → {square}"),
            Err(error) => {
                let why: Vec<String> = error.failures.iter().map(|f| f.to_string()).collect();
                println!("{input} → failed: {}", why.join("; then "));
            }
        }
    }
    for event in pool.events() {
        println!("event: {event}");
    }
}

// ANCHOR: map
fn map() {
    let inputs = [1, 2, 3, 4, 6, 8];
    let pool = pool(3);
    report(&inputs, &pool.map(&inputs), &pool);
}
// ANCHOR_END: map

// ANCHOR: crash
fn crash() {
    let inputs = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14];
    let pool = pool(3);
    report(&inputs, &pool.map(&inputs), &pool);
}
// ANCHOR_END: crash

// ANCHOR: hang
fn hang() {
    let inputs = [1, 2, 7, 3, 4];
    let pool = pool(2).deadline(Duration::from_millis(300));
    report(&inputs, &pool.map(&inputs), &pool);
}
// ANCHOR_END: hang

/// The parts a reader can run alone, in the order they run together.
const PARTS: [(&str, fn()); 3] = [("map", map), ("crash", crash), ("hang", hang)];

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(WORKER_FLAG) {
        return worker();
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
            part();
        }
    }
}
