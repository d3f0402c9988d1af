//! `--disturb`: a background thread that spins on one CPU in random bursts, so that anyone
//! can check that the methodology holds under interference.
//!
//! It stands for what a shared VM's neighbours do: take a CPU away for a while, at moments
//! nobody chose. Bursts last 50–500 ms, with pauses of 50–500 ms between them, both drawn
//! from a seeded generator. It is not a test: nothing asserts on the timings it disturbs.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Shortest and longest burst, and pause, in milliseconds.
const BURST_MS: std::ops::RangeInclusive<u64> = 50..=500;

/// The running disturbance; dropping it stops the thread and waits for it.
pub(super) struct Disturbance {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Disturbance {
    /// Starts the disturbing thread.
    pub(super) fn start(seed: u64) -> Disturbance {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::Builder::new()
            .name("disturb".into())
            .spawn(move || disturb(schedule(seed), &flag))
            .expect("one more thread can start");
        Disturbance {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Disturbance {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An endless sequence of (pause, burst) lengths, from `seed`.
fn schedule(seed: u64) -> impl Iterator<Item = (Duration, Duration)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    std::iter::repeat_with(move || {
        let pause = Duration::from_millis(rng.gen_range(BURST_MS));
        let burst = Duration::from_millis(rng.gen_range(BURST_MS));
        (pause, burst)
    })
}

/// Pauses, then bursts, until `stop` is set.
fn disturb(schedule: impl Iterator<Item = (Duration, Duration)>, stop: &AtomicBool) {
    for (pause, burst) in schedule {
        let pause_end = Instant::now() + pause;
        while Instant::now() < pause_end {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        let burst_end = Instant::now() + burst;
        let mut spins = 0u64;
        while Instant::now() < burst_end {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            spins = black_box(spins.wrapping_add(1));
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn bursts_and_pauses_last_50_to_500_ms_and_repeat_by_seed() {
        let lengths: Vec<(Duration, Duration)> = schedule(3).take(200).collect();
        let ms = |d: &Duration| d.as_millis() as u64;
        assert!(
            lengths
                .iter()
                .all(|(p, b)| BURST_MS.contains(&ms(p)) && BURST_MS.contains(&ms(b)))
        );
        assert_eq!(lengths, schedule(3).take(200).collect::<Vec<_>>());
        assert_ne!(lengths, schedule(4).take(200).collect::<Vec<_>>());
    }

    #[test]
    fn a_set_flag_ends_even_an_hour_long_burst() {
        let stop = Arc::new(AtomicBool::new(false));
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let flag = stop.clone();
        thread::spawn(move || {
            let endless = std::iter::repeat((Duration::ZERO, Duration::from_secs(3600)));
            disturb(endless, &flag);
            done_tx.send(()).unwrap();
        });
        stop.store(true, Ordering::Relaxed);
        // A liveness bound, not a timing claim: without the flag check this waits an hour.
        assert!(done_rx.recv_timeout(Duration::from_secs(60)).is_ok());
    }
}
