//! The performance comparison's strategies: N requests, each an optional wait on the loopback
//! server and then an optional computation, run every way the book teaches, with W workers.
//! The three `compare-*` experiments differ only in the requests, so every cell of the
//! comparison runs this one piece of code.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use super::loopback::{async_request, blocking_request};
use super::strategies::{on_a_worker, rayon_pool, round_robin, sum_of_tasks};
use super::worker;
use crate::gil::{Gil, GilThread};
use crate::procfs::{Process, memory_of};
use crate::workloads::cpu_task_range;

/// Every way to run the requests, in the order the comparison shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strategy {
    /// One request after another on the calling thread.
    Serial,
    /// W std threads, the requests dealt round-robin: Python's nearest is
    /// `ThreadPoolExecutor(max_workers=W)`, whose threads pull from one shared queue instead.
    Threads,
    /// The same on W threads of the GIL model.
    GilThreads,
    /// `par_iter` on a W-thread rayon pool, blocking waits and all.
    Rayon,
    /// W worker processes, the requests dealt round-robin.
    Processes,
    /// One task per request on a multi-thread runtime with W workers, computing on them.
    Tokio,
    /// One task per request on a one-thread runtime; each computes on `spawn_blocking`,
    /// with at most W blocking threads.
    TokioSpawnBlocking,
    /// One task per request on a one-thread runtime; each computes on a W-thread rayon pool
    /// and awaits the answer through a oneshot channel.
    TokioRayon,
}

impl Strategy {
    /// Every strategy, serial first.
    pub(super) const ALL: [Strategy; 8] = [
        Strategy::Serial,
        Strategy::Threads,
        Strategy::GilThreads,
        Strategy::Rayon,
        Strategy::Processes,
        Strategy::Tokio,
        Strategy::TokioSpawnBlocking,
        Strategy::TokioRayon,
    ];

    /// The name in `results.json` and on the page.
    pub(super) fn name(self) -> &'static str {
        match self {
            Strategy::Serial => "serial",
            Strategy::Threads => "threads",
            Strategy::GilThreads => "gil-threads",
            Strategy::Rayon => "rayon",
            Strategy::Processes => "processes",
            Strategy::Tokio => "tokio",
            Strategy::TokioSpawnBlocking => "tokio-spawn-blocking",
            Strategy::TokioRayon => "tokio-rayon",
        }
    }

    /// The strategy called `name`.
    pub(super) fn named(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What it does, for the experiment's notes.
    pub(super) fn note(self) -> &'static str {
        match self {
            Strategy::Serial => "serial: one request after another on one thread",
            Strategy::Threads => {
                "threads: W std threads started inside the timing, the requests dealt \
                 round-robin (a ThreadPoolExecutor(max_workers=W) has its threads pull from \
                 one shared queue instead; with equal requests the shares come out alike)"
            }
            Strategy::GilThreads => {
                "gil-threads: the same on W threads of the GIL model: the GIL is released \
                 around each wait and held while computing, with the eval breaker checked \
                 every 10,000 iterations"
            }
            Strategy::Rayon => {
                "rayon: par_iter on a W-thread pool built before the rounds; a waiting request \
                 blocks its pool thread"
            }
            Strategy::Processes => {
                "processes: W worker processes (this suite binary re-run), started inside the \
                 timing, the requests dealt round-robin"
            }
            Strategy::Tokio => {
                "tokio: one task per request on a multi-thread runtime with W workers, built \
                 before the rounds; each task computes on the worker that runs it"
            }
            Strategy::TokioSpawnBlocking => {
                "tokio-spawn-blocking: one task per request on a current_thread runtime; each \
                 computes with spawn_blocking, on at most W blocking threads"
            }
            Strategy::TokioRayon => {
                "tokio-rayon: one task per request on a current_thread runtime; each computes \
                 on a W-thread rayon pool and awaits a oneshot channel"
            }
        }
    }
}

/// One run's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Requests {
    /// How many.
    pub(super) count: usize,
    /// The server each waits on first (it answers `i²`), or none for pure computation.
    pub(super) server: Option<SocketAddr>,
    /// `cpu_task` iterations each computes after its wait; 0 for none.
    pub(super) iterations: u64,
}

/// Iterations the GIL model runs between two checks of its eval breaker.
const GIL_CHUNK: u64 = 10_000;

impl Requests {
    /// What every strategy must answer: the sum over the requests of the server's answer and
    /// the computation's. (In a suite run, the runner checks that the strategies agree.)
    #[cfg(test)]
    fn expected(self) -> u64 {
        use crate::workloads::cpu_task_expected;
        (0..self.count as u64)
            .map(|i| {
                let waited = if self.server.is_some() { i * i } else { 0 };
                waited.wrapping_add(cpu_task_expected(i, self.iterations))
            })
            .fold(0, u64::wrapping_add)
    }

    /// Request `i` on the calling thread, blocking through its wait.
    fn blocking(self, i: u64) -> u64 {
        let waited = self
            .server
            .map_or(0, |address| answered(blocking_request(address, i)));
        waited.wrapping_add(self.compute(i))
    }

    /// Request `i`'s wait, awaited.
    async fn wait(self, i: u64) -> u64 {
        match self.server {
            Some(address) => answered(async_request(address, i).await),
            None => 0,
        }
    }

    /// Request `i`'s computation, in the same chunks as on a GIL thread: every strategy runs
    /// the very same machine code, because a loop compiled twice can differ by 10% in speed
    /// from its alignment alone (see `cpu_task_with`).
    fn compute(self, i: u64) -> u64 {
        self.chunks()
            .map(|chunk| cpu_task_range(i, chunk))
            .fold(0, u64::wrapping_add)
    }

    /// The computation's iterations, as the chunks the GIL model runs between two checks of
    /// its eval breaker.
    fn chunks(self) -> impl Iterator<Item = std::ops::Range<u64>> {
        let iterations = self.iterations;
        (0..iterations.div_ceil(GIL_CHUNK)).map(move |c| {
            let from = c * GIL_CHUNK;
            from..(from + GIL_CHUNK).min(iterations)
        })
    }

    /// Request `i` on a GIL thread: the wait with the GIL released, the computation holding it
    /// and checking the eval breaker between chunks.
    fn on_gil_thread(self, py: &mut GilThread, i: u64) -> u64 {
        let waited = match self.server {
            Some(address) => py.allow_threads(|| answered(blocking_request(address, i))),
            None => 0,
        };
        let mut computed = 0u64;
        let mut chunks = self.chunks();
        py.run_bytecode(self.iterations.div_ceil(GIL_CHUNK), |_| {
            let chunk = chunks.next().expect("one chunk per unit");
            computed = computed.wrapping_add(cpu_task_range(i, chunk));
        });
        waited.wrapping_add(computed)
    }
}

/// What a failed request does to the run: stop it, saying why.
fn answered(request: Result<u64>) -> u64 {
    request.unwrap_or_else(|err| panic!("a comparison request failed: {err:#}"))
}

/// A strategy ready to run: its pool or runtime built, so that a timed run times the requests,
/// not the set-up. Each call runs all the requests once and returns the sum of the answers.
pub(super) type Prepared = Box<dyn FnMut() -> u64>;

/// Builds what `strategy` needs to run `requests` with `workers` workers. `exe` is the suite
/// binary, for the processes.
///
/// # Panics
///
/// If `strategy` is [`Strategy::Processes`] and there is no `exe`: plans leave that series
/// out, with a note, where there is none.
pub(super) fn prepare(
    strategy: Strategy,
    workers: usize,
    requests: Requests,
    exe: Option<&Path>,
) -> Prepared {
    let n = requests.count;
    match strategy {
        Strategy::Serial => Box::new(move || {
            (0..n as u64)
                .map(|i| requests.blocking(i))
                .fold(0, u64::wrapping_add)
        }),
        Strategy::Threads => {
            Box::new(move || round_robin(n, workers, || (), |(), i| requests.blocking(i)))
        }
        Strategy::GilThreads => Box::new(move || {
            let gil = Gil::new();
            round_robin(
                n,
                workers,
                || gil.thread(),
                |py, i| requests.on_gil_thread(py, i),
            )
        }),
        Strategy::Rayon => {
            let pool = rayon_pool(workers);
            Box::new(move || {
                pool.install(|| {
                    (0..n as u64)
                        .into_par_iter()
                        .map(|i| requests.blocking(i))
                        .reduce(|| 0, u64::wrapping_add)
                })
            })
        }
        Strategy::Processes => {
            let exe = exe
                .expect("plans leave processes out where there is no suite binary")
                .to_path_buf();
            Box::new(move || {
                in_processes(&exe, workers, requests)
                    .unwrap_or_else(|err| panic!("comparison worker processes: {err:#}"))
                    .0
            })
        }
        Strategy::Tokio => {
            let runtime = multi_thread_runtime(workers);
            Box::new(move || runtime.block_on(tokio_computing_on_workers(requests)))
        }
        Strategy::TokioSpawnBlocking => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .max_blocking_threads(workers)
                .build()
                .expect("a tokio runtime builds");
            Box::new(move || runtime.block_on(tokio_spawn_blocking(requests)))
        }
        Strategy::TokioRayon => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime builds");
            let pool = Arc::new(rayon_pool(workers));
            Box::new(move || runtime.block_on(tokio_rayon(requests, Arc::clone(&pool))))
        }
    }
}

fn multi_thread_runtime(workers: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("a tokio runtime builds")
}

/// Spawns one task per request from a task on the runtime, not from `block_on` (see
/// [`on_a_worker`]), and sums their answers.
async fn tokio_computing_on_workers(requests: Requests) -> u64 {
    on_a_worker(async move {
        let handles: Vec<_> = (0..requests.count as u64)
            .map(|i| {
                tokio::spawn(
                    async move { requests.wait(i).await.wrapping_add(requests.compute(i)) },
                )
            })
            .collect();
        sum_of_tasks(handles).await
    })
    .await
}

/// One task per request, each computing on the runtime's blocking threads.
async fn tokio_spawn_blocking(requests: Requests) -> u64 {
    let handles: Vec<_> = (0..requests.count as u64)
        .map(|i| {
            tokio::spawn(async move {
                let waited = requests.wait(i).await;
                let computed = tokio::task::spawn_blocking(move || requests.compute(i))
                    .await
                    .expect("a computation does not panic");
                waited.wrapping_add(computed)
            })
        })
        .collect();
    sum_of_tasks(handles).await
}

/// One task per request, each computing on `pool` and awaiting the answer.
async fn tokio_rayon(requests: Requests, pool: Arc<rayon::ThreadPool>) -> u64 {
    let handles: Vec<_> = (0..requests.count as u64)
        .map(|i| {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move {
                let waited = requests.wait(i).await;
                let (send, computed) = oneshot::channel();
                pool.spawn(move || {
                    let _ = send.send(requests.compute(i));
                });
                let computed = computed.await.expect("rayon runs every job it is given");
                waited.wrapping_add(computed)
            })
        })
        .collect();
    sum_of_tasks(handles).await
}

/// Runs the requests in `workers` worker processes, dealt round-robin. Returns the sum of
/// their answers and the sum of their peak RSS.
///
/// # Errors
///
/// If a worker cannot start, fails, or prints something unexpected.
pub(super) fn in_processes(exe: &Path, workers: usize, requests: Requests) -> Result<(u64, u64)> {
    let settings = [
        address_argument(requests.server),
        requests.iterations.to_string(),
    ];
    let args = worker::dealt(requests.count, workers)
        .into_iter()
        .map(|share| settings.iter().cloned().chain(share).collect())
        .collect();
    let mut sum = 0u64;
    let mut peaks = 0u64;
    for printed in worker::outputs_of(exe, "requests", args)? {
        let [answer, peak] = worker::numbers("requests", &printed)?;
        sum = sum.wrapping_add(answer);
        peaks += peak;
    }
    Ok((sum, peaks))
}

/// The `requests ADDRESS ITERATIONS I…` worker: the requests one after another; prints their
/// sum and this process's peak RSS. ADDRESS is `-` for no wait.
///
/// # Errors
///
/// If an argument is missing or malformed, or `/proc` cannot be read.
pub(super) fn requests_worker(args: &[String]) -> Result<()> {
    let [address, iterations, tasks @ ..] = args else {
        bail!("requests: usage: requests ADDRESS|- ITERATIONS I…");
    };
    let requests = Requests {
        count: 0,
        server: parse_address(address)?,
        iterations: iterations
            .parse()
            .with_context(|| format!("requests: ITERATIONS `{iterations}` is not a number"))?,
    };
    let mut sum = 0u64;
    for task in tasks {
        let i: u64 = task
            .parse()
            .with_context(|| format!("requests: request `{task}` is not a number"))?;
        sum = sum.wrapping_add(requests.blocking(i));
    }
    let peak = memory_of(Process::This)?.peak_rss;
    println!("{sum} {peak}");
    Ok(())
}

/// A server address as a worker's argument: the address, or `-` for none.
pub(super) fn address_argument(server: Option<SocketAddr>) -> String {
    server.map_or_else(|| "-".to_string(), |address| address.to_string())
}

/// A server address, or `-` for none: [`address_argument`] read back.
pub(super) fn parse_address(text: &str) -> Result<Option<SocketAddr>> {
    if text == "-" {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .with_context(|| format!("`{text}` is not a socket address (or `-` for none)"))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::suite::loopback::SharedServer;
    use std::time::Duration;

    fn check_every_strategy(requests: Requests) {
        let expected = requests.expected();
        for strategy in Strategy::ALL {
            if strategy == Strategy::Processes {
                continue; // needs the suite binary; see the next test
            }
            for workers in [1, 3] {
                let mut run = prepare(strategy, workers, requests, None);
                assert_eq!(
                    run(),
                    expected,
                    "{} with {workers} workers",
                    strategy.name()
                );
            }
        }
    }

    #[test]
    fn every_strategy_computes_the_expected_answer() {
        check_every_strategy(Requests {
            count: 7,
            server: None,
            iterations: 25_001,
        });
    }

    #[test]
    fn every_strategy_waits_and_computes() {
        let server = SharedServer::new("compare test", Duration::from_millis(1));
        for iterations in [0, 12_345] {
            check_every_strategy(Requests {
                count: 7,
                server: Some(server.address()),
                iterations,
            });
        }
    }

    #[test]
    fn the_expected_answer_counts_the_wait_only_with_a_server() {
        let computing = Requests {
            count: 3,
            server: None,
            iterations: 10,
        };
        let waiting = Requests {
            server: Some("127.0.0.1:9".parse().unwrap()),
            iterations: 0,
            ..computing
        };
        assert_eq!(waiting.expected(), 1 + 4);
        assert_eq!(
            computing.expected(),
            (0..3)
                .map(|i| crate::workloads::cpu_task_with(i, 10))
                .sum::<u64>()
        );
    }

    #[test]
    fn names_round_trip_and_every_strategy_has_a_note() {
        for strategy in Strategy::ALL {
            assert_eq!(Strategy::named(strategy.name()), Some(strategy));
            assert!(strategy.note().starts_with(strategy.name()));
        }
        assert_eq!(Strategy::named("fibers"), None);
    }

    #[test]
    fn worker_arguments_are_checked() {
        assert!(requests_worker(&[]).is_err());
        let bad = ["nowhere".to_string(), "1".to_string()];
        assert!(requests_worker(&bad).is_err());
        assert_eq!(parse_address(&address_argument(None)).unwrap(), None);
        let address = "127.0.0.1:9".parse().unwrap();
        assert_eq!(
            parse_address(&address_argument(Some(address))).unwrap(),
            Some(address)
        );
        assert!(worker::numbers::<2>("requests", "1").is_err());
        assert!(worker::numbers::<2>("requests", "1 x").is_err());
        assert_eq!(worker::numbers::<2>("requests", "3 4\n").unwrap(), [3, 4]);
    }
}
