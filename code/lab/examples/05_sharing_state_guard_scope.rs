//! How long a lock is held is how long its guard lives, and a guard can live longer than it
//! looks: a temporary in a `match` scrutinee lives until the end of the whole `match`.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_guard_scope
//!
//! The cache below looks up a key and, on a miss, inserts it. Locking again inside the `None`
//! arm would deadlock, because the guard from the scrutinee is still alive there; `try_lock`
//! shows that without hanging the program.

use std::collections::HashMap;
use std::sync::{Mutex, TryLockError};

// ANCHOR: here
fn is_locked<T>(mutex: &Mutex<T>) -> bool {
    matches!(mutex.try_lock(), Err(TryLockError::WouldBlock))
}

fn main() {
    let cache: Mutex<HashMap<&str, u32>> = Mutex::new(HashMap::new());

    // The scrutinee's temporary guard lives until the closing brace of the `match`.
    match cache.lock().unwrap().get("answer") {
        Some(value) => println!("hit: {value}"),
        None => {
            // cache.lock() here would wait for ourselves, for ever.
            println!("inside the match arm, still locked: {}", is_locked(&cache));
        }
    }

    // The fix: end the guard's life first. `copied()` takes the value out, and the
    // temporary guard is dropped at the end of this `let` statement.
    let found = cache.lock().unwrap().get("answer").copied();
    match found {
        Some(value) => println!("hit: {value}"),
        None => {
            println!("after a let, still locked: {}", is_locked(&cache));
            cache.lock().unwrap().insert("answer", 42);
        }
    }

    // A guard in a named variable lives to the end of its block, or until drop().
    let guard = cache.lock().unwrap();
    let value = guard["answer"];
    drop(guard);
    println!(
        "read {value}; still locked after drop: {}",
        is_locked(&cache)
    );
}
// ANCHOR_END: here
