//! Chapter 9: memory shared between processes, as `multiprocessing`'s Value and Array, and
//! synchronisation between processes, as its Lock, Semaphore and Event.
//!
//! Run every part, or one:
//!
//!     cargo run -p lab --example 09_processes_shared_memory
//!     cargo run -p lab --example 09_processes_shared_memory -- semaphore
//!
//! The parts: `value` and `array` (atomics in a shared mapping), `lock` (a lock file),
//! `semaphore` (a lock file per permit), `event` (a pipe that closes).
//!
//! Unix only: the mapping is `mmap(2)` with `MAP_SHARED`, and the event relies on every child
//! holding the same pipe.

// Memory another process can change is unsafe in any language; `SharedMemory` keeps all of
// it in one place.
#![allow(unsafe_code)]

extern crate memmap2;

use std::env;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{self, Child, Command};
use std::ptr::NonNull;

use memmap2::{MmapOptions, MmapRaw};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: shared_memory
/// A file mapped into memory with `MAP_SHARED`: every process that maps it sees the same
/// bytes, and the file holds nothing but `AtomicU64`s.
///
/// Only atomics, never plain integers: two processes writing one plain `u64` at once is a
/// data race, exactly as two threads would be. No pointers either: each process maps the file
/// at its own address, so a pointer into it means nothing to the others. And no `Mutex` from
/// std: its lock word is private to one process (Linux's private futexes), and a process that
/// dies holding it would leave it locked for good.
struct SharedMemory {
    /// The mapping; unmapped when dropped. `MmapRaw`, not `MmapMut`, because `MmapMut` hands
    /// out `&mut [u8]`, and bytes that another process changes under a `&[u8]` or `&mut [u8]`
    /// are undefined behaviour; `MmapRaw` gives only a raw pointer.
    _map: MmapRaw,
    /// Its first byte, where the atomics start.
    start: NonNull<AtomicU64>,
    slots: usize,
}

impl SharedMemory {
    /// Maps `path`, making it `slots` atomics long; a new file's bytes are zero.
    fn map(path: &Path, slots: usize) -> io::Result<SharedMemory> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let bytes = slots * size_of::<AtomicU64>();
        file.set_len(bytes as u64)?;
        // Safe to create: a raw mapping hands out no reference, only a pointer, so what the
        // other processes do to the bytes is for its users to reason about (see `slots`).
        let map = MmapOptions::new().len(bytes).map_raw(&file)?;
        let start = NonNull::new(map.as_mut_ptr().cast()).expect("a mapping is never null");
        Ok(SharedMemory {
            _map: map,
            start,
            slots,
        })
    }

    /// The mapping as atomics.
    fn slots(&self) -> &[AtomicU64] {
        // SAFETY: the mapping is page-aligned (so aligned for `AtomicU64`), `slots` atomics
        // long, and lives as long as `self`, which the slice borrows. Atomics may change under
        // a shared reference, and every process touches these bytes only through atomics, so
        // no access is a data race and no `&` sees bytes change beneath it. The file keeps its
        // length while mapped (everyone maps it at the same length), so no access faults.
        unsafe { std::slice::from_raw_parts(self.start.as_ptr(), self.slots) }
    }
}
// ANCHOR_END: shared_memory

/// The argument that turns a run of this program into a worker: `--child ROLE N PATH`.
const CHILD_FLAG: &str = "--child";

/// Workers per part.
const WORKERS: usize = 4;

/// A part of the tour: its name, and what it runs.
type Part = (&'static str, fn() -> io::Result<()>);

/// The parts a reader can run alone, in the order they run together.
const PARTS: [Part; 5] = [
    ("value", value),
    ("array", array),
    ("lock", lock),
    ("semaphore", semaphore),
    ("event", event),
];

/// A file for `part` in `/dev/shm` (memory, on Linux), else in the temporary directory.
fn scratch_file(part: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        env::temp_dir()
    };
    dir.join(format!("lab-{part}-{}", process::id()))
}

/// Starts `WORKERS` copies of this program in `role`, each given its number and `path`, and
/// waits for them all.
fn run_workers(role: &str, path: &Path) -> io::Result<()> {
    let exe = env::current_exe()?;
    let workers: Vec<Child> = (0..WORKERS)
        .map(|n| {
            Command::new(&exe)
                .args([CHILD_FLAG, role, &n.to_string()])
                .arg(path)
                .spawn()
        })
        .collect::<io::Result<_>>()?;
    for mut worker in workers {
        let status = worker.wait()?;
        assert!(status.success(), "a worker failed: {status}");
    }
    Ok(())
}

// ANCHOR: value
/// Increments per worker: enough that the workers run at the same time.
const INCREMENTS: u64 = 100_000;

/// Python's `Value('i', 0)`: one counter that every worker adds to, 100 000 times each.
fn value() -> io::Result<()> {
    let path = scratch_file("value");
    let shared = SharedMemory::map(&path, 1)?;
    run_workers("add", &path)?;
    // wait() returned for every worker: their writes are all in, and visible to us.
    println!(
        "{WORKERS} workers × {INCREMENTS} increments: {}",
        shared.slots()[0].load(Ordering::Relaxed)
    );
    fs::remove_file(path)
}

fn add(path: &Path) -> io::Result<()> {
    let shared = SharedMemory::map(path, 1)?;
    for _ in 0..INCREMENTS {
        shared.slots()[0].fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
// ANCHOR_END: value

// ANCHOR: array
/// Python's `Array('i', 12)`: worker `n` fills slots n, n + 4, n + 8 with their squares.
fn array() -> io::Result<()> {
    let path = scratch_file("array");
    let shared = SharedMemory::map(&path, 12)?;
    run_workers("fill", &path)?;
    let squares: Vec<u64> = shared
        .slots()
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .collect();
    println!("the array after the workers: {squares:?}");
    fs::remove_file(path)
}

fn fill(n: usize, path: &Path) -> io::Result<()> {
    let shared = SharedMemory::map(path, 12)?;
    for (i, slot) in shared.slots().iter().enumerate().skip(n).step_by(WORKERS) {
        slot.store((i * i) as u64, Ordering::Relaxed);
    }
    Ok(())
}
// ANCHOR_END: array

// ANCHOR: lock
/// Python's `Lock` between processes: `File::lock`, an advisory lock (`flock` on Unix) that
/// belongs to the open file and is released when the last descriptor of it closes, which a
/// process's death does. Each worker reads a number from a file,
/// adds one and writes it back, 200 times: without the lock, two workers would read the same
/// number and one update would be lost.
fn lock() -> io::Result<()> {
    let path = scratch_file("lock");
    fs::write(&path, "0")?;
    run_workers("increment", &path)?;
    println!(
        "{WORKERS} workers × 200 locked updates of a file: {}",
        fs::read_to_string(&path)?
    );
    fs::remove_file(path)
}

fn increment(path: &Path) -> io::Result<()> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    for _ in 0..200 {
        file.lock()?; // blocks until no other process holds it
        let mut text = String::new();
        file.seek(SeekFrom::Start(0))?;
        file.read_to_string(&mut text)?;
        let next = text.trim().parse::<u64>().expect("the file holds a number") + 1;
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        write!(file, "{next}")?;
        file.unlock()?;
    }
    Ok(())
}
// ANCHOR_END: lock

// ANCHOR: semaphore
/// Python's `Semaphore(2)` between processes: two permit files, each held by locking it. A
/// lock, not a count of free permits in shared memory, because a process that dies holding a
/// lock gives it back (the OS closes its files), where a dead process's decrement of a count
/// would never be undone, and its permit would be lost for good. Shared memory only counts,
/// for the report, how many permits are held at once (slot 0) and the most that ever were (1).
fn semaphore() -> io::Result<()> {
    let path = scratch_file("semaphore");
    let shared = SharedMemory::map(&path, 2)?;
    for permit in permit_files(&path) {
        File::create(permit)?;
    }
    // A worker that takes a permit and then crashes: the others must still find two.
    let exe = env::current_exe()?;
    let crashed = Command::new(&exe)
        .args([CHILD_FLAG, "die-holding-permit", "0"])
        .arg(&path)
        .status()?;
    println!("a worker died holding a permit: {}", !crashed.success());
    run_workers("hold-permit", &path)?;
    println!(
        "{WORKERS} workers, 2 permits: at most {} held at once",
        shared.slots()[1].load(Ordering::Relaxed)
    );
    for permit in permit_files(&path) {
        fs::remove_file(permit)?;
    }
    fs::remove_file(path)
}

/// The two permit files beside the shared memory at `path`.
fn permit_files(path: &Path) -> [PathBuf; 2] {
    [0, 1].map(|i| path.with_extension(format!("permit{i}")))
}

/// Takes a permit: locks whichever permit file is free, or sleeps a little and looks again.
/// (Nothing portable blocks on "any of these"; a POSIX `sem_open` semaphore would sleep in the
/// kernel, but would not give a dead process's permit back.) The permit is the open file:
/// dropping it closes the file, which releases the lock.
fn acquire_permit(path: &Path) -> io::Result<File> {
    loop {
        for permit in permit_files(path) {
            let file = OpenOptions::new().write(true).open(permit)?;
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
        thread::sleep(Duration::from_millis(1));
    }
}

fn hold_permit(path: &Path) -> io::Result<()> {
    let shared = SharedMemory::map(path, 2)?;
    let [in_use, most] = shared.slots() else {
        unreachable!("mapped with two slots")
    };
    let permit = acquire_permit(path)?;
    let now = in_use.fetch_add(1, Ordering::Relaxed) + 1;
    most.fetch_max(now, Ordering::Relaxed);
    // The guarded work. It waits until a second worker holds a permit too, so that two are
    // held at once however slowly the workers start; the deadline ends the wait where only
    // one permit is left to take (and then the report says 1).
    let deadline = Instant::now() + Duration::from_secs(2);
    while most.load(Ordering::Relaxed) < 2 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    in_use.fetch_sub(1, Ordering::Relaxed);
    drop(permit); // release
    Ok(())
}

/// Takes a permit and aborts: no destructor runs, and nothing gives the permit back but the OS.
fn die_holding_permit(path: &Path) -> io::Result<()> {
    let _permit = acquire_permit(path)?;
    process::abort()
}
// ANCHOR_END: semaphore

// ANCHOR: event
/// Python's `Event` between processes: a pipe. Every worker blocks reading it; closing the
/// writing end is `event.set()`, and wakes them all at once with end-of-file.
fn event() -> io::Result<()> {
    let (reader, writer) = io::pipe()?;
    let exe = env::current_exe()?;
    let workers: Vec<Child> = (0..WORKERS)
        .map(|n| {
            Command::new(&exe)
                .args([CHILD_FLAG, "wait-for-event", &n.to_string()])
                .stdin(reader.try_clone()?)
                .spawn()
        })
        .collect::<io::Result<_>>()?;
    drop(reader);
    thread::sleep(Duration::from_millis(100));
    println!("setting the event after 100 ms");
    drop(writer); // the last writing end: every reader now sees end-of-file
    for mut worker in workers {
        let status = worker.wait()?;
        assert!(status.success(), "a worker failed: {status}");
    }
    Ok(())
}

fn wait_for_event(n: usize) -> io::Result<()> {
    let mut byte = [0u8; 1];
    // Blocks until the parent closes the pipe: Ok(0), end of file, is the event.
    let read = io::stdin().read(&mut byte)?;
    assert_eq!(read, 0, "nothing is ever written, only closed");
    println!("worker {n} saw the event");
    Ok(())
}
// ANCHOR_END: event

fn run_child(role: &str, n: usize, path: Option<&Path>) -> io::Result<()> {
    let path = || path.expect("this role needs a path");
    match role {
        "add" => add(path()),
        "fill" => fill(n, path()),
        "increment" => increment(path()),
        "hold-permit" => hold_permit(path()),
        "die-holding-permit" => die_holding_permit(path()),
        "wait-for-event" => wait_for_event(n),
        _ => panic!("unknown role `{role}`"),
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    if let [flag, role, n, rest @ ..] = args.as_slice()
        && flag == CHILD_FLAG
    {
        let n = n.parse().expect("the worker number is an integer");
        return run_child(role, n, rest.first().map(Path::new));
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
