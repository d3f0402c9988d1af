//! `blocking-in-async`: how late a 10 ms ticker task runs while another task on the same
//! one-thread runtime has a 200 ms CPU job: done on the runtime's thread, handed to
//! `spawn_blocking`, or handed to rayon with the answer coming back through a oneshot channel.
//! `idle` is the ticker beside a 200 ms sleep instead of a job: the timer's own lateness.
//!
//! A one-thread runtime, not the multi-thread one, because it is asyncio's model and the
//! plainest case: a job on the runtime's thread holds the only thread there is. On the
//! multi-thread runtime the same job stalls every task queued behind it on its worker.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

use super::{Axis, Entry, Mode, Plan, PlanContext, Sample, Trial};
use crate::trace::{self, Lane, SpanKind};
use crate::workloads::compute_for;

/// The experiment, as the suite's registry lists it.
pub(super) const ENTRY: Entry = Entry {
    id: "blocking-in-async",
    plan,
    sources: &[sources![
        "code/lab/src/suite/blocking_in_async.rs",
        "code/lab/src/workloads.rs",
        "code/lab/src/trace.rs",
    ]],
};

/// How often the ticker wants to run.
const TICK: Duration = Duration::from_millis(10);

/// The x axis: how long the job computes.
const JOB_MS: Axis = Axis::Param {
    name: "job_ms",
    label: "the job's length (ms)",
    phrase: "beside a {} ms job",
};

/// Job lengths: 200 ms, as the chapter's example; full mode adds shorter ones, to show the
/// lateness follows the job.
fn job_lengths(mode: Mode) -> &'static [u64] {
    match mode {
        Mode::Quick => &[200],
        Mode::Full => &[50, 100, 200],
    }
}

/// Where the job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    /// No job: a sleep as long, so the ticker's lateness is the timer's own.
    Idle,
    /// On the runtime's thread, inside the task.
    Blocking,
    /// On tokio's blocking pool.
    SpawnBlocking,
    /// On rayon's pool, the answer through a oneshot channel.
    Rayon,
}

impl Strategy {
    const ALL: [Strategy; 4] = [
        Strategy::Idle,
        Strategy::Blocking,
        Strategy::SpawnBlocking,
        Strategy::Rayon,
    ];

    fn name(self) -> &'static str {
        match self {
            Strategy::Idle => "idle",
            Strategy::Blocking => "blocking",
            Strategy::SpawnBlocking => "spawn-blocking",
            Strategy::Rayon => "rayon",
        }
    }
}

fn plan(ctx: &PlanContext) -> Plan {
    let mut builder = Plan::builder(
        ENTRY.id,
        "A ticker's lateness beside a CPU job in async code",
        JOB_MS,
    )
    .workload(format!(
        "a ticker task that wants to run every {} ms, on a current_thread runtime, beside \
         another task with a CPU job (compute_for) of the length shown",
        TICK.as_millis()
    ))
    .metric("ticks", "ticks run", "")
    .note(
        "value: the ticker's worst lateness in the run (how much later than planned a tick \
         ran); lower is better",
    )
    .note("ticks: how many ticks the ticker got to run in the run")
    .note("idle: no job, a sleep as long: the lateness of the timer itself")
    .note("blocking: the job runs inside the task, on the runtime's only thread")
    .note("spawn-blocking: the job runs on tokio's blocking pool; the task awaits it")
    .note("rayon: the job runs on rayon's pool; the task awaits a oneshot channel")
    .note(
        "timelines: one run each; grey while the ticker is due but not running, green while \
         the job computes",
    )
    .budget(ctx.budget(Duration::from_secs(4)));
    for &job_ms in job_lengths(ctx.mode) {
        for strategy in Strategy::ALL {
            let job = Duration::from_millis(job_ms);
            builder = builder.trial(
                Trial::self_timed(strategy.name(), 1, 1, move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a tokio runtime builds");
                    move || runtime.block_on(beside_a_ticker(strategy, job))
                })
                .with_param("job_ms", job_ms)
                .traced_if(job_ms == 200 && strategy != Strategy::Idle),
            );
        }
    }
    builder.build()
}

/// Runs the ticker, then the job (or the idle sleep), then stops the ticker: the ticker's
/// worst lateness, and how many ticks it ran.
async fn beside_a_ticker(strategy: Strategy, job: Duration) -> Sample {
    let (stop, stopped) = oneshot::channel();
    let ticker = tokio::spawn(ticker(stopped, trace::lane("ticker task")));
    // Two ticks before the job and two after, so the ticker is running on either side of it.
    sleep(TICK * 2).await;
    run_job(strategy, job).await;
    sleep(TICK * 2).await;
    let _ = stop.send(());
    let (worst, ticks) = ticker.await.expect("the ticker does not panic");
    Sample {
        value: worst.as_secs_f64(),
        extra: [("ticks".to_string(), ticks as f64)].into(),
        answer: None,
    }
}

/// Ticks every [`TICK`] until `stopped` fires; returns the worst lateness and the ticks run.
/// While recording, each tick is an idle span, from when it was due to when it ran (waiting
/// for the thread), then a running span, as short as the tick's bookkeeping.
async fn ticker(mut stopped: oneshot::Receiver<()>, mut lane: Option<Lane>) -> (Duration, u64) {
    let mut ticks = interval(TICK);
    // Skip, not Burst: after a stall, tick on the schedule instead of catching up at once.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let (mut worst, mut count) = (Duration::ZERO, 0);
    loop {
        tokio::select! {
            // `biased`: a tick that came due during a stall is counted before the stop is seen.
            biased;
            planned = ticks.tick() => {
                let now = Instant::now();
                worst = worst.max(now - planned);
                count += 1;
                if let Some(lane) = &mut lane {
                    lane.record(SpanKind::Idle, planned.into_std(), now.into_std());
                    lane.record(SpanKind::Running, now.into_std(), std::time::Instant::now());
                }
            }
            _ = &mut stopped => return (worst, count),
        }
    }
}

/// The job, where `strategy` puts it; recorded, while recording, on a lane named for the
/// thread it ran on.
async fn run_job(strategy: Strategy, job: Duration) {
    let computed = move |label: &str| {
        let mut lane = trace::lane(label);
        trace::span(&mut lane, SpanKind::Running, || compute_for(job))
    };
    match strategy {
        Strategy::Idle => sleep(job).await,
        Strategy::Blocking => {
            computed("job, on the runtime's thread");
        }
        Strategy::SpawnBlocking => {
            tokio::task::spawn_blocking(move || computed("job, on a blocking-pool thread"))
                .await
                .expect("the job does not panic");
        }
        Strategy::Rayon => {
            let (send, answer) = oneshot::channel();
            rayon::spawn(move || {
                let _ = send.send(computed("job, on a rayon thread"));
            });
            answer.await.expect("rayon runs the job");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the paused clock the idle run is exact: the sleep auto-advances time to each tick
    /// in turn, so no tick is late, and 2 + 20 + 2 ticks of 10 ms fit, plus the first at zero.
    #[tokio::test(start_paused = true)]
    async fn an_idle_ticker_is_never_late() {
        let sample = beside_a_ticker(Strategy::Idle, Duration::from_millis(200)).await;
        assert_eq!(sample.value, 0.0);
        assert_eq!(sample.extra["ticks"], 25.0);
    }

    /// A job on the runtime's only thread holds the ticker for its whole length; the paused
    /// clock does not move while the job computes, so this reads real time, and only its
    /// lower bound is certain: the ticker waited at least for the job.
    #[test]
    fn a_job_on_the_runtime_thread_holds_the_ticker_for_its_length() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let job = Duration::from_millis(60);
        let held = runtime.block_on(beside_a_ticker(Strategy::Blocking, job));
        assert!(
            held.value >= job.as_secs_f64() - TICK.as_secs_f64(),
            "{}",
            held.value
        );
    }

    #[test]
    fn no_strategy_hangs_and_every_ticker_ticks() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for strategy in Strategy::ALL {
            let sample = runtime.block_on(beside_a_ticker(strategy, Duration::from_millis(20)));
            assert!(sample.extra["ticks"] >= 1.0, "{strategy:?}: {sample:?}");
        }
    }

    #[test]
    fn each_job_runs_where_its_strategy_says() {
        let _one = crate::trace::one_recording_at_a_time();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let job = Duration::from_millis(20);
        for (strategy, lane) in [
            (Strategy::Blocking, "job, on the runtime's thread"),
            (Strategy::SpawnBlocking, "job, on a blocking-pool thread"),
            (Strategy::Rayon, "job, on a rayon thread"),
        ] {
            let recording = crate::trace::Recording::start();
            runtime.block_on(beside_a_ticker(strategy, job));
            let (lanes, _) = recording.finish();
            // Other tests may record lanes of their own meanwhile: look only at this one.
            let jobs: Vec<_> = lanes.iter().filter(|l| l.label == lane).collect();
            assert!(!jobs.is_empty(), "{strategy:?}: no lane `{lane}`");
            for recorded in jobs {
                let [span] = recorded.spans[..] else {
                    panic!("{strategy:?}: {:?}", recorded.spans);
                };
                assert_eq!(span.kind, SpanKind::Running);
                assert!(span.end_ns - span.start_ns >= job.as_nanos() as u64);
            }
        }
    }
}
