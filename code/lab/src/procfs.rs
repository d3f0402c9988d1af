//! How much memory a process holds, read from Linux's `/proc`: what the `memory` experiment
//! (and any other that weighs workers) reports.
//!
//! - **RSS** (`VmRSS`) counts every page the process has in RAM, including the pages of the
//!   executable and shared libraries that other processes map too.
//! - **Peak RSS** (`VmHWM`, the "high-water mark") is the most RSS the process ever had.
//! - **PSS** (`Pss` in `smaps_rollup`) divides each shared page among the processes that map
//!   it, so the PSS of several processes adds up to the memory they really take together.

use std::fs;

use anyhow::{Context, Result, bail};

/// One process's memory, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now.
    pub rss: u64,
    /// The highest resident set size so far.
    pub peak_rss: u64,
    /// Proportional set size: shared pages divided among their sharers.
    pub pss: u64,
}

/// Which process to read: `/proc/self`, or `/proc/PID`.
#[derive(Debug, Clone, Copy)]
pub enum Process {
    /// The calling process.
    This,
    /// Another process, by PID (a child of ours, say).
    Id(u32),
}

impl Process {
    fn dir(self) -> String {
        match self {
            Process::This => "/proc/self".to_string(),
            Process::Id(pid) => format!("/proc/{pid}"),
        }
    }
}

/// Reads `process`'s memory now.
///
/// # Errors
///
/// If `/proc` is missing (not Linux), the process has gone, or a file lacks its field.
pub fn memory_of(process: Process) -> Result<Memory> {
    let dir = process.dir();
    let status = read(&format!("{dir}/status"))?;
    let rollup = read(&format!("{dir}/smaps_rollup"))?;
    Ok(Memory {
        rss: kib_field(&status, "VmRSS:").with_context(|| format!("{dir}/status"))?,
        peak_rss: kib_field(&status, "VmHWM:").with_context(|| format!("{dir}/status"))?,
        pss: kib_field(&rollup, "Pss:").with_context(|| format!("{dir}/smaps_rollup"))?,
    })
}

fn read(path: &str) -> Result<String> {
    fs::read_to_string(path).with_context(|| {
        format!("cannot read {path}: memory is read from Linux's /proc, and this is not Linux or the process has exited")
    })
}

/// The value of a `NAME:   1234 kB` line, in bytes.
fn kib_field(text: &str, name: &str) -> Result<u64> {
    let Some(line) = text.lines().find(|line| line.starts_with(name)) else {
        bail!("no `{name}` line");
    };
    let mut words = line[name.len()..].split_whitespace();
    match (words.next().map(str::parse::<u64>), words.next()) {
        (Some(Ok(kib)), Some("kB")) => Ok(kib * 1024),
        _ => bail!("`{line}` is not `{name} N kB`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_in_bytes() {
        let status = "Name:\tlab\nVmHWM:\t    2048 kB\nVmRSS:\t    1536 kB\n";
        assert_eq!(kib_field(status, "VmRSS:").unwrap(), 1536 * 1024);
        assert_eq!(kib_field(status, "VmHWM:").unwrap(), 2048 * 1024);
        let missing = kib_field(status, "Pss:").unwrap_err().to_string();
        assert!(missing.contains("no `Pss:` line"), "{missing}");
        let garbled = kib_field("VmRSS: lots\n", "VmRSS:")
            .unwrap_err()
            .to_string();
        assert!(garbled.contains("is not `VmRSS: N kB`"), "{garbled}");
    }

    #[test]
    fn touching_memory_raises_this_process_s_rss() {
        let before = memory_of(Process::This).unwrap();
        // 64 MiB, every page written, so that it is resident and not merely reserved.
        let block = vec![1u8; 64 << 20];
        let after = memory_of(Process::This).unwrap();
        assert_eq!(std::hint::black_box(&block)[12345], 1);
        assert!(
            after.rss >= before.rss + (48 << 20),
            "{before:?} → {after:?}"
        );
        assert!(after.peak_rss >= after.rss && after.pss > 0, "{after:?}");
    }

    #[test]
    fn a_missing_process_is_a_clear_error() {
        // PIDs are at most 2^22 on Linux, so this one cannot exist.
        let err = format!("{:#}", memory_of(Process::Id(u32::MAX)).unwrap_err());
        assert!(err.contains("/proc/4294967295/status"), "{err}");
    }
}
