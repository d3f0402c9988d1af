//! What machine the numbers were measured on, and how much parallel work it can really do.

use std::process::Command;
use std::thread;
use std::time::{Instant, SystemTime};

use crate::results::Machine;
use crate::stats::Summary;
use crate::workloads::cpu_task_with;

/// Iterations of spin work per calibration run: tens of milliseconds, long enough to dwarf
/// thread start-up, short enough to repeat.
const CALIBRATION_ITERATIONS: u64 = 200_000_000;

/// Logical CPUs this process may run on.
pub fn logical_cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Describes this machine. `parallel_ceiling` comes from [`measure_parallel_ceiling`].
pub fn describe(mode: &str, parallel_ceiling: f64) -> Machine {
    Machine {
        cpu: cpu_model(),
        logical_cpus: logical_cpus(),
        os: os_name(),
        rustc: rustc_version(),
        date: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        mode: mode.to_string(),
        parallel_ceiling,
    }
}

/// Measures the parallel ceiling: the throughput of `logical_cpus` threads spinning on
/// independent work, divided by the throughput of one.
///
/// On a machine with `n` idle physical cores this is close to `n`; on the 2-vCPU VMs this
/// book is built on it is often 1.1–1.25, because the two vCPUs share a core or a host. Every
/// speedup in the book is read against this number, never against the core count.
///
/// Runs one warm-up and then `samples` rounds of each, and compares the medians.
pub fn measure_parallel_ceiling(samples: usize, mut on_sample: impl FnMut()) -> f64 {
    let threads = logical_cpus();
    let one = time_spinning_threads(1, samples, &mut on_sample);
    let all = time_spinning_threads(threads, samples, &mut on_sample);
    // Each of the `threads` threads did the work one thread did alone.
    threads as f64 * one / all
}

/// Median seconds for `threads` threads to each finish the calibration work.
fn time_spinning_threads(threads: usize, samples: usize, on_sample: &mut impl FnMut()) -> f64 {
    let run = || {
        let start = Instant::now();
        thread::scope(|s| {
            for t in 0..threads {
                s.spawn(move || cpu_task_with(t as u64, CALIBRATION_ITERATIONS));
            }
        });
        start.elapsed().as_secs_f64()
    };
    run(); // warm-up: page in the code, wake the CPUs from idle states
    let times: Vec<f64> = (0..samples)
        .map(|_| {
            let t = run();
            on_sample();
            t
        })
        .collect();
    Summary::of(&times).median
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    let base = pretty.unwrap_or_else(|| std::env::consts::OS.to_string());
    format!("{base} ({})", std::env::consts::ARCH)
}

fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown rustc".into())
}
