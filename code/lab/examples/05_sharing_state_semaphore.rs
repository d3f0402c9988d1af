//! The seeds' `Semaphore` in Rust: at most N threads inside a section at once. std has no
//! semaphore; this one is a `Mutex<usize>` of free permits and a `Condvar`, with a guard that
//! gives its permit back when dropped.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_semaphore
//!
//! In async code use `tokio::sync::Semaphore`, whose `acquire().await` suspends the task
//! rather than blocking the thread, and which hands permits out in the order they were asked for.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

// ANCHOR: here
struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A permit: held while it lives, given back when it is dropped (even by a panic).
struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    fn acquire(&self) -> Permit<'_> {
        let free = self.free.lock().unwrap();
        let mut free = self.released.wait_while(free, |n| *n == 0).unwrap();
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // into_inner, not unwrap: this runs while a panicking thread unwinds, and a second
        // panic then would abort the process. The count is one integer, never half-written.
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.released.notify_one();
    }
}

fn main() {
    let downloads = Semaphore::new(2); // at most two at once, like Semaphore(2)
    let inside = AtomicUsize::new(0);
    let most_inside = AtomicUsize::new(0);

    thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                let _permit = downloads.acquire();
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most_inside.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(10)); // the "download"
                inside.fetch_sub(1, Ordering::SeqCst);
            }); // _permit dropped here: the next thread may enter
        }
    });

    let most = most_inside.load(Ordering::SeqCst);
    println!("6 downloads done; never more than 2 at once: {}", most <= 2);

    // A download that panics gives its permit back too: the guard drops as its thread unwinds.
    // (The default panic hook prints the message to stderr.)
    let failed = thread::scope(|s| {
        s.spawn(|| {
            let _permit = downloads.acquire();
            panic!("the download failed");
        })
        .join()
        .is_err()
    });
    println!("a download panicked while holding a permit: {failed}");
    println!(
        "permits free at the end: {}",
        downloads.free.lock().unwrap()
    );
}
// ANCHOR_END: here
