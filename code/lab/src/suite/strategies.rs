//! The ways of running N tasks that several experiments share, written once, so that the
//! strategies of one experiment and of the next run the very same code.

use std::thread;

use rayon::prelude::*;

use crate::workloads::tiny_task;

/// Runs `work(w)` for `w` in `0..workers`, each on its own scoped thread, all at once, and
/// returns what each returned, in order.
///
/// # Panics
///
/// If a worker panics: a measurement with a crashed worker is not a measurement.
pub(super) fn on_each_thread<R: Send>(workers: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let work = &work;
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers).map(|w| s.spawn(move || work(w))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker does not panic"))
            .collect()
    })
}

/// Runs `task(state, i)` for every `i` in `0..tasks` on `workers` scoped threads, dealt
/// round-robin (thread `w` takes `w, w + workers, …`), and returns the wrapping sum of the
/// answers. Each thread makes its own `state` first, on that thread (a GIL thread state, say).
///
/// Round-robin, not chunks, because it is the seeds' "one share of the tasks each", and equal
/// tasks make it fair; uneven tasks are where work stealing (rayon) pays.
pub(super) fn round_robin<S>(
    tasks: usize,
    workers: usize,
    state: impl Fn() -> S + Sync,
    task: impl Fn(&mut S, u64) -> u64 + Sync,
) -> u64 {
    on_each_thread(workers, |w| {
        let mut state = state();
        (w..tasks)
            .step_by(workers)
            .fold(0u64, |sum, i| sum.wrapping_add(task(&mut state, i as u64)))
    })
    .into_iter()
    .fold(0, u64::wrapping_add)
}

/// The wrapping sum of `tiny_task(i)` for `i` in `0..items`, one after another.
pub(super) fn tiny_tasks_serial(items: usize) -> u64 {
    (0..items)
        .map(|i| tiny_task(i as u64))
        .fold(0, u64::wrapping_add)
}

/// [`tiny_tasks_serial`] split by rayon's `par_iter` on whatever pool is installed, never into
/// a job of fewer than `min_len` items (1: rayon's own default).
///
/// usize ranges, not u64, because only they are indexed parallel iterators, which
/// `with_min_len` needs; the serial version uses them too, so the two differ in nothing else.
pub(super) fn tiny_tasks_par_iter(items: usize, min_len: usize) -> u64 {
    (0..items)
        .into_par_iter()
        .with_min_len(min_len)
        .map(|i| tiny_task(i as u64))
        .reduce(|| 0, u64::wrapping_add)
}

/// Runs `work` as a task on one of the runtime's worker threads, where code that spawns
/// tasks runs in an async program: the thread in `block_on` is not a worker, and every task
/// it spawned would have to wake a worker, and wake it back, twice the cross-thread hops.
pub(super) async fn on_a_worker(work: impl Future<Output = u64> + Send + 'static) -> u64 {
    tokio::spawn(work)
        .await
        .expect("the task that spawns the others does not panic")
}

/// Awaits every task in turn and returns the wrapping sum of their answers.
pub(super) async fn sum_of_tasks(handles: Vec<tokio::task::JoinHandle<u64>>) -> u64 {
    let mut sum = 0u64;
    for handle in handles {
        sum = sum.wrapping_add(handle.await.expect("a task does not panic"));
    }
    sum
}

/// A rayon pool of `workers` threads, built before the rounds.
pub(super) fn rayon_pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("a rayon pool of a few threads builds")
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn round_robin_runs_every_task_once_dealt_by_thread() {
        let seen = Mutex::new(Vec::new());
        let sum = round_robin(7, 3, thread::current, |me, i| {
            seen.lock().unwrap().push((i, me.id()));
            i
        });
        assert_eq!(sum, (0..7).sum::<u64>());
        let seen = seen.into_inner().unwrap();
        let mut tasks: Vec<u64> = seen.iter().map(|(i, _)| *i).collect();
        tasks.sort_unstable();
        assert_eq!(tasks, (0..7).collect::<Vec<_>>());
        // Tasks 0, 3 and 6 went to the same thread, and 1 to another.
        let thread_of = |task: u64| seen.iter().find(|(i, _)| *i == task).unwrap().1;
        assert_eq!(thread_of(0), thread_of(3));
        assert_eq!(thread_of(0), thread_of(6));
        assert_ne!(thread_of(0), thread_of(1));
    }

    #[test]
    fn tiny_tasks_sum_the_same_however_split() {
        for items in [0, 1, 10, 4_097] {
            let expected: u64 = (0..items as u64).map(tiny_task).fold(0, u64::wrapping_add);
            assert_eq!(tiny_tasks_serial(items), expected, "{items} items");
            for min_len in [1, 64, 4_096] {
                assert_eq!(
                    tiny_tasks_par_iter(items, min_len),
                    expected,
                    "{items}/{min_len}"
                );
            }
        }
    }

    #[test]
    fn each_thread_reports_in_order() {
        assert_eq!(on_each_thread(4, |w| w * 10), [0, 10, 20, 30]);
    }
}
