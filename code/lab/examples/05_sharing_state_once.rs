//! `OnceLock` and `LazyLock`: a value computed once, by whichever thread needs it first, and
//! shared read-only afterwards. No lock on the way in once it is set.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 05_sharing_state_once
//!
//! `OnceLock` is filled at run time by `get_or_init`, with what the caller has at hand;
//! `LazyLock` carries its own initialiser, so it can be a `static`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;

// ANCHOR: here
/// Computed on first use, from any thread, exactly once.
static SQUARES: LazyLock<HashMap<u32, u32>> =
    LazyLock::new(|| (1..=10).map(|n| (n, n * n)).collect());

static INITIALISED: AtomicUsize = AtomicUsize::new(0);

fn load_settings() -> String {
    INITIALISED.fetch_add(1, Ordering::SeqCst);
    "verbose=true".to_string()
}

fn main() {
    let settings: OnceLock<String> = OnceLock::new();

    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                // Eight threads race to initialise; one runs load_settings, the others wait
                // for it and then read the same value.
                let value = settings.get_or_init(load_settings);
                assert_eq!(value, "verbose=true");
                assert_eq!(SQUARES[&7], 49);
            });
        }
    });

    println!("settings: {:?}", settings.get());
    println!(
        "load_settings ran {} time(s) for 8 threads",
        INITIALISED.load(Ordering::SeqCst)
    );
    println!(
        "SQUARES has {} entries; 9 squared is {}",
        SQUARES.len(),
        SQUARES[&9]
    );
}
// ANCHOR_END: here
