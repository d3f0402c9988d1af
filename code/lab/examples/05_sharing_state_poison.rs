//! Poisoning: a thread that panics while holding a `MutexGuard` marks the `Mutex` poisoned,
//! because the data it guards may be half-updated. The next `lock()` says so, and the data is
//! still there for whoever decides to look.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_poison
//!
//! A transfer debits one account and credits another. The thread panics between the two, so
//! the total is wrong: the invariant the lock was protecting is broken, and poisoning is how
//! the next user finds out.

use std::panic;
use std::sync::{Mutex, PoisonError};
use std::thread;

// ANCHOR: here
struct Accounts {
    alice: i64,
    bob: i64,
}

fn main() {
    // Keep the default panic message off the page; the program reports what happened itself.
    panic::set_hook(Box::new(|_| {}));

    let accounts = Mutex::new(Accounts {
        alice: 100,
        bob: 50,
    });

    thread::scope(|s| {
        let transfer = s.spawn(|| {
            let mut books = accounts.lock().unwrap();
            books.alice -= 30; // debited …
            panic!("the network failed mid-transfer"); // … and never credited
        });
        assert!(transfer.join().is_err());
    });

    // The next lock() returns Err: the mutex is poisoned.
    match accounts.lock() {
        Ok(_) => println!("lock: ok"),
        Err(poisoned) => {
            // The guard is inside the error: the data can still be read, and repaired.
            let books = poisoned.into_inner();
            println!(
                "lock: poisoned; alice {} + bob {} = {} (was 150)",
                books.alice,
                books.bob,
                books.alice + books.bob
            );
        }
    }
    println!("is_poisoned: {}", accounts.is_poisoned());

    // Mutex::into_inner says so too; PoisonError::into_inner takes the data regardless.
    let books = accounts
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    println!(
        "into_inner after the panic: alice {}, bob {}",
        books.alice, books.bob
    );
}
// ANCHOR_END: here
