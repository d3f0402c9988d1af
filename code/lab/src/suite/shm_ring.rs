//! A one-way byte ring in shared memory, for the `ipc` experiments: one process writes bytes
//! into a mapped file, another reads them out, and neither makes a system call unless it has
//! to wait.
//!
//! Layout of the file: the producer's count of bytes written (`head`) on one cache line, the
//! consumer's count of bytes read (`tail`) on the next, then `capacity` bytes of data.
//! Only the producer stores `head` and only the consumer stores `tail`; the data between
//! them belongs to whichever side the counters say, so no byte is ever written by one side
//! while the other reads it. That is the whole of the safety argument, and it is why the
//! mapping holds plain bytes and two atomics, and nothing with a pointer in it.

// Mapping a file is unsafe (another process can change it), and so is writing through the
// raw pointer; both are confined to this file, for the reasons above.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossbeam::utils::Backoff;
use memmap2::{MmapMut, MmapOptions};

/// Where `head` lives: the first cache line.
const HEAD: usize = 0;
/// Where `tail` lives: its own cache line, so that the two sides do not false-share.
const TAIL: usize = 64;
/// Where the data starts.
const DATA: usize = 128;

/// How long one side waits for the other before it decides the other died or hangs: a
/// benchmark that stalls fails with a message instead of spinning for ever.
const STALL: Duration = Duration::from_secs(10);

/// One direction of a shared-memory link.
pub(super) struct Ring {
    /// The mapping, kept so that it is unmapped when the ring is dropped; all access goes
    /// through `base`, not through `MmapMut`'s `&mut [u8]`, because the other process writes
    /// to these bytes and a `&mut` would promise the compiler that nobody does.
    _map: MmapMut,
    base: *mut u8,
    capacity: usize,
}

// SAFETY: `base` points into `_map`, which the ring owns and which moves with it; the
// counters make every access exclusive, as the module says, whichever thread makes it.
// Not `Sync`: `push` and `pop` take `&mut self`, because two writers (or two readers) of one
// ring would break the rule that only one side stores each counter.
unsafe impl Send for Ring {}

impl Ring {
    /// Creates the file at `path` (which must not exist) with room for `capacity` bytes.
    pub(super) fn create(path: &Path, capacity: usize) -> Result<Ring> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        // A new file reads as zeros: both counters start at 0, the ring empty.
        file.set_len((DATA + capacity) as u64)?;
        Ring::map(&file, path)
    }

    /// Maps the ring another process created at `path`.
    pub(super) fn open(path: &Path) -> Result<Ring> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ring::map(&file, path)
    }

    fn map(file: &File, path: &Path) -> Result<Ring> {
        let len = file.metadata()?.len() as usize;
        if len <= DATA {
            bail!("{} is {len} bytes, too small for a ring", path.display());
        }
        // SAFETY: the file is this module's own, shared only with a process running this code.
        let mut map = unsafe { MmapOptions::new().len(len).map_mut(file) }
            .with_context(|| format!("cannot map {}", path.display()))?;
        let base = map.as_mut_ptr();
        Ok(Ring {
            _map: map,
            base,
            capacity: len - DATA,
        })
    }

    fn counter(&self, offset: usize) -> &AtomicU64 {
        // SAFETY: the offset is 0 or 64 into a page-aligned mapping of more than DATA bytes,
        // so it is aligned and in bounds, and these 8 bytes are only ever used atomically.
        unsafe { AtomicU64::from_ptr(self.base.add(offset).cast()) }
    }

    /// Writes all of `bytes`, waiting for room as the reader frees it.
    ///
    /// # Errors
    ///
    /// If the reader frees no room for [`STALL`].
    pub(super) fn push(&mut self, mut bytes: &[u8]) -> Result<()> {
        let (head_counter, tail_counter) = (self.counter(HEAD), self.counter(TAIL));
        // Only this side stores `head`, so its own last store is current.
        let mut head = head_counter.load(Ordering::Relaxed);
        while !bytes.is_empty() {
            let used = wait_for("room to write", || {
                let used = head - tail_counter.load(Ordering::Acquire);
                (used < self.capacity as u64).then_some(used as usize)
            })?;
            let n = (self.capacity - used).min(bytes.len());
            self.copy_in(head, &bytes[..n]);
            head += n as u64;
            // Release: the bytes just copied are visible before the reader sees them counted.
            head_counter.store(head, Ordering::Release);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    /// Fills `out`, waiting for the writer as needed.
    ///
    /// # Errors
    ///
    /// If the writer writes nothing for [`STALL`].
    pub(super) fn pop(&mut self, mut out: &mut [u8]) -> Result<()> {
        let (head_counter, tail_counter) = (self.counter(HEAD), self.counter(TAIL));
        let mut tail = tail_counter.load(Ordering::Relaxed);
        while !out.is_empty() {
            let ready = wait_for("bytes to read", || {
                let ready = head_counter.load(Ordering::Acquire) - tail;
                (ready > 0).then_some(ready as usize)
            })?;
            let n = ready.min(out.len());
            let (now, later) = out.split_at_mut(n);
            self.copy_out(tail, now);
            tail += n as u64;
            // Release: the bytes are copied out before the writer may overwrite them.
            tail_counter.store(tail, Ordering::Release);
            out = later;
        }
        Ok(())
    }

    /// Copies `bytes` to the data at stream position `at`, wrapping at the end.
    fn copy_in(&self, at: u64, bytes: &[u8]) {
        let start = (at % self.capacity as u64) as usize;
        let first = bytes.len().min(self.capacity - start);
        // SAFETY: both ranges lie inside the data area, and the counters give them to this
        // side alone until `head` is stored.
        unsafe {
            let data = self.base.add(DATA);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data.add(start), first);
            std::ptr::copy_nonoverlapping(bytes[first..].as_ptr(), data, bytes.len() - first);
        }
    }

    /// Copies the data at stream position `at` into `out`, wrapping at the end.
    fn copy_out(&self, at: u64, out: &mut [u8]) {
        let start = (at % self.capacity as u64) as usize;
        let first = out.len().min(self.capacity - start);
        let rest = out.len() - first;
        // SAFETY: as in `copy_in`, until `tail` is stored.
        unsafe {
            let data = self.base.add(DATA);
            std::ptr::copy_nonoverlapping(data.add(start), out.as_mut_ptr(), first);
            std::ptr::copy_nonoverlapping(data, out[first..].as_mut_ptr(), rest);
        }
    }
}

/// Polls `ready` until it gives a value: spinning briefly, then yielding the CPU, as
/// crossbeam's `Backoff` does. It never sleeps, so a waiting side keeps its CPU busy; that
/// is the price of making no system call when the other side is quick.
fn wait_for<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> Result<T> {
    let backoff = Backoff::new();
    let started = Instant::now();
    loop {
        if let Some(value) = ready() {
            return Ok(value);
        }
        if backoff.is_completed() {
            if started.elapsed() > STALL {
                bail!(
                    "shared-memory ring: waited {STALL:?} for {what}; the other process died or hangs"
                );
            }
            std::thread::yield_now();
        } else {
            backoff.snooze();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("lab-ring-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn bytes_arrive_in_order_across_many_wraps() {
        let path = scratch("order");
        // 1000 bytes of room for 100 000 bytes in pieces of 7 and 13: the ring wraps
        // mid-piece again and again.
        let mut writer = Ring::create(&path, 1000).unwrap();
        let mut reader = Ring::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let sent = crate::suite::ipc_link::message(100_000);
        let sent = &sent;
        let received = std::thread::scope(|s| {
            s.spawn(move || {
                for piece in sent.chunks(7) {
                    writer.push(piece).unwrap();
                }
            });
            let mut received = vec![0u8; sent.len()];
            for piece in received.chunks_mut(13) {
                reader.pop(piece).unwrap();
            }
            received
        });
        assert!(&received == sent, "the bytes came out changed or reordered");
    }

    #[test]
    fn a_file_too_small_for_a_ring_is_refused() {
        let path = scratch("small");
        std::fs::write(&path, [0u8; 16]).unwrap();
        let err = Ring::open(&path).err().unwrap().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(err.contains("too small for a ring"), "{err}");
    }
}
