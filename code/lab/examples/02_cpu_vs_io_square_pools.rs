//! The seeds' `executor.map(square, [1, 2, 3, 4, 5])` on a pool of 3 threads and on a pool
//! of 3 worker processes, both built by hand from std.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 02_cpu_vs_io_square_pools
//!
//! Both pools are the same machine: a queue of numbered jobs, 3 workers that each take the
//! next job when they are free, and a channel that brings results back. In the process pool,
//! each worker thread forwards its job to its own child process over a pipe. A last run kills
//! a worker process first, to show that a job it loses is reported, not returned as a 0.

use std::env;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// The argument that turns a run of this program into a pool worker process.
const WORKER_FLAG: &str = "--square-worker";

// ANCHOR: here
/// The seeds' `square(n)`: a short wait, then a tiny computation.
fn square(n: u64) -> u64 {
    // 100 ms, not the seed's 1 s: the wait is what makes the pool worth having.
    thread::sleep(Duration::from_millis(100));
    n * n
}

/// `executor.map(call, inputs)` on one thread per worker: results come back in input
/// order, whichever worker finished first. A job whose call failed, or that no worker was
/// left to run, makes the whole map an error, as a dead worker makes Python's
/// `ProcessPoolExecutor` raise `BrokenProcessPool`.
///
/// Hand-built, not rayon's ThreadPool, because `square` blocks in a sleep (it stands for
/// I/O), and rayon's pool is meant for CPU-bound work: a rayon thread stuck in a blocking
/// call can do nothing else. Building it also shows what an executor is underneath.
fn pool_map<W: Send>(
    workers: Vec<W>,
    inputs: &[u64],
    call: fn(&mut W, u64) -> io::Result<u64>,
) -> Result<Vec<u64>, String> {
    let (job_tx, job_rx) = mpsc::channel::<(usize, u64)>();
    let (result_tx, result_rx) = mpsc::channel::<(usize, io::Result<u64>)>();
    // mpsc has one receiving end; a Mutex lets the workers take turns at it. A Mutex, not a
    // crossbeam channel (which has many receivers), so that this file needs std only.
    let job_rx = Mutex::new(job_rx);

    for job in inputs.iter().copied().enumerate() {
        job_tx.send(job).expect("the receiver is alive");
    }
    // Dropping the sender closes the queue: recv() fails once it is empty, and workers stop.
    drop(job_tx);

    // thread::scope, not thread::spawn, because the workers borrow `job_rx` from this stack
    // frame; the scope guarantees they have all finished before it returns.
    thread::scope(|s| {
        for mut worker in workers {
            let (job_rx, result_tx) = (&job_rx, result_tx.clone());
            s.spawn(move || {
                loop {
                    // The guard is a temporary, dropped at the end of this statement: the lock
                    // is held while taking one job, never while working on it.
                    let Ok((index, n)) = job_rx.lock().unwrap().recv() else {
                        break;
                    };
                    let result = call(&mut worker, n);
                    let broken = result.is_err();
                    result_tx.send((index, result)).unwrap();
                    // A worker whose call failed is broken: it takes no more jobs.
                    if broken {
                        break;
                    }
                }
            });
        }
    });
    drop(result_tx);

    // The index each job carried puts the results back in input order. Every slot starts
    // empty, not 0, so that a job that never reported is an error rather than a wrong answer.
    let mut results: Vec<Option<io::Result<u64>>> = inputs.iter().map(|_| None).collect();
    for (index, result) in result_rx {
        results[index] = Some(result);
    }
    results
        .into_iter()
        .enumerate()
        .map(|(index, result)| match result {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(format!("job {index} failed: {}", error.kind())),
            None => Err(format!("job {index} never ran: every worker had failed")),
        })
        .collect()
}

/// One worker process, with its stdin and stdout piped to the parent.
struct WorkerProcess {
    child: Child,
    from_child: BufReader<ChildStdout>,
}

impl WorkerProcess {
    /// Starts this same program as a worker.
    fn start() -> io::Result<Self> {
        let mut child = Command::new(env::current_exe()?)
            .arg(WORKER_FLAG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let from_child = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(WorkerProcess { child, from_child })
    }

    /// Sends one task as a line of text and reads the answer back as a line of text:
    /// a process shares no memory with us, so everything crosses as bytes. A worker that has
    /// died is an error here (a broken pipe, or no answer), not a panic: the pool decides.
    fn call(&mut self, n: u64) -> io::Result<u64> {
        let to_child = self.child.stdin.as_mut().expect("stdin is piped");
        writeln!(to_child, "{n}")?;
        let mut answer = String::new();
        if self.from_child.read_line(&mut answer)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        answer.trim().parse().map_err(io::Error::other)
    }

    /// Kills the worker, as a crash or the OOM killer would, and waits until it is gone.
    fn kill(&mut self) -> io::Result<()> {
        self.child.kill()?;
        // wait() closes our end of the child's stdin first; keep it open, as a crash would,
        // so that the next call writes into a pipe nobody reads.
        let to_child = self.child.stdin.take();
        self.child.wait()?;
        self.child.stdin = to_child;
        Ok(())
    }
}

impl Drop for WorkerProcess {
    /// Shuts the worker down: closing its stdin means "no more work", then wait() reaps it.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The worker process: squares each number on stdin until stdin closes.
fn worker_process() {
    for line in io::stdin().lock().lines() {
        let n: u64 = line
            .expect("stdin is readable")
            .trim()
            .parse()
            .expect("a number");
        // println! flushes at the newline, so the parent sees each answer at once.
        println!("{}", square(n));
    }
}

fn main() -> io::Result<()> {
    if env::args().nth(1).as_deref() == Some(WORKER_FLAG) {
        worker_process();
        return Ok(());
    }
    let inputs = [1, 2, 3, 4, 5];

    let threads = vec![(); 3];
    let squares = pool_map(threads, &inputs, |_, n| Ok(square(n))).map_err(io::Error::other)?;
    println!("ThreadPool results: {squares:?}");

    // If the second or third start fails, `collect` drops the workers already started, and
    // their Drop reaps them: no orphans.
    let processes = (0..3)
        .map(|_| WorkerProcess::start())
        .collect::<io::Result<Vec<_>>>()?;
    let squares = pool_map(processes, &inputs, WorkerProcess::call).map_err(io::Error::other)?;
    println!("ProcessPool results: {squares:?}");

    // A process can die under the pool (a crash, the OOM killer). Kill the only worker:
    // job 0 meets a broken pipe, and jobs 1 to 4 find no worker left.
    let mut doomed = WorkerProcess::start()?;
    doomed.kill()?;
    match pool_map(vec![doomed], &inputs, WorkerProcess::call) {
        Ok(squares) => println!("ProcessPool with a killed worker: {squares:?}"),
        Err(error) => println!("ProcessPool with a killed worker: error: {error}"),
    }
    Ok(())
}
// ANCHOR_END: here
