//! The other side of each `ipc` link, started once per configuration and kept across rounds,
//! so that a run measures messages, not starting a process: a thread for the channel, and
//! this suite binary re-run as a worker for the pipe and for shared memory.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use anyhow::{Context, Result, bail};
use crossbeam::channel;

use super::ipc_link::{self, ChannelLink, Link, PipeLink, ShmLink};
use super::shm_ring::Ring;
use super::worker;

/// Room in each shared-memory ring: four of the largest messages, as a pipe's 64 KiB holds
/// one.
pub(super) const RING_BYTES: usize = 256 * 1024;

/// Messages a channel holds before its sender waits.
pub(super) const CHANNEL_MESSAGES: usize = 64;

/// This side of a link, with the peer that answers on the other.
pub(super) trait Peer {
    /// Sends `count` copies of `message`; returns the peer's checksum of them.
    fn stream(&mut self, message: &[u8], count: u64) -> Result<u64>;
    /// Makes `count` round trips; returns the checksum of the echoes.
    fn round_trips(&mut self, message: &[u8], count: u64) -> Result<u64>;
}

/// A thread in this process, at the end of two channels.
pub(super) struct ThreadPeer {
    control: Option<io::PipeWriter>,
    link: ChannelLink,
    thread: Option<JoinHandle<Result<()>>>,
}

impl ThreadPeer {
    /// Starts the thread, serving messages of `size` bytes.
    pub(super) fn start(size: usize) -> Result<ThreadPeer> {
        let (control_reader, control) = io::pipe()?;
        let (out, peer_in) = channel::bounded(CHANNEL_MESSAGES);
        let (peer_out, back) = channel::bounded(CHANNEL_MESSAGES);
        let thread = std::thread::spawn(move || {
            let mut link = ChannelLink {
                out: peer_out,
                back: peer_in,
                last: Vec::new(),
            };
            ipc_link::serve(control_reader, &mut link, size)
        });
        Ok(ThreadPeer {
            control: Some(control),
            link: ChannelLink {
                out,
                back,
                last: Vec::new(),
            },
            thread: Some(thread),
        })
    }
}

impl Peer for ThreadPeer {
    fn stream(&mut self, message: &[u8], count: u64) -> Result<u64> {
        let control = self.control.as_ref().expect("open until dropped");
        ipc_link::stream(control, &mut self.link, message, count)
    }

    fn round_trips(&mut self, message: &[u8], count: u64) -> Result<u64> {
        let control = self.control.as_ref().expect("open until dropped");
        ipc_link::round_trips(control, &mut self.link, message, count)
    }
}

impl Drop for ThreadPeer {
    fn drop(&mut self) {
        // Closing the control pipe ends the thread's loop.
        drop(self.control.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A worker process, this suite binary re-run with an `ipc-*` role.
pub(super) struct ProcessPeer<L> {
    child: Child,
    control: File,
    link: L,
}

impl<L: Link> Peer for ProcessPeer<L> {
    fn stream(&mut self, message: &[u8], count: u64) -> Result<u64> {
        ipc_link::stream(&self.control, &mut self.link, message, count)
    }

    fn round_trips(&mut self, message: &[u8], count: u64) -> Result<u64> {
        ipc_link::round_trips(&self.control, &mut self.link, message, count)
    }
}

impl<L> Drop for ProcessPeer<L> {
    fn drop(&mut self) {
        // The worker keeps nothing worth a graceful ending; killing it also ends one that a
        // failed run left waiting on its link.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `exe` as a worker in `role` with `args`, its stdin and stdout piped, and returns
/// the child with those pipes as plain files (unbuffered, and a second handle on stdin can
/// be made for the control messages).
fn start_worker(exe: &Path, role: &str, args: &[String]) -> Result<(Child, File, File)> {
    let mut child = worker::command(exe, role)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    Ok((
        child,
        File::from(OwnedFd::from(stdin)),
        File::from(OwnedFd::from(stdout)),
    ))
}

/// A worker at the end of a pipe each way; commands share the pipe to it.
pub(super) fn pipe_peer(exe: &Path, size: usize) -> Result<ProcessPeer<PipeLink<File, File>>> {
    let (child, to, from) = start_worker(exe, "ipc-pipe", &[size.to_string()])?;
    Ok(ProcessPeer {
        child,
        control: to.try_clone()?,
        link: PipeLink {
            from,
            to,
            buffer: Vec::new(),
        },
    })
}

/// A worker at the end of a shared-memory ring each way; commands travel on its stdin.
pub(super) fn shm_peer(exe: &Path, size: usize) -> Result<ProcessPeer<ShmLink>> {
    let [to_worker, from_worker] = ["to-worker", "from-worker"].map(ring_path);
    let out = Ring::create(&to_worker, RING_BYTES)?;
    let back = Ring::create(&from_worker, RING_BYTES);
    let started = back.and_then(|back| {
        let args = [
            size.to_string(),
            path_arg(&to_worker)?,
            path_arg(&from_worker)?,
        ];
        let (mut child, control, mut from) = start_worker(exe, "ipc-shm", &args)?;
        // The worker says it has mapped both rings; until then the files must stay.
        let mut ready = [0u8; 1];
        if let Err(err) = from.read_exact(&mut ready) {
            let _ = child.kill();
            let status = child.wait()?;
            bail!("the ipc-shm worker did not start ({status}): {err}");
        }
        Ok((child, control, back))
    });
    // Mapped on both sides (or failed): the names are no longer needed, and a crash later
    // leaves nothing behind in /dev/shm.
    let _ = std::fs::remove_file(&to_worker);
    let _ = std::fs::remove_file(&from_worker);
    let (child, control, back) = started?;
    Ok(ProcessPeer {
        child,
        control,
        link: ShmLink {
            out,
            back,
            buffer: Vec::new(),
        },
    })
}

/// A fresh name for a ring file: in `/dev/shm` (memory, never a disk) where it exists.
fn ring_path(direction: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("lab-ipc-{}-{n}-{direction}", std::process::id()))
}

fn path_arg(path: &Path) -> Result<String> {
    path.to_str()
        .map(String::from)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

/// This process's stdin and stdout as plain files: `Stdout` buffers by line, which would
/// split a binary message wherever it holds a newline byte.
fn own_stdio() -> Result<(File, File)> {
    let stdin = io::stdin().as_fd().try_clone_to_owned()?;
    let stdout = io::stdout().as_fd().try_clone_to_owned()?;
    Ok((File::from(stdin), File::from(stdout)))
}

/// The message size a worker is given as its first argument.
fn size_arg(args: &[String]) -> Result<usize> {
    let size = args.first().context("ipc worker: missing SIZE")?;
    size.parse()
        .with_context(|| format!("ipc worker: SIZE `{size}` is not a number"))
}

/// The `ipc-pipe SIZE` worker: serves on its stdin and stdout.
pub(super) fn pipe_worker(args: &[String]) -> Result<()> {
    let size = size_arg(args)?;
    let (stdin, stdout) = own_stdio()?;
    let mut link = PipeLink {
        from: &stdin,
        to: &stdout,
        buffer: Vec::new(),
    };
    ipc_link::serve(&stdin, &mut link, size)
}

/// The `ipc-shm SIZE TO_WORKER FROM_WORKER` worker: maps both rings, says so with one byte
/// on stdout, then takes commands on stdin and messages on the rings.
pub(super) fn shm_worker(args: &[String]) -> Result<()> {
    let size = size_arg(args)?;
    let [Some(to_worker), Some(from_worker)] = [args.get(1), args.get(2)] else {
        bail!("ipc-shm: usage: ipc-shm SIZE TO_WORKER FROM_WORKER");
    };
    let mut link = ShmLink {
        out: Ring::open(Path::new(from_worker))?,
        back: Ring::open(Path::new(to_worker))?,
        buffer: Vec::new(),
    };
    let (stdin, mut stdout) = own_stdio()?;
    stdout.write_all(b"r")?;
    ipc_link::serve(&stdin, &mut link, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_peer_answers_both_commands_and_stops_when_dropped() {
        let msg = ipc_link::message(1000);
        let expected = 3 * ipc_link::checksum(&msg);
        let mut peer = ThreadPeer::start(1000).unwrap();
        assert_eq!(peer.stream(&msg, 3).unwrap(), expected);
        assert_eq!(peer.round_trips(&msg, 3).unwrap(), expected);
        // Dropping joins the thread: a loop that missed the end of its commands hangs here.
        drop(peer);
    }

    #[test]
    fn worker_arguments_are_checked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = |r: Result<()>| r.unwrap_err().to_string();
        assert!(err(pipe_worker(&args(&[]))).contains("missing SIZE"));
        assert!(err(pipe_worker(&args(&["big"]))).contains("SIZE `big` is not a number"));
        assert!(err(shm_worker(&args(&["8", "/a"]))).contains("usage: ipc-shm"));
    }
}
