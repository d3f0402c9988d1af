//! The seeds' `multiprocessing.Process(target=worker, args=(n,))` in Rust: three worker
//! processes, each a fresh copy of this same program started with `--worker N`.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 01_introduction_processes
//!
//! Each process has its own memory: nothing is shared with the parent except what the
//! operating system passes along (arguments, environment, the inherited stdout).

use std::env;
use std::io;
use std::process::{Child, Command};
use std::thread;
use std::time::Duration;

// ANCHOR: here
/// The argument that turns a run of this program into a worker process.
const WORKER_FLAG: &str = "--worker";

fn worker(n: u32) {
    // Python names its processes Process-1, Process-2, …; we do the same by hand.
    let name = format!("Process-{}", n + 1);
    println!("{name} working on {n}");
    // 100 ms, not the seed's 1 s: long enough to see all three processes working at once.
    thread::sleep(Duration::from_millis(100));
    println!("{name} done.");
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().collect();
    if let [_, flag, n] = args.as_slice()
        && flag == WORKER_FLAG
    {
        worker(n.parse().expect("the worker number is an integer"));
        return Ok(());
    }

    // std::process::Command re-running our own executable, not fork(), because Rust's std
    // has no fork: a fresh process that re-runs `main` is what Python's "spawn" start
    // method does too, and it works the same on Linux, macOS and Windows.
    let exe = env::current_exe()?;
    let mut processes: Vec<Child> = Vec::new();
    for n in 0..3 {
        match Command::new(&exe)
            .arg(WORKER_FLAG)
            .arg(n.to_string())
            .spawn()
        {
            Ok(child) => processes.push(child),
            Err(err) => {
                // Stop the workers already started rather than leave them running on their own.
                for mut child in processes {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(err);
            }
        }
    }

    // wait() is Python's p.join(): it blocks until that process exits.
    for mut process in processes {
        let status = process.wait()?;
        assert!(status.success(), "a worker failed: {status}");
    }
    println!("All processes finished.");
    Ok(())
}
// ANCHOR_END: here
