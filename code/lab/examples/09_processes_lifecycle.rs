//! Chapter 9: a worker process's life, from `Command` to exit status. Every worker is this
//! same program started again with `--child ROLE`, as chapter 1's workers were.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 09_processes_lifecycle
//!     cargo run -p lab --example 09_processes_lifecycle -- orphan
//!
//! The parts: `exit-codes` (how a worker ended), `wait-kill` (waiting with a deadline, then
//! killing), `orphan` (a child that outlives its crashed parent, and the pipe that prevents it).

use std::env;
use std::io::{self, BufRead, BufReader, Read};
use std::process::{self, Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The argument that turns a run of this program into a worker: `--child ROLE [ARG]`.
const CHILD_FLAG: &str = "--child";

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn() -> io::Result<()>);

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 3] = [
    ("exit-codes", exit_codes),
    ("wait-kill", wait_kill),
    ("orphan", orphan),
];

/// Starts this program again as a worker in `role`, with `args`.
fn child(role: &str, args: &[&str]) -> Command {
    let exe = env::current_exe().expect("a running program knows its own path");
    let mut command = Command::new(exe);
    command.arg(CHILD_FLAG).arg(role).args(args);
    command
}

// ANCHOR: status
/// How a worker ended, in words: an exit code, or the signal that killed it (Unix).
fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            // The numbers these three have on Linux and macOS alike.
            let name = match signal {
                6 => "SIGABRT",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                _ => "another signal",
            };
            return format!("killed by signal {signal} ({name})");
        }
    }
    format!("ended: {status}")
}
// ANCHOR_END: status

// ANCHOR: exit_codes
/// Four workers, four endings: success, an exit code of its own, a panic, an abort.
fn exit_codes() -> io::Result<()> {
    for role in ["succeed", "exit-3", "panic", "abort"] {
        // output(), not status(): it also collects what the worker wrote to stderr.
        let output = child(role, &[]).stdin(Stdio::null()).output()?;
        println!("worker `{role}`: {}", describe(output.status));
        if let Some(message) = panic_message(&output.stderr) {
            println!("  its panic message: {message}");
        }
    }
    Ok(())
}

/// The message of a Rust panic in `stderr`: the line after `panicked at FILE:LINE:COL:`.
fn panic_message(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let mut lines = text.lines();
    lines.find(|line| line.contains("panicked at"))?;
    lines.next().map(str::to_owned)
}
// ANCHOR_END: exit_codes

// ANCHOR: wait_kill
/// Waits for `child` until `deadline` has passed; `None` if it is still running then.
/// std has no `wait_timeout`, so this polls `try_wait`, which never blocks.
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// A worker that never finishes, given 200 ms, then killed.
fn wait_kill() -> io::Result<()> {
    let mut worker = child("hang", &[]).stdin(Stdio::null()).spawn()?;
    let deadline = Instant::now() + Duration::from_millis(200);
    match wait_until(&mut worker, deadline)? {
        Some(status) => println!("the worker ended by itself: {}", describe(status)),
        None => {
            println!("after 200 ms the worker is still running: kill it");
            worker.kill()?; // SIGKILL on Unix, TerminateProcess on Windows
            // kill() does not reap: wait() collects the status, so no zombie is left.
            println!("the worker: {}", describe(worker.wait()?));
        }
    }
    Ok(())
}
// ANCHOR_END: wait_kill

// ANCHOR: orphan
/// A parent that crashes while its own child runs, twice: once with an unguarded child,
/// which lives on as an orphan, and once with a child that watches a pipe from its parent
/// and exits when the pipe closes.
fn orphan() -> io::Result<()> {
    for guard in ["unguarded", "guarded"] {
        let mut parent = child("crashing-parent", &[guard])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        // The crashing parent prints its child's process ID, then aborts.
        let mut line = String::new();
        BufReader::new(parent.stdout.take().expect("piped")).read_line(&mut line)?;
        let grandchild: u32 = line.trim().parse().expect("the parent printed a pid");
        println!("{guard}: the parent: {}", describe(parent.wait()?));
        let alive = still_running_after(grandchild, Duration::from_millis(500));
        println!(
            "{guard}: its child is {}",
            if alive {
                "still running, an orphan"
            } else {
                "gone: it saw the pipe close"
            }
        );
        if alive {
            kill(grandchild); // clean up by hand what nobody else will
        }
    }
    Ok(())
}

/// The crashing parent: starts a long-running child, reports its ID, and aborts. A guarded
/// child gets a pipe as its stdin; the parent never writes to it, and when the parent dies
/// the operating system closes it.
fn crashing_parent(guard: &str) -> io::Result<()> {
    let stdin = if guard == "guarded" {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let sleeper = child("sleeper", &[guard])
        .stdin(stdin)
        // Not our stdout: an orphan holding it open would keep our reader waiting.
        .stdout(Stdio::null())
        .spawn()?;
    println!("{}", sleeper.id());
    // The Child, and with it the pipe's writing end, is never dropped: abort() ends the
    // process first, as a crash would.
    let _kept = sleeper;
    process::abort();
}

/// The long-running child. A guarded one has a thread blocked reading stdin: a read that
/// returns 0 bytes means the other end closed, so the parent is gone, and it exits too.
fn sleeper(guard: &str) {
    if guard == "guarded" {
        thread::spawn(|| {
            let mut byte = [0u8; 1];
            // Ok(0) is end of file; an error means the pipe is unusable: either way, go.
            while let Ok(1) = io::stdin().read(&mut byte) {}
            process::exit(0);
        });
    }
    thread::sleep(Duration::from_secs(30));
}
// ANCHOR_END: orphan

/// Whether process `pid` is still running `after` the parent died, checked every 10 ms: a
/// guarded child needs a moment to notice. A zombie (exited, not yet reaped) counts as gone.
fn still_running_after(pid: u32, after: Duration) -> bool {
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if !is_running(pid) {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
    is_running(pid)
}

/// Whether `pid` runs: its state in `/proc` where there is one (Linux), else whether a
/// signal could reach it.
fn is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses: Z is a zombie, X is dead.
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) if std::path::Path::new("/proc/self").exists() => false,
        // No /proc (macOS): `kill -0` checks that the process exists, sending nothing.
        Err(_) => signal(pid, "0"),
    }
}

/// Sends SIGKILL to `pid`: the orphan is no child of ours, so `Child::kill` cannot reach it.
fn kill(pid: u32) {
    signal(pid, "KILL");
}

/// Runs `kill -SIGNAL PID`, the system's tool: std cannot signal a process that is not its
/// child, and libc's `kill` would need `unsafe` for a call that touches no memory. Returns
/// whether it succeeded.
fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// What a worker does, by role.
fn run_child(role: &str, arg: Option<&str>) -> io::Result<()> {
    match role {
        "succeed" => Ok(()),
        "exit-3" => process::exit(3),
        "panic" => panic!("the task failed"),
        "abort" => process::abort(),
        "hang" => loop {
            thread::sleep(Duration::from_secs(1));
        },
        "crashing-parent" => crashing_parent(arg.unwrap_or("unguarded")),
        "sleeper" => {
            sleeper(arg.unwrap_or("unguarded"));
            Ok(())
        }
        _ => panic!("unknown role `{role}`"),
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    if let [flag, role, rest @ ..] = args.as_slice()
        && flag == CHILD_FLAG
    {
        return run_child(role, rest.first().map(String::as_str));
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
