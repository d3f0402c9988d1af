//! What machine the numbers were measured on, and how much parallel work it can really do.

use std::process::Command;
use std::thread;
use std::time::SystemTime;

use crate::results::Machine;

/// Logical CPUs this process may run on.
pub fn logical_cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Describes this machine. `parallel_ceiling` comes from the suite's calibration.
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
