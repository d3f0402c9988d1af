//! What machine the numbers were measured on, and how much the host disturbed it.

use std::process::Command;
use std::thread;
use std::time::SystemTime;

use crate::results::Machine;
use crate::stats::Estimate;

/// Logical CPUs this process may run on.
pub fn logical_cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Describes this machine, now. `parallel_ceiling` comes from the suite's calibration;
/// `steal` is filled in per experiment.
pub fn describe(mode: &str, disturbed: bool, parallel_ceiling: Estimate) -> Machine {
    Machine {
        cpu: cpu_model(),
        logical_cpus: logical_cpus(),
        os: os_name(),
        rustc: rustc_version(),
        date: now(),
        mode: mode.to_string(),
        disturbed,
        parallel_ceiling,
        steal: None,
    }
}

/// The current time, RFC 3339, UTC, to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// The machine-wide CPU time counters of `/proc/stat`, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// user + nice + system + idle + iowait + irq + softirq + steal.
    total: u64,
    /// Time a hypervisor ran something else while one of this VM's CPUs wanted to run.
    steal: u64,
}

impl CpuTimes {
    /// The counters now; `None` where the kernel does not report steal time (not Linux, or
    /// a kernel older than 2.6.11).
    pub fn now() -> Option<CpuTimes> {
        CpuTimes::parse(&std::fs::read_to_string("/proc/stat").ok()?)
    }

    /// Reads the first (`cpu `, all CPUs together) line of `/proc/stat`.
    fn parse(stat: &str) -> Option<CpuTimes> {
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .strip_prefix("cpu ")?
            .split_whitespace()
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        let counted = fields.get(..8)?;
        Some(CpuTimes {
            total: counted.iter().sum(),
            steal: counted[7],
        })
    }

    /// The share of all CPU time between `earlier` and `self` that the host stole.
    pub fn steal_since(&self, earlier: &CpuTimes) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let steal = self.steal.checked_sub(earlier.steal)?;
        (total > 0).then(|| steal as f64 / total as f64)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steal_is_its_share_of_all_cpu_time() {
        let before = CpuTimes::parse("cpu  100 0 50 800 10 0 0 40 0 0\ncpu0 1 2 3\n").unwrap();
        let after = CpuTimes::parse("cpu  200 0 100 1600 10 0 0 90 5 0\n").unwrap();
        // 1000 ticks went by (guest time is inside user already), 50 of them stolen.
        assert_eq!(after.steal_since(&before), Some(0.05));
    }

    #[test]
    fn a_kernel_without_steal_reports_none() {
        assert_eq!(CpuTimes::parse("cpu  100 0 50 800\n"), None);
        assert_eq!(CpuTimes::parse("intr 5\n"), None);
    }
}
