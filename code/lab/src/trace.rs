//! Recording what ran when, for the book's timelines: spans `(lane, start, end, kind)` on one
//! monotonic clock, where a lane is a thread, a process or a task.
//!
//! Recording must not disturb what it records. So:
//! - when no recording is on, instrumented code pays one relaxed atomic load ([`lane`]
//!   returns `None`, and nothing else happens);
//! - a [`Lane`] is set up before its first span: its buffer is allocated then, for
//!   [`LANE_CAPACITY`] spans, and it is registered with the recording then (the one place a
//!   lock is taken);
//! - recording a span is two clock reads and a write into that buffer: no lock, no allocation.
//!   A span that does not fit is counted as dropped, not recorded.
//!
//! A lane hands its spans back when it is dropped; [`Recording::finish`] collects them.
//!
//! ```
//! use lab::trace::{self, Recording, SpanKind};
//! use std::time::Instant;
//!
//! let recording = Recording::start();
//! let mut lane = trace::lane("thread 1").expect("a recording is on");
//! let start = Instant::now();
//! lane.record(SpanKind::Running, start, Instant::now());
//! drop(lane);
//! let (lanes, dropped) = recording.finish();
//! assert_eq!((lanes.len(), lanes[0].spans.len(), dropped), (1, 1, 0));
//! assert!(trace::lane("after").is_none());
//! ```

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crossbeam::queue::SegQueue;

pub use crate::results::{Span, SpanKind, TraceLane};

/// Spans each lane can hold: more than the longest traced run needs (about a thousand hand-offs
/// of the GIL), so that none is dropped.
pub const LANE_CAPACITY: usize = 1 << 16;

/// Whether a recording is on: the one load instrumented code pays when none is.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The recording in progress, if any; locked only to start or end one, and to set up a lane.
static CURRENT: Mutex<Option<Arc<Session>>> = Mutex::new(None);

struct Session {
    /// The clock's zero.
    start: Instant,
    /// Lanes set up so far: each lane's place in the order they started.
    lanes: AtomicUsize,
    /// Lanes handed back, with their place and their dropped spans.
    done: SegQueue<(usize, TraceLane, u64)>,
}

/// A recording in progress. While it lives, instrumented code records into lanes; there is at
/// most one at a time.
pub struct Recording {
    session: Arc<Session>,
}

impl Recording {
    /// Starts recording.
    ///
    /// # Panics
    ///
    /// If a recording is already on: two would mix each other's lanes.
    pub fn start() -> Recording {
        let session = Arc::new(Session {
            start: Instant::now(),
            lanes: AtomicUsize::new(0),
            done: SegQueue::new(),
        });
        let mut current = CURRENT.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(current.is_none(), "a recording is already on");
        *current = Some(session.clone());
        ACTIVE.store(true, Ordering::Release);
        Recording { session }
    }

    /// Stops recording and returns the lanes handed back so far, in the order they started,
    /// with every span shifted so that the earliest starts at zero, and how many spans were
    /// dropped. Lanes still alive are left out: join their threads first.
    pub fn finish(self) -> (Vec<TraceLane>, u64) {
        stop();
        let mut lanes = Vec::new();
        let mut dropped = 0;
        while let Some((order, lane, lost)) = self.session.done.pop() {
            lanes.push((order, lane));
            dropped += lost;
        }
        lanes.sort_by_key(|(order, _)| *order);
        let mut lanes: Vec<TraceLane> = lanes.into_iter().map(|(_, lane)| lane).collect();
        let origin = lanes
            .iter()
            .flat_map(|l| l.spans.iter().map(|s| s.start_ns))
            .min()
            .unwrap_or(0);
        for span in lanes.iter_mut().flat_map(|l| l.spans.iter_mut()) {
            span.start_ns -= origin;
            span.end_ns -= origin;
        }
        (lanes, dropped)
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        stop();
    }
}

fn stop() {
    ACTIVE.store(false, Ordering::Release);
    *CURRENT.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// One thread's, process's or task's spans, recorded into a buffer set up in advance.
pub struct Lane {
    session: Arc<Session>,
    order: usize,
    label: String,
    spans: Vec<Span>,
    dropped: u64,
}

/// A new lane called `label`, if a recording is on; `None` costs one relaxed load.
pub fn lane(label: impl Into<String>) -> Option<Lane> {
    if !ACTIVE.load(Ordering::Relaxed) {
        return None;
    }
    let session = CURRENT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()?;
    let order = session.lanes.fetch_add(1, Ordering::Relaxed);
    Some(Lane {
        session,
        order,
        label: label.into(),
        spans: Vec::with_capacity(LANE_CAPACITY),
        dropped: 0,
    })
}

/// A new lane called `PREFIX N`, numbered by the order lanes start in this recording.
pub fn numbered_lane(prefix: &str) -> Option<Lane> {
    let mut lane = lane(prefix)?;
    lane.label = format!("{prefix} {}", lane.order + 1);
    Some(lane)
}

/// One lane per thread of a pool whose threads outlive the recording (rayon's): a task
/// records on the lane of the thread that runs it, found by the thread's index in its pool.
/// The lanes are handed back when this is dropped, not when the threads end.
pub struct PoolLanes {
    /// Locked only by the thread whose index it is, so never contended: a `Mutex`, not a
    /// lock-free buffer, because a lane is `&mut` and the pool's threads share this.
    lanes: Vec<Mutex<Lane>>,
}

/// Lanes `PREFIX 1` … `PREFIX threads`, if a recording is on.
pub fn pool_lanes(prefix: &str, threads: usize) -> Option<PoolLanes> {
    let lanes = (1..=threads)
        .map(|n| lane(format!("{prefix} {n}")).map(Mutex::new))
        .collect::<Option<Vec<_>>>()?;
    Some(PoolLanes { lanes })
}

impl PoolLanes {
    /// Runs `work` and records it as one span of `kind` on the lane of pool thread `thread`.
    ///
    /// # Panics
    ///
    /// If `thread` is not below the number of lanes asked for.
    pub fn span<R>(&self, thread: usize, kind: SpanKind, work: impl FnOnce() -> R) -> R {
        let start = Instant::now();
        let result = work();
        let end = Instant::now();
        self.lanes[thread]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(kind, start, end);
        result
    }
}

impl Lane {
    /// Records that the lane was in state `kind` from `start` to `end`.
    pub fn record(&mut self, kind: SpanKind, start: Instant, end: Instant) {
        if self.spans.len() == self.spans.capacity() {
            self.dropped += 1; // never grow the buffer while a run is being timed
            return;
        }
        let ns = |t: Instant| t.saturating_duration_since(self.session.start).as_nanos() as u64;
        self.spans.push(Span {
            start_ns: ns(start),
            end_ns: ns(end).max(ns(start)),
            kind,
        });
    }

    /// Renames the lane, for a thread with a role (`I/O thread`).
    pub fn relabel(&mut self, label: impl Into<String>) {
        self.label = label.into();
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        let lane = TraceLane {
            label: std::mem::take(&mut self.label),
            spans: std::mem::take(&mut self.spans),
        };
        self.session.done.push((self.order, lane, self.dropped));
    }
}

/// Records `work` on lane `lane` (if any) as one span of `kind`, and returns its result.
pub fn span<R>(lane: &mut Option<Lane>, kind: SpanKind, work: impl FnOnce() -> R) -> R {
    let Some(lane) = lane else {
        return work();
    };
    let start = Instant::now();
    let result = work();
    lane.record(kind, start, Instant::now());
    result
}

/// Recordings are global: tests that start one take this first, one at a time. (Other tests
/// running meanwhile may add lanes of their own, so tests look only at lanes they named.)
#[cfg(test)]
static TEST_RECORDINGS: Mutex<()> = Mutex::new(());

/// Takes [`TEST_RECORDINGS`] until the guard drops; a test that panicked holding it does not
/// stop the others.
#[cfg(test)]
pub(crate) fn one_recording_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    TEST_RECORDINGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::Duration;

    use super::*;

    fn only<'l>(lanes: &'l [TraceLane], prefix: &str) -> Vec<&'l TraceLane> {
        lanes
            .iter()
            .filter(|l| l.label.starts_with(prefix))
            .collect()
    }

    #[test]
    fn lanes_come_back_in_start_order_shifted_to_zero() {
        let _one = one_recording_at_a_time();
        let recording = Recording::start();
        let mut first = lane("trace-test first").unwrap();
        let mut second = lane("trace-test second").unwrap();
        let t0 = Instant::now();
        thread::sleep(Duration::from_millis(2));
        let t1 = Instant::now();
        second.record(SpanKind::Idle, t0, t1);
        first.record(SpanKind::Running, t1, t1 + Duration::from_millis(1));
        // Handed back out of order; finish puts them in start order.
        drop(second);
        drop(first);
        let (lanes, dropped) = recording.finish();
        let mine = only(&lanes, "trace-test");
        let labels: Vec<&str> = mine.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["trace-test first", "trace-test second"]);
        assert!(mine[1].spans[0].start_ns < mine[0].spans[0].start_ns);
        assert_eq!(
            mine[0].spans[0].end_ns - mine[0].spans[0].start_ns,
            1_000_000
        );
        let earliest = lanes
            .iter()
            .flat_map(|l| &l.spans)
            .map(|s| s.start_ns)
            .min();
        assert_eq!(earliest, Some(0), "the earliest span starts at zero");
        assert_eq!(dropped, 0);
    }

    #[test]
    fn lanes_are_numbered_in_start_order() {
        let _one = one_recording_at_a_time();
        let recording = Recording::start();
        let a = numbered_lane("trace-test-numbered").unwrap();
        let b = numbered_lane("trace-test-numbered").unwrap();
        let (na, nb) = (a.order + 1, b.order + 1);
        assert_eq!(a.label, format!("trace-test-numbered {na}"));
        assert!(nb > na);
        drop((a, b));
        drop(recording);
    }

    #[test]
    fn a_full_lane_drops_spans_instead_of_growing() {
        let _one = one_recording_at_a_time();
        let recording = Recording::start();
        let mut lane = lane("trace-test busy").unwrap();
        let now = Instant::now();
        for _ in 0..LANE_CAPACITY + 3 {
            lane.record(SpanKind::Running, now, now);
        }
        assert_eq!(lane.spans.capacity(), LANE_CAPACITY);
        drop(lane);
        let (lanes, dropped) = recording.finish();
        assert_eq!(
            only(&lanes, "trace-test busy")[0].spans.len(),
            LANE_CAPACITY
        );
        assert_eq!(dropped, 3);
    }

    #[test]
    fn pool_lanes_record_each_span_on_its_threads_lane() {
        let _one = one_recording_at_a_time();
        let recording = Recording::start();
        let lanes = pool_lanes("trace-test pool", 2).unwrap();
        assert_eq!(lanes.span(1, SpanKind::Running, || 5), 5);
        lanes.span(1, SpanKind::Running, || ());
        lanes.span(0, SpanKind::Idle, || ());
        drop(lanes);
        let (lanes, _) = recording.finish();
        let mine = only(&lanes, "trace-test pool");
        let shape: Vec<(&str, Vec<SpanKind>)> = mine
            .iter()
            .map(|l| (l.label.as_str(), l.spans.iter().map(|s| s.kind).collect()))
            .collect();
        assert_eq!(
            shape,
            [
                ("trace-test pool 1", vec![SpanKind::Idle]),
                (
                    "trace-test pool 2",
                    vec![SpanKind::Running, SpanKind::Running]
                ),
            ]
        );
    }

    #[test]
    fn without_a_recording_there_is_no_lane() {
        let _one = one_recording_at_a_time();
        assert!(lane("x").is_none());
        assert!(pool_lanes("x", 2).is_none());
        let mut none = None;
        assert_eq!(span(&mut none, SpanKind::Running, || 7), 7);
        let recording = Recording::start();
        drop(recording);
        assert!(lane("x").is_none(), "dropping a recording ends it");
    }
}
